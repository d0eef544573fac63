"""What goes wrong when a file is read: the one error type every reader raises."""

from __future__ import annotations


class Unreadable(Exception):
    """The file cannot be used; the message says why, for the run summary."""
