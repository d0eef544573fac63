"""Markdown as a reader sees it: plain text for matching, sanitised HTML for display."""

from __future__ import annotations

import re

import markdown as _markdown
import nh3

from indexer.ingest.webpage import html_to_text

# Anything that Markdown would turn into something other than the same characters.
_SYNTAX = re.compile(r"[*_`\[\]<>&\\|~]|^\s{0,3}(?:[-+]\s|\d+\.\s|>|#|={3,}|-{3,})", re.M)
_ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "b", "i", "u", "s", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "a", "sup", "sub", "span",
}


def has_markup(src: str) -> bool:
    return _SYNTAX.search(src) is not None


def md_to_html(src: str) -> str:
    """Markdown → HTML with raw HTML, scripts, handlers and javascript: links removed."""
    html = _markdown.markdown(src, extensions=["tables"], output_format="html")
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "td": {"align"}, "th": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def md_to_text(src: str) -> str:
    """The text a reader sees once the Markdown is rendered."""
    if not has_markup(src):
        return src
    text, _ = html_to_text(md_to_html(src))
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())
