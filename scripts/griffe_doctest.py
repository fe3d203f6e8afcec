"""A griffe extension for the API reference: show doctest examples as code blocks.

The library's docstrings carry small doctests (``>>> rs.assess(...)``) in their prose.
Markdown would read ``>>>`` as nested quotes and ``x["a"]["b"]`` as links, so this wraps
every run of doctest lines (and the output lines after them) in a ``pycon`` fence and
drops ``# doctest:`` directives. mkdocs.yml loads it through mkdocstrings' ``extensions``.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_DIRECTIVE = re.compile(r"\s*#\s*doctest:.*$")


def fence_doctests(text: str) -> str:
    """`text` with each block of doctest lines fenced as ``pycon``."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.lstrip()
        if not stripped.startswith(">>>"):
            out.append(line)
            i += 1
            continue
        indent = line[: len(line) - len(stripped)]
        block: list[str] = []
        while i < len(lines) and lines[i].strip() and lines[i].startswith(indent):
            block.append(_DIRECTIVE.sub("", lines[i][len(indent) :]))
            i += 1
        if out and out[-1].strip():
            out.append("")
        out += [f"{indent}```pycon", *(f"{indent}{b}" for b in block), f"{indent}```"]
        if i < len(lines) and lines[i].strip():
            out.append("")
    return "\n".join(out)


class DoctestFences(griffe.Extension):
    """Fence doctest examples in every docstring griffe loads."""

    def on_instance(self, *, node: Any, obj: griffe.Object, agent: Any, **kwargs: Any) -> None:
        if obj.docstring is not None and ">>>" in obj.docstring.value:
            obj.docstring.value = fence_doctests(obj.docstring.value)
