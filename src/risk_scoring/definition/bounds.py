"""The bounds a Result's fields share with the answers they come from (docs/security.md).

The answer validator (`risk_scoring.engine.checks`) refuses free text over `MAX_TEXT`
characters or holding a lone surrogate, single-line fields (the case reference, an
assessor's role and id) holding a line break or another control character, dates not
written YYYY-MM-DD, and whole numbers JSON cannot carry exactly. A stored Result read
back is held to the same bounds through the constrained types below, so every Result
that validates is one the reports, `compare` and the frames can handle; assessing can
never make a Result that does not read back. Messages never quote the value.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

__all__ = [
    "CONTROL",
    "MAX_INT",
    "MAX_SCORE",
    "MAX_TEXT",
    "ONE_LINE",
    "Count",
    "Date",
    "Digest",
    "Id",
    "InstrumentId",
    "Line",
    "ScaleValueId",
    "Score",
    "Text",
    "Whole",
    "is_date",
    "shown_key",
]

MAX_TEXT = 20_000
"""Characters in one free-text field (a note, the justification, the case reference)."""
MAX_INT = 2**53 - 1
"""Whole numbers lie within ±MAX_INT: exact in JSON and JavaScript."""
MAX_SCORE = 1e12
"""Scores and points: a definition's numbers are within ±1,000,000 (`model.MAX_NUMBER`)
and it has at most 200 items, so even a prorated total stays far below this."""
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""What a single-line field may not hold: C0 and C1 controls (line breaks, tabs, escape),
the Unicode line and paragraph separators, and the bidirectional-text controls."""
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def is_date(value: str) -> bool:
    """Whether `value` is a real date written YYYY-MM-DD (`fromisoformat` alone would
    also take ``20261122`` and week dates)."""
    if not _ISO_DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _unicode(value: str) -> str:
    if not value.isascii():
        try:
            value.encode()
        except UnicodeEncodeError:
            message = "is not valid Unicode text (it holds a lone surrogate)"
            raise PydanticCustomError("not_unicode", message) from None
    return value


ONE_LINE = "must be a single line: no line breaks, control or bidirectional-text characters"


def _one_line(value: str) -> str:
    if CONTROL.search(value):
        raise PydanticCustomError("not_one_line", ONE_LINE)
    return value


def _date(value: str) -> str:
    if not is_date(value):
        raise PydanticCustomError("bad_date", "must be a date written YYYY-MM-DD")
    return value


Text = Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(_unicode)]
"""Free text that may span lines (a note, the justification)."""
Line = Annotated[
    str, Field(max_length=MAX_TEXT), AfterValidator(_unicode), AfterValidator(_one_line)
]
"""Free text on one line (the case reference, an assessor's role and id)."""
Date = Annotated[str, AfterValidator(_date)]
Count = Annotated[int, Field(ge=0, le=MAX_INT)]
Whole = Annotated[int, Field(ge=-MAX_INT, le=MAX_INT)]
Score = Annotated[float, Field(allow_inf_nan=False, ge=-MAX_SCORE, le=MAX_SCORE)]
Id = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
"""An id from a definition (an item, a dimension, a scale value, a level, a judgement, a
context field, a domain, a measure), as definitions write them: never free text, so a
stored result cannot carry a name as a key of `notes` or as its level."""
ScaleValueId = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
"""A scale value's id: definitions allow any text there (``~``, ``Yes, often``)."""
InstrumentId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
"""An instrument's id, as definitions write it (so an error may show it)."""
Digest = Annotated[str, Field(pattern=r"^[0-9a-f]{1,128}$")]

_CODE = re.compile(r"[A-Za-z0-9_.+-]{1,24}")


def shown_key(key: str) -> str:
    """How a key of the input appears in a problem's path: a code as it is, else a
    stand-in (a key of `notes` or `context` may be a name typed by someone)."""
    return key if _CODE.fullmatch(key) else f"<text of {len(key)} characters>"
