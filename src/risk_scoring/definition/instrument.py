"""The instrument model: a versioned, immutable definition read from YAML.

The YAML keys are the field names (or aliases) below; `docs/authoring.md` describes
each one. Cross-references between parts are checked by `references.py` at load time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, PrivateAttr

from .conditions import Condition
from .model import Model, Number, Text, Verifiable

if TYPE_CHECKING:
    from ..engine.plan import Plan
    from .overlay import AppliedOverlay
    from .result import Result

Kind = Literal["actuarial", "checklist", "spj"]
Priority = Literal["urgent", "high", "consider"]
PRIORITIES: tuple[Priority, ...] = ("urgent", "high", "consider")

_ID = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
_ASSESS: list[Callable[[Instrument, Mapping[str, Any]], Result]] = []


class Source(Model):
    """Where the instrument comes from, and what its licence allows us to ship."""

    citation: str = Field(min_length=1)
    licence: Text
    url: str | None = None


class ScaleValue(Verifiable):
    """One value of a rating scale. `points` is None for values that add nothing."""

    id: str = Field(min_length=1)
    label: Text
    points: Number | None = None
    unknown: bool = False


class Scale(Model):
    """An ordered set of values, lowest first; `unknown` values sit outside the order."""

    id: str = Field(pattern=_ID)
    title: Text
    values: tuple[ScaleValue, ...] = Field(min_length=2)


class Dimension(Verifiable):
    """One thing rated for every item (presence recently, in the past, relevance).

    The first dimension is the primary one: a bare answer value fills it. `window` is
    the period it covers in words (SARA-V3's recent: about the last year), which reports
    state beside the ratings.
    """

    id: str = Field(pattern=_ID)
    title: Text
    scale: str
    required: bool = False
    window: Text | None = None


class Domain(Verifiable):
    """A group of items (a section or part of the instrument)."""

    id: str = Field(pattern=_ID)
    title: Text
    description: Text | None = None


class Item(Verifiable):
    """One risk factor or question.

    `scale` overrides the primary dimension's scale; `weight` multiplies its points;
    an item that is not `required` takes `default` when left out.
    """

    id: str = Field(pattern=_ID)
    domain: str
    title: Text
    guidance: Text
    scale: str | None = None
    weight: Number = 1.0
    required: bool = True
    default: str | None = None
    parent: str | None = None


class Choice(Model):
    id: str = Field(min_length=1)
    label: Text


class ContextField(Model):
    """A case fact that is not an item: children in the household, incidents, dates."""

    id: str = Field(pattern=_ID)
    title: Text
    type: Literal["bool", "int", "choice", "date", "text"]
    required: bool = False
    min: int | None = None
    max: int | None = None
    choices: tuple[Choice, ...] = ()


class Judgement(Verifiable):
    """A summary judgement the analyst records (structured professional judgement).

    A `level` judgement takes one of the instrument's level ids; a `text` judgement is
    free text (personal data, never echoed in errors).
    """

    id: str = Field(pattern=_ID)
    title: Text
    description: Text | None = None
    type: Literal["level", "text"] = "level"


class Level(Verifiable):
    """A risk level. For scored instruments, `min_score` is the band's lower bound."""

    id: str = Field(pattern=_ID)
    title: Text
    description: Text
    min_score: Number | None = None


class MissingPolicy(Verifiable):
    """How many items may be unknown, and what the total does about them."""

    max_unknown: int = Field(ge=0)
    total: Literal["zero", "prorate"] = "zero"


class HighRisk(Verifiable):
    """Which summary judgements make a high-risk case (*høyrisikosak*), and from what level.

    `Result.high_risk_case` is True when any of `judgements` is at least `at_least`,
    False when all of them are recorded and none is, and None otherwise.
    """

    judgements: tuple[str, ...] = Field(min_length=1)
    at_least: str


class Scoring(Model):
    """How the level is reached: bands over a total, or the analyst's judgements.

    `high_risk` (spj only) declares the judgements behind `Result.high_risk_case`.
    """

    missing: MissingPolicy | None = None
    level_from: tuple[str, ...] = ()
    high_risk: HighRisk | None = None


class Escalation(Verifiable):
    """A route that raises the level (never lowers it) when its condition holds."""

    id: str = Field(pattern=_ID)
    when: Condition
    to: str | None = None
    to_judgement: str | None = None
    rationale: Text


class WarningRule(Verifiable):
    """A consistency check; `requires_justification` makes a missing justification block."""

    id: str = Field(pattern=_ID)
    when: Condition
    message: Text
    requires_justification: bool = False


class MeasureRule(Verifiable):
    """Recommend a measure from the catalogue, with a priority, when the condition holds."""

    id: str = Field(pattern=_ID)
    measure: str
    priority: Priority
    when: Condition
    rationale: Text


class Instrument(Model):
    """A complete, validated instrument definition. Load it with `load_instrument`."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    version: str = Field(min_length=1)
    kind: Kind
    title: Text
    description: Text
    source: Source
    scales: tuple[Scale, ...] = Field(min_length=1)
    dimensions: tuple[Dimension, ...] = Field(min_length=1)
    domains: tuple[Domain, ...] = Field(min_length=1)
    items: tuple[Item, ...] = Field(min_length=1)
    context: tuple[ContextField, ...] = ()
    judgements: tuple[Judgement, ...] = ()
    scoring: Scoring = Scoring()
    level_definitions: tuple[Level, ...] = Field(alias="levels", min_length=2)
    escalations: tuple[Escalation, ...] = ()
    warning_rules: tuple[WarningRule, ...] = Field(default=(), alias="warnings")
    measure_rules: tuple[MeasureRule, ...] = Field(default=(), alias="measures")

    _digest: str = PrivateAttr(default="")
    _origin: str = PrivateAttr(default="")
    _plan: Plan | None = PrivateAttr(default=None)
    """The compiled plan; `risk_scoring.engine.plan.plan_of` builds it on first use."""
    _overlay: AppliedOverlay | None = PrivateAttr(default=None)

    @property
    def levels(self) -> list[str]:
        """Level ids, lowest first."""
        return [level.id for level in self.level_definitions]

    @property
    def digest(self) -> str:
        """sha256 (hex) of the canonical content: key order and whitespace do not count."""
        return self._digest

    @property
    def origin(self) -> str:
        """The file this definition was loaded from."""
        return self._origin

    @property
    def overlay(self) -> AppliedOverlay | None:
        """The district overlay this definition was merged from, or None.

        A definition loaded from an overlay file is the built-in base (`overlay.base`)
        with the overlay's rules, measures and labels: its id and version are the base's,
        its `digest` that of the merged content, and `overlay.digest` the overlay's own.
        """
        return self._overlay

    @cached_property
    def primary(self) -> Dimension:
        """The dimension a bare answer value fills."""
        return self.dimensions[0]

    @cached_property
    def scale_by_id(self) -> Mapping[str, Scale]:
        return {scale.id: scale for scale in self.scales}

    @cached_property
    def item_by_id(self) -> Mapping[str, Item]:
        return {item.id: item for item in self.items}

    @cached_property
    def level_by_id(self) -> Mapping[str, Level]:
        return {level.id: level for level in self.level_definitions}

    def scale_for(self, item: Item, dimension: Dimension) -> Scale:
        """The scale `item` is rated on in `dimension`."""
        if dimension.id == self.primary.id and item.scale is not None:
            return self.scale_by_id[item.scale]
        return self.scale_by_id[dimension.scale]

    def assess(self, answers: Mapping[str, Any]) -> Result:
        """Validate `answers`, score them and recommend measures.

        Raises `AnswerError` listing every problem with the answers.
        """
        if not _ASSESS:  # imported once: an import statement per call costs a lookup
            from ..engine.assessment import assess

            _ASSESS.append(assess)
        return _ASSESS[0](self, answers)

    def _repr_html_(self) -> str:
        from ..report.cards import instrument_html

        return instrument_html(self)

    def __getstate__(self) -> dict[Any, Any]:
        # The plan holds compiled closures, which do not pickle; it is rebuilt on use.
        state = super().__getstate__()
        private = state.get("__pydantic_private__")
        if private and private.get("_plan") is not None:
            state["__pydantic_private__"] = {**private, "_plan": None}
        return state

    def __repr__(self) -> str:
        extra = f" + {self._overlay.id} {self._overlay.version}" if self._overlay else ""
        return (
            f"<Instrument {self.id} {self.version}{extra} ({self.kind}, {len(self.items)} items)>"
        )

    __str__ = __repr__
