"""Assess many cases in a stream: one Result per answers mapping, in constant memory.

`assess_many` is a generator: it reads one row, assesses it and yields the Result
before it reads the next, so a file of a million assessments never sits in memory at
once. With ``on_error="collect"`` a row whose answers are refused comes back as a
`RowError` (its position and the problems) and the batch goes on.

>>> import risk_scoring as rs
>>> rows = [{"items": {str(n): "no" for n in range(1, 14)}}, {"items": {}}]
>>> [type(r).__name__ for r in rs.assess_many("odara", rows, on_error="collect")]
['Result', 'RowError']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, overload

from ..definition.instrument import Instrument
from ..definition.loading import load_instrument
from ..definition.result import Result
from ..errors import AnswerError, Problem
from .assessment import assess

__all__ = ["RowError", "assess_many"]

OnError = Literal["raise", "collect"]


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
) -> Iterator[Result]: ...


@overload
def assess_many(
    instrument: Instrument | str,
    rows: Iterable[Mapping[str, Any]],
    *,
    on_error: Literal["collect"],
) -> Iterator[Result | RowError]: ...


def assess_many(
    instrument: Instrument | str,
    rows: Iterable[Mapping[str, Any]],
    *,
    on_error: OnError = "raise",
) -> Iterator[Result] | Iterator[Result | RowError]:
    """Assess every answers mapping in `rows`, yielding results in input order.

    `rows` may be any iterable, including a generator reading a file, and is consumed
    lazily. With ``on_error="raise"`` (the default) the first refused row stops the
    batch with an `AnswerError` whose problem paths start ``rows.<index>.``; with
    ``on_error="collect"`` it is yielded as a `RowError` in its place.
    """
    if on_error not in ("raise", "collect"):
        raise AnswerError(
            [Problem("on_error", f"{on_error!r} is not allowed; expected 'raise' or 'collect'")]
        )
    inst = load_instrument(instrument) if isinstance(instrument, str) else instrument
    if on_error == "collect":
        return _collecting(inst, rows)
    return _raising(inst, rows)


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
