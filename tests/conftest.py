"""Shared fixtures: the bundled corpus (seeds/), small real-text fixtures, a built index, the app."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_000 = SEEDS / "000_d895e07126d09c4a.txt"
SEED_003 = SEEDS / "003_b60ab74d721999db.txt"
GOV = SEEDS / "gov-work-reports"


@pytest.fixture
def seed_text() -> str:
    return SEED_003.read_text(encoding="utf-8")
