"""The one-call pipeline: answers → read (validated, tallied) → score → measures → Result."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..definition.instrument import Instrument
from ..definition.loading import load_instrument
from ..definition.result import Assessor, Result, maker
from .measures import recommend
from .plan import Plan, plan_of
from .read import Read, read, read_precisely
from .scoring import facts_of, score

__all__ = ["assess", "result_of"]

_assessor = maker(Assessor)


def assess(instrument: Instrument | str, answers: Mapping[str, Any]) -> Result:
    """Assess one case: `instrument` is a loaded Instrument or a built-in id.

    Raises `AnswerError` listing every problem with the answers.

    >>> answers = {"items": {str(n): "yes" if n <= 14 else "no" for n in range(1, 25)}}
    >>> assess("dash", answers).level
    'high'
    """
    inst = load_instrument(instrument) if isinstance(instrument, str) else instrument
    plan = plan_of(inst)
    found = read(plan, answers)
    if found is None:
        found = read_precisely(plan, answers)
    return result_of(plan, found)


def result_of(plan: Plan, found: Read) -> Result:
    """The Result of read answers."""
    facts = facts_of(found)
    scored = score(plan, found, facts)
    measures = recommend(plan, facts)
    rank = scored.rank
    return Result._assemble(
        instrument=plan.id,
        kind=plan.kind,
        level=None if rank is None else plan.levels[rank],
        score=scored.score,
        score_is_research_only=plan.kind == "spj",
        complete=scored.complete,
        missing=scored.missing,
        measures=measures,
        warnings=scored.warnings,
        domains=found.domains,
        trace=scored.trace,
        provenance=plan.provenance,
        ratings=found.ratings,
        notes=found.notes,
        context=found.context,
        judgements=found.judgements,
        judgement_texts=found.texts,
        justification=found.justification,
        assessors=[_assessor(a["role"], a.get("id")) for a in found.assessors],
        assessed_on=found.assessed_on,
        case_ref=found.case_ref,
        high_risk_case=None,
        sources=[],
        other_considerations=[],
        scenarios=[],
        management=[],
        review=None,
        raters={},
        plan=[],
        disagreements=[],
    )
