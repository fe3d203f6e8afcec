"""The column engine: `score_frame`'s scoring, over encoded rows, chunk by chunk.

Nothing here decides what an assessment means. Conditions are compiled from the table
of kinds in `risk_scoring.engine.rules` into `COLUMNS`, an algebra whose leaves test
each distinct value of a column once (with the leaf's own `holds`) and combine boolean
arrays. The decisions (band, prorating, the missing-item policy, escalation,
`level_from`, justification gating, the measure merge, warning texts) are the functions
of `risk_scoring.engine.decide`, called once per distinct group of the values they read
in a chunk, their answers spread over the group's rows. What remains is arithmetic:
counting each item's values and adding its points, as `read` does for one case.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..engine import decide
from ..engine.decide import Scored
from ..engine.plan import Plan, vocabulary
from ..engine.rules import Algebra, Leaf, Tally, build
from .columns import PRIORITY_ORDER, ROUTES, Cat, Layout, groups, object_array
from .encode import Encoded
from .tallies import allocate, domains, research

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    BoolArray = NDArray[np.bool_]

__all__ = ["CHUNK", "COLUMNS", "score_columns"]

CHUNK = 1 << 16
"""Rows scored at a time: the working set stays in cache, so cost per row is flat."""

Column = Callable[["Env"], "BoolArray"]


@dataclass(slots=True)
class Env:
    """One chunk of encoded rows, and the score and level rank once known."""

    n: int
    codes: dict[tuple[str, str], Any]
    context: dict[str, tuple[Any, list[Any]]]
    judgements: dict[str, Any]
    score: Any = None
    """Per row: the score, NaN where there is none."""
    level: Any = None
    """Per row: the level's rank, -1 where there is none."""


def _table(table: Sequence[bool], none: bool, codes: Any) -> BoolArray:
    """`table[code]` for every row, `none` where the code is -1 (compares, not lookups)."""
    import numpy as np

    hits = [k for k, held in enumerate(table) if held]
    n = len(codes)
    if not hits and not none:
        return np.zeros(n, dtype=bool)
    if len(hits) == len(table) and none:
        return np.ones(n, dtype=bool)
    misses = [k for k, held in enumerate(table) if not held]
    wanted, value = (misses, not none) if len(hits) > len(misses) else (hits, none)
    out = codes == -1 if value else np.zeros(n, dtype=bool)
    for k in wanted:
        out |= codes == k
    return out if wanted is hits else ~out


def distinct(values: Any) -> tuple[Any, list[float | None]]:
    """(row → index of its value, the distinct values) of a float column (NaN is None)."""
    import numpy as np

    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=np.intp), []
    finite = ~np.isnan(values)
    if finite.all():
        whole = values.astype(np.int64)
        if (whole == values).all():
            low, high = int(whole.min()), int(whole.max())
            if high - low < 1 << 16:
                shifted = whole - low
                seen = np.flatnonzero(np.bincount(shifted, minlength=high - low + 1))
                lookup = np.zeros(high - low + 1, dtype=np.intp)
                lookup[seen] = np.arange(len(seen))
                return lookup[shifted], [float(low + v) for v in seen]
    found, inverse = np.unique(values[finite], return_inverse=True)
    index = np.full(n, len(found), dtype=np.intp)
    index[finite] = inverse.reshape(-1)
    shown: list[float | None] = [float(v) for v in found]
    return index, [*shown, None] if not finite.all() else shown


class _Columns:
    """Column forms: closures over an `Env` giving a boolean array."""

    def leaf(self, leaf: Leaf) -> Column:
        kind = leaf.slot[0]
        holds = leaf.holds
        none = holds(None)
        if kind == "item":
            key = (leaf.slot[1], leaf.slot[2])
            table = [holds(v) for v in leaf.values or ()]

            def item_is(env: Env) -> BoolArray:
                codes = env.codes.get(key)
                if codes is None:
                    import numpy as np

                    return np.full(env.n, none, dtype=bool)
                return _table(table, none, codes)

            return item_is
        if kind == "judgement":
            name = leaf.slot[1]
            table = [holds(v) for v in leaf.values or ()]
            return lambda env: _table(table, none, env.judgements[name])
        if kind == "level":
            table = [holds(v) for v in leaf.values or ()]
            return lambda env: _table(table, none, env.level)
        if kind == "context":
            field = leaf.slot[1]

            def context_is(env: Env) -> BoolArray:
                codes, values = env.context[field]
                return _table([holds(v) for v in values], none, codes)

            return context_is
        if kind == "score":

            def score_is(env: Env) -> BoolArray:
                codes, values = distinct(env.score)
                return _table([holds(v) for v in values], none, codes)

            return score_is
        raise ValueError(f"no column reader for {leaf.slot}")  # pragma: no cover

    def all_of(self, parts: Sequence[Column]) -> Column:
        import numpy as np

        return lambda env: np.logical_and.reduce([part(env) for part in parts])

    def any_of(self, parts: Sequence[Column]) -> Column:
        import numpy as np

        return lambda env: np.logical_or.reduce([part(env) for part in parts])

    def negate(self, part: Column) -> Column:
        return lambda env: ~part(env)

    def at_least(self, need: int, parts: Sequence[Column], tally: Tally | None) -> Column:
        import numpy as np

        def count(env: Env) -> BoolArray:
            hits = np.zeros(env.n, dtype=np.int16)
            for part in parts:
                hits += part(env)
            return hits >= need

        return count


COLUMNS: Algebra[Column] = _Columns()


@dataclass(frozen=True, slots=True)
class Compiled:
    """The plan's rules as column forms."""

    escalations: tuple[Column, ...]
    warnings: tuple[Column, ...]
    measures: tuple[Column, ...]


def compiled(plan: Plan) -> Compiled:
    vocab = vocabulary(plan)
    return Compiled(
        tuple(build(r.rule.when, COLUMNS, vocab) for r in plan.escalations),
        tuple(build(w.rule.when, COLUMNS, vocab) for w in plan.warnings),
        tuple(build(m.rule.when, COLUMNS, vocab) for m in plan.measures),
    )


def score_columns(
    plan: Plan, lay: Layout, enc: Encoded, done: Callable[[int], object] | None = None
) -> dict[str, Any]:
    """The result columns for every encoded row (refused rows too: `score_frame` blanks
    them), computed chunk by chunk; `done` is told the rows scored after each chunk."""
    import numpy as np

    n = enc.n
    rules = compiled(plan)
    out: dict[str, Any] = {
        "level": Cat(np.full(n, -1, dtype=np.int8), plan.levels, True),
        "decided_by": Cat(np.full(n, -1, dtype=np.int16), lay.decided),
        "route": Cat(np.full(n, -1, dtype=np.int16), ROUTES),
        "score": np.full(n, np.nan),
        "complete": np.zeros(n, dtype=bool),
        "missing": np.empty(n, dtype=object),
        "warnings": np.empty(n, dtype=object),
        "measures": np.empty(n, dtype=object),
    }
    for m in plan.measure_ids:
        out[f"measure.{m}"] = Cat(np.full(n, -1, dtype=np.int8), PRIORITY_ORDER, True)
    allocate(lay, n, out)
    memo = decide.memo_of(plan, "frame-measures")  # kept with the plan, as `ranked_once` is
    for start in range(0, n, CHUNK):
        stop = min(n, start + CHUNK)
        env = Env(
            stop - start,
            {key: codes[start:stop] for key, codes in enc.codes.items()},
            {key: (codes[start:stop], values) for key, (codes, values) in enc.context.items()},
            {key: codes[start:stop] for key, codes in enc.judgements.items()},
        )
        total, unknown = domains(plan, lay, env, out, start, stop)
        research(plan, lay, env, total, out, start, stop)
        _chunk(plan, rules, enc, env, total, unknown, out, start, stop)
        _measures(plan, rules, env, out, start, stop, memo)
        if done is not None:
            done(stop)
    return out


def _chunk(
    plan: Plan,
    rules: Compiled,
    enc: Encoded,
    env: Env,
    total: Any,
    unknown: list[tuple[str, Any]],
    out: dict[str, Any],
    start: int,
    stop: int,
) -> None:
    import numpy as np

    n = env.n
    if plan.kind == "spj":
        prefix, prefixes = _judged(plan, env)
        env.score = total
        env.level = _spread_rank(prefix, prefixes, n)
    else:
        prefix, prefixes = _bands(plan, rules, env, total, unknown)
    justified = enc.justified[start:stop]
    fired = [rule(env) for rule in rules.warnings]
    needs = any(w.requires_justification for w in plan.warnings)
    keys = [prefix, *fired, *([justified] if needs else [])]
    combo, rows = groups(keys, n)
    missing, warnings, complete = [], [], []
    for row in rows:
        base = prefixes[int(row[0])]
        scored = Scored(base.rank, base.score, base.complete, [*base.missing], [*base.warnings], [])
        bits = row[1 : 1 + len(fired)]
        pairs = [(w, () if bit else None) for w, bit in zip(plan.warnings, bits, strict=True)]
        decide.warn(scored, pairs, bool(row[-1]) if needs else False)
        missing.append(tuple(scored.missing))
        warnings.append(tuple(scored.warnings))
        complete.append(scored.complete)
    out["missing"][start:stop] = object_array(missing)[combo]
    out["warnings"][start:stop] = object_array(warnings)[combo]
    out["complete"][start:stop] = np.array(complete, dtype=bool)[combo]
    out["level"].codes[start:stop] = env.level
    out["score"][start:stop] = env.score
    _decided(plan, prefix, prefixes, out, start, stop)


def _decided(
    plan: Plan,
    prefix: Any,
    prefixes: list[Scored],
    out: dict[str, Any],
    start: int,
    stop: int,
) -> None:
    """The `decided_by` and `route` columns, from each group's decision."""
    import numpy as np

    categories = out["decided_by"].categories
    decided = [-1 if s.decided_by is None else categories.index(s.decided_by) for s in prefixes]
    routes = [
        -1 if (r := decide.route_of(plan, s.decided_by)) is None else ROUTES.index(r)
        for s in prefixes
    ]
    if stop > start:
        out["decided_by"].codes[start:stop] = np.array(decided, dtype=np.int16)[prefix]
        out["route"].codes[start:stop] = np.array(routes, dtype=np.int16)[prefix]


def _spread_rank(prefix: Any, prefixes: list[Scored], n: int) -> Any:
    import numpy as np

    ranks = np.array([-1 if s.rank is None else s.rank for s in prefixes], dtype=np.int8)
    return ranks[prefix] if n else np.zeros(0, dtype=np.int8)


def _judged(plan: Plan, env: Env) -> tuple[Any, list[Scored]]:
    """spj: the level from the `level_from` judgements, once per distinct combination."""
    names = plan.level_from
    combo, rows = groups([env.judgements[name] + 1 for name in names], env.n)
    prefixes = []
    for row in rows:
        given = {name: plan.levels[v - 1] for name, v in zip(names, row, strict=True) if v > 0}
        prefixes.append(decide.judged(plan, 0.0, (), given))
    return combo, prefixes


def _bands(
    plan: Plan, rules: Compiled, env: Env, total: Any, unknown: list[tuple[str, Any]]
) -> tuple[Any, list[Scored]]:
    """Scored instruments: the policy, band and escalations, once per distinct group."""
    import numpy as np

    n = env.n
    count = np.zeros(n, dtype=np.int16)
    for _, bits in unknown:
        count += bits
    # Within the limit only the total and the number of unknown answers matter; past it,
    # which items are unknown (the warning names them).
    counts = np.unique(count) if n else np.zeros(0, dtype=np.int16)
    over = np.zeros(n, dtype=bool)
    for c in counts:
        if decide.over_limit(plan, int(c)):
            over |= count == c
    index, totals = distinct(total)
    key = [np.where(over, 0, index + 1), np.where(over, 0, count)]
    key += [np.where(over, bits, False) for _, bits in unknown]
    combo, rows = groups(key, n)
    first = np.zeros(len(rows), dtype=np.intp)  # a row of each group
    first[combo[::-1]] = np.arange(n - 1, -1, -1)
    prefixes = []
    for group, row in enumerate(rows):
        at = int(first[group])
        gone = [ident for ident, bits in unknown if bits[at]]
        value = totals[int(row[0]) - 1] if row[0] else 0.0
        prefixes.append(decide.bands(plan, value or 0.0, gone))
    scores = np.array([np.nan if s.score is None else s.score for s in prefixes])
    env.score = scores[combo] if n else np.zeros(0)
    env.level = _spread_rank(combo, prefixes, n)
    if not plan.escalations:
        return combo, prefixes
    fired = [rule(env) for rule in rules.escalations]
    targets = [
        env.judgements[r.to_judgement] + 1 for r in plan.escalations if r.to_judgement is not None
    ]
    final, rows = groups([combo, *fired, *targets], n)
    escalated = []
    for row in rows:
        base = prefixes[int(row[0])]
        scored = Scored(
            base.rank, base.score, base.complete, base.missing, base.warnings, [], base.decided_by
        )
        if base.rank is not None:
            bits = row[1 : 1 + len(fired)]
            given = {}
            codes = iter(row[1 + len(fired) :])
            for route in plan.escalations:
                if route.to_judgement is not None and (v := int(next(codes))) > 0:
                    given[route.to_judgement] = plan.levels[v - 1]
            pairs = [
                (r, () if bit else None) for r, bit in zip(plan.escalations, bits, strict=True)
            ]
            decide.escalate(plan, scored, pairs, given)
        escalated.append(scored)
    env.level = _spread_rank(final, escalated, n)
    return final, escalated


def _measures(
    plan: Plan,
    rules: Compiled,
    env: Env,
    out: dict[str, Any],
    start: int,
    stop: int,
    memo: dict[Any, Any],
) -> None:
    """The measure merge, once per distinct set of rules that fired (over all chunks,
    and over calls: `memo` keeps each set's ids and priority codes)."""
    import numpy as np
    import pandas as pd

    fired = [rule(env) for rule in rules.measures]
    key = np.zeros(env.n, dtype=object if len(fired) > 62 else np.int64)
    for bit, holds in enumerate(fired):
        key += holds.astype(key.dtype) << bit
    inverse, seen = pd.factorize(key)
    ids = []
    codes = []
    for k in seen.tolist():
        found = memo.get(k)
        if found is None:
            chosen = [r for bit, r in enumerate(plan.measures) if k >> bit & 1]
            merged = decide.ranked_once(plan, k, chosen)
            given = {r.measure: PRIORITY_ORDER.index(r.priority) for r, _ in merged}
            row = np.array([given.get(m, -1) for m in plan.measure_ids], dtype=np.int8)
            found = memo[k] = (tuple(r.measure for r, _ in merged), row)
        ids.append(found[0])
        codes.append(found[1])
    if not len(seen):
        return
    out["measures"][start:stop] = object_array(ids)[inverse]
    table = np.stack(codes)[inverse]
    for column, m in enumerate(plan.measure_ids):
        out[f"measure.{m}"].codes[start:stop] = table[:, column]
