"""The part of an instrument's compiled `Plan` that the SPJ case record reads.

Built once per instrument with the rest of the plan (`risk_scoring.engine.plan`), so
validating a record and deriving the plan, disagreements and `high_risk_case` look
nothing up in the definition again.
"""

from __future__ import annotations

from typing import NamedTuple

from ..definition.catalogue import Catalogue
from ..definition.instrument import Instrument

__all__ = ["RELEVANCE", "RecordPlan", "record_plan"]

RELEVANCE = "relevance"


class RecordPlan(NamedTuple):
    """What the case record needs of one instrument."""

    relevance: tuple[str, str] | None
    """The `relevance` dimension and the top value of its scale (its items are of high
    relevance), or None when the instrument does not rate relevance."""
    high_risk: tuple[tuple[str, ...], int] | None
    """`scoring.high_risk`: the judgements and the rank of the level from which they make
    a high-risk case; None when the instrument declares none."""
    considerations: tuple[tuple[str, tuple[str, ...]], ...]
    """Each dimension an other consideration may be rated on, with its scale's values."""
    consideration_keys: tuple[str, ...]
    measures: tuple[str, ...]
    """The catalogue's measure ids, in catalogue order (what `management` may name)."""
    measure_set: frozenset[str]
    level_judgements: tuple[str, ...]
    """The level judgements, in instrument order (what raters may rate)."""
    text_judgements: tuple[str, ...]
    """The text judgements, sorted (raters may not rate them)."""


def record_plan(inst: Instrument, catalogue: Catalogue) -> RecordPlan:
    """The record's part of the plan of `inst`."""
    relevance = None
    for dim in inst.dimensions:
        if dim.id == RELEVANCE and dim is not inst.primary:
            values = [v for v in inst.scale_by_id[dim.scale].values if not v.unknown]
            if values:
                relevance = (dim.id, values[-1].id)
    rule = inst.scoring.high_risk
    high_risk = None
    if rule is not None:
        ranks = {level: i for i, level in enumerate(inst.levels)}
        high_risk = (tuple(rule.judgements), ranks[rule.at_least])
    considerations = tuple(
        (d.id, tuple(v.id for v in inst.scale_by_id[d.scale].values)) for d in inst.dimensions
    )
    measures = tuple(catalogue.by_id)
    return RecordPlan(
        relevance=relevance,
        high_risk=high_risk,
        considerations=considerations,
        consideration_keys=("title", *(d for d, _ in considerations), "note"),
        measures=measures,
        measure_set=frozenset(measures),
        level_judgements=tuple(j.id for j in inst.judgements if j.type == "level"),
        text_judgements=tuple(sorted(j.id for j in inst.judgements if j.type == "text")),
    )
