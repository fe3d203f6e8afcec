"""Argument checks for the public analysis functions: only our errors, never a foreign one.

A public function in `risk_scoring.analysis` (plots, frames) checks its arguments with
these before it uses them, so a wrong argument raises an `AnswerError` whose problem
names the argument and says what was expected, and a missing optional library raises an
`ExtraNotInstalledError` naming the extra that brings it, instead of an AttributeError,
TypeError or ModuleNotFoundError from deep inside pandas or matplotlib.

>>> import risk_scoring as rs
>>> from risk_scoring.analysis import checks
>>> checks.one_of("de", ("nb", "en"), "lang")
Traceback (most recent call last):
...
risk_scoring.errors.AnswerError: 1 problem in the answers
  lang: 'de' is not allowed; expected one of 'nb', 'en'
"""

from __future__ import annotations

import contextlib
import importlib
import os
from collections.abc import Collection, Iterable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, TypeVar

from ..definition.instrument import Instrument
from ..definition.loading import load_instrument
from ..definition.result import Result
from ..errors import AnswerError, ExtraNotInstalledError, Problem

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "answer_frame",
    "columns",
    "data_frame",
    "flag",
    "instrument",
    "module",
    "one_of",
    "refuse",
    "results",
]

T = TypeVar("T")

MAX_SHOWN = 8
"""How many allowed values or missing columns a problem lists before "and N more"."""


def refuse(argument: str, message: str, instrument: str = "") -> AnswerError:
    """The error for one wrong argument (raise it): ``<argument>: <message>``."""
    return AnswerError([Problem(argument, message, code="bad_argument")], instrument)


def _kind(value: object) -> str:
    kind = type(value)
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"


def _shown(value: object) -> str:
    """A short plain value as written in Python; anything else by its type."""
    text = repr(value)
    if (value is None or isinstance(value, (str, int, float))) and len(text) <= 60:
        return text
    return f"a {_kind(value)}"


def _listed(values: Sequence[str]) -> str:
    shown = ", ".join(repr(v) for v in values[:MAX_SHOWN])
    more = len(values) - MAX_SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


def module(name: str, extra: str, needs: str) -> ModuleType:
    """Import `name`, or raise `ExtraNotInstalledError` saying `needs` and naming `extra`."""
    try:
        return importlib.import_module(name)
    except ImportError:
        raise ExtraNotInstalledError(extra, needs) from None


def instrument(value: object, argument: str = "instrument") -> Instrument:
    """A loaded Instrument, a built-in id or a path to a definition, loaded."""
    if isinstance(value, Instrument):
        return value
    if isinstance(value, (str, os.PathLike)):
        return load_instrument(value)  # raises InstrumentNotFoundError, one of ours
    raise refuse(argument, f"expected an Instrument, a built-in id or a path, not a {_kind(value)}")


def data_frame(
    value: object, argument: str, *, extra: str, needs: str, hint: str = ""
) -> pd.DataFrame:
    """`value` as a pandas DataFrame; a polars or pyarrow frame is converted.

    A Series (one row or one column of a frame) and a list of mappings are refused with
    a hint saying how to make a frame of them.
    """
    module("pandas", extra, needs)
    import pandas as pd

    if not isinstance(value, pd.DataFrame) and hasattr(value, "to_pandas"):
        with contextlib.suppress(Exception):  # a frame that cannot convert is refused below
            value = value.to_pandas()
    if isinstance(value, pd.DataFrame):
        return value
    message = f"expected a pandas DataFrame, not a {_kind(value)}"
    if isinstance(value, pd.Series):
        message += (
            " (one row or column of a frame): for one row pass a one-row frame, "
            "df.loc[[label]] or df.iloc[[i]]"
        )
    elif hint:
        message += f" ({hint})"
    raise refuse(argument, message)


def answer_frame(value: object, argument: str = "df") -> pd.DataFrame:
    """An answer frame (one row per assessment), as `frame_to_answers` and `score_frame`
    read it; a list of answer mappings gets the hint to use `answers_to_frame`."""
    hint = ""
    if isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
        hint = "for answer mappings, make a frame with answers_to_frame(instrument, answers)"
    return data_frame(value, argument, extra="frames", needs="answer frames need pandas", hint=hint)


def columns(frame: pd.DataFrame, names: Iterable[str], argument: str = "frame") -> None:
    """Refuse a frame that lacks any of the columns `names`, naming every one missing."""
    present = {str(c) for c in frame.columns}
    lacking = [name for name in dict.fromkeys(names) if name not in present]
    if lacking:
        noun = "column" if len(lacking) == 1 else "columns"
        raise refuse(argument, f"has no {noun} {_listed(lacking)}")


def one_of(value: T, allowed: Collection[T], argument: str) -> T:
    """`value` if it is one of `allowed` (in their order in the message)."""
    if not any(type(value) is type(a) and value == a for a in allowed):
        shown = [str(a) for a in allowed]
        raise refuse(argument, f"{_shown(value)} is not allowed; expected one of {_listed(shown)}")
    return value


def flag(value: object, argument: str) -> bool:
    """A True or False argument (numpy's bools too); anything else is refused."""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return bool(value)
    raise refuse(argument, f"expected True or False, not a {_kind(value)}")


def results(values: object, argument: str = "results") -> list[Result]:
    """Results from a list or any iterable (such as `assess_many`), each checked."""
    if isinstance(values, Result):
        raise refuse(argument, "expected several Results (a list), not one Result")
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise refuse(argument, f"expected Results (a list or an iterable), not a {_kind(values)}")
    found = list(values)
    wrong = [i for i, value in enumerate(found) if not isinstance(value, Result)]
    if wrong:
        first = found[wrong[0]]
        raise refuse(
            f"{argument}.{wrong[0]}",
            f"is a {_kind(first)}, not a Result"
            + (f" ({len(wrong) - 1} more like it)" if len(wrong) > 1 else ""),
        )
    return found
