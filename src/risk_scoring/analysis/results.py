"""Results as DataFrames: `to_frame`, and one Result's cells for `score_frame`'s fallback."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..definition.fit import misfits
from ..definition.instrument import Instrument
from ..definition.lookup import instrument_of
from ..definition.result import Result
from ..engine.batch import RowError
from ..engine.plan import Plan, plan_of
from ..errors import AnswerError, Problem
from .columns import (
    PRIORITY_ORDER,
    PROVENANCE,
    ROUTES,
    Cat,
    Layout,
    blank,
    domain_column,
    finish,
    instrument,
    layout,
    mark_personal,
    object_array,
    require_pandas,
)
from .record_frame import insert_record_columns, record_values

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["to_frame", "values", "write"]


def values(plan: Plan, lay: Layout, result: Result) -> dict[str, Any]:
    """The result columns of one Result (codes for the categorical ones)."""
    out: dict[str, Any] = {
        "case_ref": result.case_ref,
        "assessed_on": result.assessed_on,
        "instrument": result.provenance.instrument,
        "version": result.provenance.version,
        "digest": result.provenance.digest,
        "library": result.provenance.library,
        "level": -1 if result.level is None else plan.level_rank[result.level],
        "decided_by": -1 if result.decided_by is None else lay.decided.index(result.decided_by),
        "route": -1 if result.route is None else ROUTES.index(result.route),
        "score": float("nan") if result.score is None else float(result.score),
        "complete": result.complete,
        "missing": tuple(result.missing),
        "warnings": tuple(result.warnings),
        "measures": tuple(m.id for m in result.measures),
    }
    given = {m.id: m.priority for m in result.measures}
    for m in plan.measure_ids:
        out[f"measure.{m}"] = PRIORITY_ORDER.index(given[m]) if m in given else -1
    summaries = {d.domain: d for d in result.domains}
    for domain, shown in lay.domain_values.items():
        summary = summaries[domain]
        for v in shown:
            out[domain_column(domain, v)] = summary.counts.get(v, 0)
        out[domain_column(domain, "points", summary=True)] = float(summary.points)
        out[domain_column(domain, "omitted", summary=True)] = summary.omitted
    if lay.research:
        totals = {t.dimension: t for t in result.research_totals}
        for dim, total, rated in lay.research:
            found = totals[dim]
            out[total] = float(found.total)
            out[rated] = found.rated
    return out


def write(plan: Plan, lay: Layout, columns: dict[str, Any], i: int, result: Result) -> None:
    """Put one Result computed row by row into row `i` of the column arrays."""
    for name, value in values(plan, lay, result).items():
        column = columns[name]
        if isinstance(column, Cat):
            if name in PROVENANCE:
                continue
            column.codes[i] = value
        else:
            column[i] = value


class _Error:
    """Placeholder for a refused row while `to_frame` collects its columns."""


_ERROR: Any = _Error()


def to_frame(
    results: Iterable[Result | RowError],
    *,
    instrument: Instrument | str | None = None,
    items: bool = False,
    record: bool | None = None,
) -> pd.DataFrame:
    """A flat table of results, one row each, with the columns `result_columns` lists.

    `results` may be any iterable, such as `assess_many(...)`; `RowError` records
    become rows with no level and their problems in a `problems` column. All results
    must come from one instrument: `instrument`, or the built-in one with their id.
    ``items=True`` adds the answers as well (item, ``context.*`` and level
    ``judgements.*`` columns, named as `score_frame` reads them). Notes, the
    justification and text judgements are never included; the columns that hold free
    text (`case_ref`, and text context fields with ``items=True``) are listed in
    ``frame.attrs["personal_data"]``, so an export can drop them.

    For spj instruments (or with ``record=True``) the SPJ case record's columns follow
    the result columns: `high_risk_case`, the plan's counts by status and by strategy,
    `review_due` and the number of `disagreements`
    (`risk_scoring.analysis.record_frame`); ``record=False`` leaves them out, giving
    exactly `score_frame`'s columns (an answer frame carries no case record).
    """
    require_pandas()
    inst = _instrument(instrument) if instrument is not None else None
    columns: dict[str, list[Any]] | None = None
    plan: Plan | None = None
    lay: Layout | None = None
    pending = 0
    problems: list[tuple[str, ...]] = []
    records: list[dict[str, Any] | None] = []
    if isinstance(results, (str, bytes, Result)) or not isinstance(results, Iterable):
        message = f"expected Results (a list or an iterable), not a {type(results).__name__}"
        raise AnswerError([Problem("results", message, code="bad_argument")])
    for i, given in enumerate(results):
        if isinstance(given, RowError):
            problems.append(tuple(str(p) for p in given.problems))
            records.append(None)
            if columns is None:
                pending += 1
            else:
                for column in columns.values():
                    column.append(_ERROR)
            continue
        if not isinstance(given, Result):
            message = "is not a Result or a RowError"
            raise AnswerError([Problem(f"results.{i}", message, code="bad_argument")])
        if inst is None:
            inst = _instrument_of(given)
        if given.instrument != inst.id:
            message = f"is from {given.instrument}, not {inst.id}: make one frame per instrument"
            problem = Problem(f"results.{i}.instrument", message, code="bad_argument")
            raise AnswerError([problem], inst.id)
        if columns is None or plan is None or lay is None:
            plan = plan_of(inst)
            lay = layout(plan)
            names = [*lay.output, *(_answer_names(plan, lay) if items else ())]
            columns = {name: [_ERROR] * pending for name in names}
        try:
            row = values(plan, lay, given)
            if items:
                row.update(_answer_values(plan, lay, given))
        except (KeyError, ValueError):
            raise _misfit(inst, given, i) from None
        for name, column in columns.items():
            column.append(row[name])
        problems.append(())
        records.append(record_values(given))
    import pandas as pd

    if inst is None or columns is None or plan is None or lay is None:
        if inst is None:
            frame: pd.DataFrame = pd.DataFrame(index=pd.RangeIndex(len(problems)))
            if problems:
                frame["problems"] = object_array(problems)
            return frame
        plan = plan_of(inst)
        lay = layout(plan)
        names = [*lay.output, *(_answer_names(plan, lay) if items else ())]
        columns = {name: [_ERROR] * pending for name in names}
    arrays = _arrays(plan, lay, columns)
    if any(problems):
        arrays["problems"] = object_array(problems)
        for i, found in enumerate(problems):
            if found:
                blank(arrays, i, found)
    frame = finish(arrays, pd.RangeIndex(len(problems)), list(arrays))
    if inst.kind == "spj" if record is None else record:
        insert_record_columns(frame, len(lay.output), records)
    return mark_personal(frame, plan, lay)


def _misfit(inst: Instrument, result: Result, i: int) -> AnswerError:
    """Why `result` (the `i`-th) cannot be a row of `inst`'s frame: each value the
    definition does not allow (`fit.misfits`), or else that it is another definition."""
    found = misfits(result, inst)
    if found:
        head = f"does not fit {inst.id} {inst.version}"
        problems = [Problem(f"results.{i}.{p.path}", f"{head}: {p.message}") for p in found]
        return AnswerError(problems, inst.id)
    message = (
        f"does not fit {inst.id} {inst.version}: pass instrument= the definition "
        "it was computed with"
    )
    return AnswerError([Problem(f"results.{i}", message, code="bad_argument")], inst.id)


def _instrument(ref: Instrument | str) -> Instrument:
    return instrument(ref)


def _instrument_of(result: Result) -> Instrument:
    return instrument_of(result, error=AnswerError)


def _answer_names(plan: Plan, lay: Layout) -> list[str]:
    """The answer columns of ``items=True``: items, context and level judgements (a text
    judgement is free text, and never included)."""
    level = [n for n, j in lay.judgements.items() if plan.judgements[j] == "level"]
    return [*lay.items, *lay.context, *level]


def _answer_values(plan: Plan, lay: Layout, result: Result) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, col in lay.items.items():
        value = result.ratings.get(col.item, {}).get(col.dim)
        out[name] = -1 if value is None else col.values.index(value)
    for name, field in lay.context.items():
        out[name] = result.context.get(field)
    for name, judgement in lay.judgements.items():
        if plan.judgements[judgement] == "level":
            value = result.judgements.get(judgement)
            out[name] = -1 if value is None else plan.level_rank[value]
    return out


def _arrays(plan: Plan, lay: Layout, columns: dict[str, list[Any]]) -> dict[str, Any]:
    """Column lists (with `_ERROR` placeholders) as the arrays `finish` expects."""
    import numpy as np

    provenance = plan.provenance
    level_judgements = {n for n, j in lay.judgements.items() if plan.judgements[j] == "level"}
    research_totals = {total for _, total, _ in lay.research}
    out: dict[str, Any] = {}
    for name, cells in columns.items():
        if name in PROVENANCE:
            default = getattr(provenance, name)
            filled = [default if v is _ERROR else v for v in cells]
            categories = sorted(set(filled))
            position = {c: i for i, c in enumerate(categories)}
            codes = np.array([position[v] for v in filled], dtype=np.int8)
            out[name] = Cat(codes, categories)
            continue
        if name == "level" or name.startswith("measure."):
            codes = np.array([-1 if v is _ERROR else v for v in cells], dtype=np.int8)
            order = plan.levels if name == "level" else PRIORITY_ORDER
            out[name] = Cat(codes, order, True)
        elif name in ("decided_by", "route"):
            codes = np.array([-1 if v is _ERROR else v for v in cells], dtype=np.int16)
            out[name] = Cat(codes, lay.decided if name == "decided_by" else ROUTES)
        elif name in lay.items:
            codes = np.array([-1 if v is _ERROR else v for v in cells], dtype=np.int8)
            out[name] = Cat(codes, lay.items[name].values)
        elif name in level_judgements:
            codes = np.array([-1 if v is _ERROR else v for v in cells], dtype=np.int8)
            out[name] = Cat(codes, plan.levels, True)
        elif name in ("missing", "warnings", "measures"):
            out[name] = object_array([() if v is _ERROR else v for v in cells])
        elif name in ("case_ref", "assessed_on") or name in lay.context:
            out[name] = object_array([None if v is _ERROR else v for v in cells])
        elif name == "complete":
            out[name] = np.array([False if v is _ERROR else v for v in cells], dtype=bool)
        elif name == "score" or name.endswith(".points") or name in research_totals:
            out[name] = np.array([0.0 if v is _ERROR else v for v in cells], dtype=np.float64)
        else:
            out[name] = np.array([0 if v is _ERROR else v for v in cells], dtype=np.int64)
    return out
