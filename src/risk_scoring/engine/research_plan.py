"""The research plan of an spj instrument: each item's points per presence dimension,
packed so the reader adds one integer per item (`research_code`), built once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from ..definition.instrument import Instrument


PointsOf = Mapping[str, float]
"""A dimension's values that carry points → their points times the item's weight."""


class Packed(NamedTuple):
    """The research totals as one integer per item, added up as the reader walks.

    Possible when every research points value is a whole number >= 0 and every primary
    value without points is an unknown one: the primary dimension's total and rated
    count are then the score and the items not unknown, and an item's code packs, in
    fields of `width` bits, each other dimension's (points, rated) and what the item
    adds to the lifetime total beyond its primary value (points, rated). A rating of the
    primary dimension alone has code 0, so bare values add nothing."""

    width: int
    fields: int


class Research(NamedTuple):
    """What the spj research totals read of an instrument, built once."""

    dimensions: tuple[str, ...]
    """The dimensions whose scale has points, in instrument order."""
    points: Mapping[str, tuple[PointsOf, ...]]
    """Item id (instrument order) → the points of each of `dimensions`."""
    packed: Packed | None
    items: int
    memo: dict[int, tuple[Any, ...]]
    """Packed code → (the score, the items rated on the primary dimension, the totals):
    the totals of the latest answers with that code, made once."""


def research_code(
    research: Research, tables: tuple[PointsOf, ...], rating: Mapping[str, str]
) -> int:
    """An item's packed research code for `rating` (see `Packed`); 0 without packing."""
    packed = research.packed
    if packed is None:
        return 0
    dims = research.dimensions
    width = packed.width
    code = 0
    shift = 0
    first = tables[0].get(rating.get(dims[0], ""))
    best = first
    for dim, table in zip(dims[1:], tables[1:], strict=True):
        value = rating.get(dim)
        points = table.get(value) if value is not None else None
        if points is not None:
            code |= int(points) << shift | 1 << (shift + width)
            best = points if best is None else max(best, points)
        shift += 2 * width
    if best is not None:
        code |= int(best - (first or 0)) << shift | (first is None) << (shift + width)
    return code


def research_plan(inst: Instrument) -> Research | None:
    """The research plan of an spj instrument (None for others, or without points)."""
    if inst.kind != "spj":
        return None
    tables = {
        item.id: tuple(
            {
                v.id: v.points * item.weight
                for v in inst.scale_for(item, dim).values
                if v.points is not None and not v.unknown
            }
            for dim in inst.dimensions
        )
        for item in inst.items
    }
    keep = [i for i, _ in enumerate(inst.dimensions) if any(t[i] for t in tables.values())]
    if not keep:
        return None
    dims = tuple(inst.dimensions[i].id for i in keep)
    points = {ident: tuple(t[i] for i in keep) for ident, t in tables.items()}
    return Research(dims, points, _packing(inst, dims, points), len(points), {})


def _packing(
    inst: Instrument, dims: tuple[str, ...], points: Mapping[str, tuple[PointsOf, ...]]
) -> Packed | None:
    if dims[0] != inst.primary.id:
        return None
    every = [p for tables in points.values() for table in tables for p in table.values()]
    if any(p < 0 or not float(p).is_integer() or p > 1 << 20 for p in every):
        return None
    for item in inst.items:
        values = {v.id for v in inst.scale_for(item, inst.primary).values if not v.unknown}
        if not values <= points[item.id][0].keys():
            return None  # a primary value that is neither rated nor unknown
    most = sum(max(max(t.values(), default=0) for t in tables) for tables in points.values())
    width = max(int(most), len(points)).bit_length() + 1
    return Packed(width, 2 * len(dims))
