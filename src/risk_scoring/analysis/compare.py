"""Reassessment: what changed between two assessments of the same case.

>>> import risk_scoring as rs
>>> no = {str(n): "no" for n in range(1, 25)}
>>> before = rs.assess("dash", {"items": no})
>>> after = rs.assess("dash", {"items": {**no, "1": "yes", "2": "unknown"}})
>>> change = rs.compare(before, after)
>>> [(c.item, c.before, c.after, c.direction) for c in change.items]
[('1', 'no', 'yes', 'up'), ('2', 'no', 'unknown', 'changed')]
>>> change.trend, change.score_change
('same', 1.0)

Results from different instruments are refused with a `ComparisonError`; results from
different versions of one instrument are compared, with an `InstrumentVersionWarning`.
"""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ..definition.instrument import Instrument, Priority
from ..definition.lookup import instrument_of
from ..definition.result import PlanStatus, Result
from ..errors import RiskScoringError

__all__ = [
    "Comparison",
    "ComparisonError",
    "InstrumentVersionWarning",
    "ItemChange",
    "MeasureChange",
    "PlanChange",
    "compare",
]

Direction = Literal["up", "down", "changed"]
Trend = Literal["up", "down", "same", "unknown"]


class ComparisonError(RiskScoringError, ValueError):
    """Results cannot be compared: different instruments, different cases, or no pairs."""


class InstrumentVersionWarning(UserWarning):
    """Results computed with different versions of one instrument are being compared."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class ItemChange(_Frozen):
    """One item dimension whose rating changed.

    `direction` is ``up`` or ``down`` along the scale's order (N < P < Y, no < yes,
    low < moderate < high), or ``changed`` when either side is unknown, omitted or
    not rated, which has no place in the order.
    """

    item: str
    dimension: str
    before: str | None
    after: str | None
    direction: Direction


class MeasureChange(_Frozen):
    """A measure recommended both times, at a different priority."""

    id: str
    before: Priority
    after: Priority


class PlanChange(_Frozen):
    """A measure whose place in the management plan changed.

    `before` and `after` are its status in each plan (``undecided``, ``chosen``,
    ``rejected``, ``deferred``), or None where the plan did not have it; `origin_before`
    and `origin_after` say whether the rules recommended it (``rules``) or the pair
    added it (``pair``).
    """

    measure: str
    before: PlanStatus | None
    after: PlanStatus | None
    origin_before: Literal["rules", "pair"] | None
    origin_after: Literal["rules", "pair"] | None


class Comparison(_Frozen):
    """What changed from the `earlier` assessment to the `later` one."""

    instrument: str
    versions: tuple[str, str]
    days: int | None
    level_before: str | None
    level_after: str | None
    trend: Trend
    score_before: float | None
    score_after: float | None
    score_change: float | None
    items: list[ItemChange]
    new_measures: list[str]
    removed_measures: list[str]
    changed_priorities: list[MeasureChange]
    new_warnings: list[str]
    resolved_warnings: list[str]
    # The SPJ case record: the plan's changes, and the review dates.
    plan_changes: list[PlanChange] = []
    review_due_before: str | None = None
    review_due_after: str | None = None

    @property
    def same_version(self) -> bool:
        return self.versions[0] == self.versions[1]

    def _repr_html_(self) -> str:
        from ..report.cards import comparison_html

        return comparison_html(self)


def resolve_instrument(result: Result, instrument: Instrument | str | None) -> Instrument:
    """The definition to read scales and levels from: the given one, or the built-in."""
    return instrument_of(result, instrument, error=ComparisonError)


def check_versions(results: list[Result]) -> None:
    """Refuse results of different instruments; warn when versions differ."""
    ids = sorted({r.instrument for r in results})
    if len(ids) > 1:
        raise ComparisonError(f"results from different instruments cannot be compared: {ids}")
    versions = sorted({r.provenance.version for r in results})
    if len(versions) > 1:
        warnings.warn(
            f"comparing results from different versions of {ids[0]}: {', '.join(versions)}; "
            "items, scales or rules may have changed in between",
            InstrumentVersionWarning,
            stacklevel=3,
        )


def compare(
    earlier: Result, later: Result, *, instrument: Instrument | str | None = None
) -> Comparison:
    """Compare two assessments of one case: changed items, level trend, measures.

    Scale orders and levels come from `instrument`, or the built-in definition with the
    results' id. Raises `ComparisonError` when the results come from different
    instruments or carry different case references.
    """
    for name, value in (("earlier", earlier), ("later", later)):
        if not isinstance(value, Result):
            raise ComparisonError(f"{name} must be a Result, not a {type(value).__name__}")
    check_versions([earlier, later])
    if earlier.case_ref and later.case_ref and earlier.case_ref != later.case_ref:
        raise ComparisonError("the results carry different case references: not one case")
    inst = resolve_instrument(later, instrument)
    return Comparison(
        instrument=inst.id,
        versions=(earlier.provenance.version, later.provenance.version),
        days=_days(earlier.assessed_on, later.assessed_on),
        level_before=earlier.level,
        level_after=later.level,
        trend=_trend(inst.levels, earlier.level, later.level),
        score_before=earlier.score,
        score_after=later.score,
        score_change=(
            later.score - earlier.score
            if earlier.score is not None and later.score is not None
            else None
        ),
        items=_item_changes(inst, earlier, later),
        new_measures=[m.id for m in later.measures if m.id not in _ids(earlier)],
        removed_measures=[m.id for m in earlier.measures if m.id not in _ids(later)],
        changed_priorities=_priority_changes(earlier, later),
        new_warnings=[w for w in later.warnings if w not in earlier.warnings],
        resolved_warnings=[w for w in earlier.warnings if w not in later.warnings],
        plan_changes=_plan_changes(earlier, later),
        review_due_before=earlier.review.due if earlier.review is not None else None,
        review_due_after=later.review.due if later.review is not None else None,
    )


def _plan_changes(earlier: Result, later: Result) -> list[PlanChange]:
    """Each measure whose status or origin differs, in the later plan's order, then the
    measures only the earlier plan had, in its order."""
    before = {entry.measure: entry for entry in earlier.plan}
    after = {entry.measure: entry for entry in later.plan}
    order = [*after, *(m for m in before if m not in after)]
    changes = []
    for measure in order:
        old, new = before.get(measure), after.get(measure)
        was = (old.status, old.origin) if old is not None else (None, None)
        now = (new.status, new.origin) if new is not None else (None, None)
        if was != now:
            changes.append(
                PlanChange(
                    measure=measure,
                    before=was[0],
                    after=now[0],
                    origin_before=was[1],
                    origin_after=now[1],
                )
            )
    return changes


def _ids(result: Result) -> set[str]:
    return {m.id for m in result.measures}


def _days(before: str | None, after: str | None) -> int | None:
    if before is None or after is None:
        return None
    return (dt.date.fromisoformat(after) - dt.date.fromisoformat(before)).days


def _trend(levels: list[str], before: str | None, after: str | None) -> Trend:
    if before not in levels or after not in levels:
        return "unknown"
    a, b = levels.index(before), levels.index(after)
    return "up" if b > a else "down" if b < a else "same"


def _item_changes(inst: Instrument, earlier: Result, later: Result) -> list[ItemChange]:
    changes = []
    for item in inst.items:
        old = earlier.ratings.get(item.id, {})
        new = later.ratings.get(item.id, {})
        for dim in inst.dimensions:
            before, after = old.get(dim.id), new.get(dim.id)
            if before == after:
                continue
            order = [v.id for v in inst.scale_for(item, dim).values if not v.unknown]
            direction: Direction = "changed"
            if before in order and after in order:
                up = order.index(after) > order.index(before)
                direction = "up" if up else "down"
            changes.append(
                ItemChange(
                    item=item.id, dimension=dim.id, before=before, after=after, direction=direction
                )
            )
    return changes


def _priority_changes(earlier: Result, later: Result) -> list[MeasureChange]:
    before = {m.id: m.priority for m in earlier.measures}
    out = []
    for m in later.measures:
        if m.id in before and before[m.id] != m.priority:
            out.append(MeasureChange(id=m.id, before=before[m.id], after=m.priority))
    return out
