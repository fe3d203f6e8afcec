"""The compiled plan of an instrument: every lookup table both engines read, built once.

`plan_of(inst)` builds the `Plan` on first use and keeps it on the instrument (one
private attribute); the row engine (`assess`) and the column engine (`score_frame`)
read nothing else of the definition while they score. A plan is frozen: its tables are
never changed after they are built, and its evidence records are shared by every result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from .._version import __version__
from ..definition.catalogue import Catalogue
from ..definition.evidence import (
    JudgementEvidence,
    MissingEvidence,
    Outcome,
)
from ..definition.instrument import PRIORITIES, ContextField, Instrument, Kind, Priority
from ..definition.loading import catalogue_for
from ..definition.result import Provenance, Route
from .checks import MAX_INT
from .item_plan import ItemPlan, Uniform, Walked, item_plans, uniform
from .record_plan import RecordPlan, record_plan
from .research_plan import Research, research_plan
from .rules import Compiled, compile_row

if TYPE_CHECKING:
    from ..definition.conditions import AnyCondition

__all__ = ["ItemPlan", "Plan", "plan_of"]

URGENCY: Mapping[str, int] = {p: i for i, p in enumerate(PRIORITIES)}
MEMO_LIMIT = 1 << 15


class ContextPlan(NamedTuple):
    """One context field; `low` and `high` bound an int field (with ±`MAX_INT`)."""

    id: str
    path: str
    type: str
    required: bool
    field: ContextField
    choices: frozenset[str]
    low: int
    high: int


class Rule(NamedTuple):
    """A declared rule: its id, its condition (syntax) and the condition's row form."""

    id: str
    when: AnyCondition
    holds: Compiled


class EscalationRule(NamedTuple):
    rule: Rule
    to: str | None
    to_judgement: str | None


class WarningRule(NamedTuple):
    rule: Rule
    message: str
    requires_justification: bool
    outcome: Outcome


class MeasureRule(NamedTuple):
    rule: Rule
    measure: str
    priority: Priority
    urgency: int
    key: int | None
    """Where the measure sorts at this rule's priority: urgency first, then catalogue.
    None for a measure the catalogue lacks (only a definition `check` reads despite its
    reference errors has one; recommending it fails, as it always has)."""


class Plan(NamedTuple):
    """Everything `assess` and `score_frame` read of one instrument, compiled once.

    Plans compare and hash by identity: there is one per loaded instrument. (A named
    tuple rather than a dataclass: defining one costs a tenth of the import time.)"""

    owner: int
    id: str
    kind: Kind
    primary: str
    dimensions: tuple[str, ...]
    required_dims: frozenset[str]
    """The primary dimension and every required one."""
    items: Mapping[str, ItemPlan]
    item_ids: frozenset[str]
    domains: Mapping[str, tuple[str, ...]]
    domain_items: tuple[tuple[str, tuple[ItemPlan, ...]], ...]
    walk: tuple[tuple[str, tuple[Walked, ...], Uniform | None], ...]
    """`domain_items` as the reader unpacks them: (id, full, tally, default, item), and
    the domain's `Uniform` points if it has them."""
    rating_key: Callable[[Mapping[str, Any]], Any]
    """A rating's values in dimension order (one value alone when there is one dimension);
    raises KeyError when a dimension is not given."""
    in_domain_order: bool
    """Whether walking the domains in order visits the items in instrument order."""
    context: Mapping[str, ContextPlan]
    context_ids: frozenset[str]
    context_template: Mapping[str, None]
    """Every context field, not given: what normalised context starts from."""
    required_context: tuple[str, ...]
    judgements: Mapping[str, str]
    """Judgement id → its type (``level`` or ``text``), in instrument order."""
    judgement_ids: frozenset[str]
    text_judgements: bool
    levels: tuple[str, ...]
    level_rank: Mapping[str, int]
    level_set: frozenset[str]
    bounds: tuple[float, ...]
    max_unknown: int | None
    prorate: bool
    level_from: tuple[str, ...]
    level_from_rule: str
    judgement_evidence: Mapping[str, Mapping[str, JudgementEvidence]]
    judgement_evidence_missing: Mapping[str, MissingEvidence]
    band_outcomes: tuple[Outcome, ...]
    judgement_outcomes: tuple[Outcome, ...]
    raised: tuple[Outcome, ...]
    no_change: tuple[Outcome, ...]
    escalations: tuple[EscalationRule, ...]
    warnings: tuple[WarningRule, ...]
    measures: tuple[MeasureRule, ...]
    measure_conditions: tuple[Compiled, ...]
    """The measure rules' distinct conditions (rules often share one), each once."""
    measure_slots: tuple[tuple[MeasureRule, int], ...]
    """Each measure rule with the index of its condition in `measure_conditions`."""
    measure_ids: tuple[str, ...]
    """The measures the rules can recommend, in catalogue order."""
    catalogue: Catalogue
    catalogue_order: Mapping[str, int]
    provenance: Provenance
    record: RecordPlan
    """What the SPJ case record reads (`risk_scoring.engine.record_plan`)."""
    research: Research | None
    """spj instruments whose scales have points: what the research totals read."""
    routes: Mapping[str | None, Route | None]
    """What can set the level (``band``, ``judgement``, an escalation's id; None for no
    level) → its route: a person's judgement (the summary judgements, an escalation to
    the level a judgement names) or the instrument's rules."""
    memo: dict[str, dict[Any, Any]]
    """What pure functions of small keys gave, kept so that each is made once (which
    measure rules fired → their merge, a total → its steps, the judgements → the level);
    one dict per function, each bounded by `MEMO_LIMIT`."""

    def __eq__(self, other: object) -> bool:
        return self is other

    def __ne__(self, other: object) -> bool:
        return self is not other

    def __hash__(self) -> int:
        return id(self)


def plan_of(inst: Instrument) -> Plan:
    """The plan of `inst`, built on first use and kept on the instrument."""
    private = inst.__pydantic_private__
    found = private.get("_plan") if private is not None else None
    if found is not None and found.owner == id(inst):
        assert isinstance(found, Plan)
        return found
    plan = _build(inst)
    inst._plan = plan
    return plan


def _routes(inst: Instrument) -> dict[str | None, Route | None]:
    routes: dict[str | None, Route | None] = {
        e.id: "judgement" if e.to_judgement is not None else "rules" for e in inst.escalations
    }
    # An escalation named like these reads as they do: the engine's own meaning wins.
    return {**routes, None: None, "band": "rules", "judgement": "judgement"}


def _build(inst: Instrument) -> Plan:
    research = research_plan(inst)
    items = item_plans(inst, research)
    by_domain: dict[str, list[str]] = {d.id: [] for d in inst.domains}
    for item in inst.items:
        by_domain[item.domain].append(item.id)
    domains = {k: tuple(v) for k, v in by_domain.items()}
    walked = [i for ids in domains.values() for i in ids]
    levels = tuple(level.id for level in inst.level_definitions)
    rank = {level: i for i, level in enumerate(levels)}
    vocab = Vocabulary(inst.primary.id, items, domains, rank, levels)

    def rule(ident: str, when: AnyCondition) -> Rule:
        return Rule(ident, when, compile_row(when, vocab))

    catalogue = catalogue_for(inst)
    order = catalogue.order
    size = len(order)
    measures = tuple(
        MeasureRule(
            rule(r.id, r.when),
            r.measure,
            r.priority,
            URGENCY[r.priority],
            URGENCY[r.priority] * size + order[r.measure] if r.measure in order else None,
        )
        for r in inst.measure_rules
    )
    distinct: dict[object, int] = {}
    slots = tuple((m, distinct.setdefault(m.rule.when, len(distinct))) for m in measures)
    conditions = [compile_row(when, vocab) for when in distinct]  # type: ignore[arg-type]
    policy = inst.scoring.missing
    names = inst.scoring.level_from
    return Plan(
        owner=id(inst),
        id=inst.id,
        kind=inst.kind,
        primary=inst.primary.id,
        dimensions=tuple(d.id for d in inst.dimensions),
        required_dims=frozenset(
            d.id for d in inst.dimensions if d.required or d is inst.dimensions[0]
        ),
        items=items,
        item_ids=frozenset(items),
        domains=domains,
        domain_items=tuple((d, tuple(items[i] for i in ids)) for d, ids in domains.items()),
        walk=tuple(
            (
                d,
                tuple((i, items[i].full, items[i].tally, items[i].default, items[i]) for i in ids),
                uniform([items[i] for i in ids]),
            )
            for d, ids in domains.items()
        ),
        rating_key=itemgetter(*(d.id for d in inst.dimensions)),
        in_domain_order=walked == [item.id for item in inst.items],
        context={
            f.id: ContextPlan(
                f.id,
                f"context.{f.id}",
                f.type,
                f.required,
                f,
                frozenset(c.id for c in f.choices),
                max(-MAX_INT, f.min) if f.min is not None else -MAX_INT,
                min(MAX_INT, f.max) if f.max is not None else MAX_INT,
            )
            for f in inst.context
        },
        context_ids=frozenset(f.id for f in inst.context),
        context_template=dict.fromkeys(f.id for f in inst.context),
        required_context=tuple(f.id for f in inst.context if f.required),
        judgements={j.id: j.type for j in inst.judgements},
        judgement_ids=frozenset(j.id for j in inst.judgements),
        text_judgements=any(j.type == "text" for j in inst.judgements),
        levels=levels,
        level_rank=rank,
        level_set=frozenset(levels),
        bounds=tuple(
            lv.min_score if lv.min_score is not None else float("-inf")
            for lv in inst.level_definitions
        ),
        max_unknown=policy.max_unknown if policy is not None else None,
        prorate=policy is not None and policy.total == "prorate",
        level_from=names,
        level_from_rule=("max(" + ", ".join(names) + ")" if len(names) > 1 else "".join(names)),
        judgement_evidence={
            j.id: {level: JudgementEvidence(j.id, level) for level in levels}
            for j in inst.judgements
        },
        judgement_evidence_missing={
            j.id: MissingEvidence("judgements", j.id) for j in inst.judgements
        },
        band_outcomes=tuple(Outcome("band", level) for level in levels),
        judgement_outcomes=tuple(Outcome("judgement", level) for level in levels),
        raised=tuple(Outcome("raised", level) for level in levels),
        no_change=tuple(Outcome("no_change", level) for level in levels),
        escalations=tuple(
            EscalationRule(rule(e.id, e.when), e.to, e.to_judgement) for e in inst.escalations
        ),
        warnings=tuple(
            WarningRule(
                rule(w.id, w.when),
                w.message.en,
                w.requires_justification,
                Outcome("warning", message=w.message.en),
            )
            for w in inst.warning_rules
        ),
        measures=measures,
        measure_conditions=tuple(conditions),
        measure_slots=slots,
        measure_ids=tuple(sorted({r.measure for r in measures}, key=lambda m: order.get(m, size))),
        catalogue=catalogue,
        catalogue_order=order,
        provenance=Provenance.of(inst, __version__),
        record=record_plan(inst, catalogue),
        research=research,
        routes=_routes(inst),
        memo={},
    )


class Vocabulary(NamedTuple):
    """What conditions may name, as the compiler needs it."""

    primary: str
    items: Mapping[str, ItemPlan]
    domains: Mapping[str, tuple[str, ...]]
    level_rank: Mapping[str, int]
    levels: tuple[str, ...]


def vocabulary(plan: Plan) -> Vocabulary:
    """The vocabulary the plan's conditions were compiled against (for other algebras)."""
    return Vocabulary(plan.primary, plan.items, plan.domains, plan.level_rank, plan.levels)
