"""The README says truly what the tests need and what CI runs: every program a test is skipped without is
installed by .ci/run and named where the README says what .ci/run installs, or named as run only where
installed (the README said the antiword path "is tested everywhere" while its test command skipped it)."""

from __future__ import annotations

import re

from helpers import ROOT


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.;])\s", " ".join(text.split()))


def test_the_readme_says_which_skipped_tests_ci_runs():
    needed = set()
    for path in (ROOT / "tests").glob("test_*.py"):
        for line in re.findall(r"skipif\(not.*", path.read_text(encoding="utf-8")):
            needed |= set(re.findall(r'shutil\.which\("(\w+)"\)', line))
    assert {"antiword", "catdoc", "soffice"} <= needed
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    installed = {t for t in needed if re.search(rf"\b{t}\b", ci.split("apt-get install", 1)[0])}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    says_ci = " ".join(s for s in _sentences(readme) if "`.ci/run` installs" in s)
    for tool in needed:
        if tool in installed:
            assert re.search(rf"\b{tool}\b", says_ci, re.I), f"README: .ci/run installs {tool}: say so"
        else:
            assert re.search(rf"`{tool}`[^.]*only where|only where[^.]*`{tool}`", readme), f"README: {tool} is not in CI"
