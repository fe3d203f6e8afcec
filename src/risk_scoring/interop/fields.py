"""The answer format as a tree of fields, shared by the FHIR mapping and the entry forms.

SPEC §3's answers are items (one question per dimension, plus a note), context fields,
summary judgements, the case facts (justification, case reference, date, assessors) and,
for spj instruments, the case record (sources, other considerations, scenarios, the
management plan, the review, each rater's own ratings). `fields(inst)` lays that out
once, in the order an analyst fills it in, as `Field`s and repeating `Group`s: each with
a stable `key` (the FHIR linkId and the form field's name), a title in nb and en, a
type, and the answers path it fills. Items keep their id as key (``N3``), or
``<item>.<dimension>`` when the instrument rates several dimensions; every other key
holds a ``:`` (``context:children_in_household``, ``record:scenarios.type``), which an
item id cannot, so keys never collide.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from ..definition.catalogue import Catalogue
from ..definition.instrument import Instrument, Scale
from ..definition.record import DECISIONS, RATINGS, SCENARIO_TYPES, STRATEGIES

FieldType = Literal["choice", "boolean", "integer", "date", "string", "text"]


@dataclass(frozen=True, slots=True)
class Option:
    code: str
    nb: str
    en: str


@dataclass(frozen=True, slots=True)
class Field:
    """One question: where its answer goes (`path`, keys into the answers mapping)."""

    key: str
    nb: str
    en: str
    type: FieldType
    path: tuple[str, ...]
    options: tuple[Option, ...] = ()
    system: str = ""
    required: bool = False
    repeats: bool = False
    minimum: int | None = None
    maximum: int | None = None
    help_nb: str = ""
    help_en: str = ""


@dataclass(frozen=True, slots=True)
class Group:
    """A group of fields; a repeating group fills a list of mappings at `path`."""

    key: str
    nb: str
    en: str
    path: tuple[str, ...]
    children: tuple[Field | Group, ...]
    repeats: bool = False
    max_repeats: int | None = None
    help_nb: str = ""
    help_en: str = ""


Node = Field | Group

_L = {
    "items": ("Risikofaktorer", "Risk factors"),
    "note": ("Merknad", "Note"),
    "context": ("Saksopplysninger", "Case facts"),
    "judgements": ("Summariske vurderinger", "Summary judgements"),
    "case": ("Vurderingen", "The assessment"),
    "justification": ("Begrunnelse", "Justification"),
    "case_ref": ("Saksreferanse (pseudonym)", "Case reference (pseudonymous)"),
    "assessed_on": ("Vurdert dato", "Assessed on"),
    "assessors": ("Vurderere", "Assessors"),
    "role": ("Rolle", "Role"),
    "id": ("Id", "Id"),
    "name": ("Navn", "Name"),
    "signed_on": ("Signert dato", "Signed on"),
    "sources": ("Informasjonskilder", "Information sources"),
    "source": ("Kilde", "Source"),
    "other_considerations": ("Andre forhold", "Other considerations"),
    "title": ("Forhold", "Factor"),
    "scenarios": ("Risikoscenarier", "Risk scenarios"),
    "type": ("Type", "Type"),
    "description": ("Beskrivelse", "Description"),
    "victims": ("Mulige ofre", "Likely victims"),
    "likelihood": ("Sannsynlighet", "Likelihood"),
    "severity": ("Alvorlighet", "Severity"),
    "imminence": ("Nærhet i tid", "Imminence"),
    "warning_signs": ("Varselsignaler", "Warning signs"),
    "management": ("Tiltaksplan", "Management plan"),
    "measure": ("Tiltak", "Measure"),
    "strategy": ("Strategi", "Strategy"),
    "decision": ("Beslutning", "Decision"),
    "responsible": ("Ansvarlig", "Responsible"),
    "due": ("Frist", "Due"),
    "reason": ("Begrunnelse for beslutningen", "Reason for the decision"),
    "consent": ("Den utsattes samtykke", "The victim's consent"),
    "review": ("Ny vurdering", "Review"),
    "review_due": ("Ny vurdering senest", "Review by"),
    "triggers": ("Hendelser som utløser ny vurdering", "Events that trigger a reassessment"),
    "raters": ("Hver vurderers egne vurderinger", "Each rater's own ratings"),
}
_VOCAB = {
    "repeat": ("Gjentakelse", "Repeat"),
    "escalation": ("Opptrapping (verste tilfelle)", "Escalation (worst case)"),
    "twist": ("Vri", "Twist"),
    "improvement": ("Bedring", "Improvement"),
    "low": ("Lav", "Low"),
    "moderate": ("Moderat", "Moderate"),
    "high": ("Høy", "High"),
    "monitoring": ("Overvåking", "Monitoring"),
    "supervision": ("Kontroll", "Supervision"),
    "treatment": ("Behandling", "Treatment"),
    "victim_safety_planning": ("Sikkerhetsplan for den utsatte", "Victim safety planning"),
    "chosen": ("Valgt", "Chosen"),
    "rejected": ("Avvist", "Rejected"),
    "deferred": ("Utsatt", "Deferred"),
}
MAX_REPEATS = {"assessors": 2, "raters": 2}


def _label(key: str) -> tuple[str, str]:
    return _L[key]


def _vocab(name: str, codes: tuple[str, ...]) -> tuple[tuple[Option, ...], str]:
    return tuple(Option(c, *_VOCAB[c]) for c in codes), f"urn:risk-scoring:record:{name}"


def system(inst: Instrument, scale: Scale | str) -> str:
    """The coding system of one of `inst`'s scales (or ``levels``)."""
    name = scale if isinstance(scale, str) else scale.id
    return f"urn:risk-scoring:{inst.id}:{name}"


def item_key(inst: Instrument, item: str, dimension: str) -> str:
    """The key of one rating: the item id, or ``<item>.<dimension>`` for several dimensions."""
    return item if len(inst.dimensions) == 1 else f"{item}.{dimension}"


def fields(inst: Instrument, catalogue: Catalogue) -> tuple[Node, ...]:
    """The answer format of `inst` as fields and groups, in the order they are filled in."""
    out: list[Node] = [Group("items", *_label("items"), (), tuple(_domains(inst)))]
    if inst.context:
        out.append(Group("context", *_label("context"), (), tuple(_context(inst))))
    if inst.judgements:
        out.append(Group("judgements", *_label("judgements"), (), tuple(_judgements(inst))))
    out.append(Group("case", *_label("case"), (), tuple(_case(inst))))
    if inst.kind == "spj":
        out.extend(_record(inst, catalogue))
    return tuple(out)


def _domains(inst: Instrument) -> Iterator[Group]:
    for domain in inst.domains:
        children: list[Node] = []
        for item in inst.items:
            if item.domain != domain.id:
                continue
            for i, dim in enumerate(inst.dimensions):
                scale = inst.scale_for(item, dim)
                nb, en = item.title.nb, item.title.en
                if len(inst.dimensions) > 1:
                    nb, en = f"{nb}: {dim.title.nb}", f"{en}: {dim.title.en}"
                needed = (i == 0 and item.required and item.default is None) or dim.required
                children.append(
                    Field(
                        item_key(inst, item.id, dim.id),
                        f"{item.id} {nb}",
                        f"{item.id} {en}",
                        "choice",
                        ("items", item.id, dim.id),
                        tuple(Option(v.id, v.label.nb, v.label.en) for v in scale.values),
                        system(inst, scale),
                        required=needed,
                        help_nb=item.guidance.nb if i == 0 else "",
                        help_en=item.guidance.en if i == 0 else "",
                    )
                )
            children.append(
                Field(
                    f"{item.id}:note",
                    f"{item.id} {_L['note'][0]}",
                    f"{item.id} {_L['note'][1]}",
                    "text",
                    ("items", item.id, "note"),
                )
            )
        yield Group(f"domain:{domain.id}", domain.title.nb, domain.title.en, (), tuple(children))


def _context(inst: Instrument) -> Iterator[Field]:
    kinds: dict[str, FieldType] = {
        "bool": "boolean",
        "int": "integer",
        "choice": "choice",
        "date": "date",
        "text": "text",
    }
    for f in inst.context:
        yield Field(
            f"context:{f.id}",
            f.title.nb,
            f.title.en,
            kinds[f.type],
            ("context", f.id),
            tuple(Option(c.id, c.label.nb, c.label.en) for c in f.choices),
            system(inst, f"context-{f.id}") if f.choices else "",
            required=f.required,
            minimum=f.min,
            maximum=f.max,
        )


def _judgements(inst: Instrument) -> Iterator[Field]:
    levels = tuple(Option(lv.id, lv.title.nb, lv.title.en) for lv in inst.level_definitions)
    for j in inst.judgements:
        if j.type == "text":
            yield Field(f"judgement:{j.id}", j.title.nb, j.title.en, "text", ("judgements", j.id))
        else:
            yield Field(
                f"judgement:{j.id}",
                j.title.nb,
                j.title.en,
                "choice",
                ("judgements", j.id),
                levels,
                system(inst, "levels"),
            )


def _name(key: str) -> str:
    """The last part of a key: ``record:scenarios.type`` → ``type``."""
    return key.rpartition(".")[2].rpartition(":")[2]


def _text(key: str, kind: FieldType = "string", **extra: object) -> Field:
    """A field whose answers path is its key's last part, within its group."""
    name = _name(key)
    return Field(key, *_label(name), kind, (name,), **extra)  # type: ignore[arg-type]


def _case(inst: Instrument) -> Iterator[Node]:
    yield _text("case:justification", "text")
    yield _text("case:case_ref")
    yield _text("case:assessed_on", "date")
    yield Group(
        "case:assessors",
        *_label("assessors"),
        ("assessors",),
        (
            _text("case:assessors.role", required=True),
            _text("case:assessors.id"),
            _text("case:assessors.name"),
            _text("case:assessors.signed_on", "date"),
        ),
        repeats=True,
        max_repeats=MAX_REPEATS["assessors"],
    )


_VOCABS = {
    "scenario-type": SCENARIO_TYPES,
    "rating": RATINGS,
    "strategy": STRATEGIES,
    "decision": DECISIONS,
}


def _choice(key: str, vocab: str, *, required: bool = False) -> Field:
    """A field coded in one of the case record's vocabularies."""
    options, coding = _vocab(vocab, _VOCABS[vocab])
    name = _name(key)
    return Field(key, *_label(name), "choice", (name,), options, coding, required=required)


def _record(inst: Instrument, catalogue: Catalogue) -> Iterator[Group]:
    yield Group(
        "record:sources",
        *_label("sources"),
        (),
        (Field("record:sources.source", *_label("source"), "string", ("sources",), repeats=True),),
    )
    ratings = tuple(
        Field(
            f"record:other_considerations.{dim.id}",
            dim.title.nb,
            dim.title.en,
            "choice",
            (dim.id,),
            tuple(Option(v.id, v.label.nb, v.label.en) for v in inst.scale_by_id[dim.scale].values),
            system(inst, inst.scale_by_id[dim.scale]),
        )
        for dim in inst.dimensions
    )
    yield Group(
        "record:other_considerations",
        *_label("other_considerations"),
        ("other_considerations",),
        (
            _text("record:other_considerations.title", required=True),
            *ratings,
            _text("record:other_considerations.note", "text"),
        ),
        repeats=True,
    )
    yield Group(
        "record:scenarios",
        *_label("scenarios"),
        ("scenarios",),
        (
            _choice("record:scenarios.type", "scenario-type", required=True),
            _text("record:scenarios.description", "text"),
            _text("record:scenarios.victims"),
            _choice("record:scenarios.likelihood", "rating"),
            _choice("record:scenarios.severity", "rating"),
            _choice("record:scenarios.imminence", "rating"),
            _text("record:scenarios.warning_signs", repeats=True),
        ),
        repeats=True,
    )
    measures = tuple(Option(m.id, m.name.nb, m.name.en) for m in catalogue.measures)
    yield Group(
        "record:management",
        *_label("management"),
        ("management",),
        (
            Field(
                "record:management.measure",
                *_label("measure"),
                "choice",
                ("measure",),
                measures,
                "urn:risk-scoring:measures",
                required=True,
            ),
            _choice("record:management.strategy", "strategy", required=True),
            _choice("record:management.decision", "decision", required=True),
            _text("record:management.responsible"),
            _text("record:management.due", "date"),
            _text("record:management.reason", "text"),
            _text("record:management.consent", "boolean"),
        ),
        repeats=True,
    )
    yield Group(
        "record:review",
        *_label("review"),
        ("review",),
        (
            Field("record:review.due", *_label("review_due"), "date", ("due",)),
            _text("record:review.triggers", repeats=True),
        ),
    )
    rated: list[Node] = [_text("record:raters.role", required=True)]
    for node in _domains(inst):
        rated.extend(
            Field(
                f"record:raters.{c.key}",
                c.nb,
                c.en,
                c.type,
                ("items", *c.path[1:]),
                c.options,
                c.system,
            )
            for c in node.children
            if isinstance(c, Field) and c.type == "choice"
        )
    rated.extend(
        Field(f"record:raters.{c.key}", c.nb, c.en, c.type, c.path, c.options, c.system)
        for c in _judgements(inst)
        if c.type == "choice"
    )
    yield Group(
        "record:raters",
        *_label("raters"),
        ("raters",),
        tuple(rated),
        repeats=True,
        max_repeats=MAX_REPEATS["raters"],
    )


def walk(nodes: tuple[Node, ...]) -> Iterator[Node]:
    """Every field and group, depth first."""
    for node in nodes:
        yield node
        if isinstance(node, Group):
            yield from walk(node.children)
