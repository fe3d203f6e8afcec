"""The SPJ case record: what the pair decides after the summary judgements (SPEC §2, §3).

The manuals' later steps — other considerations, risk scenarios, the management plan,
the review, and each rater's own ratings before the consensus — are kept in the Result
beside the answers, so the filed report and a system that stores results see the whole
record. These are the record's parts as the answers give them and the Result keeps them,
after validation (what the library derives from them, the plan and the disagreements,
is in `result.py`); every free-text field is personal data and is left out of `repr`.

The parts are frozen dataclasses, as the Result's other parts are: pydantic validates
and serialises them all the same, and they are cheap to build.

`engine/record.py` validates these parts in the answers; `engine/management.py`
derives the plan, the disagreements and `high_risk_case` from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .bounds import Date, Id, Line, ScaleValueId, Text

ScenarioType = Literal["repeat", "escalation", "twist", "improvement"]
Rating = Literal["low", "moderate", "high"]
Strategy = Literal["monitoring", "supervision", "treatment", "victim_safety_planning"]
DecisionKind = Literal["chosen", "rejected", "deferred"]

SCENARIO_TYPES: tuple[ScenarioType, ...] = ("repeat", "escalation", "twist", "improvement")
RATINGS: tuple[Rating, ...] = ("low", "moderate", "high")
STRATEGIES: tuple[Strategy, ...] = (
    "monitoring",
    "supervision",
    "treatment",
    "victim_safety_planning",
)
DECISIONS: tuple[DecisionKind, ...] = ("chosen", "rejected", "deferred")


@dataclass(frozen=True, slots=True)
class Assessor:
    """One member of the assessing pair: a role, a pseudonymous id, a name for the
    report's sign-off, and the date they signed it (YYYY-MM-DD).

    `role`, `id` and `name` are single lines of text (no line breaks or control
    characters) and are left out of `repr`: a role is typed by the caller.
    """

    role: Line = field(repr=False)
    id: Line | None = field(default=None, repr=False)
    name: Line | None = field(default=None, repr=False)
    signed_on: Date | None = None


@dataclass(frozen=True, slots=True)
class Consideration:
    """A case-specific factor outside the item list, rated on the instrument's dimensions
    (for SARA-V3: recent, past, relevance)."""

    title: Text = field(repr=False)
    ratings: dict[Id, ScaleValueId] = field(default_factory=dict)
    note: Text | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class Scenario:
    """A risk scenario: what could happen, to whom, how likely, how severe, how soon."""

    type: ScenarioType
    description: Text | None = field(default=None, repr=False)
    victims: Text | None = field(default=None, repr=False)
    likelihood: Rating | None = None
    severity: Rating | None = None
    imminence: Rating | None = None
    warning_signs: list[Text] = field(default_factory=list, repr=False)


@dataclass(frozen=True, slots=True)
class Decision:
    """The pair's decision on one measure of the catalogue: the strategy it serves, what
    was decided, who carries it out by when, why (required when a recommended measure is
    rejected or deferred), and the victim's consent where the measure rests on it."""

    measure: Id
    strategy: Strategy
    decision: DecisionKind
    responsible: Text | None = field(default=None, repr=False)
    due: Date | None = None
    reason: Text | None = field(default=None, repr=False)
    consent: bool | None = None


@dataclass(frozen=True, slots=True)
class Review:
    """When the case is assessed again, and the events that bring that date forward."""

    due: Date | None = None
    triggers: list[Text] = field(default_factory=list, repr=False)


@dataclass(frozen=True, slots=True)
class RaterRatings:
    """One rater's own ratings before the consensus (the tospann model): items in the
    normalised form of `Result.ratings`, and level judgements."""

    items: dict[Id, dict[Id, ScaleValueId]] = field(default_factory=dict)
    judgements: dict[Id, Id] = field(default_factory=dict)
