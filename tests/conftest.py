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


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory):
    """A real index of the bundled corpus plus the full-width-digit government reports."""
    from indexer.builder import reindex

    root = tmp_path_factory.mktemp("index")
    reindex(root, [SEEDS, FIXTURES / "gov-work-reports-alt"], progress=False)
    return root


@pytest.fixture(scope="session")
def reader(index_dir):
    from indexer.searcher import Library

    return Library(index_dir).reader()


@pytest.fixture(scope="session")
def app(index_dir):
    from webapp import create_app

    app = create_app(index_dir)
    app.config.update(TESTING=True)
    return app


@pytest.fixture
def client(app):
    return app.test_client()
