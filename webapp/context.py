"""What a request's handlers read from the running app: the index library and the public base URL."""

from __future__ import annotations

from flask import current_app

from indexer.store.reader import Library


def public_base() -> str:
    """The server's public base URL (`serve --base-url`), "" when links stay relative."""
    return current_app.config.get("BASE_URL", "")


def library() -> Library:
    """The index the app serves, switched to a new generation when a reindex publishes one."""
    return current_app.extensions["edusearch"]
