"""The SPJ case record as frame columns: one row per result, for batch work.

`to_frame` gives these columns for results of spj instruments (after the result
columns, before any answer columns); `record_values(result)` gives one result's as
plain Python values, and `record_frame(results)` a DataFrame of them alone, one row per
result in the order given (a `RowError` becomes a row of missing values), for results
of any instrument.

==============================  ==========================================================
column                          holds
==============================  ==========================================================
``high_risk_case``              True, False or missing (pandas ``boolean``)
``plan.chosen``, ``.rejected``, how many plan entries have each status
``.deferred``, ``.undecided``
``plan.pair``                   how many measures the pair decided that the rules did not
                                recommend
``plan.monitoring``, ...        how many decided measures serve each strategy
                                (``monitoring``, ``supervision``, ``treatment``,
                                ``victim_safety_planning``)
``review_due``                  the review date, ``YYYY-MM-DD``, or None
``disagreements``               how many item dimensions and judgements the raters differed on
==============================  ==========================================================

The counts are ``Int64`` (missing for a refused row). No free text of the record is
ever a column.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..definition.record import DECISIONS, STRATEGIES
from ..definition.result import Result
from ..engine.batch import RowError
from ..errors import AnswerError, Problem
from .columns import require_pandas

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["RECORD_COLUMNS", "insert_record_columns", "record_frame", "record_values"]

STATUSES = (*DECISIONS, "undecided")
RECORD_COLUMNS: tuple[str, ...] = (
    "high_risk_case",
    *(f"plan.{status}" for status in STATUSES),
    "plan.pair",
    *(f"plan.{strategy}" for strategy in STRATEGIES),
    "review_due",
    "disagreements",
)


def record_values(result: Result) -> dict[str, Any]:
    """The record columns of one result (see the module docstring)."""
    counts = dict.fromkeys(RECORD_COLUMNS[1:-2], 0)
    for entry in result.plan:
        counts[f"plan.{entry.status}"] += 1
        if entry.origin == "pair":
            counts["plan.pair"] += 1
        if entry.decision is not None:
            counts[f"plan.{entry.decision.strategy}"] += 1
    return {
        "high_risk_case": result.high_risk_case,
        **counts,
        "review_due": result.review.due if result.review is not None else None,
        "disagreements": len(result.disagreements),
    }


def record_frame(results: Iterable[Result | RowError]) -> pd.DataFrame:
    """The record columns of `results`, one row each, indexed 0, 1, 2, ... as `to_frame`."""
    require_pandas()
    import pandas as pd

    rows: list[dict[str, Any] | None] = []
    for i, record in enumerate(results):
        if isinstance(record, RowError):
            rows.append(None)
        elif isinstance(record, Result):
            rows.append(record_values(record))
        else:
            message = "is not a Result or a RowError"
            raise AnswerError([Problem(f"results.{i}", message, code="bad_argument")])
    frame: pd.DataFrame = pd.DataFrame(index=pd.RangeIndex(len(rows)))
    insert_record_columns(frame, len(frame.columns), rows)
    return frame


def insert_record_columns(frame: pd.DataFrame, at: int, rows: list[dict[str, Any] | None]) -> None:
    """Put the record columns of `rows` (None for a refused row) into `frame` from column
    position `at`, with their dtypes: ``boolean``, ``Int64`` counts, the date as text."""
    import pandas as pd

    for offset, name in enumerate(RECORD_COLUMNS):
        values = [None if row is None else row[name] for row in rows]
        column: Any
        if name == "high_risk_case":
            column = pd.array(values, dtype="boolean")
        elif name == "review_due":
            column = pd.Series(values, dtype=object, index=frame.index)
        else:
            column = pd.array(values, dtype="Int64")
        frame.insert(at + offset, name, column)
