"""The condition language that bands, escalations, warnings and measure rules share.

A condition is a YAML mapping with exactly one key::

    all: [C, ...]          every condition holds
    any: [C, ...]          at least one holds
    not: C                 C does not hold
    item: {id: N5, in: [Y], dimension: recent}
    count: {domain: N, in: [Y, P], at_least: 3}     (or items: [N1, N2]; neither: every item)
    score: {at_least: 14}
    level: {at_least: high}
    context: {id: incidents_last_12_months, at_least: 3}   (or equals: true, or in: [...])
    judgement: {id: serious_harm, at_least: high}           (or in: [...])

This module is the syntax: conditions are validated when the instrument loads. What
they mean, for one case and for a whole frame, is `risk_scoring.engine.rules`, where
each kind is one entry of a table. Nothing is `eval`'d.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import Discriminator, Field, Tag, model_validator

from .model import Model, Number


class AllOf(Model):
    all: tuple[Condition, ...] = Field(min_length=1)


class AnyOf(Model):
    any: tuple[Condition, ...] = Field(min_length=1)


class Not(Model):
    not_: Condition = Field(alias="not")


class ItemTest(Model):
    id: str
    in_: tuple[str, ...] = Field(alias="in", min_length=1)
    dimension: str | None = None


class ItemIs(Model):
    item: ItemTest


class CountTest(Model):
    items: tuple[str, ...] | None = None
    domain: str | None = None
    in_: tuple[str, ...] = Field(alias="in", min_length=1)
    dimension: str | None = None
    at_least: int = Field(ge=1)

    @model_validator(mode="after")
    def _one_selector(self) -> CountTest:
        if self.items is not None and self.domain is not None:
            raise ValueError("give 'items' or 'domain' (or neither, to count every item)")
        return self


class Count(Model):
    count: CountTest


class AtLeast(Model):
    at_least: Number


class ScoreAtLeast(Model):
    score: AtLeast


class LevelAtLeastTest(Model):
    at_least: str


class LevelAtLeast(Model):
    level: LevelAtLeastTest


class ContextTest(Model):
    id: str
    at_least: int | None = None
    equals: bool | int | str | None = None
    in_: tuple[str, ...] | None = Field(default=None, alias="in")

    @model_validator(mode="after")
    def _one_comparison(self) -> ContextTest:
        given = [x for x in (self.at_least, self.equals, self.in_) if x is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of 'at_least', 'equals' or 'in'")
        return self


class ContextIs(Model):
    context: ContextTest


class JudgementTest(Model):
    id: str
    at_least: str | None = None
    in_: tuple[str, ...] | None = Field(default=None, alias="in")

    @model_validator(mode="after")
    def _one_comparison(self) -> JudgementTest:
        if (self.at_least is None) == (self.in_ is None):
            raise ValueError("give exactly one of 'at_least' or 'in'")
        return self


class JudgementIs(Model):
    judgement: JudgementTest


_KEYS = ("all", "any", "not", "item", "count", "score", "level", "context", "judgement")


def _key(value: Any) -> str | None:
    if isinstance(value, Mapping) and len(value) == 1:
        key = next(iter(value))
        return key if key in _KEYS else None
    if isinstance(value, Model):
        return _TAG_OF.get(type(value))
    return None


Condition = Annotated[
    (
        Annotated[AllOf, Tag("all")]
        | Annotated[AnyOf, Tag("any")]
        | Annotated[Not, Tag("not")]
        | Annotated[ItemIs, Tag("item")]
        | Annotated[Count, Tag("count")]
        | Annotated[ScoreAtLeast, Tag("score")]
        | Annotated[LevelAtLeast, Tag("level")]
        | Annotated[ContextIs, Tag("context")]
        | Annotated[JudgementIs, Tag("judgement")]
    ),
    Discriminator(
        _key,
        custom_error_type="condition",
        custom_error_message="a condition is a mapping with exactly one key, one of: "
        + ", ".join(_KEYS),
    ),
]

_TAG_OF: dict[type[Model], str] = {
    AllOf: "all",
    AnyOf: "any",
    Not: "not",
    ItemIs: "item",
    Count: "count",
    ScoreAtLeast: "score",
    LevelAtLeast: "level",
    ContextIs: "context",
    JudgementIs: "judgement",
}

AnyCondition = (
    AllOf | AnyOf | Not | ItemIs | Count | ScoreAtLeast | LevelAtLeast | ContextIs | JudgementIs
)


def walk(cond: AnyCondition) -> list[AnyCondition]:
    """This condition and every condition nested in it, outermost first."""
    out: list[AnyCondition] = [cond]
    if isinstance(cond, AllOf):
        for c in cond.all:
            out.extend(walk(c))
    elif isinstance(cond, AnyOf):
        for c in cond.any:
            out.extend(walk(c))
    elif isinstance(cond, Not):
        out.extend(walk(cond.not_))
    return out
