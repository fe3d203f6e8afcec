"""Escaping for the Markdown and text formats (HTML is autoescaped by Jinja2).

Markdown output passes every ``{{ ... }}`` through `markdown_escape`, so free text cannot
form links, tables, HTML or block structure (`markdown_inline` marks text already
escaped for one line, e.g. a table cell); text output passes through `plain_text`,
which drops control characters. Both keep a `MultiLine` value's line breaks.
"""

from __future__ import annotations

import re

from .cleaning import MultiLine

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Removed from text and Markdown output: terminal escapes, NUL, other controls, line
separators, and the bidi embedding, override and isolate controls."""

_MD_INLINE = str.maketrans(
    {
        "\\": "\\\\",
        "`": "\\`",
        "*": "\\*",
        "_": "\\_",
        "[": "\\[",
        "]": "\\]",
        "(": "\\(",
        ")": "\\)",
        "{": "\\{",
        "}": "\\}",
        "!": "\\!",
        "~": "\\~",
        "<": "&lt;",
        ">": "&gt;",
        "|": "&#124;",
    }
)
_MD_LINE_START = re.compile(r"^(?:#|([-+]|\d{1,9}(?=[.)]))(?=[.)]?(?:\s|$))|([-=])(?=[-=\s]*$))")
"""What may not start a Markdown line: a ``#`` of any kind (Python-Markdown reads ``#0``
as a heading, CommonMark only ``# 0``; found by the long fuzz run), a list marker, or
a setext underline."""


class MarkdownSafe(str):
    """Text already escaped for Markdown; `markdown_escape` lets it through unchanged."""

    __slots__ = ()


_MD_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


def _markdown_inline(text: str) -> str:
    return _MD_ENTITY.sub("&amp;", text).translate(_MD_INLINE)


def _markdown_line(line: str) -> str:
    line = _markdown_inline(line.strip())
    # A line may not open a heading, list, or setext underline: escape its first marker.
    match = _MD_LINE_START.match(line)
    if match is None:
        return line
    if line[0].isdigit():
        end = match.end()
        return f"{line[:end]}\\{line[end:]}"
    return "\\" + line


def markdown_escape(value: object) -> str:
    """`value` as inert Markdown: every metacharacter escaped, lines as hard breaks.

    Link, image, emphasis, code and table syntax are backslash-escaped or written as
    entities (``<`` ``>`` ``&`` ``|``), so no renderer sees HTML or a cell boundary; a
    line cannot start a heading, list or quote. Lines are joined by hard breaks with a
    two-space indent, which keeps multi-line text inside the list item it belongs to.
    """
    if isinstance(value, MarkdownSafe):
        return value
    text = _CONTROL.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n"))
    lines = [_markdown_line(line) for line in text.split("\n")]
    return "  \n  ".join(line for line in lines if line)


def markdown_inline(value: object) -> MarkdownSafe:
    """`value` escaped for the middle of a Markdown line (a table cell, after a label).

    Like `markdown_escape`, but on one line, and without the line-start escapes that
    only matter where a line begins.
    """
    if isinstance(value, MarkdownSafe):
        return value
    text = _CONTROL.sub("", " ".join(str(value).split()))
    return MarkdownSafe(_markdown_inline(text))


def plain_text(value: object) -> str:
    """`value` for a text report: control characters (terminal escapes) removed.

    A `MultiLine` field printed as it is (``{{ report.justification }}`` in a custom
    template) has its continuation lines indented, so it cannot start a line of its own.
    """
    text = _CONTROL.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n"))
    if isinstance(value, MultiLine):
        return text.replace("\n", "\n  ")
    return text
