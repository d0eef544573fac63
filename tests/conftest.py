"""Shared fixtures: the seed text, the loaded dictionary, a built index of the seeds and our own report fixtures
(and one of our official documents), the app, and one headless Chromium per browser-test module."""

from __future__ import annotations

import os

import pytest
from helpers import ARGS, CHROMIUM, CORPUS, GONGWEN, SEED_003


@pytest.fixture
def seed_text() -> str:
    return SEED_003.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def dict_hash(tmp_path_factory) -> str:
    """The shipped dictionary, loaded: what an index built without --userdict analyses with."""
    from indexer.text.analysis import combined_dictionary, dictionary_hash, load_jieba

    path = tmp_path_factory.mktemp("dict") / "userdict.txt"
    path.write_text(combined_dictionary(), encoding="utf-8")
    load_jieba(path)
    return dictionary_hash(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory):
    """A real index of the seeds and the report fixtures."""
    from indexer.store.build import reindex

    root = tmp_path_factory.mktemp("index")
    reindex(root, list(CORPUS), progress=False)
    return root


@pytest.fixture(scope="session")
def gongwen_index(tmp_path_factory):
    """A real index of our made-up official documents (fixtures/gongwen)."""
    from indexer.store.build import reindex

    root = tmp_path_factory.mktemp("gongwen-index")
    reindex(root, [GONGWEN], progress=False)
    return root


@pytest.fixture(scope="session")
def reader(index_dir):
    from indexer.store.reader import Library

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


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module (Playwright driving Debian's chromium)."""
    from playwright.sync_api import sync_playwright

    assert os.path.exists(CHROMIUM), "Debian's chromium is needed (apt-get install chromium); .ci/run installs it"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()
