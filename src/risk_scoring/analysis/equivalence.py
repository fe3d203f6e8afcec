"""The column engine against the row engine: does `score_frame` equal `assess` row by row?

`difference(inst, rows)` scores the answer frame of `rows` with `score_frame` and the
answers each row stands for (`frame_to_answers`) one by one with `assess`, and says
where the two frames differ, or returns None. The test suite runs it as a property
over built-in and generated instruments; `risk-scoring check` over users' own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..definition.instrument import Instrument
from ..definition.result import Result
from ..engine.assessment import assess
from ..engine.batch import RowError
from ..errors import AnswerError
from .frames import answers_to_frame, frame_to_answers, score_frame, to_frame

__all__ = ["difference"]


def difference(inst: Instrument, rows: Iterable[Mapping[str, Any]]) -> str | None:
    """None if `score_frame` and `assess` agree on every row of `rows`, else how not."""
    import pandas as pd

    frame = answers_to_frame(inst, rows)
    results: list[Result | RowError] = []
    for index, answers in enumerate(frame_to_answers(inst, frame)):
        try:
            results.append(assess(inst, answers))
        except AnswerError as exc:
            results.append(RowError(index, exc.problems))
    expected = to_frame(results, instrument=inst, record=False)
    if not any(isinstance(r, RowError) for r in results):
        expected = expected.drop(columns=["problems"], errors="ignore")
        got = score_frame(inst, frame)
    else:
        got = score_frame(inst, frame, on_error="collect")
        if "problems" not in expected:
            expected["problems"] = [()] * len(expected)
    expected.index = got.index
    try:
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
    except AssertionError as exc:
        return str(exc).strip()
    return None
