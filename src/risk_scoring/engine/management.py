"""What an assessment derives from the case record (SPEC §3).

- `high_risk_case`: whether the case is a *høyrisikosak*, from the judgements the
  instrument declares in `scoring.high_risk`. Three-valued: True when any of them is
  at least the declared level (one such judgement is enough, whatever the others are),
  False when all of them are recorded and none is, None when some are missing and none
  of those recorded is high enough (and always None for an instrument that declares
  no `high_risk`, which only spj instruments may).
- `plan`: the rules' recommendations and the pair's decisions merged into one list:
  first every recommendation in `Result.measures` order, with the pair's decision on it
  or ``undecided``; then the measures the pair decided that the rules did not
  recommend, in `management` order, with ``origin: pair``.
- `disagreements`: each item dimension (in item, then dimension order) and each level
  judgement (in instrument order) that at least two raters rated differently, with
  every rater's value (None where one did not rate it), in assessor order, and the
  consensus (the main answers).
- `high_relevance` in the domain summaries: the items rated at the top of the
  `relevance` dimension's scale.
- Date warnings: a management entry or the review due before `assessed_on` (codes
  `management-due-before-assessment` and `review-due-before-assessment`). They are
  warnings, not errors: a deadline may be recorded after it passed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..definition.evidence import FieldEvidence, Outcome
from ..definition.record import Assessor, Decision, RaterRatings
from ..definition.result import (
    Disagreement,
    DomainSummary,
    PlanEntry,
    RecommendedMeasure,
    Step,
    maker,
)
from .decide import Scored
from .plan import Plan
from .read import Read
from .record import Record

__all__ = [
    "DUE_CODES",
    "derive",
    "disagreements",
    "due_warnings",
    "high_risk_case",
    "merge_plan",
    "with_relevance",
]

#: The stable codes of the record's date warnings (the `rule` of their trace steps).
DUE_CODES = ("management-due-before-assessment", "review-due-before-assessment")
_new_entry = maker(PlanEntry)
_new_domain = maker(DomainSummary)


def derive(
    plan: Plan,
    found: Read,
    assessors: Sequence[Assessor],
    record: Record,
    scored: Scored,
    measures: list[RecommendedMeasure],
) -> dict[str, Any]:
    """The Result fields of the record, and its date warnings added to `scored`.

    Every list is new, so no two Results share one (the empty record's included).
    """
    judgements = found.judgements
    for code, message, evidence in due_warnings(record, found.assessed_on):
        scored.warnings.append(message)
        outcome = Outcome("warning", message=message)
        scored.trace.append(Step(kind="warning", rule=code, outcome=outcome, evidence=evidence))
    return {
        "high_risk_case": high_risk_case(plan, judgements),
        "sources": list(record.sources),
        "other_considerations": list(record.other_considerations),
        "scenarios": list(record.scenarios),
        "management": list(record.management),
        "review": record.review,
        "raters": dict(record.raters),
        "plan": merge_plan(measures, record.management),
        "disagreements": disagreements(plan, assessors, record.raters, found.ratings, judgements),
    }


def high_risk_case(plan: Plan, judgements: Mapping[str, str]) -> bool | None:
    """Whether the judgements make a high-risk case (see the module docstring)."""
    rule = plan.record.high_risk
    if rule is None:
        return None
    names, threshold = rule
    ranks = plan.level_rank
    complete = True
    for name in names:
        value = judgements.get(name)
        if value is None:
            complete = False
        elif ranks[value] >= threshold:
            return True
    return False if complete else None


def merge_plan(
    measures: Sequence[RecommendedMeasure], management: Sequence[Decision]
) -> list[PlanEntry]:
    """Recommendations, with the pair's decision on each, then the pair's own measures."""
    if not management:
        return [_new_entry(m.id, "rules", "undecided", m, None) for m in measures]
    decided = {d.measure: d for d in management}
    plan = []
    for m in measures:
        decision = decided.get(m.id)
        status = "undecided" if decision is None else decision.decision
        plan.append(PlanEntry(m.id, "rules", status, m, decision))
    recommended = {m.id for m in measures}
    plan += [
        PlanEntry(d.measure, "pair", d.decision, None, d)
        for d in management
        if d.measure not in recommended
    ]
    return plan


def disagreements(
    plan: Plan,
    assessors: Sequence[Assessor],
    raters: Mapping[str, RaterRatings],
    ratings: Mapping[str, Mapping[str, str]],
    judgements: Mapping[str, str],
) -> list[Disagreement]:
    """Where the raters' own ratings differ (see the module docstring)."""
    if len(raters) < 2:
        return []
    roles = [a.role for a in assessors if a.role in raters]
    own = [raters[role] for role in roles]
    out = []
    for item in plan.items:
        for dim in plan.dimensions:
            values = [r.items.get(item, {}).get(dim) for r in own]
            if _differ(values):
                consensus = ratings.get(item, {}).get(dim)
                shown = dict(zip(roles, values, strict=True))
                out.append(Disagreement("item", item, dim, shown, consensus))
    for judgement in plan.record.level_judgements:
        values = [r.judgements.get(judgement) for r in own]
        if _differ(values):
            shown = dict(zip(roles, values, strict=True))
            out.append(Disagreement("judgement", judgement, None, shown, judgements.get(judgement)))
    return out


def _differ(values: Sequence[str | None]) -> bool:
    given = {v for v in values if v is not None}
    return len(given) > 1


def with_relevance(
    plan: Plan, domains: list[DomainSummary], ratings: Mapping[str, Mapping[str, str]]
) -> list[DomainSummary]:
    """`domains` with each one's items of high relevance filled in."""
    relevance = plan.record.relevance
    if relevance is None:
        return domains
    dim, top = relevance
    high = [ident for ident, rating in ratings.items() if rating.get(dim) == top]
    if not high:
        return domains
    by_domain: dict[str, list[str]] = {}
    items = plan.items
    for ident in high:
        by_domain.setdefault(items[ident].domain, []).append(ident)
    return [
        _new_domain(d.domain, d.items, d.counts, d.points, d.omitted, tuple(by_domain[d.domain]))
        if d.domain in by_domain
        else d
        for d in domains
    ]


def due_warnings(
    record: Record, assessed_on: str | None
) -> list[tuple[str, str, tuple[FieldEvidence, ...]]]:
    """(code, message, evidence) for each due date before the assessment date.

    ISO dates compare as text, so no date is parsed again.
    """
    if assessed_on is None:
        return []
    found: list[tuple[str, str, tuple[FieldEvidence, ...]]] = []
    on = FieldEvidence("assessed_on", assessed_on)
    for i, decision in enumerate(record.management):
        if decision.due is not None and decision.due < assessed_on:
            message = f"management.{i}.due is before the assessment date; check the date"
            path = f"management.{i}.due"
            found.append((DUE_CODES[0], message, (FieldEvidence(path, decision.due), on)))
    review = record.review
    if review is not None and review.due is not None and review.due < assessed_on:
        message = "review.due is before the assessment date; check the date"
        found.append((DUE_CODES[1], message, (FieldEvidence("review.due", review.due), on)))
    return found
