"""The pair's disagreements in the report: each rater's rating, the consensus, how it settled.

An item dimension or a judgement the raters rated differently before they agreed is
shown with every rater's value by its label, the consensus, and whether the consensus
followed one of them, neither, or is not recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .i18n import N_, translate
from .record_plan import (
    NOT_SET,
)

if TYPE_CHECKING:
    from ..definition.result import Result
    from .static import Static


@dataclass(frozen=True, slots=True)
class DisagreementView:
    """An item dimension or judgement the raters differed on; `values` follow the raters."""

    what: str
    dimension: str | None
    values: tuple[str, ...]
    consensus: str
    resolution: str


def _value(s: Static, kind: str, ident: str, dimension: str | None, value: str | None) -> str:
    """A rater's or the consensus value by its label."""
    if value is None:
        return NOT_SET
    if kind == "item" and dimension is not None and ident in s.labels:
        return s.labels[ident].get(dimension, {}).get(value, value)
    if value in s.level_index:
        return s.levels[s.level_index[value]].title
    return value


def disagreement_views(
    s: Static, result: Result, roles: list[str], role_labels: list[str]
) -> tuple[DisagreementView, ...]:
    """The result's disagreements; `roles` are the raters in order, `role_labels` their
    names in the report."""
    t = s.lang
    views = []
    for d in result.disagreements:
        if d.kind == "item":
            what = f"{d.id} {s.item_titles[d.id]}" if d.id in s.item_titles else d.id
            dimension = s.dimension_titles.get(d.dimension, d.dimension) if d.dimension else None
        else:
            what = s.judgement_titles.get(d.id, d.id)
            dimension = None
        values = tuple(_value(s, d.kind, d.id, d.dimension, d.ratings.get(role)) for role in roles)
        consensus = _value(s, d.kind, d.id, d.dimension, d.consensus)
        if d.consensus is None:
            resolution = translate(t, N_("No consensus recorded."))
        else:
            agreeing = [
                label
                for role, label in zip(roles, role_labels, strict=True)
                if d.ratings.get(role) == d.consensus
            ]
            if agreeing:
                resolution = translate(t, N_("As rated by: %(raters)s.")) % {
                    "raters": ", ".join(agreeing)
                }
            else:
                resolution = translate(t, N_("Differs from every rater's rating."))
        views.append(DisagreementView(what, dimension, values, consensus, resolution))
    return tuple(views)
