"""Turn validated answers into a level and score, exactly as the instrument prescribes.

- actuarial and checklist: points (times item weight) are summed; the bands' lower
  bounds map the total to a level; escalation routes may raise it, never lower it. A
  declared missing-item policy limits unknown answers; past the limit there is no level.
- spj: the level is the highest of the analyst's `level_from` judgements; without them
  the result is incomplete. The total (N=0, P=1, Y=2) is reported for research only.

Warning rules are evaluated last, once the level is known. Rules are compiled once per
instrument and cached on it.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from ..definition.conditions import Compiled, Facts, Vocabulary, compile_condition
from ..definition.instrument import Instrument
from ..definition.result import DomainSummary, Step
from .answers import Answers


@dataclass(frozen=True, slots=True)
class _Rule:
    id: str
    when: Compiled


@dataclass(frozen=True, slots=True)
class _Plan:
    points: dict[str, dict[str, float | None]]
    unknown: dict[str, frozenset[str]]
    domains: dict[str, tuple[str, ...]]
    bounds: list[float]
    rank: dict[str, int]
    escalations: list[tuple[_Rule, str | None, str | None]]
    warnings: list[tuple[_Rule, str, bool]]


@dataclass(slots=True)
class Scored:
    """What scoring decided, before measures are recommended."""

    facts: Facts
    level: str | None
    score: float | None
    complete: bool
    missing: list[str] = field(default_factory=list)
    domains: list[DomainSummary] = field(default_factory=list)
    trace: list[Step] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def vocabulary(inst: Instrument) -> Vocabulary:
    """What conditions in `inst` may refer to."""
    vocab = inst._cache.get("vocabulary")
    if vocab is None:
        by_domain: dict[str, list[str]] = {d.id: [] for d in inst.domains}
        for item in inst.items:
            by_domain[item.domain].append(item.id)
        vocab = Vocabulary(
            inst.primary.id,
            {k: tuple(v) for k, v in by_domain.items()},
            {level: i for i, level in enumerate(inst.levels)},
        )
        inst._cache["vocabulary"] = vocab
    assert isinstance(vocab, Vocabulary)
    return vocab


def _plan(inst: Instrument) -> _Plan:
    plan = inst._cache.get("scoring")
    if plan is None:
        vocab = vocabulary(inst)
        points: dict[str, dict[str, float | None]] = {}
        unknown: dict[str, frozenset[str]] = {}
        for item in inst.items:
            scale = inst.scale_for(item, inst.primary)
            points[item.id] = {
                v.id: None if v.points is None or v.unknown else v.points * item.weight
                for v in scale.values
            }
            unknown[item.id] = frozenset(v.id for v in scale.values if v.unknown)
        plan = _Plan(
            points,
            unknown,
            {k: tuple(v) for k, v in vocab.items_by_domain.items()},
            [
                lv.min_score if lv.min_score is not None else float("-inf")
                for lv in inst.level_definitions
            ],
            dict(vocab.level_rank),
            [
                (_Rule(e.id, compile_condition(e.when, vocab)), e.to, e.to_judgement)
                for e in inst.escalations
            ],
            [
                (
                    _Rule(w.id, compile_condition(w.when, vocab)),
                    w.message.en,
                    w.requires_justification,
                )
                for w in inst.warning_rules
            ],
        )
        inst._cache["scoring"] = plan
    assert isinstance(plan, _Plan)
    return plan


def score(inst: Instrument, answers: Answers) -> Scored:
    """Score `answers` on `inst` (they must come from `validate_answers`)."""
    plan = _plan(inst)
    facts = Facts(answers.ratings, answers.context, answers.judgements)
    primary = inst.primary.id
    total = 0.0
    unknown: list[str] = []
    domains = []
    ratings, points = answers.ratings, plan.points
    for domain, ids in plan.domains.items():
        counts: dict[str, int] = {}
        subtotal = 0.0
        omitted = 0
        for ident in ids:
            value = ratings[ident].get(primary)
            if value is None:
                continue
            counts[value] = counts.get(value, 0) + 1
            value_points = points[ident][value]
            if value_points is not None:
                subtotal += value_points
            elif value in plan.unknown[ident]:
                omitted += 1
                unknown.append(ident)
        total += subtotal
        domains.append(DomainSummary(domain, len(ids), counts, subtotal, omitted))
    if inst.kind == "spj":
        scored = _by_judgement(inst, plan, facts, total, unknown)
    else:
        scored = _by_bands(inst, plan, facts, total, unknown)
    scored.domains = domains
    _warn(plan, scored, answers)
    return scored


def _by_bands(
    inst: Instrument, plan: _Plan, facts: Facts, total: float, unknown: list[str]
) -> Scored:
    trace = [Step(kind="total", rule="sum", outcome=f"{total:g}", evidence=())]
    policy = inst.scoring.missing
    if unknown:
        trace.append(
            Step(kind="missing", rule="unknown", outcome=str(len(unknown)), evidence=tuple(unknown))
        )
    if policy is not None and len(unknown) > policy.max_unknown:
        message = (
            f"{len(unknown)} items are unknown ({', '.join(unknown)}); at most "
            f"{policy.max_unknown} may be, so no level is given"
        )
        missing = [f"items.{i}" for i in unknown]
        limit = f"at most {policy.max_unknown}"
        trace.append(Step("missing", "too-many-unknown", limit, tuple(unknown)))
        scored = Scored(facts, None, None, False, missing=missing, trace=trace)
        scored.warnings.append(message)
        return scored
    if policy is not None and policy.total == "prorate" and unknown:
        known = len(inst.items) - len(unknown)
        total = round(total * len(inst.items) / known, 2) if known else 0.0
        trace.append(Step(kind="total", rule="prorate", outcome=f"{total:g}", evidence=()))
    rank = max(0, bisect_right(plan.bounds, total) - 1)
    levels = inst.levels
    trace.append(
        Step(kind="band", rule=levels[rank], outcome=levels[rank], evidence=(f"score={total:g}",))
    )
    facts.score = total
    facts.level_rank = rank
    for rule, to, to_judgement in plan.escalations:
        evidence = rule.when(facts)
        if evidence is None:
            continue
        target = to if to is not None else facts.judgements.get(to_judgement or "")
        if target is None:
            continue
        raised = plan.rank[target] > rank
        if raised:
            rank = plan.rank[target]
        outcome = f"raised to {target}" if raised else f"{target}; no change"
        trace.append(Step(kind="escalation", rule=rule.id, outcome=outcome, evidence=evidence))
    facts.level_rank = rank
    return Scored(facts, levels[rank], total, True, trace=trace)


def _by_judgement(
    inst: Instrument, plan: _Plan, facts: Facts, total: float, unknown: list[str]
) -> Scored:
    trace = [
        Step(kind="total", rule="research_total", outcome=f"{total:g}", evidence=()),
    ]
    if unknown:
        trace.append(
            Step(kind="missing", rule="omitted", outcome=str(len(unknown)), evidence=tuple(unknown))
        )
    names = inst.scoring.level_from
    missing = [f"judgements.{name}" for name in names if name not in facts.judgements]
    facts.score = total
    if missing:
        absent = tuple(m.split(".")[1] for m in missing)
        trace.append(Step("missing", "no-judgements", "no level", absent))
        scored = Scored(facts, None, total, False, missing=missing, trace=trace)
        scored.warnings.append(
            "no level without the summary judgements: "
            + ", ".join(m.split(".")[1] for m in missing)
        )
        return scored
    rank = max(plan.rank[facts.judgements[name]] for name in names)
    level = inst.levels[rank]
    evidence = tuple(f"judgements.{name}={facts.judgements[name]}" for name in names)
    rule = "max(" + ", ".join(names) + ")" if len(names) > 1 else names[0]
    trace.append(Step(kind="judgement", rule=rule, outcome=level, evidence=evidence))
    facts.level_rank = rank
    return Scored(facts, level, total, True, trace=trace)


def _warn(plan: _Plan, scored: Scored, answers: Answers) -> None:
    for rule, message, needs_justification in plan.warnings:
        evidence = rule.when(scored.facts)
        if evidence is None:
            continue
        scored.warnings.append(message)
        scored.trace.append(Step(kind="warning", rule=rule.id, outcome=message, evidence=evidence))
        if needs_justification and not answers.justification:
            scored.complete = False
            if "justification" not in scored.missing:
                scored.missing.append("justification")
