"""What a request's handlers read from the running app: the index library and the base of absolute links."""

from __future__ import annotations

from flask import current_app, request

from indexer.store.reader import Library


def public_base() -> str:
    """The server's public base URL (`serve --base-url`), "" when none was given."""
    return current_app.config.get("BASE_URL", "")


def link_base() -> str:
    """Where links that must open outside the page (a CSV opened in Excel) start: --base-url, else the
    request's own scheme and host when the server answers only the names on its allow-list (Flask has
    refused any other Host by now), so no link is built from a Host an attacker chose; "" (relative
    links) when it answers any name (bound to 0.0.0.0 without --allowed-hosts)."""
    if public_base():
        return public_base()
    return request.url_root.rstrip("/") if current_app.config.get("TRUSTED_HOSTS") else ""


def library() -> Library:
    """The index the app serves, switched to a new generation when a reindex publishes one."""
    return current_app.extensions["edusearch"]
