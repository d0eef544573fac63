"""The production server: waitress, taking raw UTF-8 in a request's target as browsers send it encoded.

`curl 'http://127.0.0.1:8000/api/search?q=防溺水'` sends the Chinese as raw bytes, not as %XX.
waitress (3.0.2, its newest release) splits the target with urllib's urlsplit, which reads bytes as
ASCII, and answers a bare "400 Bad URI" itself: the app never sees the request and nothing is
logged. A browser given the same URL sends the percent-encoded UTF-8 bytes instead; the parser below
does exactly that to the request line before waitress reads it, so the request means what the
browser's would, reaches the app and is logged like any other. Bytes that are not UTF-8 arrive as
%XX too and are decoded by the app with replacement characters, never an error.
"""

from __future__ import annotations

import re

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import BaseWSGIServer, create_server


def serve(app, **options) -> None:
    """waitress.serve(app, **options), with the request line's raw non-ASCII bytes percent-encoded."""
    sockets: dict = {}
    server = create_server(app, map=sockets, **options)
    for dispatcher in list(sockets.values()):
        if isinstance(dispatcher, BaseWSGIServer):  # one per address listened on
            dispatcher.channel_class = _Channel
    server.print_listen("Serving on http://{}:{}")
    server.run()


_NON_ASCII = re.compile(rb"[\x80-\xff]")


def encode_request_line(header_plus: bytes) -> bytes:
    """The request line with each byte past ASCII written as %XX (headers untouched)."""
    end = header_plus.find(b"\r\n")
    if end < 0 or not _NON_ASCII.search(header_plus, 0, end):
        return header_plus
    return _NON_ASCII.sub(lambda m: b"%%%02X" % m.group()[0], header_plus[:end]) + header_plus[end:]


class _Parser(HTTPRequestParser):
    def parse_header(self, header_plus):
        return super().parse_header(encode_request_line(header_plus))


class _Channel(HTTPChannel):
    parser_class = _Parser
