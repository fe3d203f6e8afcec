"""The report's content as plain, localized data: what the templates lay out.

`build.build_view` turns a Result into a `ReportView` in one language. Templates receive
only this view (frozen dataclasses of strings, numbers and tuples), never live library
objects, so a custom template has nothing to reach through: every name a template can
use is a field of a class here or of the case record's views (`record_view`), which
this module names too.

Every text in the view has been cleaned (`cleaning.line` for one-line fields,
`cleaning.block` for multi-line ones, marked `MultiLine`) and none is escaped: escaping
is left to the template environment (HTML autoescape, Markdown escaping), so no format
can forget it. What depends only on the instrument and the language is built once and
cached (`static`); how the level was reached is put in words by `explain`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

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
)

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
]


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
    research: tuple[Field, ...] = ()
    """spj research totals, one row per presence dimension and the lifetime one."""
