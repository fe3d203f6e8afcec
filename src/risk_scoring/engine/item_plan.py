"""The plan of each item: its allowed values per dimension, points, evidence records and,
where there are few enough, a table of every full rating for the fast reader."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from ..definition.evidence import (
    ItemEvidence,
    MissingEvidence,
)
from ..definition.instrument import Instrument
from .research_plan import PointsOf, Research, research_code

if TYPE_CHECKING:
    pass


_FULL_LIMIT = 512
"""An item gets a table of every full rating (one value per dimension) when there are at
most this many; beyond that the fast reader checks the dimensions one by one."""


Tally = tuple[str, "float | None", bool]
"""What one primary value adds to its domain: (the value, its points times the item's
weight or None, whether it is an unknown value)."""


class ItemPlan(NamedTuple):
    """One item: what each dimension allows, what the primary value is worth."""

    id: str
    domain: str
    path: str
    required: bool
    default: str | None
    allowed: Mapping[str, frozenset[str]]
    """Dimension id → the values its scale allows (dimension order)."""
    values: Mapping[str, tuple[str, ...]]
    """Dimension id → the scale's values in order (the codes of a frame column)."""
    primary: frozenset[str]
    others: tuple[tuple[str, frozenset[str], bool], ...]
    """The other dimensions: (id, allowed values, required)."""
    points: Mapping[str, float | None]
    """Primary value → points times weight; None for a value that adds nothing."""
    unknown: frozenset[str]
    evidence: Mapping[str, Mapping[str, ItemEvidence]]
    """Dimension id → value → the evidence record ``item.dimension=value``."""
    tally: Mapping[str, Tally]
    """Primary value → what it adds to the domain summary (for a bare value)."""
    full: Mapping[Any, tuple[dict[str, str], Tally, int]] | None
    """Every rating with a value in each dimension (`Plan.rating_key` of it) → the
    normalised rating, its tally and its packed research code (`Research.packed`; 0
    without one), or None when there are too many."""
    missing: MissingEvidence


Full = Mapping[Any, tuple[dict[str, str], Tally, int]]
Walked = tuple[str, Full | None, Mapping[str, Tally], str | None, ItemPlan]
Uniform = tuple[tuple[tuple[str, float], ...], tuple[str, ...]]
"""A domain whose items all give the same whole-number points for each value: (value,
points) for the values that add any, and the unknown values. Its points are then its
counts times the points, exactly, whatever the order of the additions."""


def item_plans(inst: Instrument, research: Research | None) -> dict[str, ItemPlan]:
    primary = inst.primary
    tables = research.points if research is not None else {}
    out = {}
    for item in inst.items:
        values = {
            dim.id: tuple(v.id for v in inst.scale_for(item, dim).values) for dim in inst.dimensions
        }
        allowed = {dim: frozenset(v) for dim, v in values.items()}
        scale = inst.scale_for(item, primary)
        points = {
            v.id: None if v.points is None or v.unknown else v.points * item.weight
            for v in scale.values
        }
        evidence = {
            dim: {v: ItemEvidence(item.id, dim, v) for v in vals} for dim, vals in values.items()
        }
        others = tuple((d.id, allowed[d.id], d.required) for d in inst.dimensions[1:])
        unknown = frozenset(v.id for v in scale.values if v.unknown)
        tally = {v: (v, p, v in unknown) for v, p in points.items()}
        out[item.id] = ItemPlan(
            id=item.id,
            domain=item.domain,
            path=f"items.{item.id}",
            required=item.required,
            default=item.default,
            allowed=allowed,
            values=values,
            primary=allowed[primary.id],
            others=others,
            points=points,
            unknown=unknown,
            evidence=evidence,
            tally=tally,
            full=_full(values, tally, research, tables.get(item.id)),
            missing=MissingEvidence("items", item.id),
        )
    return out


def uniform(members: list[ItemPlan]) -> Uniform | None:
    if not members or any(m.tally != members[0].tally for m in members):
        return None
    tally = members[0].tally
    if any(p is not None and not float(p).is_integer() for _, p, _ in tally.values()):
        return None
    worth = tuple((v, p) for v, p, _ in tally.values() if p)
    return worth, tuple(v for v, _, gone in tally.values() if gone)


def _full(
    values: Mapping[str, tuple[str, ...]],
    tally: Mapping[str, Tally],
    research: Research | None,
    tables: tuple[PointsOf, ...] | None,
) -> dict[Any, tuple[dict[str, str], Tally, int]] | None:
    if math.prod(len(v) for v in values.values()) > _FULL_LIMIT:
        return None
    combos: list[tuple[str, ...]] = [()]
    for vals in values.values():
        combos = [(*c, v) for c in combos for v in vals]
    dims = tuple(values)
    alone = len(dims) == 1  # `Plan.rating_key` gives one value alone, not in a tuple
    out = {}
    for c in combos:
        rating = dict(zip(dims, c, strict=True))
        code = research_code(research, tables, rating) if research and tables else 0
        out[c[0] if alone else c] = (rating, tally[c[0]], code)
    return out
