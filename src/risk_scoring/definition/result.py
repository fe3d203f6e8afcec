"""The Result of an assessment: level, score, measures, warnings, trace and provenance.

A Result is a complete record: it also holds the answers (with notes) it was computed
from, so it can be stored, sent and rendered later. `model_dump_json()` is
byte-identical for the same answers and instrument version, and
`Result.model_validate_json` reads it back unchanged. Free-text fields are left out of
`repr` because they hold personal data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import Problem, ResultError
from .instrument import Kind, Priority
from .record import (
    Consideration,
    Decision,
    RaterRatings,
    Review,
    Scenario,
)

ContextValue = bool | int | str | None


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


# The parts of a Result are frozen dataclasses rather than models: thousands are made
# per second, and pydantic validates and serialises them all the same.


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a measure is recommended: the rule that fired and the answers that fired it."""

    rule: str
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RecommendedMeasure:
    """A measure from the catalogue, at its most urgent priority, with every reason."""

    id: str
    priority: Priority
    reasons: list[Reason]


@dataclass(frozen=True, slots=True)
class DomainSummary:
    """Per domain: how many items took each primary value, and their points.

    For spj instruments the points are the research coding (N=0, P=1, Y=2); omitted
    items count in `omitted` and add nothing.
    """

    domain: str
    items: int
    counts: dict[str, int]
    points: float
    omitted: int


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the explanation: what was decided, by which rule, from which answers."""

    kind: Literal["total", "missing", "band", "judgement", "escalation", "warning"]
    rule: str
    outcome: str
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Provenance:
    """What produced the result: the exact instrument content and library version."""

    instrument: str
    version: str
    digest: str
    library: str


@dataclass(frozen=True, slots=True)
class Assessor:
    """One member of the assessing pair: a role and an optional pseudonymous id."""

    role: str
    id: str | None = field(default=None, repr=False)


PlanStatus = Literal["undecided", "chosen", "rejected", "deferred"]


@dataclass(frozen=True, slots=True)
class PlanEntry:
    """One measure of the management plan: recommended by the rules, decided by the pair,
    or both.

    `recommendation` is the rules' recommendation (None when the rules did not recommend
    the measure: `origin` is then ``"pair"``); `decision` is the pair's entry, if any;
    `status` is the decision, or ``"undecided"`` for a recommendation nobody has decided.
    """

    measure: str
    origin: Literal["rules", "pair"]
    status: PlanStatus
    recommendation: RecommendedMeasure | None = None
    decision: Decision | None = None


@dataclass(frozen=True, slots=True)
class Disagreement:
    """An item dimension or judgement on which the raters differed: each rater's value
    (None where a rater did not rate it) and the consensus recorded in the answers."""

    kind: Literal["item", "judgement"]
    id: str
    dimension: str | None
    ratings: dict[str, str | None]
    consensus: str | None


class Result(_Frozen):
    """The outcome of one assessment on one instrument."""

    instrument: str
    kind: Kind
    level: str | None
    score: float | None
    score_is_research_only: bool
    complete: bool
    missing: list[str]
    measures: list[RecommendedMeasure]
    warnings: list[str]
    domains: list[DomainSummary]
    trace: list[Step]
    provenance: Provenance
    ratings: dict[str, dict[str, str]]
    notes: dict[str, str] = Field(repr=False)
    context: dict[str, ContextValue] = Field(repr=False)
    judgements: dict[str, str]
    judgement_texts: dict[str, str] = Field(repr=False)
    justification: str | None = Field(repr=False)
    assessors: list[Assessor]
    assessed_on: str | None
    case_ref: str | None = Field(repr=False)
    # The SPJ case record (SPEC §2); every part is optional in the answers.
    high_risk_case: bool | None = None
    sources: list[str] = Field(default_factory=list, repr=False)
    other_considerations: list[Consideration] = Field(default_factory=list)
    scenarios: list[Scenario] = Field(default_factory=list)
    management: list[Decision] = Field(default_factory=list)
    review: Review | None = None
    raters: dict[str, RaterRatings] = Field(default_factory=dict)
    plan: list[PlanEntry] = Field(default_factory=list)
    disagreements: list[Disagreement] = Field(default_factory=list)

    def _repr_html_(self) -> str:
        from ..report.cards import result_html

        return result_html(self)

    @classmethod
    def model_validate_json(
        cls,
        json_data: str | bytes | bytearray,
        *,
        strict: bool | None = None,
        extra: Any = None,
        context: Any | None = None,
        by_alias: bool | None = None,
        by_name: bool | None = None,
    ) -> Result:
        """Read a Result from its JSON; raises `ResultError` (never pydantic's) if invalid."""
        try:
            return super().model_validate_json(json_data, strict=strict, context=context)
        except ValidationError as exc:
            problems = _problems(exc)
        # Raised outside the handler: pydantic's error quotes the input, and would
        # otherwise travel along as __context__.
        raise ResultError(problems)

    @classmethod
    def model_validate(
        cls,
        obj: Any,
        *,
        strict: bool | None = None,
        extra: Any = None,
        from_attributes: bool | None = None,
        context: Any | None = None,
        by_alias: bool | None = None,
        by_name: bool | None = None,
    ) -> Result:
        """Read a Result from plain data; raises `ResultError` (never pydantic's) if invalid."""
        try:
            return super().model_validate(
                obj, strict=strict, from_attributes=from_attributes, context=context
            )
        except ValidationError as exc:
            problems = _problems(exc)
        raise ResultError(problems)

    @classmethod
    def _assemble(cls, **values: object) -> Result:
        """A Result from trusted, complete values, skipping validation.

        This is `model_construct` without its per-field default handling, which costs
        more than the rest of an assessment; `assess` always passes every field.
        """
        result = cls.__new__(cls)
        object.__setattr__(result, "__dict__", values)
        object.__setattr__(result, "__pydantic_fields_set__", set(values))
        object.__setattr__(result, "__pydantic_extra__", None)
        object.__setattr__(result, "__pydantic_private__", None)
        return result


def _problems(exc: ValidationError) -> list[Problem]:
    """Pydantic's errors as our Problems, without input values or unknown keys (both may
    be personal data: a key of `notes` or `context` is not ours to quote)."""
    problems = []
    for error in exc.errors(include_url=False, include_input=False, include_context=False):
        loc = [str(part) for part in error["loc"]]
        if error["type"] == "extra_forbidden":
            problems.append(Problem(".".join(loc[:-1]), "unknown key"))
        else:
            problems.append(Problem(".".join(loc), error["msg"]))
    return problems
