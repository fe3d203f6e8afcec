"""The spj research totals: per presence dimension, and over the item's lifetime.

For research only: SPJ has no cut-off scores, and these totals decide nothing. Each
dimension whose scale has points (recent/current, past) gets its total (N=0, P=1, Y=2,
times the item's weight) and how many items are rated on it; the lifetime total takes,
per item, the highest points over the dimensions it is rated on. Omitted (O) and
unrated items add nothing and are not counted as rated. The primary dimension's total
is the score (the research total the result has always carried).

The reader adds each item's packed code as it walks (`Research.packed`); here the sum
is unpacked, once per distinct sum. Instruments whose points cannot be packed are
added up from the ratings instead (`from_ratings`), item by item in instrument order,
as the column engine adds them.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..definition.result import ResearchTotal, maker
from .plan import MEMO_LIMIT, Plan
from .read import Read
from .research_plan import Research

__all__ = ["from_ratings", "research_totals"]

new_total = maker(ResearchTotal)


def research_totals(plan: Plan, found: Read) -> list[ResearchTotal]:
    """The research totals of read answers (empty for instruments that have none)."""
    research = plan.research
    if research is None:
        return []
    if research.packed is None:
        return from_ratings(plan, found.ratings, found.total)
    code = found.research
    score = found.total
    rated = research.items - len(found.unknown)
    memo = research.memo
    kept = memo.get(code)  # keyed by the code alone: an int hashes for free
    if kept is None or kept[0] != score or kept[1] != rated:
        if len(memo) >= MEMO_LIMIT:
            memo.clear()
        kept = memo[code] = (score, rated, _unpack(research, code, score, rated))
    return list(kept[2])


def _unpack(research: Research, code: int, score: float, rated: int) -> tuple[ResearchTotal, ...]:
    packed = research.packed
    assert packed is not None
    width = packed.width
    mask = (1 << width) - 1
    fields = [(code >> (width * i)) & mask for i in range(packed.fields)]
    dims = research.dimensions
    out = [new_total(dims[0], score, rated)]
    for i, dim in enumerate(dims[1:]):
        out.append(new_total(dim, float(fields[2 * i]), fields[2 * i + 1]))
    out.append(new_total(None, score + fields[-2], rated + fields[-1]))
    return tuple(out)


def from_ratings(
    plan: Plan, ratings: Mapping[str, Mapping[str, str]], score: float
) -> list[ResearchTotal]:
    """The research totals added up from the ratings, item by item in instrument order
    (the primary dimension's total is `score`, the same points added domain by domain)."""
    research = plan.research
    if research is None:
        return []
    primary = plan.primary
    dims = research.dimensions
    totals = [0.0] * len(dims)
    rated = [0] * len(dims)
    lifetime = 0.0
    lived = 0
    for ident, tables in research.points.items():
        rating = ratings.get(ident)
        if rating is None:
            continue
        best: float | None = None
        for i, (dim, table) in enumerate(zip(dims, tables, strict=True)):
            value = rating.get(dim)
            points = table.get(value) if value is not None else None
            if points is None:
                continue
            totals[i] += points
            rated[i] += 1
            if best is None or points > best:
                best = points
        if best is not None:
            lifetime += best
            lived += 1
    if dims[0] == primary:
        totals[0] = score  # the same points, added domain by domain
    out = [new_total(dim, totals[i], rated[i]) for i, dim in enumerate(dims)]
    return [*out, new_total(None, lifetime, lived)]
