"""The SPJ case record in the report: sign-off, sources, scenarios, plan, review, the pair.

`build_record` turns the record parts of a Result (SPEC §2, "The SPJ case record") into
a `RecordView` for the templates, in the report's language: the assessors as they sign
the report, the information sources, other considerations, the risk scenarios, the
management plan grouped by strategy (with the rejected, deferred and undecided
recommendations apart), the review, the raters' disagreements and how the consensus
settled them, the factors of high relevance, the rating windows, and the values behind
this result that are not confirmed against the published sources. The plan is built by
`record_plan`, the appendix of unverified values by `appendix`, the page margins by
`running`; this module names all their views, for templates and for the docs.

Like the rest of the view it holds only strings, booleans and tuples. Free text is
cleaned here with the report view's `line` (one line: names, titles, who is responsible)
or `block` (line breaks kept: notes, descriptions, reasons), and escaped by the template
environment, never here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from .appendix import UnverifiedView, unverified_candidates, unverified_list
from .disagreements import DisagreementView, disagreement_views
from .i18n import N_, date_text, translate
from .record_plan import (
    CONSENT_LABELS,
    NOT_SET,
    PAIR_OWN,
    RECOMMENDED,
    STATUS_LABELS,
    STRATEGY_LABELS,
    PlanRowView,
    PlanView,
    StrategyView,
    plan_view,
)
from .running import RunningView, build_running, css_string

if TYPE_CHECKING:
    from ..definition.catalogue import Catalogue
    from ..definition.instrument import Instrument
    from ..definition.result import Result
    from .appendix import Candidate, Key
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

SCENARIO_LABELS = {
    "repeat": N_("Repeat"),
    "escalation": N_("Escalation (worst case)"),
    "twist": N_("Twist (a different pattern)"),
    "improvement": N_("Improvement"),
}
RATING_LABELS = {"low": N_("Low"), "moderate": N_("Moderate"), "high": N_("High")}


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
class ReviewView:
    """When the case is assessed again, and what brings that date forward."""

    due: str | None
    triggers: tuple[str, ...]


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


# --- what depends only on the instrument and the language -------------------------------

_MEMO_LIMIT = 1024


@dataclass(frozen=True, slots=True)
class RecordStatic:
    """The record's texts and lookups in one language, and the memos of its parts."""

    windows: tuple[WindowView, ...]
    relevance: str | None
    dimension_labels: dict[str, dict[str, str]]
    value_keys: dict[tuple[str, str], Key] | None
    """(dimension, value) → the key of that unverified scale value, when no item has a
    scale of its own."""
    scale_of: dict[tuple[str, str], str]
    values: tuple[Candidate, ...]
    """Unverified scale values: listed where a rating uses them."""
    always: tuple[Candidate, ...]
    """Unverified dimensions, domains and items: every report shows them all."""
    others: tuple[Candidate, ...]
    """Unverified judgements, levels, policy, rules and measures: listed where used."""
    unverified_values: frozenset[Key]
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


_STATIC: dict[tuple[str, str, int], tuple[Catalogue, RecordStatic]] = {}
_STATIC_LIMIT = 64


def _static(inst: Instrument, catalogue: Catalogue, s: Static, words: Words) -> RecordStatic:
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
    candidates = unverified_candidates(inst, catalogue, t)
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
    static = RecordStatic(
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


def _role(r: RecordStatic, role: str, clean: Callable[[str], str]) -> str:
    known = r.roles.get(role)
    return known if known is not None else clean(role).replace("_", " ")


def _rating(r: RecordStatic, value: str | None) -> str:
    if value is None:
        return NOT_SET
    label = RATING_LABELS.get(value)
    return r.labels[label] if label is not None else value


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
                name=line(a.name) if a.name else None,
                id=line(a.id) if a.id else None,
                signed_on=date_text(a.signed_on, t, line),
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
    plan = plan_view(s, r, result, words)
    unverified, count = unverified_list(r, result)
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
                due=date_text(review.due, t, line),
                triggers=tuple(line(x) for x in review.triggers if x),
            )
            if review is not None
            else None
        ),
        raters=tuple(role_labels),
        disagreements=disagreement_views(s, result, roles, role_labels),
        unverified=unverified,
        unverified_count=count,
        unverified_total=r.unverified_total,
    )
