"""FHIR R4 exchange: Questionnaires from definitions, QuestionnaireResponses as answers."""

from __future__ import annotations

import json
from typing import Any

import pytest

import risk_scoring as rs
from risk_scoring.interop.fhir import TRANSLATION
from risk_scoring.tooling.golden import case_files, read_case

SENTINEL = "Kari Nordmann f. 01.02.1990 RTSENTINEL-q9z"
INSTRUMENTS = rs.list_instruments()


def _link_ids(items: list[dict[str, Any]]) -> list[str]:
    out = []
    for item in items:
        out.append(item["linkId"])
        out += _link_ids(item.get("item", []))
    return out


@pytest.mark.parametrize("ident", INSTRUMENTS)
@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_questionnaire_validates_with_the_fhir_models(ident: str, lang: str) -> None:
    models = pytest.importorskip("fhir.resources.R4B.questionnaire")
    questionnaire = rs.to_fhir_questionnaire(ident, lang)
    models.Questionnaire.model_validate(questionnaire)
    assert questionnaire["url"].endswith(ident)
    assert questionnaire["version"] == rs.load_instrument(ident).version


@pytest.mark.parametrize("ident", INSTRUMENTS)
def test_link_ids_are_unique_and_items_keep_their_ids(ident: str) -> None:
    inst = rs.load_instrument(ident)
    ids = _link_ids(rs.to_fhir_questionnaire(inst)["item"])
    assert len(ids) == len(set(ids))
    for item in inst.items:
        if len(inst.dimensions) == 1:
            assert item.id in ids
        else:
            assert all(f"{item.id}.{d.id}" in ids for d in inst.dimensions)


def test_titles_carry_the_other_language_in_the_translation_extension() -> None:
    questionnaire = rs.to_fhir_questionnaire("sara-v3", "nb")
    first = questionnaire["item"][0]["item"][0]["item"][0]
    assert first["linkId"] == "N1.recent"
    (translation,) = first["_text"]["extension"]
    assert translation["url"] == TRANSLATION
    parts = {e["url"]: e.get("valueCode", e.get("valueString")) for e in translation["extension"]}
    assert parts["lang"] == "en"
    assert parts["content"].startswith("N1 Intimidation")
    codes = [o["valueCoding"]["code"] for o in first["answerOption"]]
    assert codes == ["N", "P", "Y", "O"]


def _golden() -> list[tuple[str, Any]]:
    out = []
    for ident in INSTRUMENTS:
        inst = rs.load_instrument(ident)
        out += [(ident, path) for path in case_files(inst)]
    return out


@pytest.mark.parametrize(("ident", "path"), _golden(), ids=lambda v: getattr(v, "stem", v))
def test_every_golden_case_round_trips_through_a_questionnaire_response(
    ident: str, path: Any
) -> None:
    inst = rs.load_instrument(ident)
    answers = read_case(path)[0]["answers"]
    response = rs.to_fhir_response(inst, answers)
    models = pytest.importorskip("fhir.resources.R4B.questionnaireresponse")
    models.QuestionnaireResponse.model_validate(response)
    back = rs.answers_from_fhir(inst, json.loads(json.dumps(response)))
    assert inst.assess(back).model_dump_json() == inst.assess(answers).model_dump_json()


def full_sara_answers() -> dict[str, Any]:
    items: dict[str, Any] = {
        f"{d}{n}": "N" for d, count in (("N", 8), ("P", 10), ("V", 6)) for n in range(1, count + 1)
    }
    items["N2"] = {"recent": "Y", "past": "P", "relevance": "high", "note": "threats by text"}
    return {
        "items": items,
        "context": {"children_in_household": True, "incidents_last_12_months": 2},
        "judgements": {
            "case_prioritization": "high",
            "serious_harm": "moderate",
            "imminent_violence": "high",
        },
        "justification": "the pair agreed",
        "case_ref": "case-17",
        "assessed_on": "2026-11-22",
        "assessors": [{"role": "risk_analyst", "id": "RA-12"}, {"role": "clinician"}],
        "sources": ["police records", "interview with the victim"],
        "other_considerations": [{"title": "hunting rifle", "recent": "Y", "note": "licensed"}],
        "scenarios": [
            {
                "type": "escalation",
                "victims": "ex-partner",
                "likelihood": "high",
                "severity": "high",
                "imminence": "moderate",
                "warning_signs": ["contact", "drink"],
            },
            {"type": "repeat", "description": "threats by text"},
        ],
        "management": [
            {
                "measure": "besoksforbud",
                "strategy": "supervision",
                "decision": "chosen",
                "responsible": "påtaleansvarlig",
                "due": "2026-11-25",
                "consent": True,
            },
        ],
        "review": {"due": "2027-01-15", "triggers": ["breach", "release"]},
        "raters": {
            "risk_analyst": {"items": {"N2": "Y"}, "judgements": {"serious_harm": "high"}},
            "clinician": {"items": {"N2": {"recent": "P"}}},
        },
    }


def test_the_whole_case_record_round_trips() -> None:
    answers = full_sara_answers()
    back = rs.answers_from_fhir("sara-v3", rs.to_fhir_response("sara-v3", answers))
    assert back["sources"] == answers["sources"]
    assert back["scenarios"][0]["warning_signs"] == ["contact", "drink"]
    assert back["scenarios"][1] == {"type": "repeat", "description": "threats by text"}
    assert back["management"] == answers["management"]
    assert back["review"] == answers["review"]
    assert back["assessors"] == answers["assessors"]
    assert back["other_considerations"] == answers["other_considerations"]
    assert back["raters"] == {
        "risk_analyst": {"items": {"N2": {"recent": "Y"}}, "judgements": {"serious_harm": "high"}},
        "clinician": {"items": {"N2": {"recent": "P"}}},
    }
    assert back["items"]["N2"] == answers["items"]["N2"]


def test_a_resource_that_is_not_a_response_is_refused() -> None:
    with pytest.raises(rs.AnswerError) as caught:
        rs.answers_from_fhir("dash", {"resourceType": "Patient"})
    assert caught.value.problems[0].code == "not_a_response"


def test_every_structural_problem_is_reported_at_once_without_free_text() -> None:
    response = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "urn:risk-scoring:questionnaire:odara|0.1",
        "item": [
            {"linkId": SENTINEL, "answer": [{"valueString": "x"}]},
            {"linkId": "1", "answer": [{"valueString": SENTINEL}]},
            {
                "linkId": "2",
                "answer": [{"valueCoding": {"code": "yes"}}, {"valueCoding": {"code": "no"}}],
            },
            "not an item",
        ],
    }
    with pytest.raises(rs.AnswerError) as caught:
        rs.answers_from_fhir("dash", response)
    codes = [p.code for p in caught.value.problems]
    assert codes == [
        "other_questionnaire",
        "unknown_link_id",
        "wrong_type",
        "too_many_answers",
        "missing",
    ]
    assert SENTINEL not in str(caught.value)


def test_another_version_of_the_questionnaire_is_refused() -> None:
    response = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "urn:risk-scoring:questionnaire:dash|1999.1",
    }
    with pytest.raises(rs.AnswerError, match=r"version '1999\.1'"):
        rs.answers_from_fhir("dash", response)


def test_the_fhir_command_prints_the_questionnaire() -> None:
    from click.testing import CliRunner

    from risk_scoring.tooling.cli import main

    result = CliRunner().invoke(main, ["fhir", "odara", "--lang", "en"])
    assert result.exit_code == 0
    assert json.loads(result.output) == rs.to_fhir_questionnaire("odara", "en")
