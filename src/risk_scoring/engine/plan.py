"""The compiled plan of an instrument: every lookup table both engines read, built once.

`plan_of(inst)` builds the `Plan` on first use and keeps it on the instrument (one
private attribute); the row engine (`assess`) and the column engine (`score_frame`)
read nothing else of the definition while they score. A plan is frozen: its tables are
never changed after they are built, and its evidence records are shared by every result.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from .._version import __version__
from ..definition.catalogue import Catalogue
from ..definition.evidence import (
    ItemEvidence,
    JudgementEvidence,
    MissingEvidence,
    Outcome,
)
from ..definition.instrument import PRIORITIES, ContextField, Instrument, Kind, Priority
from ..definition.loading import catalogue_for
from ..definition.result import Provenance, Route
from .checks import MAX_INT
from .record_plan import RecordPlan, record_plan
from .rules import Compiled, compile_row

if TYPE_CHECKING:
    from ..definition.conditions import AnyCondition

__all__ = ["ItemPlan", "Plan", "plan_of"]

URGENCY: Mapping[str, int] = {p: i for i, p in enumerate(PRIORITIES)}
MEMO_LIMIT = 1 << 15
_FULL_LIMIT = 512
"""An item gets a table of every full rating (one value per dimension) when there are at
most this many; beyond that the fast reader checks the dimensions one by one."""


Tally = tuple[str, "float | None", bool]
"""What one primary value adds to its domain: (the value, its points times the item's
weight or None, whether it is an unknown value)."""


class ItemPlan(NamedTuple):
    """One item: what each dimension allows, what the primary value is worth."""

    id: str
    domain: str
    path: str
    required: bool
    default: str | None
    allowed: Mapping[str, frozenset[str]]
    """Dimension id → the values its scale allows (dimension order)."""
    values: Mapping[str, tuple[str, ...]]
    """Dimension id → the scale's values in order (the codes of a frame column)."""
    primary: frozenset[str]
    others: tuple[tuple[str, frozenset[str], bool], ...]
    """The other dimensions: (id, allowed values, required)."""
    points: Mapping[str, float | None]
    """Primary value → points times weight; None for a value that adds nothing."""
    unknown: frozenset[str]
    evidence: Mapping[str, Mapping[str, ItemEvidence]]
    """Dimension id → value → the evidence record ``item.dimension=value``."""
    tally: Mapping[str, Tally]
    """Primary value → what it adds to the domain summary (for a bare value)."""
    full: Mapping[Any, tuple[dict[str, str], Tally, int]] | None
    """Every rating with a value in each dimension (`Plan.rating_key` of it) → the
    normalised rating, its tally and its packed research code (`Research.packed`; 0
    without one), or None when there are too many."""
    missing: MissingEvidence


Full = Mapping[Any, tuple[dict[str, str], Tally, int]]
Walked = tuple[str, Full | None, Mapping[str, Tally], str | None, ItemPlan]
Uniform = tuple[tuple[tuple[str, float], ...], tuple[str, ...]]
"""A domain whose items all give the same whole-number points for each value: (value,
points) for the values that add any, and the unknown values. Its points are then its
counts times the points, exactly, whatever the order of the additions."""


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


PointsOf = Mapping[str, float]
"""A dimension's values that carry points → their points times the item's weight."""


class Packed(NamedTuple):
    """The research totals as one integer per item, added up as the reader walks.

    Possible when every research points value is a whole number >= 0 and every primary
    value without points is an unknown one: the primary dimension's total and rated
    count are then the score and the items not unknown, and an item's code packs, in
    fields of `width` bits, each other dimension's (points, rated) and what the item
    adds to the lifetime total beyond its primary value (points, rated). A rating of the
    primary dimension alone has code 0, so bare values add nothing."""

    width: int
    fields: int


class Research(NamedTuple):
    """What the spj research totals read of an instrument, built once."""

    dimensions: tuple[str, ...]
    """The dimensions whose scale has points, in instrument order."""
    points: Mapping[str, tuple[PointsOf, ...]]
    """Item id (instrument order) → the points of each of `dimensions`."""
    packed: Packed | None
    items: int
    memo: dict[int, tuple[Any, ...]]
    """Packed code → (the score, the items rated on the primary dimension, the totals):
    the totals of the latest answers with that code, made once."""


def research_code(
    research: Research, tables: tuple[PointsOf, ...], rating: Mapping[str, str]
) -> int:
    """An item's packed research code for `rating` (see `Packed`); 0 without packing."""
    packed = research.packed
    if packed is None:
        return 0
    dims = research.dimensions
    width = packed.width
    code = 0
    shift = 0
    first = tables[0].get(rating.get(dims[0], ""))
    best = first
    for dim, table in zip(dims[1:], tables[1:], strict=True):
        value = rating.get(dim)
        points = table.get(value) if value is not None else None
        if points is not None:
            code |= int(points) << shift | 1 << (shift + width)
            best = points if best is None else max(best, points)
        shift += 2 * width
    if best is not None:
        code |= int(best - (first or 0)) << shift | (first is None) << (shift + width)
    return code


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


def _research(inst: Instrument) -> Research | None:
    """The research plan of an spj instrument (None for others, or without points)."""
    if inst.kind != "spj":
        return None
    tables = {
        item.id: tuple(
            {
                v.id: v.points * item.weight
                for v in inst.scale_for(item, dim).values
                if v.points is not None and not v.unknown
            }
            for dim in inst.dimensions
        )
        for item in inst.items
    }
    keep = [i for i, _ in enumerate(inst.dimensions) if any(t[i] for t in tables.values())]
    if not keep:
        return None
    dims = tuple(inst.dimensions[i].id for i in keep)
    points = {ident: tuple(t[i] for i in keep) for ident, t in tables.items()}
    return Research(dims, points, _packing(inst, dims, points), len(points), {})


def _packing(
    inst: Instrument, dims: tuple[str, ...], points: Mapping[str, tuple[PointsOf, ...]]
) -> Packed | None:
    if dims[0] != inst.primary.id:
        return None
    every = [p for tables in points.values() for table in tables for p in table.values()]
    if any(p < 0 or not float(p).is_integer() or p > 1 << 20 for p in every):
        return None
    for item in inst.items:
        values = {v.id for v in inst.scale_for(item, inst.primary).values if not v.unknown}
        if not values <= points[item.id][0].keys():
            return None  # a primary value that is neither rated nor unknown
    most = sum(max(max(t.values(), default=0) for t in tables) for tables in points.values())
    width = max(int(most), len(points)).bit_length() + 1
    return Packed(width, 2 * len(dims))


def _items(inst: Instrument, research: Research | None) -> dict[str, ItemPlan]:
    primary = inst.primary
    tables = research.points if research is not None else {}
    out = {}
    for item in inst.items:
        values = {
            dim.id: tuple(v.id for v in inst.scale_for(item, dim).values) for dim in inst.dimensions
        }
        allowed = {dim: frozenset(v) for dim, v in values.items()}
        scale = inst.scale_for(item, primary)
        points = {
            v.id: None if v.points is None or v.unknown else v.points * item.weight
            for v in scale.values
        }
        evidence = {
            dim: {v: ItemEvidence(item.id, dim, v) for v in vals} for dim, vals in values.items()
        }
        others = tuple((d.id, allowed[d.id], d.required) for d in inst.dimensions[1:])
        unknown = frozenset(v.id for v in scale.values if v.unknown)
        tally = {v: (v, p, v in unknown) for v, p in points.items()}
        out[item.id] = ItemPlan(
            id=item.id,
            domain=item.domain,
            path=f"items.{item.id}",
            required=item.required,
            default=item.default,
            allowed=allowed,
            values=values,
            primary=allowed[primary.id],
            others=others,
            points=points,
            unknown=unknown,
            evidence=evidence,
            tally=tally,
            full=_full(values, tally, research, tables.get(item.id)),
            missing=MissingEvidence("items", item.id),
        )
    return out


def _uniform(members: list[ItemPlan]) -> Uniform | None:
    if not members or any(m.tally != members[0].tally for m in members):
        return None
    tally = members[0].tally
    if any(p is not None and not float(p).is_integer() for _, p, _ in tally.values()):
        return None
    worth = tuple((v, p) for v, p, _ in tally.values() if p)
    return worth, tuple(v for v, _, gone in tally.values() if gone)


def _full(
    values: Mapping[str, tuple[str, ...]],
    tally: Mapping[str, Tally],
    research: Research | None,
    tables: tuple[PointsOf, ...] | None,
) -> dict[Any, tuple[dict[str, str], Tally, int]] | None:
    if math.prod(len(v) for v in values.values()) > _FULL_LIMIT:
        return None
    combos: list[tuple[str, ...]] = [()]
    for vals in values.values():
        combos = [(*c, v) for c in combos for v in vals]
    dims = tuple(values)
    alone = len(dims) == 1  # `Plan.rating_key` gives one value alone, not in a tuple
    out = {}
    for c in combos:
        rating = dict(zip(dims, c, strict=True))
        code = research_code(research, tables, rating) if research and tables else 0
        out[c[0] if alone else c] = (rating, tally[c[0]], code)
    return out


def _routes(inst: Instrument) -> dict[str | None, Route | None]:
    routes: dict[str | None, Route | None] = {
        e.id: "judgement" if e.to_judgement is not None else "rules" for e in inst.escalations
    }
    # An escalation named like these reads as they do: the engine's own meaning wins.
    return {**routes, None: None, "band": "rules", "judgement": "judgement"}


def _build(inst: Instrument) -> Plan:
    research = _research(inst)
    items = _items(inst, research)
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
                _uniform([items[i] for i in ids]),
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
