"""The column engine's arithmetic: each domain's value counts and points, the total.

For every row this is what `risk_scoring.engine.read` tallies for one case: how many
items took each primary value, the points (times weight) of each item's value, and the
items answered with an unknown value, domain by domain. Counting uses comparisons on
the small integer codes, which numpy does far faster than table look-ups.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..engine.plan import Plan
from .columns import Layout, domain_column

if TYPE_CHECKING:
    from .vector import Env

__all__ = ["allocate", "domains", "research"]


def allocate(lay: Layout, n: int, out: dict[str, Any]) -> None:
    """The `domain.*` result columns, for `n` rows."""
    import numpy as np

    for domain, values in lay.domain_values.items():
        for value in values:
            out[domain_column(domain, value)] = np.zeros(n, dtype=np.int64)
        out[domain_column(domain, "points", summary=True)] = np.zeros(n, dtype=np.float64)
        out[domain_column(domain, "omitted", summary=True)] = np.zeros(n, dtype=np.int64)
    for _, total, rated in lay.research:
        out[total] = np.zeros(n, dtype=np.float64)
        out[rated] = np.zeros(n, dtype=np.int64)


def domains(
    plan: Plan, lay: Layout, env: Env, out: dict[str, Any], start: int, stop: int
) -> tuple[Any, list[tuple[str, Any]]]:
    """Write the chunk's `domain.*` columns; return its totals and, item by item (domain
    by domain), which rows answered it unknown."""
    import numpy as np

    n = env.n
    primary = plan.primary
    total = np.zeros(n)
    unknown: list[tuple[str, Any]] = []
    for (domain, members), (_, _, uniform) in zip(plan.domain_items, plan.walk, strict=True):
        counts = {v: np.zeros(n, dtype=np.int16) for v in lay.domain_values[domain]}
        subtotal = np.zeros(n)
        omitted = np.zeros(n, dtype=np.int16)
        # Whole-number points alike for every item: counts times points, as `read` adds.
        points = dict(uniform[0]) if uniform is not None else None
        for item in members:
            codes = env.codes[(item.id, primary)]
            gone = None
            worth = None
            for k, value in enumerate(item.values[primary]):
                hit = codes == k
                counts[value] += hit
                p = item.points[value]
                if p is None:
                    if value in item.unknown:
                        gone = hit if gone is None else gone | hit
                elif points is None and p != 0:
                    # One value per row, so this is the item's points, exactly.
                    worth = hit * p if worth is None else worth + hit * p
            if worth is not None:
                subtotal += worth
            if gone is not None:
                omitted += gone
                unknown.append((item.id, gone))
        if points is not None:
            for value, p in points.items():
                subtotal += counts[value] * p
        total += subtotal
        for value, count in counts.items():
            out[domain_column(domain, value)][start:stop] = count
        out[domain_column(domain, "points", summary=True)][start:stop] = subtotal
        out[domain_column(domain, "omitted", summary=True)][start:stop] = omitted
    return total, unknown


def research(
    plan: Plan, lay: Layout, env: Env, total: Any, out: dict[str, Any], start: int, stop: int
) -> None:
    """Write the chunk's `research.*` columns (spj), adding item by item in instrument
    order as `risk_scoring.engine.research.from_ratings` does for one case."""
    import numpy as np

    found = plan.research
    if found is None or not lay.research:
        return
    n = env.n
    dims = found.dimensions
    totals = [np.zeros(n) for _ in dims]
    rated = [np.zeros(n, dtype=np.int64) for _ in dims]
    lifetime = np.zeros(n)
    lived = np.zeros(n, dtype=np.int64)
    for ident, tables in found.points.items():
        values = plan.items[ident].values
        best = None
        for i, (dim, table) in enumerate(zip(dims, tables, strict=True)):
            codes = env.codes.get((ident, dim))
            if codes is None:
                continue
            lookup = np.array([table.get(v, np.nan) for v in values[dim]] + [np.nan])
            points = lookup[codes]  # NaN where the item is not rated on `dim`
            hit = ~np.isnan(points)
            totals[i] += np.where(hit, points, 0.0)
            rated[i] += hit
            best = points if best is None else np.fmax(best, points)
        if best is not None:
            hit = ~np.isnan(best)
            lifetime += np.where(hit, best, 0.0)
            lived += hit
    if dims[0] == plan.primary:
        totals[0] = total  # the score: the same points, added domain by domain
    for (_, total_column, rated_column), points, count in zip(
        lay.research, [*totals, lifetime], [*rated, lived], strict=True
    ):
        out[total_column][start:stop] = points
        out[rated_column][start:stop] = count
