"""What the condition language means: one table of kinds, for rows and for columns.

In the manner of python-jsonschema's ``_keywords.py`` and its ``validators={...}``
table, each condition kind is one entry of `KINDS`: the syntax model it compiles (from
`risk_scoring.definition.conditions`) and a function that builds it in any `Algebra`.
The leaves (`item`, `context`, `judgement`, `score`, `level`) become a `Leaf`: the
value they read, whether a value makes them hold and the evidence it gives; the
combinators (`all`, `any`, `not`, `count`) are written once, over the algebra.

Two algebras implement it. `ROWS`, here, compiles a condition into a closure over one
case's `Facts` that returns None when the condition does not hold and otherwise the
evidence (a tuple of records). The column engine's algebra
(`risk_scoring.analysis.vector`) evaluates the same leaves once per distinct value of a
frame column and combines boolean arrays. Adding a kind is one entry in `KINDS` (and a
leaf reader in each algebra if it reads something new).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, Protocol, TypeVar

from ..definition.conditions import (
    AllOf,
    AnyCondition,
    AnyOf,
    ContextIs,
    ContextTest,
    Count,
    ItemIs,
    JudgementIs,
    LevelAtLeast,
    Not,
    ScoreAtLeast,
)
from ..definition.evidence import (
    LEVEL,
    ContextEvidence,
    Evidence,
    JudgementEvidence,
    ScoreEvidence,
    show_context,
)

if TYPE_CHECKING:
    from .plan import ItemPlan

__all__ = ["KINDS", "ROWS", "Algebra", "Compiled", "Facts", "Kind", "Leaf", "build", "compile_row"]

T = TypeVar("T")
Found = tuple[Evidence, ...]


class Facts:
    """What a row form looks at: one case's answers, and the score and level once known.

    `counts` holds, per domain, how many items took each primary value (the tallies of
    `DomainSummary`), so a count over a domain need not walk its items when it fails.
    (A plain class with slots: it is made for every case, and defining a dataclass costs
    import time.)
    """

    __slots__ = ("context", "counts", "judgements", "level_rank", "ratings", "score")

    def __init__(
        self,
        ratings: Mapping[str, Mapping[str, str]],
        context: Mapping[str, object],
        judgements: Mapping[str, str],
        score: float | None = None,
        level_rank: int | None = None,
        counts: Mapping[str, Mapping[str, int]] | None = None,
    ) -> None:
        self.ratings = ratings
        self.context = context
        self.judgements = judgements
        self.score = score
        self.level_rank = level_rank
        self.counts = counts


Compiled = Callable[[Facts], "Found | None"]
"""A condition's row form: None when it does not hold, else its evidence."""


class Vocabulary(Protocol):
    """What conditions may name (`risk_scoring.engine.plan.Vocabulary`)."""

    @property
    def primary(self) -> str: ...
    @property
    def items(self) -> Mapping[str, ItemPlan]: ...
    @property
    def domains(self) -> Mapping[str, tuple[str, ...]]: ...
    @property
    def level_rank(self) -> Mapping[str, int]: ...
    @property
    def levels(self) -> tuple[str, ...]: ...


class Leaf(NamedTuple):
    """One test of one value.

    `slot` names the value: ``("item", id, dimension)``, ``("context", field)``,
    ``("judgement", id)``, ``("score",)`` or ``("level",)`` (the level's rank).
    `holds` says whether a value makes the test hold (None, for a value not given,
    never does); `evidence` is the record for a value that holds; `values` lists every
    value the slot can take when that is a known, finite set.
    """

    slot: tuple[str, ...]
    holds: Callable[[Any], bool]
    evidence: Callable[[Any], Evidence]
    values: tuple[Any, ...] | None = None


class Tally(NamedTuple):
    """A count on the primary dimension over whole domains, answerable from the tallies."""

    domains: tuple[str, ...]
    allowed: tuple[str, ...]


class Algebra(Protocol[T]):
    """How compiled conditions are represented and combined (rows, or columns)."""

    def leaf(self, leaf: Leaf) -> T: ...
    def all_of(self, parts: Sequence[T]) -> T: ...
    def any_of(self, parts: Sequence[T]) -> T: ...
    def negate(self, part: T) -> T: ...
    def at_least(self, need: int, parts: Sequence[T], tally: Tally | None) -> T: ...


class Builder(Generic[T]):
    """Compiles conditions in one algebra against one vocabulary."""

    def __init__(self, algebra: Algebra[T], vocab: Vocabulary) -> None:
        self.algebra = algebra
        self.vocab = vocab

    def __call__(self, cond: AnyCondition) -> T:
        built: T = KINDS[type(cond)].build(cond, self)
        return built

    def item(self, item: str, dim: str, allowed: frozenset[str]) -> Leaf:
        plan = self.vocab.items[item]
        evidence = plan.evidence[dim]
        return Leaf(
            ("item", item, dim), allowed.__contains__, evidence.__getitem__, plan.values[dim]
        )


class Kind(NamedTuple):
    """One kind of condition: its key in YAML, its syntax model, and how it is built."""

    key: str
    syntax: type[Any]
    build: Callable[[Any, Builder[Any]], Any]


def _all(cond: AllOf, b: Builder[T]) -> T:
    return b.algebra.all_of([b(c) for c in cond.all])


def _any(cond: AnyOf, b: Builder[T]) -> T:
    return b.algebra.any_of([b(c) for c in cond.any])


def _not(cond: Not, b: Builder[T]) -> T:
    return b.algebra.negate(b(cond.not_))


def _item(cond: ItemIs, b: Builder[T]) -> T:
    test = cond.item
    return b.algebra.leaf(b.item(test.id, test.dimension or b.vocab.primary, frozenset(test.in_)))


def _count(cond: Count, b: Builder[T]) -> T:
    test = cond.count
    domains = b.vocab.domains
    if test.items is not None:
        ids: Sequence[str] = test.items
        over: tuple[str, ...] | None = None
    elif test.domain is not None:
        ids, over = domains[test.domain], (test.domain,)
    else:  # no selector: every item, domain by domain
        ids, over = [i for d in domains.values() for i in d], tuple(domains)
    dim = test.dimension or b.vocab.primary
    allowed = frozenset(test.in_)
    parts = [b.algebra.leaf(b.item(i, dim, allowed)) for i in ids]
    tally = None
    if over is not None and dim == b.vocab.primary:
        tally = Tally(over, tuple(dict.fromkeys(test.in_)))
    return b.algebra.at_least(test.at_least, parts, tally)


def _score(cond: ScoreAtLeast, b: Builder[T]) -> T:
    threshold = cond.score.at_least

    def holds(score: float | None) -> bool:
        return score is not None and score >= threshold

    return b.algebra.leaf(Leaf(("score",), holds, ScoreEvidence))


def _level(cond: LevelAtLeast, b: Builder[T]) -> T:
    need = b.vocab.level_rank[cond.level.at_least]

    def holds(rank: int | None) -> bool:
        return rank is not None and rank >= need

    ranks = tuple(range(len(b.vocab.levels)))
    return b.algebra.leaf(Leaf(("level",), holds, lambda _rank: LEVEL, ranks))


def context_holds(test: ContextTest) -> Callable[[object], bool]:
    """Whether a context value (None when not given) satisfies `test`."""
    at_least, in_, equals = test.at_least, test.in_, test.equals

    def holds(value: object) -> bool:
        if value is None:
            return False
        if at_least is not None:
            return isinstance(value, int) and value >= at_least
        if in_ is not None:
            return value in in_
        return value == equals and type(value) is type(equals)

    return holds


def _context(cond: ContextIs, b: Builder[T]) -> T:
    field = cond.context.id

    def evidence(value: object) -> Evidence:
        return ContextEvidence(field, show_context(value))

    return b.algebra.leaf(Leaf(("context", field), context_holds(cond.context), evidence))


def _judgement(cond: JudgementIs, b: Builder[T]) -> T:
    test = cond.judgement
    rank = b.vocab.level_rank
    if test.at_least is not None:
        need = rank[test.at_least]
        allowed = frozenset(level for level, r in rank.items() if r >= need)
    else:
        allowed = frozenset(test.in_ or ())
    name = test.id

    def evidence(value: str) -> Evidence:
        return JudgementEvidence(name, value)

    return b.algebra.leaf(Leaf(("judgement", name), allowed.__contains__, evidence, b.vocab.levels))


KINDS: Mapping[type[Any], Kind] = {
    kind.syntax: kind
    for kind in (
        Kind("all", AllOf, _all),
        Kind("any", AnyOf, _any),
        Kind("not", Not, _not),
        Kind("item", ItemIs, _item),
        Kind("count", Count, _count),
        Kind("score", ScoreAtLeast, _score),
        Kind("level", LevelAtLeast, _level),
        Kind("context", ContextIs, _context),
        Kind("judgement", JudgementIs, _judgement),
    )
}


def build(cond: AnyCondition, algebra: Algebra[T], vocab: Vocabulary) -> T:
    """`cond` compiled in `algebra`."""
    return Builder(algebra, vocab)(cond)


# --- the row algebra --------------------------------------------------------------------


class _Rows:
    """Row forms: closures over `Facts` giving None or the evidence."""

    def leaf(self, leaf: Leaf) -> Compiled:
        kind = leaf.slot[0]
        holds, evidence = leaf.holds, leaf.evidence
        if leaf.values is not None:
            # A finite set of values: look the evidence up instead of testing.
            table = {v: (evidence(v),) for v in leaf.values if holds(v)}
            get = table.get
            if kind == "item":
                item, dim = leaf.slot[1], leaf.slot[2]
                return lambda f: get(f.ratings[item].get(dim))
            if kind == "judgement":
                name = leaf.slot[1]
                return lambda f: get(f.judgements.get(name))
            if kind == "level":
                return lambda f: get(f.level_rank)
        if kind == "context":
            field = leaf.slot[1]

            def context_is(f: Facts) -> Found | None:
                value = f.context.get(field)
                return (evidence(value),) if holds(value) else None

            return context_is
        if kind == "score":

            def score_is(f: Facts) -> Found | None:
                return (evidence(f.score),) if holds(f.score) else None

            return score_is
        raise ValueError(f"no row reader for {leaf.slot}")  # pragma: no cover

    def all_of(self, parts: Sequence[Compiled]) -> Compiled:
        if len(parts) == 1:
            return parts[0]
        if len(parts) == 2:
            first, second = parts

            def both(f: Facts) -> Found | None:
                a = first(f)
                if a is None:
                    return None
                b = second(f)
                return None if b is None else a + b

            return both

        def all_of(f: Facts) -> Found | None:
            found: Found = ()
            for part in parts:
                ev = part(f)
                if ev is None:
                    return None
                found += ev
            return found

        return all_of

    def any_of(self, parts: Sequence[Compiled]) -> Compiled:
        if len(parts) == 1:
            return parts[0]

        def any_of(f: Facts) -> Found | None:
            found: Found | None = None
            for part in parts:
                ev = part(f)
                if ev is not None:
                    found = ev if found is None else found + ev
            return found

        return any_of

    def negate(self, part: Compiled) -> Compiled:
        return lambda f: () if part(f) is None else None

    def at_least(self, need: int, parts: Sequence[Compiled], tally: Tally | None) -> Compiled:
        def walk(f: Facts) -> Found | None:
            found: Found = ()
            for part in parts:
                ev = part(f)
                if ev is not None:
                    found += ev
            return found if len(found) >= need else None

        if tally is None:
            return walk
        domains, allowed = tally.domains, tally.allowed

        def count(f: Facts) -> Found | None:
            counts = f.counts
            if counts is not None:
                hits = 0
                for domain in domains:
                    seen = counts[domain]
                    for value in allowed:
                        hits += seen.get(value, 0)
                if hits < need:
                    return None
            return walk(f)

        return count


ROWS: Algebra[Compiled] = _Rows()


def compile_row(cond: AnyCondition, vocab: Vocabulary) -> Compiled:
    """`cond`'s row form."""
    return build(cond, ROWS, vocab)
