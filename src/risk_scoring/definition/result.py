"""The Result of an assessment: level, score, measures, warnings, trace and provenance.

A Result is a complete record: it also holds the answers (with notes) it was computed
from, so it can be stored, sent and rendered later. `model_dump_json()` is
byte-identical for the same answers and instrument version, and
`Result.model_validate_json` reads it back unchanged. Free-text fields are left out of
`repr` because they hold personal data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
)

from ..errors import Problem, ResultError
from .bounds import (
    Count,
    Date,
    Id,
    InstrumentId,
    Line,
    ScaleValueId,
    Score,
    Text,
    Whole,
)
from .evidence import (
    EvidenceText,
    Outcome,
)
from .instrument import Kind, Priority
from .legacy_trace import upgrade_step
from .provenance import OverlayProvenance as OverlayProvenance, Provenance as Provenance
from .record import (
    Assessor,
    Consideration,
    Decision,
    RaterRatings,
    Review,
    Scenario,
)

if TYPE_CHECKING:
    pass

ContextValue = bool | int | str | None
_StoredContextValue = bool | Whole | Text | None


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


# The parts of a Result are frozen dataclasses rather than models: thousands are made
# per second, and pydantic validates and serialises them all the same. The engine makes
# them with `maker`, which skips the frozen dataclass's per-field `object.__setattr__`.

T = TypeVar("T")


def maker(cls: type[T]) -> Callable[..., T]:
    """A positional constructor for the slotted frozen dataclass `cls`, about three times
    cheaper than calling it: every field must be given, in order, and nothing is checked."""
    setters: list[Callable[[object, object], None]] = [
        getattr(cls, f.name).__set__
        for f in fields(cls)  # type: ignore[arg-type]
    ]
    new = object.__new__
    count = len(setters)

    def make(*values: object) -> T:
        if len(values) != count:
            raise TypeError(f"{cls.__name__} takes {count} values, not {len(values)}")
        obj: T = new(cls)
        for setter, value in zip(setters, values, strict=True):
            setter(obj, value)
        return obj

    if count not in (2, 3, 4, 5):
        return make
    s0, s1, s2, s3, s4 = (*setters, *[setters[0]] * (5 - count))

    def make2(a: object, b: object) -> T:
        obj: T = new(cls)
        s0(obj, a)
        s1(obj, b)
        return obj

    def make3(a: object, b: object, c: object) -> T:
        obj: T = new(cls)
        s0(obj, a)
        s1(obj, b)
        s2(obj, c)
        return obj

    def make4(a: object, b: object, c: object, d: object) -> T:
        obj: T = new(cls)
        s0(obj, a)
        s1(obj, b)
        s2(obj, c)
        s3(obj, d)
        return obj

    def make5(a: object, b: object, c: object, d: object, e: object) -> T:
        obj: T = new(cls)
        s0(obj, a)
        s1(obj, b)
        s2(obj, c)
        s3(obj, d)
        s4(obj, e)
        return obj

    found: Callable[..., T] = (make2, make3, make4, make5)[count - 2]
    return found


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a measure is recommended: the rule that fired and the answers that fired it.

    Each piece of evidence is a record (`risk_scoring.definition.evidence`); in JSON it
    is its text form, such as ``N5.recent=Y``.
    """

    rule: str
    evidence: tuple[EvidenceText, ...]


@dataclass(frozen=True, slots=True)
class RecommendedMeasure:
    """A measure from the catalogue, at its most urgent priority, with every reason."""

    id: Id
    priority: Priority
    reasons: list[Reason]


@dataclass(frozen=True, slots=True)
class DomainSummary:
    """Per domain: how many items took each primary value, and their points.

    For spj instruments the points are the research coding (N=0, P=1, Y=2); omitted
    items count in `omitted` and add nothing. `high_relevance` lists, in item order, the
    items of the domain rated at the top of the `relevance` dimension's scale (SARA-V3:
    relevance ``high``); it is empty for instruments without that dimension.
    """

    domain: Id
    items: Count
    counts: dict[ScaleValueId, Count]
    points: Score
    omitted: Count
    high_relevance: tuple[Id, ...] = ()


@dataclass(frozen=True, slots=True)
class ResearchTotal:
    """An spj research total (N=0, P=1, Y=2; for research only, it decides nothing).

    `dimension` is a presence dimension (recent/current, past), or None for the
    lifetime total: per item, the highest points over the dimensions it is rated on.
    `rated` counts the items rated on it; omitted and unrated items add nothing.
    """

    dimension: Id | None
    total: Score
    rated: Count


Route = Literal["rules", "judgement"]
"""What set the level: the instrument's own rules (the bands and the escalations with a
fixed target), or a person's judgement (the summary judgements, or an escalation to the
level a judgement names)."""


StepKind = Literal["total", "missing", "band", "judgement", "escalation", "warning"]


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the explanation: what was decided, by which rule, from which answers.

    `outcome` is a record with a stable `code` (see `Outcome`); `str(step.outcome)` is the
    text steps carried before (``raised to high``). Results stored in that older form
    are read back into records.
    """

    kind: StepKind
    rule: str
    outcome: Outcome
    evidence: tuple[EvidenceText, ...] = ()

    @property
    def warning_code(self) -> str | None:
        """The stable code of the warning this step gave, or None if it gave none."""
        if self.kind == "warning":
            return self.rule
        if self.outcome.code in ("no_judgements", "too_many_unknown"):
            return self.outcome.code
        return None


PlanStatus = Literal["undecided", "chosen", "rejected", "deferred"]


@dataclass(frozen=True, slots=True)
class PlanEntry:
    """One measure of the management plan: recommended by the rules, decided by the pair,
    or both.

    `recommendation` is the rules' recommendation (None when the rules did not recommend
    the measure: `origin` is then ``"pair"``); `decision` is the pair's entry, if any;
    `status` is the decision, or ``"undecided"`` for a recommendation nobody has decided.
    """

    measure: Id
    origin: Literal["rules", "pair"]
    status: PlanStatus
    recommendation: RecommendedMeasure | None = None
    decision: Decision | None = None


@dataclass(frozen=True, slots=True)
class Disagreement:
    """An item dimension or judgement on which the raters differed: each rater's value
    (None where a rater did not rate it) and the consensus recorded in the answers."""

    kind: Literal["item", "judgement"]
    id: Id
    dimension: Id | None
    ratings: dict[Line, ScaleValueId | None] = field(repr=False)  # keyed by role: free text
    consensus: ScaleValueId | None


class Result(_Frozen):
    """The outcome of one assessment on one instrument."""

    instrument: InstrumentId
    kind: Kind
    level: Id | None
    score: Score | None
    score_is_research_only: bool
    # What set the final level: an escalation's id, "band" or "judgement"; its route.
    decided_by: Id | None = None
    route: Route | None = None
    complete: bool
    missing: list[Id]
    measures: list[RecommendedMeasure]
    warnings: list[Text]
    domains: list[DomainSummary]
    research_totals: list[ResearchTotal] = Field(default_factory=list)
    trace: list[Annotated[Step, BeforeValidator(upgrade_step)]]
    provenance: Provenance
    ratings: dict[Id, dict[Id, ScaleValueId]]
    notes: dict[Id, Text] = Field(repr=False)
    context: dict[Id, _StoredContextValue] = Field(repr=False)
    judgements: dict[Id, Id]
    judgement_texts: dict[Id, Text] = Field(repr=False)
    justification: Text | None = Field(repr=False)
    assessors: list[Assessor]
    assessed_on: Date | None
    case_ref: Line | None = Field(repr=False)
    # The SPJ case record (SPEC §2); every part is optional in the answers.
    high_risk_case: bool | None = None
    sources: list[Text] = Field(default_factory=list, repr=False)
    other_considerations: list[Consideration] = Field(default_factory=list)
    scenarios: list[Scenario] = Field(default_factory=list)
    management: list[Decision] = Field(default_factory=list)
    review: Review | None = None
    raters: dict[Line, RaterRatings] = Field(default_factory=dict, repr=False)  # keyed by role
    plan: list[PlanEntry] = Field(default_factory=list)
    disagreements: list[Disagreement] = Field(default_factory=list)

    @property
    def warning_codes(self) -> list[str]:
        """A stable code for each of `warnings`, in the same order: the warning rule's id
        for a declared warning, ``no_judgements`` or ``too_many_unknown`` for the
        engine's own (the messages are English text; the codes never change)."""
        return [code for step in self.trace if (code := step.warning_code) is not None]

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
            result = super().model_validate_json(json_data, strict=strict, context=context)
        except ValidationError as exc:
            problems = _problems(exc)
        else:
            problems = _misfits(result)
            if not problems:
                return result
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
            result = super().model_validate(
                obj, strict=strict, from_attributes=from_attributes, context=context
            )
        except ValidationError as exc:
            problems = _problems(exc)
        else:
            problems = _misfits(result)
            if not problems:
                return result
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


_CODE = re.compile(r"[A-Za-z0-9_.+-]{1,64}")


def _part(part: object) -> str:
    """A part of an error's location: a code as it is, any other text as a stand-in (a
    key of `raters` or of a dataclass may be free text)."""
    if isinstance(part, str) and part != "[key]" and not _CODE.fullmatch(part):
        return f"<text of {len(part)} characters>"
    return str(part)


def _misfits(result: Result) -> list[Problem]:
    """What in `result` its definition does not allow, when that definition is the
    built-in one with the result's digest (any other, the consumer given it checks)."""
    from .fit import misfits
    from .loading import builtin_with_digest

    inst = builtin_with_digest(result.instrument, result.provenance.digest)
    return [] if inst is None else misfits(result, inst)


def _problems(exc: ValidationError) -> list[Problem]:
    """Pydantic's errors as our Problems, without input values or unknown keys (both may
    be personal data: a key of `notes` or `context` is not ours to quote)."""
    problems = []
    for error in exc.errors(include_url=False, include_input=False, include_context=False):
        loc = [_part(part) for part in error["loc"]]
        if error["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
            problems.append(Problem(".".join(loc[:-1]), "unknown key", code="unknown_key"))
        else:
            problems.append(Problem(".".join(loc), error["msg"], code=error["type"]))
    return problems
