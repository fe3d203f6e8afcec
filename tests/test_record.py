"""The SPJ case record: validated with the answers, kept in the result, and what it derives.

The record's parts (assessors, sources, other considerations, scenarios, management,
review, raters) are checked in full, every problem at once; the result keeps them
losslessly and adds `high_risk_case`, `plan` and `disagreements` (docs/record.md).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

import risk_scoring as rs
from risk_scoring.definition.evidence import FieldEvidence
from risk_scoring.engine import record as record_module
from risk_scoring.engine.answers import MAX_TEXT
from risk_scoring.engine.management import DUE_CODES
from risk_scoring.errors import PROBLEM_CODES
from risk_scoring.tooling.golden import case_files, read_case

SPJ = ["sara-v3", "b-safer", "patriark", "sam"]


def sara(**extra: Any) -> dict[str, Any]:
    """A valid SARA-V3 case, imminent violence high (so besoksforbud is recommended)."""
    items: dict[str, Any] = {f"N{n}": "N" for n in range(1, 9)}
    items |= {f"P{n}": "N" for n in range(1, 11)}
    items |= {f"V{n}": "N" for n in range(1, 7)}
    answers: dict[str, Any] = {
        "items": items,
        "judgements": {
            "case_prioritization": "high",
            "serious_harm": "moderate",
            "imminent_violence": "high",
        },
        "assessed_on": "2026-11-22",
        "assessors": [{"role": "risk_analyst", "id": "RA-1"}, {"role": "clinician"}],
    }
    answers.update(extra)
    return answers


def blank(ident: str, **extra: Any) -> dict[str, Any]:
    """Answers for `ident` with every item rated at its lowest value."""
    inst = rs.load_instrument(ident)
    items = {item.id: inst.scale_for(item, inst.primary).values[0].id for item in inst.items}
    return {"items": items, **extra}


def refused(answers: Mapping[str, Any], ident: str = "sara-v3") -> tuple[rs.Problem, ...]:
    """The problems of answers that must be refused; each has a stable, documented code."""
    with pytest.raises(rs.AnswerError) as info:
        rs.assess(ident, answers)
    found = info.value.problems
    assert all(p.code in PROBLEM_CODES and p.code != "invalid" for p in found)
    return found


def problems(answers: Mapping[str, Any], ident: str = "sara-v3") -> list[str]:
    return [str(p) for p in refused(answers, ident)]


def codes(answers: Mapping[str, Any], ident: str = "sara-v3") -> list[tuple[str, str]]:
    return [(p.path, p.code) for p in refused(answers, ident)]


def decision(measure: str, kind: str = "chosen", **extra: Any) -> dict[str, Any]:
    return {"measure": measure, "strategy": "supervision", "decision": kind, **extra}


# --- the three located problems of the issue ------------------------------------------


def test_each_of_the_three_located_problems_has_its_code() -> None:
    rejected = sara(management=[decision("besoksforbud", "rejected")])
    assert codes(rejected) == [("management.0.reason", "reason_required")]
    unknown = sara(management=[decision("no_such_measure")])
    assert codes(unknown) == [("management.0.measure", "unknown_measure")]
    rater = sara(raters={"risk_analyst": {"items": {"X9": "Y"}}})
    assert codes(rater) == [("raters.risk_analyst.items.X9", "unknown_item")]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"sources": "police records"}, [("sources", "not_list")]),
        ({"sources": ["x"] * 51}, [("sources", "too_many")]),
        ({"review": []}, [("review", "not_mapping")]),
        ({"review": {"due": "soon"}}, [("review.due", "bad_date")]),
        ({"review": {"when": "2027-01-01"}}, [("review.when", "unknown_key")]),
        ({"scenarios": [{"description": "x"}]}, [("scenarios.0.type", "missing")]),
        ({"scenarios": [{"type": "worse"}]}, [("scenarios.0.type", "value_not_allowed")]),
        (
            {"management": [{"measure": "besoksforbud"}]},
            [
                ("management.0.strategy", "missing"),
                ("management.0.decision", "missing"),
            ],
        ),
        (
            {"management": [decision("besoksforbud"), decision("besoksforbud")]},
            [("management.1.measure", "duplicate_measure")],
        ),
        ({"case_ref": "a\nb"}, [("case_ref", "not_one_line")]),
        ({"assessors": [{"role": "a\u202eb"}]}, [("assessors.0.role", "not_one_line")]),
        ({"raters": {"judge": {}}}, [("raters.judge", "unknown_rater")]),
        (
            {"raters": {"risk_analyst": {"judgements": {"nope": "high"}}}},
            [("raters.risk_analyst.judgements.nope", "unknown_judgement")],
        ),
        (
            {"raters": {"risk_analyst": {"items": {"N1": {"later": "Y"}}}}},
            [("raters.risk_analyst.items.N1.later", "unknown_dimension")],
        ),
        (
            {"raters": {"risk_analyst": {"items": {"N1": "maybe"}}}},
            [("raters.risk_analyst.items.N1", "value_not_allowed")],
        ),
    ],
)
def test_record_problems_carry_stable_codes(
    extra: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    assert codes(sara(**extra)) == expected


def test_answer_and_record_problems_are_raised_together() -> None:
    answers = sara(management=[decision("no_such_measure")])
    answers["items"] = {**answers["items"], "N1": "maybe"}
    assert codes(answers) == [
        ("items.N1", "value_not_allowed"),
        ("management.0.measure", "unknown_measure"),
    ]


def test_a_recommended_measure_rejected_without_a_reason_is_one_problem() -> None:
    found = problems(sara(management=[decision("besoksforbud", "rejected")]))
    assert found == [
        "management.0.reason: missing: 'besoksforbud' is recommended by the rules and "
        "rejected; say why"
    ]


@pytest.mark.parametrize("reason", [None, "", "   \n"])
def test_a_deferred_recommendation_needs_a_reason_that_is_not_blank(reason: str | None) -> None:
    entry = decision("mobil_voldsalarm", "deferred")
    if reason is not None:
        entry["reason"] = reason
    assert problems(sara(management=[entry])) == [
        "management.0.reason: missing: 'mobil_voldsalarm' is recommended by the rules and "
        "deferred; say why"
    ]


def test_a_measure_the_rules_did_not_recommend_may_be_rejected_without_a_reason() -> None:
    result = rs.assess("sara-v3", sara(management=[decision("kontaktforbud", "rejected")]))
    assert [(p.measure, p.origin, p.status) for p in result.plan][-1] == (
        "kontaktforbud",
        "pair",
        "rejected",
    )


def test_a_management_entry_with_an_unknown_measure_is_one_problem() -> None:
    (found,) = problems(sara(management=[decision("besoksforbudd")]))
    assert found.startswith(
        "management.0.measure: 'besoksforbudd' is not a measure of the catalogue; "
        "did you mean 'besoksforbud'?; expected one of 'besoksforbud', "
    )


def test_a_rater_rating_an_item_the_instrument_lacks_is_one_problem() -> None:
    raters = {"risk_analyst": {"items": {"N3": "Y", "N9": "Y"}}}
    assert problems(sara(raters=raters)) == ["raters.risk_analyst.items.N9: unknown item"]


def test_every_problem_of_the_record_is_reported_at_once() -> None:
    answers = sara(
        management=[
            decision("besoksforbud", "rejected"),
            {"measure": "nope", "strategy": "care", "decision": "maybe", "consent": "yes"},
        ],
        scenarios=[{"type": "worst", "likelihood": "very high"}],
        review={"due": "15.01.2027", "when": 1},
        raters={"nobody": {}, "clinician": {"judgements": {"serious_harm": "extreme"}}},
        sources="police records",
    )
    assert problems(answers) == [
        "sources: must be a list of texts",
        "scenarios.0.type: 'worst' is not allowed; expected one of 'escalation', "
        "'improvement', 'repeat', 'twist'",
        "scenarios.0.likelihood: this text is not allowed; expected one of 'high', 'low', "
        "'moderate'",
        "management.1.measure: 'nope' is not a measure of the catalogue; expected one of "
        + ", ".join(repr(m) for m in sorted(rs.load_catalogue().by_id)),
        "management.1.strategy: 'care' is not allowed; expected one of 'monitoring', "
        "'supervision', 'treatment', 'victim_safety_planning'",
        "management.1.decision: 'maybe' is not allowed; expected one of 'chosen', "
        "'deferred', 'rejected'",
        "management.1.consent: 'yes' is not allowed; expected true, false or null (not asked)",
        "review.when: unknown key",
        "review.due: must be a date written YYYY-MM-DD",
        "raters.nobody: is not the role of an assessor; expected one of 'clinician', "
        "'risk_analyst'",
        "raters.clinician.judgements.serious_harm: 'extreme' is not allowed; expected one "
        "of 'high', 'low', 'moderate'",
        "management.0.reason: missing: 'besoksforbud' is recommended by the rules and "
        "rejected; say why",
    ]


def test_record_problems_come_with_the_answers_problems() -> None:
    answers = sara(management=[decision("nope")])
    answers["items"]["N1"] = "maybe"
    found = problems(answers)
    assert found[0].startswith("items.N1: 'maybe' is not allowed")
    assert found[1].startswith("management.0.measure: 'nope' is not a measure")
    assert len(found) == 2


def test_a_measure_is_decided_once() -> None:
    entries = [decision("besoksforbud"), decision("besoksforbud", "rejected", reason="r")]
    assert problems(sara(management=entries)) == [
        "management.1.measure: 'besoksforbud' is already decided in management.0"
    ]


def test_required_parts_of_entries() -> None:
    answers = sara(
        management=[{"measure": "besoksforbud"}],
        scenarios=[{}],
        other_considerations=[{"title": "  "}, {"recent": "Y"}],
    )
    assert problems(answers) == [
        "other_considerations.0.title: must not be empty",
        "other_considerations.1.title: missing; text is required",
        "scenarios.0.type: missing; expected one of 'escalation', 'improvement', 'repeat', 'twist'",
        "management.0.strategy: missing; expected one of 'monitoring', 'supervision', "
        "'treatment', 'victim_safety_planning'",
        "management.0.decision: missing; expected one of 'chosen', 'deferred', 'rejected'",
    ]


def test_other_considerations_take_the_instruments_dimensions_and_scales() -> None:
    good = {"title": "rifle", "recent": "Y", "past": "N", "relevance": "high", "note": "n"}
    result = rs.assess("sara-v3", sara(other_considerations=[good]))
    (found,) = result.other_considerations
    assert found.ratings == {"recent": "Y", "past": "N", "relevance": "high"}
    assert (found.title, found.note) == ("rifle", "n")
    bad = {"title": "rifle", "current": "Y", "relevance": "Y"}
    assert problems(sara(other_considerations=[bad])) == [
        "other_considerations.0.current: unknown key; did you mean 'recent'?",
        "other_considerations.0.relevance: 'Y' is not allowed; expected one of 'high', "
        "'low', 'moderate'",
    ]
    # B-SAFER rates `current`, not `recent`.
    considered = [bad | {"relevance": "low"}]
    bsafer = rs.assess("b-safer", blank("b-safer", other_considerations=considered))
    assert bsafer.other_considerations[0].ratings == {"current": "Y", "relevance": "low"}


def test_parts_of_the_wrong_shape() -> None:
    answers = sara(
        other_considerations={"title": "x"},
        scenarios=["escalation"],
        management=[None],
        review=["2027-01-01"],
        raters=[{"items": {}}],
    )
    assert problems(answers) == [
        "other_considerations: must be a list of considerations",
        "scenarios.0: must be a mapping (a type, texts and ratings)",
        "management.0: must be a mapping (a measure, a strategy and a decision)",
        "review: must be a mapping (a due date and triggers)",
        "raters: must be a mapping of an assessor's role to {items: ..., judgements: ...}",
    ]


def test_lists_in_texts_need_texts() -> None:
    answers = sara(sources=["records", None, 3], review={"triggers": ["breach", ["x"]]})
    assert problems(answers) == [
        "sources.1: must be text, not null",
        "sources.2: must be text, not a int",
        "review.triggers.1: must be text, not a list",
    ]


@pytest.mark.parametrize(
    ("key", "limit"),
    [
        ("sources", record_module.MAX_SOURCES),
        ("other_considerations", record_module.MAX_CONSIDERATIONS),
        ("scenarios", record_module.MAX_SCENARIOS),
        ("management", record_module.MAX_MANAGEMENT),
    ],
)
def test_lists_are_bounded_and_over_the_bound_not_read(key: str, limit: int) -> None:
    assert problems(sara(**{key: [None] * (limit + 1)})) == [
        f"{key}: at most {limit} {_what(key)}; {limit + 1} are given"
    ]


def _what(key: str) -> str:
    return {"management": "decisions", "other_considerations": "considerations"}.get(
        key, "texts" if key == "sources" else key
    )


def test_nested_lists_are_bounded() -> None:
    signs = ["x"] * (record_module.MAX_WARNING_SIGNS + 1)
    triggers = ["x"] * (record_module.MAX_TRIGGERS + 1)
    answers = sara(
        scenarios=[{"type": "repeat", "warning_signs": signs}], review={"triggers": triggers}
    )
    assert problems(answers) == [
        f"scenarios.0.warning_signs: at most 50 texts; {len(signs)} are given",
        f"review.triggers: at most 50 texts; {len(triggers)} are given",
    ]


def test_texts_are_limited_like_the_answers() -> None:
    long = "x" * (MAX_TEXT + 1)
    answers = sara(management=[decision("besoksforbud", reason=long)], sources=["\ud800"])
    assert problems(answers) == [
        "sources.0: is not valid Unicode text (it holds a lone surrogate)",
        f"management.0.reason: is {len(long)} characters; the limit is {MAX_TEXT}",
    ]


# --- assessors and single lines --------------------------------------------------------


def test_assessors_take_a_name_and_a_signing_date() -> None:
    people = [
        {"role": "risk_analyst", "id": "RA-12", "name": "Kari Nordmann", "signed_on": "2026-11-23"},
        {"role": "clinician", "name": "Ola Hansen"},
    ]
    result = rs.assess("sara-v3", sara(assessors=people))
    assert [(a.role, a.id, a.name, a.signed_on) for a in result.assessors] == [
        ("risk_analyst", "RA-12", "Kari Nordmann", "2026-11-23"),
        ("clinician", None, "Ola Hansen", None),
    ]
    assert "Nordmann" not in repr(result.assessors)
    assert "risk_analyst" not in repr(result)


def test_assessors_keep_their_old_checks() -> None:
    people = [{"role": "a", "email": "x"}, {"id": "x"}, {"role": "b", "signed_on": "23.11.2026"}]
    assert problems(sara(assessors=people)) == [
        "assessors: at most 2 assessors (a pair)",
        "assessors.0: unknown keys ['email']; expected 'role', 'id', 'name', 'signed_on'",
        "assessors.1: must be a mapping with a 'role' (text)",
        "assessors.2.signed_on: must be a date written YYYY-MM-DD",
    ]


@pytest.mark.parametrize(
    "bad", ["a\nb", "a\rb", "a\tb", "\x1b[31m", "a\x85b", "a\u2028b", "a\u202eb", "a\u2066b"]
)
@pytest.mark.parametrize("field", ["role", "id", "name"])
def test_role_id_and_name_are_single_lines(field: str, bad: str) -> None:
    person = {"role": "risk_analyst", field: bad}
    assert problems(sara(assessors=[person])) == [
        f"assessors.0.{field}: must be a single line: no line breaks, control or "
        "bidirectional-text characters"
    ]


@pytest.mark.parametrize("bad", ["REF\nRisk level: STANDARD", "REF\u2029x", "\u202eFER"])
def test_case_ref_is_a_single_line(bad: str) -> None:
    assert problems(sara(case_ref=bad)) == [
        "case_ref: must be a single line: no line breaks, control or bidirectional-text characters"
    ]


def test_multi_line_texts_stay_allowed_where_they_are_prose() -> None:
    text = "line one\nline two"
    result = rs.assess(
        "sara-v3",
        sara(
            justification=text,
            scenarios=[{"type": "repeat", "description": text}],
            management=[decision("besoksforbud", "rejected", reason=text)],
        ),
    )
    assert result.scenarios[0].description == result.management[0].reason == text


# --- raters ----------------------------------------------------------------------------


def test_raters_are_keyed_by_a_role_of_an_assessor() -> None:
    raters: dict[str, Any] = {"risk_analyst": {}, "psychologist": {}}
    assert problems(sara(raters=raters)) == [
        "raters.psychologist: is not the role of an assessor; expected one of 'clinician', "
        "'risk_analyst'"
    ]
    assert problems(sara(assessors=None, raters={"risk_analyst": {}})) == [
        "raters.risk_analyst: is not the role of an assessor"
    ]


def test_raters_need_the_roles_to_differ() -> None:
    people = [{"role": "risk_analyst"}, {"role": "risk_analyst"}]
    assert problems(sara(assessors=people, raters={"risk_analyst": {}})) == [
        "raters.risk_analyst: two assessors have this role: raters are keyed by role"
    ]
    # Without raters, two assessors may share a role.
    assert len(rs.assess("sara-v3", sara(assessors=people)).assessors) == 2


def test_free_text_roles_are_never_quoted() -> None:
    people = [{"role": "Kari Nordmann sin rolle"}]
    (found,) = problems(sara(assessors=people, raters={"Kari Nordmann": {}}))
    assert found == "raters.<text of 13 characters>: is not the role of an assessor"


def test_raters_rate_only_what_the_instrument_has() -> None:
    raters = {
        "risk_analyst": {
            "items": {"N1": {"recent": "Q", "now": "Y", "note": "x"}, "N2": 3},
            "judgements": {"case_prioritisation": "high", "imminent_violence": "high"},
            "comment": "x",
        },
    }
    assert problems(sara(raters=raters)) == [
        "raters.risk_analyst.comment: unknown key",
        "raters.risk_analyst.items.N1.now: unknown dimension; expected one of 'recent', "
        "'past', 'relevance'",
        "raters.risk_analyst.items.N1.note: raters record ratings only; the note belongs in items",
        "raters.risk_analyst.items.N1.recent: 'Q' is not allowed; expected one of 'N', 'O', "
        "'P', 'Y'",
        "raters.risk_analyst.items.N2: 3 is not allowed; expected one of 'N', 'O', 'P', 'Y'",
        "raters.risk_analyst.judgements.case_prioritisation: unknown judgement; did you "
        "mean 'case_prioritization'?",
    ]


def test_raters_record_level_judgements_only() -> None:
    answers = blank(
        "patriark",
        assessors=[{"role": "a"}],
        raters={"a": {"judgements": {"likely_victims": "her sister"}}},
    )
    assert problems(answers, "patriark") == [
        "raters.a.judgements.likely_victims: is a text judgement; raters record level "
        "judgements only"
    ]


def test_partial_ratings_are_kept_normalised() -> None:
    raters = {
        "risk_analyst": {"items": {"P8": {"relevance": "high", "recent": "Y"}, "N1": "P"}},
        "clinician": {"judgements": {"serious_harm": "low"}},
    }
    result = rs.assess("sara-v3", sara(raters=raters))
    assert result.raters["risk_analyst"].items == {
        "N1": {"recent": "P"},
        "P8": {"recent": "Y", "relevance": "high"},
    }
    assert result.raters["clinician"].judgements == {"serious_harm": "low"}
    assert result.raters["clinician"].items == {}


# --- the result ------------------------------------------------------------------------


def full() -> dict[str, Any]:
    (path,) = [p for p in case_files(rs.load_instrument("sara-v3")) if "40-record" in p.name]
    answers: dict[str, Any] = read_case(path)[0]["answers"]
    return answers


def test_the_whole_record_round_trips_byte_for_byte() -> None:
    result = rs.assess("sara-v3", full())
    text = result.model_dump_json()
    again = rs.Result.model_validate_json(text)
    assert again == result
    assert again.model_dump_json() == text
    data = json.loads(text)
    assert data["review"] == {
        "due": "2027-01-15",
        "triggers": [
            "brudd på besøksforbudet",
            "løslatelse eller ny anmeldelse",
            "samlivsbrudd blir endelig",
        ],
    }
    assert data["scenarios"][0]["type"] == "escalation"
    assert data["sources"][0] == "politiets registre (fiktivt)"
    assert data["other_considerations"][0]["ratings"]["relevance"] == "high"


def test_results_without_the_record_still_read() -> None:
    result = rs.assess("sara-v3", sara())
    data = json.loads(result.model_dump_json())
    for key in ("high_risk_case", "sources", "plan", "disagreements", "review", "raters"):
        del data[key]
    for person in data["assessors"]:
        del person["name"], person["signed_on"]
    for domain in data["domains"]:
        del domain["high_relevance"]
    again = rs.Result.model_validate_json(json.dumps(data))
    assert again.plan == []
    assert again.high_risk_case is None
    assert again.assessors[0].name is None


def test_the_callers_answers_are_not_changed() -> None:
    answers = full()
    before = copy.deepcopy(answers)
    rs.assess("sara-v3", answers)
    assert answers == before


def test_the_plan_merges_recommendations_and_decisions_in_a_stable_order() -> None:
    result = rs.assess("sara-v3", full())
    plan = result.plan
    rules = [p for p in plan if p.origin == "rules"]
    assert [p.measure for p in rules] == [m.id for m in result.measures]
    assert all(p.recommendation is not None for p in rules)
    assert [p.recommendation for p in rules] == result.measures
    (own,) = [p for p in plan if p.origin == "pair"]
    assert plan[-1] is own
    assert (own.measure, own.status, own.recommendation) == (
        "elektronisk_kontroll_besoksforbud",
        "deferred",
        None,
    )
    assert own.decision is not None
    assert own.decision.reason
    for entry in plan:
        if entry.decision is None:
            assert entry.status == "undecided"
        else:
            assert entry.status == entry.decision.decision
            assert entry.decision.measure == entry.measure


def test_without_management_every_recommendation_is_undecided() -> None:
    result = rs.assess("sara-v3", sara())
    assert [(p.measure, p.origin, p.status) for p in result.plan] == [
        (m.id, "rules", "undecided") for m in result.measures
    ]


def test_disagreements_show_both_ratings_and_the_consensus() -> None:
    result = rs.assess("sara-v3", full())
    shown = [(d.kind, d.id, d.dimension, d.ratings, d.consensus) for d in result.disagreements]
    assert shown == [
        ("item", "N7", "recent", {"risk_analyst": "Y", "clinician": "P"}, "Y"),
        ("item", "P7", "recent", {"risk_analyst": "O", "clinician": "P"}, "O"),
        ("item", "P8", "relevance", {"risk_analyst": "high", "clinician": "moderate"}, "high"),
        (
            "judgement",
            "serious_harm",
            None,
            {"risk_analyst": "high", "clinician": "moderate"},
            "high",
        ),
    ]


def test_what_one_rater_left_out_is_no_disagreement() -> None:
    raters = {
        "risk_analyst": {"items": {"N1": "Y", "N2": "Y"}},
        "clinician": {"items": {"N1": "Y"}, "judgements": {"serious_harm": "high"}},
    }
    assert rs.assess("sara-v3", sara(raters=raters)).disagreements == []


def test_one_rater_has_no_one_to_disagree_with() -> None:
    raters = {"clinician": {"items": {"N1": "Y"}}}
    assert rs.assess("sara-v3", sara(raters=raters)).disagreements == []


def test_rater_order_follows_the_assessors() -> None:
    raters = {"clinician": {"items": {"N1": "Y"}}, "risk_analyst": {"items": {"N1": "P"}}}
    (found,) = rs.assess("sara-v3", sara(raters=raters)).disagreements
    assert list(found.ratings) == ["risk_analyst", "clinician"]


def test_due_dates_before_the_assessment_are_warnings_with_codes() -> None:
    answers = sara(
        management=[
            decision("besoksforbud", due="2026-11-23"),
            decision("varetekt", "chosen", due="2026-11-21"),
        ],
        review={"due": "2026-11-01"},
    )
    result = rs.assess("sara-v3", answers)
    steps = [s for s in result.trace if s.kind == "warning"]
    assert [(s.rule, tuple(map(str, s.evidence))) for s in steps] == [
        (
            "management-due-before-assessment",
            ("management.1.due=2026-11-21", "assessed_on=2026-11-22"),
        ),
        ("review-due-before-assessment", ("review.due=2026-11-01", "assessed_on=2026-11-22")),
    ]
    assert steps[0].evidence[0] == FieldEvidence("management.1.due", "2026-11-21")
    assert result.warning_codes[-2:] == list(DUE_CODES)
    assert result.warnings[-2:] == [
        "management.1.due is before the assessment date; check the date",
        "review.due is before the assessment date; check the date",
    ]
    assert result.complete


def test_due_dates_without_an_assessment_date_warn_of_nothing() -> None:
    answers = sara(assessed_on=None, review={"due": "2000-01-01"})
    assert rs.assess("sara-v3", answers).warnings == []


# --- high-risk case --------------------------------------------------------------------

HIGH_RISK = {
    "sara-v3": ("serious_harm", "imminent_violence"),
    "b-safer": ("imminent_violence", "severe_violence"),
    "patriark": ("serious_violence", "imminent_violence"),
    "sam": ("serious_harm", "imminent_violence"),
}


@pytest.mark.parametrize("ident", SPJ)
def test_every_spj_instrument_declares_its_high_risk_judgements(ident: str) -> None:
    rule = rs.load_instrument(ident).scoring.high_risk
    assert rule is not None
    assert (rule.judgements, rule.at_least) == (HIGH_RISK[ident], "high")


@pytest.mark.parametrize("ident", SPJ)
@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("high", None, True),
        (None, "high", True),
        ("low", "high", True),
        ("moderate", "moderate", False),
        ("low", None, None),
        (None, None, None),
    ],
)
def test_high_risk_case_is_three_valued(
    ident: str, first: str | None, second: str | None, expected: bool | None
) -> None:
    a, b = HIGH_RISK[ident]
    judgements = {k: v for k, v in ((a, first), (b, second)) if v is not None}
    result = rs.assess(ident, blank(ident, judgements=judgements))
    assert result.high_risk_case is expected


def test_sara_v3_case_prioritization_moderate_imminent_high_is_a_high_risk_case() -> None:
    judgements = {
        "case_prioritization": "moderate",
        "serious_harm": "low",
        "imminent_violence": "high",
    }
    result = rs.assess("sara-v3", sara(judgements=judgements, justification="x"))
    assert (result.level, result.high_risk_case) == ("moderate", True)


@pytest.mark.parametrize("ident", ["dash", "odara", "danger-assessment", "lethality-screen"])
def test_scored_instruments_have_no_high_risk_case(ident: str) -> None:
    inst = rs.load_instrument(ident)
    items = {item.id: inst.scale_for(item, inst.primary).values[-1].id for item in inst.items}
    assert inst.assess({"items": items}).high_risk_case is None


def _definition(tmp_path: Path, edit: str, name: str = "x.yaml") -> Path:
    from tests.conftest import TINY_SPJ

    text = TINY_SPJ.replace(
        "  level_from: [harm, imminent]\n", "  level_from: [harm, imminent]\n" + edit
    )
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_high_risk_rule_names_level_judgements_and_a_level(tmp_path: Path) -> None:
    edit = "  high_risk: {judgements: [harm, victims, nope, harm], at_least: severe}\n"
    with pytest.raises(rs.InstrumentError) as info:
        rs.load_instrument(_definition(tmp_path, edit))
    messages = [p.message for p in info.value.problems]
    assert "unknown judgement 'victims'; expected one of 'harm', 'imminent'" in messages
    assert "unknown judgement 'nope'; expected one of 'harm', 'imminent'" in messages
    assert "'harm' is listed twice" in messages
    assert "unknown level 'severe'; expected one of 'high', 'low', 'moderate'" in messages


def test_high_risk_rule_is_for_spj_only(tmp_path: Path) -> None:
    dash = (Path(rs.load_instrument("dash").origin)).read_text(encoding="utf-8")
    rule = "scoring:\n  high_risk: {judgements: [professional_judgement], at_least: high}\n"
    text = dash.replace("\nlevels:\n", f"\n{rule}levels:\n", 1)
    assert rule in text
    path = tmp_path / "dash.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(rs.InstrumentError) as info:
        rs.load_instrument(path)
    assert any(
        "'high_risk' is only for spj instruments, not checklist" in p.message
        for p in info.value.problems
    )


# --- relevance -------------------------------------------------------------------------


def test_domain_summaries_list_the_items_of_high_relevance() -> None:
    answers = sara()
    answers["items"] |= {
        "N3": {"recent": "Y", "relevance": "high"},
        "N1": {"recent": "N", "relevance": "high"},
        "P8": {"recent": "Y", "relevance": "moderate"},
        "V2": {"recent": "Y", "relevance": "high"},
    }
    result = rs.assess("sara-v3", answers)
    assert {d.domain: d.high_relevance for d in result.domains} == {
        "N": ("N1", "N3"),
        "P": (),
        "V": ("V2",),
    }


def test_relevance_uses_the_top_of_the_instruments_relevance_scale(
    tiny_spj: rs.Instrument,
) -> None:
    # tiny-spj's relevance scale is low/high.
    result = tiny_spj.assess(
        {"items": {"A1": {"recent": "Y", "relevance": "high"}, "A2": "N", "B1": "N"}}
    )
    assert [d.high_relevance for d in result.domains] == [("A1",), ()]


def test_instruments_without_relevance_have_none() -> None:
    result = rs.assess("dash", {"items": {str(n): "yes" for n in range(1, 25)}})
    assert all(d.high_relevance == () for d in result.domains)


def test_the_quick_plan_entries_equal_the_dataclass_built_ones() -> None:
    from risk_scoring.definition.result import PlanEntry

    result = rs.assess("sara-v3", sara())
    assert result.plan
    for entry, measure in zip(result.plan, result.measures, strict=True):
        assert type(entry) is PlanEntry
        assert entry == PlanEntry(measure.id, "rules", "undecided", measure, None)
        assert repr(entry) == repr(PlanEntry(measure.id, "rules", "undecided", measure, None))


def test_results_never_share_the_lists_of_an_empty_record() -> None:
    first, second = rs.assess("sara-v3", sara()), rs.assess("sara-v3", sara())
    for name in ("assessors", "sources", "other_considerations", "scenarios", "management"):
        assert getattr(first, name) is not getattr(second, name), name
    assert first.raters is not second.raters
