"""Recommend protective measures from the instrument's declared measure rules.

Each measure appears once, at the most urgent priority any rule gave it, with every
rule that fired as a reason; the order is priority, then catalogue order (the merge is
`risk_scoring.engine.decide.merge`, shared with the column engine). Rules that share a
condition have it evaluated once.
"""

from __future__ import annotations

from ..definition.result import RecommendedMeasure
from .decide import merge, ranked_once
from .plan import Plan
from .rules import Facts

__all__ = ["recommend"]


def recommend(plan: Plan, facts: Facts) -> list[RecommendedMeasure]:
    """The recommended measures for `facts`, each with the rules that fired for it."""
    found = [condition(facts) for condition in plan.measure_conditions]
    fired = []
    mask = 0
    for bit, (rule, i) in enumerate(plan.measure_slots):
        evidence = found[i]
        if evidence is not None:
            fired.append((rule, evidence))
            mask |= 1 << bit
    return merge(fired, ranked_once(plan, mask, [rule for rule, _ in fired]))
