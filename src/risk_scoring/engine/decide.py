"""The scoring decisions, each written once: the row engine calls them for every case,
the column engine once per distinct group of values, spreading the answer over the rows.

- `band`: which level a total falls in (the bands' lower bounds).
- `prorate`: the total scaled up over the known items.
- `bands`: total → missing-item policy → prorating → band, for scored instruments.
- `escalate`: escalation routes raise the level, never lower it.
- `route_of`: what set the level, as the instrument's rules or a person's judgement.
- `judged`: the level is the highest `level_from` judgement; without them, no level.
- `warn`: warning rules give their messages; some block completeness without a
  justification.
- `merge`: each measure once, at the most urgent priority any rule gave it, with every
  rule that fired as a reason; ordered by priority, then catalogue order.
- `too_many_unknown_message`, `no_judgements_message`: the engine's own warnings.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from math import copysign
from typing import Any

from ..definition.evidence import (
    Evidence,
    Outcome,
    ScoreEvidence,
    no_judgements_message,
    too_many_unknown_message,
)
from ..definition.result import Reason, RecommendedMeasure, Route, Step, maker
from .plan import MEMO_LIMIT, EscalationRule, MeasureRule, Plan, WarningRule

__all__ = [
    "Scored",
    "band",
    "bands",
    "escalate",
    "judged",
    "memo_of",
    "merge",
    "no_judgements_message",
    "over_limit",
    "prorate",
    "ranked",
    "ranked_once",
    "route_of",
    "too_many_unknown_message",
    "warn",
]

Found = tuple[Evidence, ...]
new_step = maker(Step)
new_reason = maker(Reason)
new_measure = maker(RecommendedMeasure)
new_outcome = maker(Outcome)


class Scored:
    """What scoring decided so far: the level's rank, the score, the explanation, and
    what set the level (`decided_by`: ``band``, ``judgement`` or an escalation's id)."""

    __slots__ = ("complete", "decided_by", "missing", "rank", "score", "trace", "warnings")

    def __init__(
        self,
        rank: int | None,
        score: float | None,
        complete: bool,
        missing: list[str],
        warnings: list[str],
        trace: list[Step],
        decided_by: str | None = None,
    ) -> None:
        self.rank = rank
        self.score = score
        self.complete = complete
        self.missing = missing
        self.warnings = warnings
        self.trace = trace
        self.decided_by = decided_by


def route_of(plan: Plan, decided_by: str | None) -> Route | None:
    """The route of what set the level: a person's judgement (the summary judgements, or
    an escalation to a judgement's level) or the instrument's rules; None for no level."""
    return plan.routes[decided_by]


def band(plan: Plan, total: float) -> int:
    """The rank of the band `total` falls in (the lowest band below every bound)."""
    return max(0, bisect_right(plan.bounds, total) - 1)


def prorate(total: float, items: int, unknown: int) -> float:
    """`total` over the known items, scaled to all `items`, to two decimals."""
    known = items - unknown
    return round(total * items / known, 2) if known else 0.0


def _unknown_evidence(plan: Plan, unknown: Sequence[str]) -> Found:
    items = plan.items
    return tuple(items[i].missing for i in unknown)


def over_limit(plan: Plan, unknown: int) -> bool:
    """Whether `unknown` unknown answers are more than the missing-item policy allows."""
    return plan.max_unknown is not None and unknown > plan.max_unknown


def bands(plan: Plan, total: float, unknown: Sequence[str]) -> Scored:
    """Actuarial and checklist instruments, before escalation: the total (`unknown` are
    the items answered unknown, domain by domain), the missing-item policy, the band.

    Within the policy's limit only the number of unknown items matters (the ids are
    named in the trace); past it they are named in `missing` and the warning.
    """
    trace = [_total_step(plan, "total", "sum", total)]
    if unknown:
        evidence = _unknown_evidence(plan, unknown)
        outcome = new_outcome("unknown", None, len(unknown), None)
        trace.append(new_step("missing", "unknown", outcome, evidence))
    if over_limit(plan, len(unknown)):
        limit = plan.max_unknown or 0
        message = too_many_unknown_message(unknown, limit)
        outcome = Outcome("too_many_unknown", value=limit, message=message)
        evidence = _unknown_evidence(plan, unknown)
        trace.append(new_step("missing", "too-many-unknown", outcome, evidence))
        return Scored(None, None, False, [f"items.{i}" for i in unknown], [message], trace)
    if plan.prorate and unknown:
        total = prorate(total, len(plan.items), len(unknown))
        trace.append(new_step("total", "prorate", new_outcome("prorated", None, total, None), ()))
    memo = memo_of(plan, "band")
    kept = total or copysign(1.0, total) > 0  # -0.0 equals 0.0 but is written "-0"
    found = memo.get(total) if kept else None
    if found is None:
        rank = band(plan, total)
        evidence = (ScoreEvidence(total),)
        step = new_step("band", plan.levels[rank], plan.band_outcomes[rank], evidence)
        found = (rank, step)
        if kept:
            memo[total] = found
    trace.append(found[1])
    return Scored(found[0], total, True, [], [], trace, "band")


def escalate(
    plan: Plan,
    scored: Scored,
    fired: Iterable[tuple[EscalationRule, Found | None]],
    judgements: Mapping[str, str],
) -> None:
    """Raise `scored` by every escalation route that holds (its evidence not None).

    The route that raised the level to its final value becomes `decided_by`: routes are
    taken in order, so of two that reach the same level the first decides."""
    rank = scored.rank
    assert rank is not None
    for route, evidence in fired:
        if evidence is None:
            continue
        target = route.to if route.to is not None else judgements.get(route.to_judgement or "")
        if target is None:
            continue
        to = plan.level_rank[target]
        if to > rank:
            rank = to
            scored.decided_by = route.rule.id
            outcome = plan.raised[to]
        else:
            outcome = plan.no_change[to]
        scored.trace.append(new_step("escalation", route.rule.id, outcome, evidence))
    scored.rank = rank


def _total_step(plan: Plan, code: str, rule: str, total: float) -> Step:
    """The step that states a total (shared: a step is immutable)."""
    memo = memo_of(plan, code)
    step: Step | None = memo.get(total) if total or copysign(1.0, total) > 0 else None
    if step is None:  # (-0.0 equals 0.0 but is written "-0": it is never kept)
        outcome = new_outcome(code, None, total, None)
        step = new_step("total", rule, outcome, ())
        if total or copysign(1.0, total) > 0:
            memo[total] = step
    return step


def judged(
    plan: Plan, total: float, omitted: Sequence[str], judgements: Mapping[str, str]
) -> Scored:
    """spj instruments: the research total, and the level from the judgements (the
    level, completeness, `missing` and warning depend on `judgements` alone)."""
    trace = [_total_step(plan, "research_total", "research_total", total)]
    if omitted:
        outcome = new_outcome("omitted", None, len(omitted), None)
        trace.append(new_step("missing", "omitted", outcome, _unknown_evidence(plan, omitted)))
    memo = memo_of(plan, "judged")
    key = tuple(map(judgements.get, plan.level_from))
    found = memo.get(key)
    if found is None:
        found = memo[key] = _judged(plan, judgements)
    rank, step, missing, message = found
    trace.append(step)
    if rank is None:
        return Scored(None, total, False, [*missing], [message], trace)
    return Scored(rank, total, True, [], [], trace, "judgement")


def _judged(
    plan: Plan, judgements: Mapping[str, str]
) -> tuple[int | None, Step, tuple[str, ...], str]:
    names = plan.level_from
    absent = [name for name in names if name not in judgements]
    if absent:
        message = no_judgements_message(absent)
        outcome = Outcome("no_judgements", message=message)
        evidence: Found = tuple(plan.judgement_evidence_missing[name] for name in absent)
        step = new_step("missing", "no-judgements", outcome, evidence)
        return None, step, tuple(f"judgements.{name}" for name in absent), message
    rank = max(plan.level_rank[judgements[name]] for name in names)
    shown = plan.judgement_evidence
    evidence = tuple(shown[name][judgements[name]] for name in names)
    outcome = plan.judgement_outcomes[rank]
    return rank, new_step("judgement", plan.level_from_rule, outcome, evidence), (), ""


def warn(
    scored: Scored, fired: Iterable[tuple[WarningRule, Found | None]], justified: bool
) -> None:
    """Give every warning whose rule holds; one needing a justification that is not
    there makes the result incomplete."""
    for rule, evidence in fired:
        if evidence is None:
            continue
        scored.warnings.append(rule.message)
        scored.trace.append(new_step("warning", rule.rule.id, rule.outcome, evidence))
        if rule.requires_justification and not justified:
            scored.complete = False
            if "justification" not in scored.missing:
                scored.missing.append("justification")


Ranked = list[tuple[MeasureRule, list[int]]]


def ranked(fired: Sequence[MeasureRule]) -> Ranked:
    """The measures the rules that fired recommend, in order: for each, the rule that
    gives its priority (the most urgent; the first of equals) and the positions in
    `fired` of every rule that recommends it. Ordered by priority, then catalogue."""
    best: dict[str, MeasureRule] = {}
    which: dict[str, list[int]] = {}
    for at, rule in enumerate(fired):
        if rule.key is None:
            raise KeyError(rule.measure)  # not in the catalogue
        measure = rule.measure
        found = best.get(measure)
        if found is None:
            best[measure] = rule
            which[measure] = [at]
        else:
            which[measure].append(at)
            if rule.urgency < found.urgency:
                best[measure] = rule
    if len(best) < 2:
        return [(rule, which[m]) for m, rule in best.items()]
    by_key = {rule.key: rule for rule in best.values()}
    return [(by_key[key], which[by_key[key].measure]) for key in sorted(by_key)]  # type: ignore[type-var]


def memo_of(plan: Plan, name: str) -> dict[Any, Any]:
    """The plan's memo for `name` (emptied when it reaches `MEMO_LIMIT` entries)."""
    memo = plan.memo.get(name)
    if memo is None or len(memo) >= MEMO_LIMIT:
        memo = plan.memo[name] = {}
    return memo


def ranked_once(plan: Plan, mask: int, fired: Sequence[MeasureRule]) -> Ranked:
    """`ranked(fired)`, made once per set of fired rules (`mask`: bit i for measure rule i)."""
    memo = memo_of(plan, "ranked")
    found: Ranked | None = memo.get(mask)
    if found is None:
        found = memo[mask] = ranked(fired)
    return found


def merge(
    fired: Sequence[tuple[MeasureRule, Found]], order: Ranked | None = None
) -> list[RecommendedMeasure]:
    """The recommended measures from the measure rules that fired, with their reasons
    (`order` is `ranked` of the rules, if it is known)."""
    out = []
    if order is None:
        order = ranked([r for r, _ in fired])
    for rule, positions in order:
        reasons = [new_reason(fired[at][0].rule.id, fired[at][1]) for at in positions]
        out.append(new_measure(rule.measure, rule.priority, reasons))
    return out
