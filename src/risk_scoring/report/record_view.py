"""The SPJ case record in the report: sign-off, sources, scenarios, plan, review, the pair.

`build_record` turns the record parts of a Result (SPEC §2, "The SPJ case record") into
a `RecordView` for the templates, in the report's language: the assessors as they sign
the report, the information sources, other considerations, the risk scenarios, the
management plan grouped by strategy (with the rejected, deferred and undecided
recommendations apart), the review, the raters' disagreements and how the consensus
settled them, the factors of high relevance, the rating windows, and the values behind
this result that are not confirmed against the published sources.

Like the rest of the view it holds only strings, booleans and tuples. Free text is
cleaned here with the report view's `line` (one line: names, titles, who is responsible)
or `block` (line breaks kept: notes, descriptions, reasons), and escaped by the template
environment, never here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from ..definition.model import verifiables
from .i18n import N_, format_date, translate

if TYPE_CHECKING:
    from ..definition.catalogue import Catalogue
    from ..definition.instrument import Instrument
    from ..definition.result import PlanEntry, Result
    from .static import Static

__all__ = [
    "ConsiderationView",
    "DisagreementView",
    "PlanRowView",
    "PlanView",
    "RecordView",
    "ReviewView",
    "RunningView",
    "ScenarioView",
    "SignatoryView",
    "StrategyView",
    "UnverifiedView",
    "WindowView",
    "Words",
    "build_record",
    "build_running",
    "css_string",
]

NOT_SET = "—"

SCENARIO_LABELS = {
    "repeat": N_("Repeat"),
    "escalation": N_("Escalation (worst case)"),
    "twist": N_("Twist (a different pattern)"),
    "improvement": N_("Improvement"),
}
RATING_LABELS = {"low": N_("Low"), "moderate": N_("Moderate"), "high": N_("High")}
STRATEGY_LABELS = {
    "monitoring": N_("Monitoring"),
    "supervision": N_("Supervision (restrictions)"),
    "treatment": N_("Treatment"),
    "victim_safety_planning": N_("Victim safety planning"),
}
STATUS_LABELS = {
    "chosen": N_("Chosen"),
    "rejected": N_("Rejected"),
    "deferred": N_("Deferred"),
    "undecided": N_("Undecided"),
}
CONSENT_LABELS = {True: N_("Yes"), False: N_("No")}
PAIR_OWN = N_("the pair's own measure")
RECOMMENDED = N_("recommended: %(priority)s")
SECONDARY = N_("secondary source only")
KIND_LABELS = {
    "item": N_("Item"),
    "value": N_("Rating value"),
    "dimension": N_("Rating dimension"),
    "domain": N_("Domain"),
    "judgement": N_("Judgement"),
    "level": N_("Level"),
    "policy": N_("Missing-item policy"),
    "escalation": N_("Escalation route"),
    "warning": N_("Warning rule"),
    "rule": N_("Measure rule"),
    "measure": N_("Measure (catalogue)"),
    "high_risk": N_("High-risk rule"),
    "other": N_("Other part of the definition"),
}
AT_MOST_UNKNOWN = N_("at most %(count)s unknown items")
HIGH_RISK_RULE = N_("%(judgements)s at %(level)s or above")


# --- the view ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SignatoryView:
    """One assessor as the sign-off shows them: role, name, id, and the date signed."""

    role: str
    name: str | None
    id: str | None
    signed_on: str | None


@dataclass(frozen=True, slots=True)
class WindowView:
    """The period a rating dimension covers; `unverified` when it is not confirmed."""

    title: str
    window: str
    unverified: bool


@dataclass(frozen=True, slots=True)
class ConsiderationView:
    """A case-specific factor outside the item list, rated like an item."""

    title: str
    values: tuple[str, ...]
    note: str | None
    high: bool


@dataclass(frozen=True, slots=True)
class ScenarioView:
    """A risk scenario; ratings are labels (``—`` when not rated)."""

    type: str
    type_label: str
    victims: str | None
    likelihood: str
    severity: str
    imminence: str
    warning_signs: tuple[str, ...]
    description: str | None


@dataclass(frozen=True, slots=True)
class PlanRowView:
    """One measure of the plan: what it is, where it came from, and what the pair decided."""

    measure: str
    name: str
    origin: str
    origin_label: str
    priority: str | None
    priority_label: str | None
    status: str
    status_label: str
    strategy: str | None
    strategy_label: str | None
    decided_by: str
    responsible: str | None
    due: str | None
    consent: str
    reason: str | None


@dataclass(frozen=True, slots=True)
class StrategyView:
    """The measures chosen under one management strategy (none is a finding too)."""

    id: str
    title: str
    rows: tuple[PlanRowView, ...]


@dataclass(frozen=True, slots=True)
class PlanView:
    """The management plan: chosen measures by strategy, then the rest apart.

    `decided` is False while the pair has decided nothing (every entry undecided)."""

    strategies: tuple[StrategyView, ...]
    not_followed: tuple[PlanRowView, ...]
    undecided: tuple[PlanRowView, ...]
    counts: str
    empty: bool
    decided: bool


@dataclass(frozen=True, slots=True)
class ReviewView:
    """When the case is assessed again, and what brings that date forward."""

    due: str | None
    triggers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DisagreementView:
    """An item dimension or judgement the raters differed on; `values` follow the raters."""

    what: str
    dimension: str | None
    values: tuple[str, ...]
    consensus: str
    resolution: str


class UnverifiedView(NamedTuple):
    """The values of one kind behind this result that are not confirmed against a
    primary source. Each entry reads ``value: source``; values with the same source
    share an entry, and a grade weaker than a primary source is named after the value.

    `text` is the entries as one text, a line each, for a template to show as one block
    (``white-space: pre-line``): a long appendix renders much faster that way. A named
    tuple, so a template may unpack it:
    ``{% for kind, entries, text in report.record.unverified %}``."""

    kind: str
    entries: tuple[str, ...]
    text: str


@dataclass(frozen=True, slots=True)
class RecordView:
    """The case record as a report shows it; `spj` says whether the instrument is one."""

    spj: bool
    high_risk_case: bool | None
    high_relevance: tuple[str, ...]
    high_ids: tuple[str, ...]
    windows: tuple[WindowView, ...]
    signatories: tuple[SignatoryView, ...]
    sources: tuple[str, ...]
    considerations: tuple[ConsiderationView, ...]
    scenarios: tuple[ScenarioView, ...]
    plan: PlanView
    review: ReviewView | None
    raters: tuple[str, ...]
    disagreements: tuple[DisagreementView, ...]
    unverified: tuple[UnverifiedView, ...]
    unverified_count: int
    unverified_total: int


@dataclass(frozen=True, slots=True)
class RunningView:
    """What every printed page repeats in its margins (CSS paged media), each part
    escaped for a CSS string with `css_string`: the marking (and the high-risk flag),
    the case reference, the instrument, and "page x of y" around the two counters."""

    marking: str
    case_ref: str
    instrument: str
    page_before: str
    page_middle: str
    page_after: str


@lru_cache(maxsize=4096)
def css_string(text: str) -> str:
    """`text` for the inside of a quoted CSS string: every character but an ASCII letter
    or digit as a CSS escape (``\\3c ``), so free text can neither end the string nor the
    style sheet, and HTML escaping leaves it unchanged."""
    return "".join(c if c.isascii() and c.isalnum() else f"\\{ord(c):x} " for c in text)


# --- what depends only on the instrument and the language -------------------------------

_Key = tuple[str, ...]
_Candidate = tuple[_Key, str, str, str]
"""An unverified value: its key, its kind and its label (in words), and its source."""

_MEMO_LIMIT = 1024


@dataclass(frozen=True, slots=True)
class _RecordStatic:
    windows: tuple[WindowView, ...]
    relevance: str | None
    dimension_labels: dict[str, dict[str, str]]
    value_keys: dict[tuple[str, str], _Key] | None
    """(dimension, value) → the key of that unverified scale value, when no item has a
    scale of its own."""
    scale_of: dict[tuple[str, str], str]
    values: tuple[_Candidate, ...]
    """Unverified scale values: listed where a rating uses them."""
    always: tuple[_Candidate, ...]
    """Unverified dimensions, domains and items: every report shows them all."""
    others: tuple[_Candidate, ...]
    """Unverified judgements, levels, policy, rules and measures: listed where used."""
    unverified_values: frozenset[_Key]
    unverified_total: int
    labels: dict[str, str]
    priority_labels: dict[str, str]
    roles: dict[str, str]
    rows: dict[object, PlanRowView] = field(default_factory=dict)
    """Plan rows by what determines them: results repeat the same few."""
    plans: dict[object, PlanView] = field(default_factory=dict)
    """Whole plans by what determines them."""
    signatories: dict[object, tuple[SignatoryView, ...]] = field(default_factory=dict)
    """Sign-offs by the assessors (frozen, so hashable) they show."""
    lists: dict[object, tuple[tuple[UnverifiedView, ...], int]] = field(default_factory=dict)
    """Appendix listings by the values they were made from."""


def _grade(lang: str, verified: object) -> str | None:
    """None for a plain ``verified: false``; the grade's label for a weaker confirmation."""
    return None if verified is False else translate(lang, SECONDARY)


def _describe(
    inst: Instrument, loc: tuple[Any, ...], value: Any, t: str, names: Mapping[str, str]
) -> tuple[_Key, str, str]:
    """What a verifiable value is, for the appendix: the key that says when a result rests
    on it, its kind, and the value in words. A kind this module does not know is keyed
    by its path and always listed."""
    kind = type(value).__name__
    if kind == "ScaleValue":
        scale = inst.scales[loc[1]]
        return ("value", scale.id, value.id), "value", f"{scale.title.get(t)}: {value.label.get(t)}"
    if kind == "Item":
        return ("item", value.id), "item", f"{value.id} {value.title.get(t)}"
    if kind in ("Dimension", "Domain", "Judgement", "Level"):
        return (kind.lower(), value.id), kind.lower(), value.title.get(t)
    if kind == "MissingPolicy":
        return ("policy",), "policy", translate(t, AT_MOST_UNKNOWN) % {"count": value.max_unknown}
    if kind == "HighRisk":
        titles = {j.id: j.title.get(t) for j in inst.judgements}
        level = inst.level_by_id.get(value.at_least)
        what = translate(t, HIGH_RISK_RULE) % {
            "judgements": ", ".join(titles.get(j, j) for j in value.judgements),
            "level": level.title.get(t) if level is not None else value.at_least,
        }
        return ("high_risk",), "high_risk", what
    if kind == "Escalation":
        return ("escalation", value.id), "escalation", value.id
    if kind == "WarningRule":
        return ("warning", value.id), "warning", value.id
    if kind == "MeasureRule":
        return ("rule", value.id), "rule", f"{value.id} ({names.get(value.measure, value.measure)})"
    if kind == "Measure":
        return ("measure", value.id), "measure", names.get(value.id, value.id)
    path = ".".join(map(str, loc))
    ident = getattr(value, "id", None)
    return ("other", path), "other", f"{path} ({ident})" if isinstance(ident, str) else path


_STATIC: dict[tuple[str, str, int], tuple[Catalogue, _RecordStatic]] = {}
_STATIC_LIMIT = 64


def _static(inst: Instrument, catalogue: Catalogue, s: Static, words: Words) -> _RecordStatic:
    """The record's part of the static view, cached like the report's: by the
    instrument's digest, the language and the catalogue."""
    key = (inst.digest, s.lang, id(catalogue))
    found = _STATIC.get(key)
    if found is not None and found[0] is catalogue:  # the entry keeps the id from reuse
        return found[1]
    t = s.lang
    windows = tuple(
        WindowView(d.title.get(t), d.window.get(t), d.verified is not True)
        for d in inst.dimensions
        if d.window is not None
    )
    dimension_labels = {
        d.id: {v.id: v.label.get(t) for v in inst.scale_by_id[d.scale].values}
        for d in inst.dimensions
    }
    scale_of = {
        (item.id, d.id): inst.scale_for(item, d).id for item in inst.items for d in inst.dimensions
    }
    kinds = {k: translate(t, v) for k, v in KIND_LABELS.items()}
    names = {m.id: m.name.get(t) for m in catalogue.measures}
    candidates: list[_Candidate] = []
    for definition in (inst, catalogue):
        for loc, value in verifiables(definition):
            if value.verified is True:
                continue
            found_key, kind, what = _describe(inst, loc, value, t, names)
            grade = _grade(t, value.verified)
            shown = f"{what} ({grade})" if grade else what
            candidates.append((found_key, kinds[kind], shown, value.source or ""))
    labels = {
        msg: translate(t, msg)
        for msg in (
            *SCENARIO_LABELS.values(),
            *RATING_LABELS.values(),
            *STRATEGY_LABELS.values(),
            *STATUS_LABELS.values(),
            *CONSENT_LABELS.values(),
            PAIR_OWN,
            RECOMMENDED,
        )
    }
    always = ("dimension", "domain", "item", "other")
    static = _RecordStatic(
        windows=windows,
        relevance="relevance" if "relevance" in dimension_labels else None,
        dimension_labels=dimension_labels,
        value_keys=(
            {
                (d.id, c[0][2]): c[0]
                for d in inst.dimensions
                for c in candidates
                if c[0][0] == "value" and c[0][1] == d.scale
            }
            if all(item.scale is None for item in inst.items)
            else None
        ),
        scale_of=scale_of,
        values=tuple(c for c in candidates if c[0][0] == "value"),
        always=tuple(c for c in candidates if c[0][0] in always),
        others=tuple(c for c in candidates if c[0][0] != "value" and c[0][0] not in always),
        unverified_values=frozenset(c[0] for c in candidates if c[0][0] == "value"),
        unverified_total=len(candidates),
        labels=labels,
        priority_labels={k: translate(t, v) for k, v in words.priorities.items()},
        roles={k: translate(t, v) for k, v in words.roles.items()},
    )
    if len(_STATIC) >= _STATIC_LIMIT:
        _STATIC.clear()
    _STATIC[key] = (catalogue, static)
    return static


# --- per result -------------------------------------------------------------------------


def _date(text: str | None, lang: str, clean: Callable[[str], str]) -> str | None:
    """An ISO date in words; anything else as the (cleaned) text it is."""
    if not text:
        return None
    try:
        return format_date(dt.date.fromisoformat(text), lang)
    except ValueError:
        return clean(text)


def _role(r: _RecordStatic, role: str, clean: Callable[[str], str]) -> str:
    known = r.roles.get(role)
    return known if known is not None else clean(role).replace("_", " ")


def _plan_entries(result: Result) -> list[PlanEntry]:
    """The result's plan; for a result made before plans existed, its recommendations
    (undecided unless the record decides them) and the pair's own decisions."""
    if result.plan or not (result.measures or result.management):
        return result.plan
    from ..definition.result import PlanEntry

    decided = {d.measure: d for d in result.management}
    entries = []
    for m in result.measures:
        decision = decided.pop(m.id, None)
        status = decision.decision if decision is not None else "undecided"
        entries.append(PlanEntry(m.id, "rules", status, m, decision))
    for d in decided.values():
        entries.append(PlanEntry(d.measure, "pair", d.decision, None, d))
    return entries


def _plan(s: Static, r: _RecordStatic, result: Result, words: Words) -> PlanView:
    """The plan, from a cache keyed by everything it shows."""
    if result.plan:
        key: object = tuple(
            (e.measure, e.origin, e.status, e.recommendation and e.recommendation.priority,
             e.decision)
            for e in result.plan
        )  # fmt: skip
    else:
        key = (tuple((m.id, m.priority) for m in result.measures), tuple(result.management))
    found = r.plans.get(key)
    if found is None:
        found = _make_plan(s, r, result, words)
        if len(r.plans) >= _MEMO_LIMIT:
            r.plans.clear()
        r.plans[key] = found
    return found


def _make_plan(s: Static, r: _RecordStatic, result: Result, words: Words) -> PlanView:
    rows: list[PlanRowView] = []
    memo = r.rows
    for entry in _plan_entries(result):
        rec = entry.recommendation
        key = (entry.measure, entry.origin, entry.status, rec and rec.priority, entry.decision)
        row = memo.get(key)
        if row is None:
            row = _plan_row(s, r, entry, words)
            if len(memo) >= _MEMO_LIMIT:
                memo.clear()
            memo[key] = row
        rows.append(row)
    labels = r.labels
    strategies = tuple(
        StrategyView(
            ident,
            labels[label],
            tuple(row for row in rows if row.status == "chosen" and row.strategy == ident),
        )
        for ident, label in STRATEGY_LABELS.items()
    )
    counts = dict.fromkeys(STATUS_LABELS, 0)
    for row in rows:
        counts[row.status] += 1
    summary = ", ".join(
        f"{n} {labels[STATUS_LABELS[status]].lower()}" for status, n in counts.items() if n
    )
    return PlanView(
        strategies=strategies,
        not_followed=tuple(row for row in rows if row.status in ("rejected", "deferred")),
        undecided=tuple(row for row in rows if row.status == "undecided"),
        counts=summary,
        empty=not rows,
        decided=counts["undecided"] < len(rows),
    )


def _plan_row(s: Static, r: _RecordStatic, entry: PlanEntry, words: Words) -> PlanRowView:
    labels = r.labels
    name, _legal, decided_by, _description = s.measures.get(
        entry.measure, (entry.measure, None, NOT_SET, "")
    )
    rec = entry.recommendation
    priority = rec.priority if rec is not None else None
    priority_label = r.priority_labels[priority] if priority else None
    if priority_label is not None:
        origin_label = labels[RECOMMENDED] % {"priority": priority_label.lower()}
    else:
        origin_label = labels[PAIR_OWN]
    d = entry.decision
    strategy = d.strategy if d is not None else None
    return PlanRowView(
        measure=entry.measure,
        name=name,
        origin=entry.origin,
        origin_label=origin_label,
        priority=priority,
        priority_label=priority_label,
        status=entry.status,
        status_label=labels[STATUS_LABELS[entry.status]],
        strategy=strategy,
        strategy_label=labels[STRATEGY_LABELS[strategy]] if strategy else None,
        decided_by=decided_by,
        responsible=words.line(d.responsible) if d is not None and d.responsible else None,
        due=_date(d.due, s.lang, words.line) if d is not None else None,
        consent=(
            labels[CONSENT_LABELS[d.consent]]
            if d is not None and d.consent is not None
            else NOT_SET
        ),
        reason=words.block(d.reason) if d is not None and d.reason else None,
    )


def _rating(r: _RecordStatic, value: str | None) -> str:
    if value is None:
        return NOT_SET
    label = RATING_LABELS.get(value)
    return r.labels[label] if label is not None else value


def _value(s: Static, kind: str, ident: str, dimension: str | None, value: str | None) -> str:
    """A rater's or the consensus value by its label."""
    if value is None:
        return NOT_SET
    if kind == "item" and dimension is not None and ident in s.labels:
        return s.labels[ident].get(dimension, {}).get(value, value)
    if value in s.level_index:
        return s.levels[s.level_index[value]].title
    return value


def _disagreements(
    s: Static, result: Result, roles: list[str], role_labels: list[str]
) -> tuple[DisagreementView, ...]:
    t = s.lang
    views = []
    for d in result.disagreements:
        if d.kind == "item":
            what = f"{d.id} {s.item_titles[d.id]}" if d.id in s.item_titles else d.id
            dimension = s.dimension_titles.get(d.dimension, d.dimension) if d.dimension else None
        else:
            what = s.judgement_titles.get(d.id, d.id)
            dimension = None
        values = tuple(_value(s, d.kind, d.id, d.dimension, d.ratings.get(role)) for role in roles)
        consensus = _value(s, d.kind, d.id, d.dimension, d.consensus)
        if d.consensus is None:
            resolution = translate(t, N_("No consensus recorded."))
        else:
            agreeing = [
                label
                for role, label in zip(roles, role_labels, strict=True)
                if d.ratings.get(role) == d.consensus
            ]
            if agreeing:
                resolution = translate(t, N_("As rated by: %(raters)s.")) % {
                    "raters": ", ".join(agreeing)
                }
            else:
                resolution = translate(t, N_("Differs from every rater's rating."))
        views.append(DisagreementView(what, dimension, values, consensus, resolution))
    return tuple(views)


def _values_used(result: Result, r: _RecordStatic) -> frozenset[_Key]:
    """The unverified scale values this result's ratings use."""
    unverified = r.unverified_values
    if not unverified:
        return frozenset()
    keys = r.value_keys
    if keys is not None:
        pairs: set[tuple[str, str]] = set()
        for rating in result.ratings.values():
            pairs.update(rating.items())
        return frozenset([keys[pair] for pair in pairs if pair in keys])
    found = {
        ("value", r.scale_of[item, dim], value)
        for item, rating in result.ratings.items()
        for dim, value in rating.items()
        if (item, dim) in r.scale_of
    }
    return frozenset(found & unverified)


def _others_used(result: Result) -> frozenset[_Key]:
    """The judgements, levels, rules and measures (recommended or decided) behind this
    result."""
    used: set[_Key] = set()
    add = used.add
    for ident, value in result.judgements.items():
        add(("judgement", ident))
        add(("level", value))
    for ident in result.judgement_texts:
        add(("judgement", ident))
    if result.level is not None:
        add(("level", result.level))
    if result.high_risk_case is not None:
        add(("high_risk",))
    for step in result.trace:
        kind = step.kind
        if kind == "escalation":
            add(("escalation", step.rule))
        elif kind == "warning":
            add(("warning", step.rule))
        elif kind == "missing" and step.outcome.code in ("unknown", "too_many_unknown", "omitted"):
            add(("policy",))
    for measure in result.measures:
        add(("measure", measure.id))
        for reason in measure.reasons:
            add(("rule", reason.rule))
    for decision in result.management:
        add(("measure", decision.measure))
    return frozenset(used)


def _unverified_group(kind: str, entries: list[str]) -> UnverifiedView:
    return UnverifiedView(kind, tuple(entries), "\n".join(f"• {e}" for e in entries))


def _group(candidates: Iterable[_Candidate]) -> list[UnverifiedView]:
    """Candidates as the appendix lists them: by kind, values sharing a source together."""
    groups: list[UnverifiedView] = []
    kind: str | None = None
    source: str | None = None
    entries: list[str] = []
    values: list[str] = []
    for _key, this_kind, label, this_source in candidates:
        if this_kind != kind or this_source != source:
            if values:
                entries.append(f"{'; '.join(values)}: {source}")
                values = []
            if this_kind != kind:
                if kind is not None:
                    groups.append(_unverified_group(kind, entries))
                kind, entries = this_kind, []
            source = this_source
        values.append(label)
    if values and kind is not None:
        entries.append(f"{'; '.join(values)}: {source}")
        groups.append(_unverified_group(kind, entries))
    return groups


def _unverified(r: _RecordStatic, result: Result) -> tuple[tuple[UnverifiedView, ...], int]:
    """The appendix: every unverified value behind this result, and how many there are."""
    values = _values_used(result, r)
    others = _others_used(result) if r.others else frozenset()
    key = (values, others)
    found = r.lists.get(key)
    if found is None:
        chosen = [
            *(c for c in r.values if c[0] in values),
            *r.always,
            *(c for c in r.others if c[0] in others),
        ]
        found = (tuple(_group(chosen)), len(chosen))
        if len(r.lists) >= _MEMO_LIMIT:
            r.lists.clear()
        r.lists[key] = found
    return found


def build_running(result: Result, s: Static, case_ref: str | None) -> RunningView:
    """The page margins of the printed report (`case_ref` is the cleaned reference)."""
    t = s.lang
    marking = translate(t, N_("Confidential: contains personal data"))
    if result.high_risk_case:
        marking = f"{marking} · {translate(t, N_('High-risk case'))}"
    reference = case_ref if case_ref else translate(t, N_("not given"))
    page = translate(t, N_("page %(page)s of %(pages)s"))
    before, _sep, rest = page.partition("%(page)s")
    middle, _sep, after = rest.partition("%(pages)s")
    instrument = f"{s.instrument.id} {s.instrument.version}"
    if result.assessed_on:
        instrument += f" · {_date(result.assessed_on, t, str)}"
    return RunningView(
        marking=css_string(marking),
        case_ref=css_string(f"{translate(t, N_('Case reference'))}: {reference}"),
        instrument=css_string(instrument),
        page_before=css_string(before),
        page_middle=css_string(middle),
        page_after=css_string(after),
    )


class Words(NamedTuple):
    """What the record's view takes from the report's view (which imports this module):
    its text cleaners (`line` for one-line fields, `block` for multi-line ones) and the
    message ids of roles and priorities."""

    line: Callable[[str], str]
    block: Callable[[str], str]
    roles: Mapping[str, str]
    priorities: Mapping[str, str]


def build_record(
    result: Result, s: Static, inst: Instrument, catalogue: Catalogue, words: Words
) -> RecordView:
    """The case record of `result` for its report (`s` is the report's static view)."""
    line, block = words.line, words.block
    t = s.lang
    r = _static(inst, catalogue, s, words)
    people = tuple(result.assessors)
    signatories = r.signatories.get(people)
    if signatories is None:
        signatories = tuple(
            SignatoryView(
                role=_role(r, a.role, line),
                name=line(name) if (name := getattr(a, "name", None)) else None,
                id=line(a.id) if a.id else None,
                signed_on=_date(getattr(a, "signed_on", None), t, line),
            )
            for a in people
        )
        if len(r.signatories) >= _MEMO_LIMIT:
            r.signatories.clear()
        r.signatories[people] = signatories
    relevance = r.relevance
    high_ids: tuple[str, ...] = ()
    high: list[str] = []
    if relevance is not None:
        high_ids = tuple(
            ident for ident, rating in result.ratings.items() if rating.get(relevance) == "high"
        )
        high = [f"{ident} {s.item_titles.get(ident, ident)}" for ident in high_ids]
    considerations = []
    for c in result.other_considerations:
        is_high = relevance is not None and c.ratings.get(relevance) == "high"
        title = line(c.title)
        if is_high:
            high.append(title)
        considerations.append(
            ConsiderationView(
                title=title,
                values=tuple(
                    r.dimension_labels[dim].get(c.ratings[dim], c.ratings[dim])
                    if dim in c.ratings
                    else NOT_SET
                    for dim in s.dimension_ids
                ),
                note=block(c.note) if c.note else None,
                high=is_high,
            )
        )
    scenarios = tuple(
        ScenarioView(
            type=sc.type,
            type_label=r.labels[SCENARIO_LABELS[sc.type]],
            victims=line(sc.victims) if sc.victims else None,
            likelihood=_rating(r, sc.likelihood),
            severity=_rating(r, sc.severity),
            imminence=_rating(r, sc.imminence),
            warning_signs=tuple(line(w) for w in sc.warning_signs if w),
            description=block(sc.description) if sc.description else None,
        )
        for sc in result.scenarios
    )
    review = result.review
    roles = list(result.raters)
    for d in result.disagreements:
        roles.extend(role for role in d.ratings if role not in roles)
    role_labels = [_role(r, role, line) for role in roles]
    plan = _plan(s, r, result, words)
    unverified, count = _unverified(r, result)
    return RecordView(
        spj=inst.kind == "spj",
        high_risk_case=result.high_risk_case,
        high_relevance=tuple(high),
        high_ids=high_ids,
        windows=r.windows,
        signatories=signatories,
        sources=tuple(line(source) for source in result.sources if source),
        considerations=tuple(considerations),
        scenarios=scenarios,
        plan=plan,
        review=(
            ReviewView(
                due=_date(review.due, t, line),
                triggers=tuple(line(x) for x in review.triggers if x),
            )
            if review is not None
            else None
        ),
        raters=tuple(role_labels),
        disagreements=_disagreements(s, result, roles, role_labels),
        unverified=unverified,
        unverified_count=count,
        unverified_total=r.unverified_total,
    )
