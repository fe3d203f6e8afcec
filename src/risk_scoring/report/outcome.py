"""Two parts of a report's outcome: what set the level, and the spj research totals.

Kept apart from `build` (which calls them) so that each reads on its own: the sentence
saying whether the instrument's rules or a person's judgement set the level (for the
Lethality Screen: screened in by the protocol, by the officer's belief, or not screened
in), and the research totals as labelled rows that say they decide nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .i18n import N_, format_number, translate

if TYPE_CHECKING:
    from ..definition.result import Result
    from .static import Static

__all__ = ["decided_lines", "research_fields"]


def decided_lines(s: Static, result: Result) -> tuple[str, ...]:
    """The sentence naming what set the level; none without a level, or for an spj
    result (its judgement sentence already says it)."""
    if result.decided_by is None or result.kind == "spj":
        return ()
    t = s.lang
    if result.decided_by == "band" and result.route == "rules":
        return (translate(t, N_("The level is set by the instrument's rules: the score's band.")),)
    # Every escalation has a rationale; an id (letters, digits, "_.-") stands in otherwise.
    rationale = s.rationale.get(result.decided_by, result.decided_by)
    if result.route == "judgement":
        text = N_("The level is set by a person's judgement, not by the rules: %(rationale)s")
    else:
        text = N_("The level is set by the instrument's rules: %(rationale)s")
    return (translate(t, text) % {"rationale": rationale},)


def research_fields(s: Static, result: Result) -> list[tuple[str, str]]:
    """The research totals as (label, value) rows: each presence dimension, then the
    lifetime total."""
    t = s.lang
    rows = []
    for found in result.research_totals:
        if found.dimension is None:
            label = translate(t, N_("Lifetime (each item's highest rating)"))
        else:
            label = s.dimension_titles.get(found.dimension, found.dimension)
        value = translate(t, N_("%(total)s (%(rated)s items rated)")) % {
            "total": format_number(found.total, t),
            "rated": found.rated,
        }
        rows.append((label, value))
    return rows
