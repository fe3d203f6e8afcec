"""Results as DataFrames, and column-wise scoring of whole frames of answers.

Needs the `frames` extra (pandas, numpy); `import risk_scoring` never imports them.

**Answer frames.** One row per assessment; the columns are named like this:

==========================  ===============================================================
column                      holds
==========================  ===============================================================
``N3`` (an item id)         the item's primary value (``recent`` for SARA-V3, ``answer``
                            for DASH)
``N3.past``                 another dimension of the item
``context.<field>``         a context field
``judgements.<id>``         a summary judgement (a level id, or text)
``case_ref``, ``assessed_on``, ``justification``   as in an answers mapping
==========================  ===============================================================

A missing cell (None, NaN, NA) means "not given". A row means exactly the answers
mapping `frame_to_answers` builds from it: an item with any dimension column in the
frame is answered as a mapping of its non-missing cells, otherwise as a bare value; an
item whose cells are all missing is left out (so it takes its default, or is missing).
Integral floats in an integer context column are read as integers (pandas stores
integers with gaps as floats); numpy scalars and timestamps at midnight are read as
their plain Python values. Any other column is refused unless it is named in `keep`,
which carries it through to the result.

**Result frames.** `to_frame` (from Results) and `score_frame` (from an answer frame)
give the same columns, so the two can be compared cell by cell:

- `case_ref`, `assessed_on`; provenance: `instrument`, `version`, `digest`, `library`
- `level` (an ordered categorical, lowest level first), `score`, `complete`
- `missing`, `warnings`, `measures`: tuples, in the Result's order
- `measure.<id>`: the priority of each measure the rules can recommend (an ordered
  categorical ``consider < high < urgent``; missing when not recommended)
- `domain.<domain>.<value>`: how many items took each primary value;
  `domain.<domain>.points` and `domain.<domain>.omitted` as in `DomainSummary`
- `decided_by` (a categorical of ``band``, the escalation ids, or ``judgement`` for
  spj) and `route` (``rules`` or ``judgement``): what set the level; missing without one
- spj only, for research only: `research.<dimension>` and `research.lifetime`, each
  with `.rated` beside it, as in `ResearchTotal`
- `problems` (only with ``on_error="collect"``, or when `to_frame` is given `RowError`
  records): the refused row's problems; such a row has no level and no score

For spj instruments `to_frame` also gives the SPJ case record's columns after these
(`high_risk_case`, the plan's counts, `review_due`, `disagreements`; see
`risk_scoring.analysis.record_frame`); ``record=False`` leaves them out. An answer frame
carries no case record, so `score_frame` never has them.

`score_frame` is the column engine (`risk_scoring.analysis.vector`): it holds no
scoring decision of its own. Cells are checked with the answer validator's own checks,
once per distinct value; conditions are compiled from the engine's one table of kinds;
bands, prorating, the missing-item policy, escalations, `level_from`, justification
gating, warning texts and the measure merge are the engine's functions, called once per
distinct group of values and spread over the rows. A property test checks that
generated and built-in instruments give the same frame as assessing row by row, and
`risk-scoring check` runs it on users' own definitions.

The modules: `columns` (names and array helpers), `encode` (cells to codes),
`tallies` and `vector` (scoring), `results` (`to_frame`), `synthetic`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from ..definition.instrument import Instrument
from ..engine.assessment import assess
from ..engine.batch import Progress, progress_problems, reporting
from ..engine.checks import expected
from ..engine.plan import Plan, plan_of
from ..engine.read import read_precisely
from ..errors import AnswerError, Problem
from . import checks
from .columns import (
    META,
    PRIORITY_ORDER,
    PROVENANCE,
    Cat,
    Column,
    Layout,
    as_int,
    blank,
    finish,
    instrument as _instrument,
    layout,
    mark_personal,
    object_array,
    plain,
    require_pandas,
)
from .encode import Encoded, Problems, encode
from .results import to_frame, write
from .synthetic import synthetic_frame
from .vector import score_columns

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "PRIORITY_ORDER",
    "answer_columns",
    "answers_to_frame",
    "frame_to_answers",
    "result_columns",
    "score_frame",
    "score_partition",
    "synthetic_frame",
    "to_frame",
]

OnError = Literal["raise", "collect"]


def result_columns(instrument: Instrument | str) -> list[str]:
    """The columns `to_frame` and `score_frame` give for `instrument`, in order (for spj
    instruments `to_frame` adds the case record's columns after them)."""
    return list(layout(plan_of(_instrument(instrument))).output)


def answer_columns(instrument: Instrument | str) -> list[str]:
    """Every answer column `score_frame` reads for `instrument`, in order."""
    return list(layout(plan_of(_instrument(instrument))).answers)


def frame_to_answers(
    instrument: Instrument | str, df: pd.DataFrame, *, chunk: int = 10_000
) -> Iterator[dict[str, Any]]:
    """The answers mapping each row of `df` stands for (see the module docstring).

    A generator reading `chunk` rows at a time; columns outside the answer format are
    ignored here (`score_frame` refuses them unless they are kept).
    """
    plan = plan_of(_instrument(instrument))
    df = checks.answer_frame(df)
    lay = layout(plan)
    names = [c for c in df.columns if c in lay.items or c in lay.context]
    names += [c for c in df.columns if c in lay.judgements or c in META]
    items = [
        (ident, [c for c in cols if c.name in df.columns]) for ident, cols in lay.by_item.items()
    ]
    for start in range(0, len(df), chunk):
        part = df.iloc[start : start + chunk]
        columns = {name: _plain_column(part[name]) for name in names}
        for i in range(len(part)):
            yield _row_answers(plan, lay, items, columns, i)


def _plain_column(series: pd.Series[Any]) -> list[Any]:
    """The column's cells as plain values (None where missing); text passes straight."""
    missing = series.isna().tolist()
    return [
        None if gone else value if value.__class__ is str else plain(value)
        for value, gone in zip(series.tolist(), missing, strict=True)
    ]


def _row_answers(
    plan: Plan,
    lay: Layout,
    items: list[tuple[str, list[Column]]],
    columns: dict[str, list[Any]],
    i: int,
) -> dict[str, Any]:
    answered: dict[str, Any] = {}
    for ident, cols in items:
        if not cols:
            continue
        if any(not c.primary for c in cols):
            rating = {c.dim: v for c in cols if (v := columns[c.name][i]) is not None}
            if rating:
                answered[ident] = rating
        elif (value := columns[cols[0].name][i]) is not None:
            answered[ident] = value
    out: dict[str, Any] = {"items": answered}
    context = {}
    for name, field in lay.context.items():
        if name in columns and (value := columns[name][i]) is not None:
            context[field] = as_int(value) if plan.context[field].type == "int" else value
    if context:
        out["context"] = context
    judgements = {}
    for name, judgement in lay.judgements.items():
        if name in columns and (value := columns[name][i]) is not None:
            judgements[judgement] = value
    if judgements:
        out["judgements"] = judgements
    for name in META:
        if name in columns and (value := columns[name][i]) is not None:
            out[name] = value
    return out


def answers_to_frame(
    instrument: Instrument | str, rows: Iterable[Mapping[str, Any]]
) -> pd.DataFrame:
    """A frame of answers, one row per answers mapping; notes and assessors are left out.

    Every answer column of the instrument is present (missing cells are None), so
    `score_frame` reads each row back as the same answers.
    """
    require_pandas()
    import pandas as pd

    plan = plan_of(_instrument(instrument))
    lay = layout(plan)
    data: dict[str, list[Any]] = {name: [] for name in lay.answers}
    primary = plan.primary
    for row in rows:
        items = row.get("items") or {}
        for name, col in lay.items.items():
            given = items.get(col.item)
            if isinstance(given, Mapping):
                data[name].append(given.get(col.dim))
            else:
                data[name].append(given if col.dim == primary else None)
        for name, field in lay.context.items():
            data[name].append((row.get("context") or {}).get(field))
        for name, judgement in lay.judgements.items():
            data[name].append((row.get("judgements") or {}).get(judgement))
        for name in META:
            data[name].append(row.get(name))
    frame: pd.DataFrame = pd.DataFrame(
        {name: pd.Series(v, dtype=object) for name, v in data.items()}
    )
    return frame


def score_frame(
    instrument: Instrument | str,
    df: pd.DataFrame,
    *,
    keep: Sequence[str] = (),
    on_error: OnError = "raise",
    progress: Progress = None,
) -> pd.DataFrame:
    """Score every row of an answer frame at once; one result row per input row.

    The result has the input's index, the `keep` columns first, then the columns
    `result_columns(instrument)` lists; it equals `to_frame` of assessing each row (see
    `frame_to_answers`) with `assess`. Values outside an item's scale, unknown columns
    and missing required answers raise one `AnswerError` naming each column, some of
    the rows and the allowed values. With ``on_error="collect"`` refused rows get no
    level or score and their problems in a `problems` column instead (a column that is
    unknown or absent altogether still raises).

    `progress` is as for `assess_many`: True for a tqdm bar if tqdm is installed, or a
    callback told the number of rows scored so far (after each chunk of 65,536 rows).
    """
    require_pandas()
    import numpy as np
    import pandas as pd

    inst = _instrument(instrument)
    plan = plan_of(inst)
    lay = layout(plan)
    df = checks.answer_frame(df)  # a polars (or pyarrow) frame is converted
    if on_error not in ("raise", "collect"):
        message = f"{on_error!r} is not allowed; expected 'raise' or 'collect'"
        raise AnswerError([Problem("on_error", message, code="bad_argument")], inst.id)
    if wrong := progress_problems(progress):
        raise AnswerError(wrong, inst.id)
    structural = _check_columns(plan, lay, df, keep, on_error)
    if structural:
        raise AnswerError(structural, inst.id)
    problems = Problems()
    enc = encode(plan, lay, df, problems)
    # The cells' checks are the validator's own; rows they refuse are checked again as
    # `assess` checks them, so a frame refuses exactly what `assess` refuses.
    refused: dict[int, tuple[str, ...]] = {}
    accepted = []
    bad_rows = [int(i) for i in np.flatnonzero(enc.bad)]
    for position, answers in zip(bad_rows, frame_to_answers(inst, df.iloc[bad_rows]), strict=True):
        try:
            read_precisely(plan, answers)
        except AnswerError as exc:
            if on_error == "raise":
                raise AnswerError(problems.found, inst.id) from None
            refused[position] = tuple(str(p) for p in exc.problems)
        else:  # pragma: no cover - the cell checks are never stricter than assess
            accepted.append((position, answers))
    with reporting(progress, enc.n, "Scoring") as done:
        columns = {**_meta_columns(plan, enc), **score_columns(plan, lay, enc, done)}
    if on_error == "collect":
        columns["problems"] = object_array([()])[np.zeros(enc.n, dtype=np.intp)]
    for position, found in refused.items():
        blank(columns, position, found)
    for position, answers in accepted:
        write(plan, lay, columns, position, assess(inst, answers))
    out = finish(columns, df.index, lay.output)
    if keep:
        out = pd.concat([df[list(keep)], out], axis=1)
    return mark_personal(out, plan, lay)


def score_partition(
    df: pd.DataFrame,
    instrument: Instrument | str,
    *,
    keep: Sequence[str] = (),
    on_error: OnError = "raise",
) -> pd.DataFrame:
    """`score_frame` with the frame first, as Dask's ``map_partitions`` calls it.

    Pass the instrument as its id (or path) when partitions may run in other processes:
    a string travels to any worker, and each worker loads and caches the definition.
    """
    return score_frame(instrument, df, keep=keep, on_error=on_error)


def _check_columns(
    plan: Plan, lay: Layout, df: pd.DataFrame, keep: Sequence[str], on_error: OnError
) -> list[Problem]:
    known = list(lay.answers)
    names = [str(c) for c in df.columns]
    problems = []
    if isinstance(keep, str) or not isinstance(keep, Iterable):
        what = "one string" if isinstance(keep, str) else f"a {type(keep).__name__}"
        message = f"must be a list of column names, not {what}"
        problems.append(Problem("keep", message, code="bad_argument"))
        keep = ()
    for name in sorted({c for c in names if names.count(c) > 1}):
        message = "the column appears more than once"
        problems.append(Problem(name, message, code="duplicate_column"))
    output = {*lay.output, "problems"} if on_error == "collect" else set(lay.output)
    for name in keep:
        if name not in names:
            message = "a kept column that is not in the frame"
            problems.append(Problem(name, message, code="bad_argument"))
        elif name in output:
            message = "a kept column with the name of a result column"
            problems.append(Problem(name, message, code="bad_argument"))
    for name in names:
        if name not in lay.answers and name not in keep:
            match = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {match[0]!r}?" if match else ""
            message = f"unknown column{hint} (name it in keep=[...] to carry it through)"
            problems.append(Problem(name, message, code="unknown_column"))
    for ident, cols in lay.by_item.items():
        item = plan.items[ident]
        if item.required and item.default is None and not any(c.name in names for c in cols):
            message = f"no such column; every row needs it, {expected(cols[0].values)}"
            problems.append(Problem(cols[0].name, message, code="missing_column"))
    for name, field in lay.context.items():
        spec = plan.context[field]
        if spec.required and name not in names:
            message = f"no such column; a {spec.type} value is required"
            problems.append(Problem(name, message, code="missing_column"))
    return problems


def _meta_columns(plan: Plan, enc: Encoded) -> dict[str, Any]:
    import numpy as np

    provenance = plan.provenance
    zeros = np.zeros(enc.n, dtype=np.int8)
    out: dict[str, Any] = {"case_ref": enc.meta["case_ref"], "assessed_on": enc.meta["assessed_on"]}
    for name in PROVENANCE:
        out[name] = Cat(zeros, [getattr(provenance, name)])
    return out
