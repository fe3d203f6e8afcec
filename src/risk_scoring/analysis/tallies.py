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

__all__ = ["allocate", "domains"]


def allocate(lay: Layout, n: int, out: dict[str, Any]) -> None:
    """The `domain.*` result columns, for `n` rows."""
    import numpy as np

    for domain, values in lay.domain_values.items():
        for value in values:
            out[domain_column(domain, value)] = np.zeros(n, dtype=np.int64)
        out[domain_column(domain, "points", summary=True)] = np.zeros(n, dtype=np.float64)
        out[domain_column(domain, "omitted", summary=True)] = np.zeros(n, dtype=np.int64)


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
