"""Assess many cases in a stream: one Result per answers mapping, in constant memory.

`assess_many` is a generator: it reads one row, assesses it and yields the Result
before it reads the next, so a file of a million assessments never sits in memory at
once. With ``on_error="collect"`` a row whose answers are refused comes back as a
`RowError` (its position and the problems) and the batch goes on.

>>> import risk_scoring as rs
>>> rows = [{"items": {str(n): "no" for n in range(1, 14)}}, {"items": {}}]
>>> [type(r).__name__ for r in rs.assess_many("odara", rows, on_error="collect")]
['Result', 'RowError']

``progress=True`` shows a progress bar with tqdm when it is installed (in a notebook,
its widget) and is a silent no-op otherwise; ``progress=callback`` calls
``callback(done)`` with the number of rows assessed so far after each row.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sized
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, overload

from ..definition.instrument import Instrument
from ..definition.loading import load_instrument
from ..definition.result import Result
from ..errors import AnswerError, Problem
from .assessment import assess

__all__ = ["RowError", "assess_many"]

OnError = Literal["raise", "collect"]
Progress = bool | Callable[[int], object] | None
"""`assess_many`'s progress: False or None for none, True for tqdm if installed, or a
callback that takes the number of rows assessed so far."""

T = TypeVar("T")
_CODE = re.compile(r"[A-Za-z0-9_.-]{1,40}")


@dataclass(frozen=True, slots=True)
class RowError:
    """A row the batch refused: its 0-based position in the input and every problem.

    Like `AnswerError`, the problems never quote free text from the answers.
    """

    index: int
    problems: tuple[Problem, ...]

    def __str__(self) -> str:
        noun = "problem" if len(self.problems) == 1 else "problems"
        lines = [f"row {self.index}: {len(self.problems)} {noun}"]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)


@overload
def assess_many(
    instrument: Instrument | str,
    rows: Iterable[Mapping[str, Any]],
    *,
    on_error: Literal["raise"] = "raise",
    progress: Progress = None,
) -> Iterator[Result]: ...


@overload
def assess_many(
    instrument: Instrument | str,
    rows: Iterable[Mapping[str, Any]],
    *,
    on_error: Literal["collect"],
    progress: Progress = None,
) -> Iterator[Result | RowError]: ...


def assess_many(
    instrument: Instrument | str,
    rows: Iterable[Mapping[str, Any]],
    *,
    on_error: OnError = "raise",
    progress: Progress = None,
) -> Iterator[Result] | Iterator[Result | RowError]:
    """Assess every answers mapping in `rows`, yielding results in input order.

    `rows` may be any iterable, including a generator reading a file, and is consumed
    lazily. With ``on_error="raise"`` (the default) the first refused row stops the
    batch with an `AnswerError` whose problem paths start ``rows.<index>.``; with
    ``on_error="collect"`` it is yielded as a `RowError` in its place.

    `progress` is False or None (the default: none), True (a tqdm bar, in a notebook
    its widget, when tqdm is installed; otherwise nothing), or a callable that is given
    the number of rows assessed so far after each row. Arguments of the wrong kind
    (`rows` that is not an iterable of mappings, say) raise `AnswerError` at once.
    """
    problems = []
    if on_error not in ("raise", "collect"):
        shown = repr(on_error) if isinstance(on_error, str) and _CODE.fullmatch(on_error) else None
        what = shown or f"a value of type {type(on_error).__name__}"
        problems.append(
            Problem("on_error", f"{what} is not allowed; expected 'raise' or 'collect'")
        )
    if not isinstance(instrument, (Instrument, str)):
        problems.append(
            Problem(
                "instrument",
                f"expected an Instrument or an instrument id, not {type(instrument).__name__}",
            )
        )
    if not isinstance(rows, Iterable) or isinstance(rows, (str, bytes, bytearray, Mapping)):
        problems.append(
            Problem(
                "rows",
                f"expected an iterable of answer mappings, not {type(rows).__name__}",
            )
        )
    problems.extend(progress_problems(progress))
    if problems:
        raise AnswerError(problems)
    inst = load_instrument(instrument) if isinstance(instrument, str) else instrument
    counted = _counted(rows, progress)
    if on_error == "collect":
        return _collecting(inst, counted)
    return _raising(inst, counted)


def _tqdm() -> Any:
    """tqdm's notebook-aware bar class, or None when tqdm is not installed."""
    try:
        return importlib.import_module("tqdm.auto").tqdm
    except ImportError:
        return None


def progress_problems(progress: object) -> list[Problem]:
    """The problem with a `progress=` argument, if any (shared by `score_frame`)."""
    if progress is None or isinstance(progress, bool) or callable(progress):
        return []
    message = f"expected True, False or a callable, not {type(progress).__name__}"
    return [Problem("progress", message, code="bad_argument")]


@contextmanager
def reporting(
    progress: Progress, total: int | None, desc: str
) -> Iterator[Callable[[int], object] | None]:
    """A callback taking the number of rows done so far, as `progress` asks: a tqdm bar
    (closed on leaving), the caller's own callback, or None for none."""
    if progress is None or progress is False:
        yield None
    elif progress is True:
        bar_class = _tqdm()
        if bar_class is None:
            yield None
            return
        bar = bar_class(total=total, unit="row", desc=desc)
        try:
            yield lambda done: bar.update(done - bar.n)
        finally:
            bar.close()
    else:
        yield progress


def _counted(rows: Iterable[T], progress: Progress) -> Iterable[T]:
    """`rows`, reporting each row as it is taken (after the previous one is assessed)."""
    if progress is None or progress is False or (progress is True and _tqdm() is None):
        return rows
    return _reported(rows, progress)


def _reported(rows: Iterable[T], progress: Progress) -> Iterator[T]:
    total = len(rows) if isinstance(rows, Sized) else None
    with reporting(progress, total, "Assessing") as callback:
        assert callback is not None
        yield from _with_callback(rows, callback)


def _with_callback(rows: Iterable[T], callback: Callable[[int], object]) -> Iterator[T]:
    done = 0
    for row in rows:
        if done:
            callback(done)
        yield row
        done += 1
    if done:
        callback(done)


def _raising(inst: Instrument, rows: Iterable[Mapping[str, Any]]) -> Iterator[Result]:
    for index, row in enumerate(rows):
        try:
            yield assess(inst, row)
        except AnswerError as exc:
            problems = [_at_row(index, p) for p in exc.problems]
            raise AnswerError(problems, inst.id) from None


def _collecting(inst: Instrument, rows: Iterable[Mapping[str, Any]]) -> Iterator[Result | RowError]:
    for index, row in enumerate(rows):
        try:
            yield assess(inst, row)
        except AnswerError as exc:
            yield RowError(index, exc.problems)


def _at_row(index: int, problem: Problem) -> Problem:
    path = f"rows.{index}.{problem.path}" if problem.path else f"rows.{index}"
    return Problem(path, problem.message, problem.source, problem.line, problem.column)
