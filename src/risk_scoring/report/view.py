"""The report's content as plain, localized data: what the templates lay out.

`build_view` turns a Result into a `ReportView` in one language. Templates receive only
this view (frozen dataclasses of strings, numbers and tuples), never live library
objects, so a custom template has nothing to reach through. Everything that depends
only on the instrument and the language (titles, labels, rule rationales, catalogue
entries) is computed once and cached here, by the instrument's digest, the language and
the catalogue. Evidence and trace outcomes are records: the view reads their fields.

Text is passed through with two changes, and escaping is left to the template
environment (HTML autoescape, Markdown escaping), so no format can forget it:

- control characters and the bidirectional embedding, override and isolate controls
  (U+202A to U+202E, U+2066 to U+2069, which could reorder what a reader sees) are removed
  from every text, free text and definition text alike;
- every field is one line (`line`: line breaks and tabs become spaces), except the
  multi-line ones (`block`): notes, the justification, text judgements, and the
  definitions' descriptions, rationales and warning messages. Those are `MultiLine`
  strings; the text template indents their continuation lines, so no value can start
  a line of its own there (a ``case_ref`` of ``"X\\nRisk level: STANDARD"`` cannot
  forge a "Risk level" line).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from ..definition.evidence import (
    ContextEvidence,
    Evidence,
    ItemEvidence,
    JudgementEvidence,
    LevelEvidence,
    MissingEvidence,
    ScoreEvidence,
)
from .i18n import N_, format_date, format_datetime, format_number, translate
from .record_view import (
    ConsiderationView,
    DisagreementView,
    PlanRowView,
    PlanView,
    RecordView,
    ReviewView,
    RunningView,
    ScenarioView,
    SignatoryView,
    StrategyView,
    UnverifiedView,
    WindowView,
    Words,
    build_record,
    build_running,
)

if TYPE_CHECKING:
    from ..definition.catalogue import Catalogue
    from ..definition.instrument import Instrument
    from ..definition.model import Text
    from ..definition.result import OverlayProvenance, RecommendedMeasure, Result

__all__ = [
    "ConsiderationView",
    "DisagreementView",
    "PlanRowView",
    "PlanView",
    "RecordView",
    "ReportView",
    "ReviewView",
    "RunningView",
    "ScenarioView",
    "SignatoryView",
    "StrategyView",
    "UnverifiedView",
    "WindowView",
    "build_view",
]

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_FOLD = str.maketrans({"\n": " ", "\t": " "})

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
YES, NO = N_("Yes"), N_("No")
NOT_GIVEN = N_("not given")
LEVEL, SCORE, POINTS = N_("Level"), N_("Score"), N_("Points")
NOT_RATED = "—"


def _lower_first(title: str) -> str:
    """A title inside a sentence: ``Case prioritization`` → ``case prioritization``, not ``IPV``."""
    if len(title) > 1 and title[1].isupper():
        return title
    return title[:1].lower() + title[1:]


class MultiLine(str):
    """A text that may hold line breaks (``\\n``): a note, a justification, a description."""

    __slots__ = ()


def clean(text: str) -> str:
    """`text` without control characters (terminal escapes, NUL) or bidi controls,
    its lines joined by ``\\n``."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def line(text: str) -> str:
    """`text` as one line: cleaned, and every line break and tab a space."""
    return clean(text).translate(_FOLD)


def block(text: str) -> MultiLine:
    """`text` cleaned, its line breaks kept, marked as `MultiLine`."""
    return MultiLine(clean(text))


# --- the view ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Field:
    """A labelled value: one row of a facts table."""

    label: str
    value: str
    code: bool = False


@dataclass(frozen=True, slots=True)
class InstrumentView:
    id: str
    title: str
    version: str
    kind: str
    kind_label: str
    description: str
    citation: str
    licence: str


@dataclass(frozen=True, slots=True)
class LevelView:
    """A level of the instrument; `severity` (0 to 3) picks a colour, `rank` counts from 1."""

    id: str
    title: str
    description: str
    rank: int
    of: int
    severity: int
    current: bool = False


@dataclass(frozen=True, slots=True)
class AssessorView:
    role: str
    id: str | None


@dataclass(frozen=True, slots=True)
class JudgementView:
    """A summary judgement: a level title, or free text for a text judgement."""

    id: str
    title: str
    value: str | None
    is_text: bool
    sets_level: bool


@dataclass(frozen=True, slots=True)
class ReasonView:
    """Why a measure is recommended: the rule's rationale and the answers that fired it."""

    rule: str
    rationale: str
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MeasureView:
    id: str
    name: str
    priority: str
    priority_label: str
    legal_basis: str | None
    decided_by: str
    description: str
    reasons: tuple[ReasonView, ...]


@dataclass(frozen=True, slots=True)
class WarningView:
    """A warning; `rule` is None for the engine's own (too many unknown answers, ...)."""

    rule: str | None
    message: str
    evidence: tuple[str, ...]
    requires_justification: bool


class ItemView(NamedTuple):
    """One item: its value label in every dimension (``—`` when not rated) and its note.

    A named tuple, so a template may unpack it in a loop
    (``{% for id, title, values, note, sub in domain.items %}``), which renders faster
    than reading its fields one by one.
    """

    id: str
    title: str
    values: tuple[str, ...]
    note: str | None
    sub: bool


@dataclass(frozen=True, slots=True)
class DomainView:
    id: str
    title: str
    summary: str
    items: tuple[ItemView, ...]


@dataclass(frozen=True, slots=True)
class ReportView:
    """Everything a report shows, localized, in the order it is shown."""

    lang: str
    instrument: InstrumentView
    case_ref: str | None
    assessed_on: str | None
    assessors: tuple[AssessorView, ...]
    level: LevelView | None
    levels: tuple[LevelView, ...]
    score: str | None
    score_is_research_only: bool
    basis: tuple[str, ...]
    judgements: tuple[JudgementView, ...]
    justification: str | None
    complete: bool
    missing: tuple[str, ...]
    context: tuple[Field, ...]
    measures: tuple[MeasureView, ...]
    warnings: tuple[WarningView, ...]
    dimensions: tuple[str, ...]
    domains: tuple[DomainView, ...]
    provenance: tuple[Field, ...]
    rendered_at: str | None
    record: RecordView
    """The SPJ case record: sign-off, sources, scenarios, plan, review, the pair's ratings."""
    running: RunningView
    """What every printed page repeats in its margins."""


# --- what depends only on the instrument and the language -------------------------------


@dataclass(frozen=True, slots=True)
class _Static:
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


_STATIC: dict[tuple[str, str, int], tuple[Catalogue, _Static]] = {}
_STATIC_LIMIT = 64


def _static(inst: Instrument, catalogue: Catalogue, lang: str) -> _Static:
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
    static = _Static(
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


# --- per result -------------------------------------------------------------------------


def _context_value(s: _Static, field: str, value: object) -> str:
    t = s.lang
    if value is None:
        return translate(t, NOT_GIVEN)
    _title, kind, choices = s.context[field]
    if isinstance(value, bool):
        return translate(t, YES if value else NO)
    if isinstance(value, int):
        return format_number(value, t)
    if kind == "choice":
        return choices.get(str(value)) or line(str(value))
    if kind == "date":
        try:
            return format_date(str(value), t)
        except ValueError:
            return line(str(value))
    return line(str(value))


def _evidence(s: _Static, result: Result, evidence: Evidence) -> str:
    """One piece of evidence (``N5.recent=Y``, ``score=14``) in words."""
    t = s.lang
    if isinstance(evidence, LevelEvidence):
        level = s.levels[s.level_index[result.level]].title if result.level else NOT_RATED
        return f"{translate(t, LEVEL)}: {level}"
    if isinstance(evidence, ScoreEvidence):
        return f"{translate(t, SCORE)}: {format_number(evidence.score, t)}"
    if isinstance(evidence, JudgementEvidence) and evidence.judgement in s.judgement_titles:
        value = evidence.value
        shown = s.levels[s.level_index[value]].title if value in s.level_index else line(value)
        return f"{s.judgement_titles[evidence.judgement]}: {shown}"
    if isinstance(evidence, ContextEvidence) and evidence.field in s.context:
        field = evidence.field
        raw = result.context.get(field)
        return f"{s.context[field][0]}: {_context_value(s, field, raw)}"
    if isinstance(evidence, ItemEvidence):
        item, dim = evidence.item, evidence.dimension
        if item in s.labels and dim in s.labels[item]:
            label = s.labels[item][dim].get(evidence.value) or line(evidence.value)
            where = f"{item} {s.item_titles[item]}"
            if len(s.dimension_ids) > 1:
                return f"{where}, {_lower_first(s.dimension_titles[dim])}: {label}"
            return f"{where}: {label}"
    return line(str(evidence))


def _ids(evidence: tuple[Evidence, ...]) -> list[str]:
    """The ids a `missing` step names (unknown items, absent judgements)."""
    return [e.id if isinstance(e, MissingEvidence) else str(e) for e in evidence]


def _missing(s: _Static, path: str) -> str:
    head, _dot, ident = path.partition(".")
    if head == "items" and ident in s.item_titles:
        return f"{ident} {s.item_titles[ident]}"
    if head == "judgements" and ident in s.judgement_titles:
        return s.judgement_titles[ident]
    if head == "context" and ident in s.context:
        return s.context[ident][0]
    if path == "justification":
        return translate(s.lang, N_("Justification"))
    return line(path)


def _basis(s: _Static, result: Result) -> list[str]:
    """How the level was reached, one sentence per step of the trace."""
    t = s.lang
    lines: list[str] = []
    for step in result.trace:
        outcome = step.outcome
        if step.kind == "band" and outcome.level in s.level_index:
            lines.append(
                translate(t, N_("The score %(score)s falls in the band for %(level)s."))
                % {
                    "score": format_number(result.score or 0, t),
                    "level": s.levels[s.level_index[outcome.level]].title,
                }
            )
        elif step.kind == "missing" and outcome.code in ("unknown", "omitted"):
            # Other missing steps (no judgements, too many unknown) say why there is no
            # level, below and among the warnings; they list no unknown items.
            unknown = line(", ".join(_ids(step.evidence)))
            lines.append(
                translate(t, N_("Unknown or omitted items: %(items)s; %(policy)s."))
                % {"items": unknown, "policy": s.unknown_total}
            )
        elif step.kind == "escalation":
            target = outcome.level or ""
            title = (
                s.levels[s.level_index[target]].title if target in s.level_index else line(target)
            )
            raised = outcome.code == "raised"
            template = (
                N_("Raised to %(level)s: %(rationale)s")
                if raised
                else N_(
                    "Escalation route to %(level)s holds, but the level is already there: "
                    "%(rationale)s"
                )
            )
            lines.append(
                translate(t, template)
                % {"level": title, "rationale": s.rationale.get(step.rule, step.rule)}
            )
        elif step.kind == "judgement":
            titles = [s.judgement_titles.get(name, name) for name in s.level_from]
            if len(titles) == 1:
                text = translate(t, N_("The level is the analysts' judgement of %(judgement)s."))
                lines.append(text % {"judgement": _lower_first(titles[0])})
            else:
                text = translate(
                    t, N_("The level is the highest of the analysts' judgements: %(judgements)s.")
                )
                lines.append(text % {"judgements": ", ".join(map(_lower_first, titles))})
    if result.level is None and not result.complete:
        if any(step.outcome.code == "no_judgements" for step in result.trace):
            lines.append(translate(t, N_("No level: the summary judgements are not recorded.")))
        else:
            lines.append(translate(t, N_("No level: too many answers are unknown.")))
    return lines


def _warnings(s: _Static, result: Result) -> list[WarningView]:
    t = s.lang
    views: list[WarningView] = []
    # The engine's own warnings (no level) are explained by "missing" steps in the trace.
    for step in result.trace:
        if step.kind != "missing":
            continue
        code = step.outcome.code
        if code == "no_judgements":
            titles = [s.judgement_titles.get(j, j) for j in _ids(step.evidence)]
            message = translate(
                t, N_("No level without the summary judgements: %(judgements)s.")
            ) % {"judgements": ", ".join(titles)}
        elif code == "too_many_unknown":
            message = translate(
                t,
                N_(
                    "%(count)s items are unknown (%(items)s); at most %(limit)s may be, "
                    "so no level is given."
                ),
            ) % {
                "count": len(step.evidence),
                "items": line(", ".join(_ids(step.evidence))),
                "limit": s.max_unknown,
            }
        else:
            continue
        views.append(WarningView(None, message, (), False))
    for step in result.trace:
        if step.kind != "warning":
            continue
        message, needs = s.warning_rules.get(step.rule) or (line(str(step.outcome)), False)
        evidence = tuple(_evidence(s, result, e) for e in step.evidence)
        views.append(WarningView(step.rule, message, evidence, needs))
    return views


def _domain_summary(s: _Static, result: Result, counts: dict[str, int], points: float) -> str:
    t = s.lang
    parts = [
        f"{s.primary_labels.get(value) or line(value)}: {format_number(n, t)}"
        for value, n in sorted(counts.items(), key=lambda kv: s.primary_order.get(kv[0], 99))
    ]
    if result.kind != "spj":
        parts.append(f"{translate(t, POINTS)}: {format_number(points, t)}")
    return " · ".join(parts)


def _overlay_fields(lang: str, overlay: OverlayProvenance | None) -> tuple[Field, ...]:
    """The provenance rows of a district overlay: its id and version, and its digest."""
    if overlay is None:
        return ()
    return (
        Field(translate(lang, N_("District overlay")), line(f"{overlay.id} {overlay.version}")),
        Field(translate(lang, N_("Overlay digest (SHA-256)")), line(overlay.digest), code=True),
    )


_MEMO_LIMIT = 4096


def _measures(s: _Static, result: Result) -> list[MeasureView]:
    views = []
    for measure in result.measures:
        key = (
            measure.id,
            measure.priority,
            tuple((reason.rule, *reason.evidence) for reason in measure.reasons),
            result.level,
        )
        view = s.memo.get(key)
        if view is None:
            view = _measure(s, result, measure)
            if len(s.memo) >= _MEMO_LIMIT:
                s.memo.clear()
            s.memo[key] = view
        views.append(view)
    return views


def _measure(s: _Static, result: Result, measure: RecommendedMeasure) -> MeasureView:
    t = s.lang
    name, legal, decided, description = s.measures.get(
        measure.id, (line(measure.id), None, translate(t, NOT_GIVEN), "")
    )
    reasons = tuple(
        ReasonView(
            rule=reason.rule,
            rationale=s.rationale.get(reason.rule, reason.rule),
            evidence=tuple(_evidence(s, result, e) for e in reason.evidence),
        )
        for reason in measure.reasons
    )
    return MeasureView(
        id=measure.id,
        name=name,
        priority=measure.priority,
        priority_label=translate(t, PRIORITY_LABELS[measure.priority]),
        legal_basis=legal,
        decided_by=decided,
        description=description,
        reasons=reasons,
    )


def _assessor(lang: str, role: str, ident: str | None) -> AssessorView:
    known = ROLE_LABELS.get(role)
    shown = translate(lang, known) if known else line(role).replace("_", " ")
    return AssessorView(shown, line(ident) if ident else None)


_WORDS = Words(line, block, ROLE_LABELS, PRIORITY_LABELS)


def build_view(
    result: Result,
    inst: Instrument,
    catalogue: Catalogue,
    lang: str,
    rendered_at: dt.datetime | dt.date | None,
) -> ReportView:
    """The localized content of `result`'s report (`inst` is what it was computed with)."""
    s = _static(inst, catalogue, lang)
    t = lang
    level = None
    levels = s.levels
    if result.level is not None and result.level in s.level_index:
        index = s.level_index[result.level]
        current = s.levels[index]
        level = LevelView(
            current.id,
            current.title,
            current.description,
            current.rank,
            current.of,
            current.severity,
            True,
        )
        levels = (*s.levels[:index], level, *s.levels[index + 1 :])
    judgements = []
    for ident, title, sets_level in s.judgements:
        if ident in result.judgements:
            value = result.judgements[ident]
            shown: str | None = (
                s.levels[s.level_index[value]].title if value in s.level_index else line(value)
            )
            judgements.append(JudgementView(ident, title, shown, False, sets_level))
        elif ident in result.judgement_texts:
            text = block(result.judgement_texts[ident])
            judgements.append(JudgementView(ident, title, text, True, sets_level))
        else:
            judgements.append(JudgementView(ident, title, None, False, sets_level))
    domains = []
    summaries = {d.domain: d for d in result.domains}
    for domain, ids in s.domain_items.items():
        items = []
        for ident in ids:
            rating = result.ratings.get(ident, {})
            labels = s.labels[ident]
            note = result.notes.get(ident)
            items.append(
                ItemView(
                    ident,
                    s.item_titles[ident],
                    tuple(
                        labels[dim].get(rating[dim]) or line(rating[dim])
                        if dim in rating
                        else NOT_RATED
                        for dim in s.dimension_ids
                    ),
                    block(note) if note else None,
                    s.item_sub[ident],
                )
            )
        summary = summaries.get(domain)
        domains.append(
            DomainView(
                domain,
                s.domain_titles[domain],
                _domain_summary(s, result, summary.counts, summary.points) if summary else "",
                tuple(items),
            )
        )
    if isinstance(rendered_at, dt.datetime):
        rendered = format_datetime(rendered_at, t)
    elif isinstance(rendered_at, dt.date):
        rendered = format_date(rendered_at, t)
    else:
        rendered = None
    provenance = result.provenance
    case_ref = line(result.case_ref) if result.case_ref else None
    return ReportView(
        lang=lang,
        instrument=s.instrument,
        case_ref=case_ref,
        assessed_on=format_date(result.assessed_on, t) if result.assessed_on else None,
        assessors=tuple(_assessor(t, a.role, a.id) for a in result.assessors),
        level=level,
        levels=levels,
        score=format_number(result.score, t) if result.score is not None else None,
        score_is_research_only=result.score_is_research_only,
        basis=tuple(_basis(s, result)),
        judgements=tuple(judgements),
        justification=block(result.justification) if result.justification else None,
        complete=result.complete,
        missing=tuple(_missing(s, m) for m in result.missing),
        context=tuple(
            Field(title, _context_value(s, field, result.context.get(field)))
            for field, (title, _kind, _choices) in s.context.items()
        ),
        measures=tuple(_measures(s, result)),
        warnings=tuple(_warnings(s, result)),
        dimensions=tuple(s.dimension_titles[d] for d in s.dimension_ids),
        domains=tuple(domains),
        provenance=(
            Field(
                translate(t, N_("Instrument")),
                line(f"{provenance.instrument} {provenance.version}"),
            ),
            Field(
                translate(t, N_("Instrument digest (SHA-256)")), line(provenance.digest), code=True
            ),
            *_overlay_fields(t, provenance.overlay),
            Field(translate(t, N_("Measures catalogue")), s.catalogue_version),
            Field(translate(t, N_("Library")), line(f"risk_scoring {provenance.library}")),
            Field(
                translate(t, N_("Rendered")),
                rendered if rendered is not None else translate(t, NOT_GIVEN),
            ),
            Field(translate(t, N_("Source")), s.instrument.citation),
        ),
        rendered_at=rendered,
        record=build_record(result, s, inst, catalogue, _WORDS),
        running=build_running(result, s, case_ref),
    )
