"""Free and definition text made safe to lay out: control characters out, one line or many.

Every text a report shows passes through `line` (one-line fields: titles, names, ids) or
`block` (multi-line fields: notes, the justification, text judgements, the definitions'
descriptions, rationales and warning messages). Both remove control characters and the
bidirectional embedding, override and isolate controls (U+202A to U+202E, U+2066 to
U+2069, which could reorder what a reader sees); `line` also turns line breaks and tabs
into spaces, and `block` marks its result `MultiLine`, so the text template can indent
its continuation lines. Escaping is the template environment's job, not this module's.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_FOLD = str.maketrans({"\n": " ", "\t": " "})


class MultiLine(str):
    """A text that may hold line breaks (``\\n``): a note, a justification, a description."""

    __slots__ = ()


def clean(text: str) -> str:
    """`text` without control characters (terminal escapes, NUL) or bidi controls,
    its lines joined by ``\\n``."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def line(text: str) -> str:
    """`text` as one line: cleaned, and every line break and tab a space."""
    return clean(text).translate(_FOLD)


def block(text: str) -> MultiLine:
    """`text` cleaned, its line breaks kept, marked as `MultiLine`."""
    return MultiLine(clean(text))
