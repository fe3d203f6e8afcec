"""The one-call pipeline: answers → read (validated, tallied) and the case record →
score → measures → Result."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..definition.instrument import Instrument
from ..definition.loading import load_instrument
from ..definition.record import Assessor
from ..definition.result import Result, maker
from ..errors import AnswerError, Problem
from .management import derive, with_relevance
from .measures import recommend
from .plan import Plan, plan_of
from .read import Read, read, read_precisely
from .record import EMPTY, Record, reason_problems, validate_record
from .research import research_totals
from .scoring import facts_of, score

__all__ = ["assess", "result_of"]

_assessor = maker(Assessor)


def assess(instrument: Instrument | str, answers: Mapping[str, Any]) -> Result:
    """Assess one case: `instrument` is a loaded Instrument or a built-in id.

    Raises `AnswerError` listing every problem with the answers and the case record.

    >>> answers = {"items": {str(n): "yes" if n <= 14 else "no" for n in range(1, 25)}}
    >>> assess("dash", answers).level
    'high'
    """
    inst = load_instrument(instrument) if isinstance(instrument, str) else instrument
    if not isinstance(inst, Instrument):
        message = f"expected an Instrument or a built-in id, not a {type(inst).__name__}"
        raise AnswerError([Problem("instrument", message, code="bad_argument")])
    plan = plan_of(inst)
    problems: list[Problem] = []
    record = validate_record(plan, answers, problems) if isinstance(answers, Mapping) else EMPTY
    found = read(plan, answers)
    if found is None:
        try:
            found = read_precisely(plan, answers)
        except AnswerError as exc:
            if not problems:
                raise
            raise AnswerError([*exc.problems, *problems], plan.id) from None
    return result_of(plan, found, record, problems)


def result_of(
    plan: Plan, found: Read, record: Record = EMPTY, problems: list[Problem] | None = None
) -> Result:
    """The Result of read answers and their case record.

    `problems` are the record's, raised (with a rejected or deferred recommendation's
    missing reason) once the measures are known.
    """
    facts = facts_of(found)
    scored = score(plan, found, facts)
    measures = recommend(plan, facts)
    found_problems = [*(problems or ()), *reason_problems(record, measures)]
    if found_problems:
        raise AnswerError(found_problems, plan.id)
    rank = scored.rank
    assessors = [
        _assessor(a["role"], a.get("id"), a.get("name"), a.get("signed_on"))
        for a in found.assessors
    ]
    case = derive(plan, found, assessors, record, scored, measures)
    decided_by = scored.decided_by
    return Result._assemble(
        instrument=plan.id,
        kind=plan.kind,
        level=None if rank is None else plan.levels[rank],
        score=scored.score,
        score_is_research_only=plan.kind == "spj",
        decided_by=decided_by,
        route=plan.routes[decided_by],
        complete=scored.complete,
        missing=scored.missing,
        measures=measures,
        warnings=scored.warnings,
        domains=with_relevance(plan, found.domains, found.ratings),
        research_totals=[] if plan.research is None else research_totals(plan, found),
        trace=scored.trace,
        provenance=plan.provenance,
        ratings=found.ratings,
        notes=found.notes,
        context=found.context,
        judgements=found.judgements,
        judgement_texts=found.texts,
        justification=found.justification,
        assessors=assessors,
        assessed_on=found.assessed_on,
        case_ref=found.case_ref,
        **case,
    )
