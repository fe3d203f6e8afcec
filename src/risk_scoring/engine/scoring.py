"""Turn read answers into a level and score, exactly as the instrument prescribes.

- actuarial and checklist: points (times item weight) are summed; the bands' lower
  bounds map the total to a level; escalation routes may raise it, never lower it. A
  declared missing-item policy limits unknown answers; past the limit there is no level.
- spj: the level is the highest of the analyst's `level_from` judgements; without them
  the result is incomplete. The total (N=0, P=1, Y=2) is reported for research only.

Warning rules are evaluated last, once the level is known. Each decision is a function
of `risk_scoring.engine.decide`, which the column engine calls too; this module only
evaluates the rules' row forms for one case and hands their evidence on.
"""

from __future__ import annotations

from .decide import Scored, bands, escalate, judged, warn
from .plan import Plan
from .read import Read
from .rules import Facts

__all__ = ["facts_of", "score"]


def facts_of(found: Read) -> Facts:
    """What the conditions look at for these answers (score and level come later)."""
    return Facts(found.ratings, found.context, found.judgements, None, None, found.counts)


def score(plan: Plan, found: Read, facts: Facts) -> Scored:
    """Score `found`; `facts` gets the score and level the warnings and measures see."""
    if plan.kind == "spj":
        scored = judged(plan, found.total, found.unknown, found.judgements)
        facts.score = scored.score
        facts.level_rank = scored.rank
    else:
        scored = bands(plan, found.total, found.unknown)
        if scored.rank is not None:
            facts.score = scored.score
            facts.level_rank = scored.rank
            if plan.escalations:
                fired = [(route, route.rule.holds(facts)) for route in plan.escalations]
                escalate(plan, scored, fired, found.judgements)
                facts.level_rank = scored.rank
    if plan.warnings:
        fired_warnings = [(rule, rule.rule.holds(facts)) for rule in plan.warnings]
        warn(scored, fired_warnings, bool(found.justification))
    return scored
