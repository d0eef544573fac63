"""nDCG@k and P@k over graded judgments (0–3)."""

from __future__ import annotations

import math


def dcg(grades: list[int], k: int) -> float:
    return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(grades[:k]))


def ndcg(ranked: list[str], judged: dict[str, int], k: int = 10) -> float:
    """Unjudged sections count as 0; the ideal is every judged section of the query, best first."""
    ideal = dcg(sorted(judged.values(), reverse=True), k)
    return dcg([judged.get(key, 0) for key in ranked], k) / ideal if ideal else 0.0


def precision(ranked: list[str], judged: dict[str, int], k: int = 5, relevant: int = 2) -> float:
    """Share of the first k that are graded `relevant` or better (a missing rank counts as not relevant)."""
    return sum(1 for key in ranked[:k] if judged.get(key, 0) >= relevant) / k
