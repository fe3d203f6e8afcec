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

Conditions are validated when the instrument loads and compiled into small closures.
A compiled condition returns `None` when it does not hold, and otherwise the answers
that made it hold (the evidence shown in the explanation trace). Nothing is `eval`'d.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Discriminator, Field, Tag, model_validator

from .model import Model, Number

Evidence = tuple[str, ...]


@dataclass(slots=True)
class Facts:
    """What conditions can look at: the answers, and the score and level once known."""

    ratings: Mapping[str, Mapping[str, str]]
    context: Mapping[str, object]
    judgements: Mapping[str, str]
    score: float | None = None
    level_rank: int | None = None


Compiled = Callable[[Facts], "Evidence | None"]


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


@dataclass(frozen=True)
class Vocabulary:
    """What a condition may name: the instrument's items, dimensions, levels and so on."""

    primary: str
    items_by_domain: Mapping[str, Sequence[str]]
    level_rank: Mapping[str, int]


def compile_condition(cond: AnyCondition, vocab: Vocabulary) -> Compiled:
    """Turn a validated condition into a closure over `Facts`."""
    if isinstance(cond, AllOf):
        parts = [compile_condition(c, vocab) for c in cond.all]

        def all_of(f: Facts) -> Evidence | None:
            found: list[str] = []
            for part in parts:
                ev = part(f)
                if ev is None:
                    return None
                found.extend(ev)
            return tuple(found)

        return all_of
    if isinstance(cond, AnyOf):
        parts = [compile_condition(c, vocab) for c in cond.any]

        def any_of(f: Facts) -> Evidence | None:
            found: list[str] = []
            held = False
            for part in parts:
                ev = part(f)
                if ev is not None:
                    held = True
                    found.extend(ev)
            return tuple(found) if held else None

        return any_of
    if isinstance(cond, Not):
        inner = compile_condition(cond.not_, vocab)
        return lambda f: () if inner(f) is None else None
    if isinstance(cond, ItemIs):
        return _item(cond.item, vocab)
    if isinstance(cond, Count):
        return _count(cond.count, vocab)
    if isinstance(cond, ScoreAtLeast):
        threshold = cond.score.at_least
        return lambda f: (
            (f"score={f.score:g}",) if f.score is not None and f.score >= threshold else None
        )
    if isinstance(cond, LevelAtLeast):
        rank = vocab.level_rank[cond.level.at_least]
        return lambda f: ("level",) if f.level_rank is not None and f.level_rank >= rank else None
    if isinstance(cond, ContextIs):
        return _context(cond.context)
    return _judgement(cond.judgement, vocab)


def _item(test: ItemTest, vocab: Vocabulary) -> Compiled:
    item, dim, allowed = test.id, test.dimension or vocab.primary, frozenset(test.in_)

    def item_is(f: Facts) -> Evidence | None:
        value = f.ratings[item].get(dim)
        return (f"{item}.{dim}={value}",) if value in allowed else None

    return item_is


def _count(test: CountTest, vocab: Vocabulary) -> Compiled:
    if test.items is not None:
        ids = tuple(test.items)
    elif test.domain is not None:
        ids = tuple(vocab.items_by_domain[test.domain])
    else:
        ids = tuple(i for items in vocab.items_by_domain.values() for i in items)
    dim, allowed, need = test.dimension or vocab.primary, frozenset(test.in_), test.at_least

    def count(f: Facts) -> Evidence | None:
        hits = tuple(f"{i}.{dim}={v}" for i in ids if (v := f.ratings[i].get(dim)) in allowed)
        return hits if len(hits) >= need else None

    return count


def _context(test: ContextTest) -> Compiled:
    field = test.id

    def holds(value: object) -> bool:
        if value is None:
            return False
        if test.at_least is not None:
            return isinstance(value, int) and value >= test.at_least
        if test.in_ is not None:
            return value in test.in_
        return value == test.equals and type(value) is type(test.equals)

    def context_is(f: Facts) -> Evidence | None:
        value = f.context.get(field)
        return (f"context.{field}={_show(value)}",) if holds(value) else None

    return context_is


def _judgement(test: JudgementTest, vocab: Vocabulary) -> Compiled:
    name = test.id
    if test.at_least is not None:
        need = vocab.level_rank[test.at_least]
        allowed = frozenset(level for level, rank in vocab.level_rank.items() if rank >= need)
    else:
        allowed = frozenset(test.in_ or ())

    def judgement_is(f: Facts) -> Evidence | None:
        value = f.judgements.get(name)
        return (f"judgements.{name}={value}",) if value in allowed else None

    return judgement_is


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


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
