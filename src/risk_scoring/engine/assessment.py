"""The one-call pipeline: answers → validated answers → score → measures → Result."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._version import __version__
from ..definition.catalogue import Catalogue
from ..definition.instrument import Instrument
from ..definition.loading import catalogue_for, load_instrument
from ..definition.result import Assessor, Provenance, Result
from .answers import validate_answers
from .measures import recommend
from .scoring import score


def assess(instrument: Instrument | str, answers: Mapping[str, Any]) -> Result:
    """Assess one case: `instrument` is a loaded Instrument or a built-in id.

    Raises `AnswerError` listing every problem with the answers.

    >>> answers = {"items": {str(n): "yes" if n <= 14 else "no" for n in range(1, 25)}}
    >>> assess("dash", answers).level
    'high'
    """
    inst = load_instrument(instrument) if isinstance(instrument, str) else instrument
    valid = validate_answers(inst, answers)
    scored = score(inst, valid)
    measures = recommend(inst, scored.facts, _catalogue(inst))
    return Result._assemble(
        instrument=inst.id,
        kind=inst.kind,
        level=scored.level,
        score=scored.score,
        score_is_research_only=inst.kind == "spj",
        complete=scored.complete,
        missing=scored.missing,
        measures=measures,
        warnings=scored.warnings,
        domains=scored.domains,
        trace=scored.trace,
        provenance=_provenance(inst),
        ratings=valid.ratings,
        notes=valid.notes,
        context=valid.context,
        judgements=valid.judgements,
        judgement_texts=valid.texts,
        justification=valid.justification,
        assessors=[Assessor(a["role"], a.get("id")) for a in valid.assessors],
        assessed_on=valid.assessed_on,
        case_ref=valid.case_ref,
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


def _catalogue(inst: Instrument) -> Catalogue:
    found = inst._cache.get("catalogue")
    if found is None:
        found = inst._cache["catalogue"] = catalogue_for(inst)
    assert isinstance(found, Catalogue)
    return found


def _provenance(inst: Instrument) -> Provenance:
    found = inst._cache.get("provenance")
    if found is None:
        found = Provenance(inst.id, inst.version, inst.digest, __version__)
        inst._cache["provenance"] = found
    assert isinstance(found, Provenance)
    return found
