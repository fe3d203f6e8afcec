"""Golden cases: answers with the expected level, score, measures and warnings.

Each instrument ships cases in `instruments/cases/<id>/*.yaml` (a district overlay in
`cases/<overlay id>/` beside its file)::

    description: "14 yes answers: visible high risk"
    answers: {items: {...}, context: {...}}
    expect:
      level: high            # or null for an incomplete case
      score: 14
      complete: true
      measures: [marac_referral, idva_referral]   # ids, in the result's order
      reasons:                                     # optional: per measure, the rules that
        marac_referral: [marac-visible-high-risk]  #   recommended it, in order
      warnings: [serious-indicator-below-high]     # warning rule ids (optional)
      missing: [judgements.serious_harm]           # optional
      high_risk_case: true                         # the SPJ case record (optional)
      plan: {besoksforbud: chosen, varetekt: rejected, sikkerhetsrad: undecided}
      disagreements: [N3.recent, serious_harm]     # or a count: 2
      decided_by: band       # optional: what set the level (an escalation's id, band,
      route: rules           #   judgement) and its route (rules or judgement)

`run_case` returns the differences as `Problem`s located in the case file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..definition import files, reader as _yaml
from ..definition.instrument import Instrument
from ..definition.loading import builtin_dir
from ..engine.assessment import assess
from ..errors import AnswerError, InstrumentError, Problem


def case_folder(inst: Instrument) -> Path:
    """Where the golden cases of `inst` live: ``cases/<id>/`` beside its definition.

    For a definition merged from a district overlay, the overlay's own cases:
    ``cases/<overlay id>/`` beside the overlay's file.
    """
    base = Path(inst.origin).parent if inst.origin else builtin_dir()
    return base / "cases" / (inst.overlay.id if inst.overlay is not None else inst.id)


def case_files(inst: Instrument) -> list[Path]:
    """The golden case files of `inst` (see `case_folder`), sorted by name."""
    folder = case_folder(inst)
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def read_case(path: Path) -> tuple[dict[str, Any], _yaml.Document]:
    """Parse a case file; raises `InstrumentError` if it is not a valid case.

    The file is read as definitions are: a regular file of at most `MAX_BYTES`, read
    without blocking (`files.read_bounded`).
    """
    raw = files.read_bounded(path, _yaml.MAX_BYTES)
    try:
        doc = _yaml.parse(raw, str(path))
    except _yaml.YAMLProblems as exc:
        raise InstrumentError(exc.problems, str(path)) from None
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        raise InstrumentError([doc.problem((), "a case needs 'answers' and 'expect'")], str(path))
    if not isinstance(data.get("expect"), dict):
        raise InstrumentError([doc.problem((), "a case needs 'answers' and 'expect'")], str(path))
    return data, doc


def run_case(inst: Instrument, path: Path) -> list[Problem]:
    """Assess the case in `path` and list every way the result differs from `expect`."""
    try:
        data, doc = read_case(path)
    except InstrumentError as exc:
        return list(exc.problems)
    expect = data["expect"]
    try:
        result = assess(inst, data["answers"])
    except AnswerError as exc:
        return [doc.problem(("answers",), f"answers refused: {p}") for p in exc.problems]
    actual: dict[str, Any] = {
        "level": result.level,
        "score": result.score,
        "complete": result.complete,
        "measures": [m.id for m in result.measures],
        "warnings": [s.rule for s in result.trace if s.kind == "warning"],
        "missing": result.missing,
        "high_risk_case": result.high_risk_case,
        # The plan in its order, as pairs: a mapping's order would not be compared.
        "plan": [[entry.measure, entry.status] for entry in result.plan],
        "disagreements": [
            f"{d.id}.{d.dimension}" if d.dimension is not None else d.id
            for d in result.disagreements
        ],
        "decided_by": result.decided_by,
        "route": result.route,
    }
    reasons = {m.id: [r.rule for r in m.reasons] for m in result.measures}
    if isinstance(expect.get("plan"), dict):
        expect = {**expect, "plan": [[k, v] for k, v in expect["plan"].items()]}
    if isinstance(expect.get("disagreements"), int):
        actual["disagreements"] = len(actual["disagreements"])
    problems = []
    for key, wanted in expect.items():
        if key == "reasons":
            if not isinstance(wanted, dict):
                message = "'reasons' maps measure ids to the rule ids that recommend them"
                problems.append(doc.problem(("expect", key), message))
                continue
            got = {measure: reasons.get(measure) for measure in wanted}
            if got != wanted:
                problems.append(doc.problem(("expect", key), f"expected {wanted!r}, got {got!r}"))
        elif key not in actual:
            problems.append(doc.problem(("expect", key), f"unknown expectation {key!r}"))
        elif actual[key] != wanted:
            problems.append(
                doc.problem(("expect", key), f"expected {wanted!r}, got {actual[key]!r}")
            )
    return problems
