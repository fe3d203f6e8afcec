"""What a report shows that depends only on the instrument, the language and the catalogue.

Titles, labels, rule rationales, warning messages and catalogue entries are looked up
and cleaned once per (instrument digest, language, catalogue) and cached here, so a
report pays only for what its result adds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .cleaning import MultiLine, block, line
from .i18n import N_, translate
from .view import InstrumentView, LevelView, MeasureView

if TYPE_CHECKING:
    from ..definition.catalogue import Catalogue
    from ..definition.instrument import Instrument
    from ..definition.model import Text


PRIORITY_LABELS = {
    "urgent": N_("Urgent"),
    "high": N_("High"),
    "consider": N_("Consider"),
}
KIND_LABELS = {
    "actuarial": N_("actuarial"),
    "checklist": N_("checklist"),
    "spj": N_("structured professional judgement"),
}
ROLE_LABELS = {
    "risk_analyst": N_("Risk analyst"),
    "clinician": N_("Clinician"),
    "psychologist": N_("Psychologist"),
    "social_worker": N_("Social worker"),
    "police_officer": N_("Police officer"),
    "investigator": N_("Investigator"),
}


@dataclass(frozen=True, slots=True)
class Static:
    """The instrument's and catalogue's texts in one language, cleaned, by id."""

    lang: str
    instrument: InstrumentView
    levels: tuple[LevelView, ...]
    level_index: dict[str, int]
    item_titles: dict[str, str]
    item_domain: dict[str, str]
    item_sub: dict[str, bool]
    domain_titles: dict[str, str]
    domain_items: dict[str, tuple[str, ...]]
    dimension_ids: tuple[str, ...]
    dimension_titles: dict[str, str]
    labels: dict[str, dict[str, dict[str, str]]]
    primary_labels: dict[str, str]
    primary_order: dict[str, int]
    judgement_titles: dict[str, str]
    judgements: tuple[tuple[str, str, bool], ...]
    level_from: tuple[str, ...]
    context: dict[str, tuple[str, str, dict[str, str]]]
    rationale: dict[str, str]
    warning_rules: dict[str, tuple[str, bool]]
    measures: dict[str, tuple[str, str | None, str, str]]
    catalogue_version: str
    max_unknown: int | None
    unknown_total: str
    memo: dict[object, MeasureView] = field(default_factory=dict)
    """Measure views by what determines them: results repeat the same few."""


_STATIC: dict[tuple[str, str, int], tuple[Catalogue, Static]] = {}
_STATIC_LIMIT = 64


def static_view(inst: Instrument, catalogue: Catalogue, lang: str) -> Static:
    """`inst` and `catalogue` in `lang`, from the cache when they have been seen."""
    key = (inst.digest, lang, id(catalogue))
    found = _STATIC.get(key)
    if found is not None and found[0] is catalogue:  # the entry keeps the id from reuse
        return found[1]
    t = lang

    def one(text: Text) -> str:
        return line(text.get(t))

    def many(text: Text) -> MultiLine:
        return block(text.get(t))

    count = len(inst.level_definitions)
    levels = tuple(
        LevelView(
            id=level.id,
            title=one(level.title),
            description=many(level.description),
            rank=i + 1,
            of=count,
            severity=int(i * 3 / (count - 1) + 0.5),
        )
        for i, level in enumerate(inst.level_definitions)
    )
    labels: dict[str, dict[str, dict[str, str]]] = {}
    primary_labels: dict[str, str] = {}
    primary_order: dict[str, int] = {}
    for item in inst.items:
        labels[item.id] = {}
        for dim in inst.dimensions:
            scale = inst.scale_for(item, dim)
            labels[item.id][dim.id] = {v.id: one(v.label) for v in scale.values}
            if dim.id == inst.primary.id:
                for v in scale.values:
                    primary_labels.setdefault(v.id, one(v.label))
                    primary_order.setdefault(v.id, len(primary_order))
    domain_items: dict[str, list[str]] = {d.id: [] for d in inst.domains}
    for item in inst.items:
        domain_items[item.domain].append(item.id)
    rationale: dict[str, str] = {}
    for escalation in inst.escalations:
        rationale[escalation.id] = many(escalation.rationale)
    for rule in inst.measure_rules:
        rationale[rule.id] = many(rule.rationale)
    policy = inst.scoring.missing
    static = Static(
        lang=lang,
        instrument=InstrumentView(
            id=inst.id,
            title=one(inst.title),
            version=line(inst.version),
            kind=inst.kind,
            kind_label=translate(t, KIND_LABELS[inst.kind]),
            description=many(inst.description),
            citation=line(inst.source.citation),
            licence=one(inst.source.licence),
        ),
        levels=levels,
        level_index={level.id: i for i, level in enumerate(levels)},
        item_titles={item.id: one(item.title) for item in inst.items},
        item_domain={item.id: item.domain for item in inst.items},
        item_sub={item.id: item.parent is not None for item in inst.items},
        domain_titles={d.id: one(d.title) for d in inst.domains},
        domain_items={k: tuple(v) for k, v in domain_items.items()},
        dimension_ids=tuple(d.id for d in inst.dimensions),
        dimension_titles={d.id: one(d.title) for d in inst.dimensions},
        labels=labels,
        primary_labels=primary_labels,
        primary_order=primary_order,
        judgement_titles={j.id: one(j.title) for j in inst.judgements},
        judgements=tuple(
            (j.id, one(j.title), j.id in inst.scoring.level_from) for j in inst.judgements
        ),
        level_from=inst.scoring.level_from,
        context={
            f.id: (one(f.title), f.type, {c.id: one(c.label) for c in f.choices})
            for f in inst.context
        },
        rationale=rationale,
        warning_rules={
            w.id: (many(w.message), w.requires_justification) for w in inst.warning_rules
        },
        measures={
            m.id: (
                one(m.name),
                one(m.legal_basis) if m.legal_basis is not None else None,
                one(m.decided_by),
                many(m.description),
            )
            for m in catalogue.measures
        },
        catalogue_version=line(catalogue.version),
        max_unknown=policy.max_unknown if policy is not None else None,
        unknown_total=(
            translate(t, N_("the total is prorated over the known items"))
            if policy is not None and policy.total == "prorate"
            else translate(t, N_("they add nothing to the total"))
        ),
    )
    if len(_STATIC) >= _STATIC_LIMIT:
        _STATIC.clear()
    _STATIC[key] = (catalogue, static)
    return static
