"""Evidence and outcomes are records; their text is what results always carried.

Also the dotted-id regression: a judgement id with a dot (`imm.inent`) missing from the
answers used to be reported as `imm` (the engine split ``judgements.<id>`` on the dot).
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import given, strategies as st

import risk_scoring as rs
from risk_scoring.analysis.frames import answers_to_frame, score_frame, to_frame
from risk_scoring.definition.evidence import (
    LEVEL,
    ContextEvidence,
    Evidence,
    ItemEvidence,
    JudgementEvidence,
    MissingEvidence,
    Outcome,
    ScoreEvidence,
    parse_evidence,
)
from tests.conftest import TINY_SPJ, MakeFile

ID = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=12)
RECORDS = st.one_of(
    st.builds(ItemEvidence, ID, ID, ID),
    st.builds(ContextEvidence, ID, ID),
    st.builds(JudgementEvidence, ID, ID),
    st.builds(MissingEvidence, st.sampled_from(["items", "judgements"]), ID),
    st.builds(ScoreEvidence, st.integers(-1000, 1000).map(float)),
    st.just(LEVEL),
)


@given(RECORDS)
def test_every_record_reads_back_from_its_text(record: Evidence) -> None:
    assert parse_evidence(str(record)) == record


def test_the_text_is_todays_for_ids_without_dots() -> None:
    assert str(ItemEvidence("N5", "recent", "Y")) == "N5.recent=Y"
    assert str(ContextEvidence("children", "true")) == "context.children=true"
    assert str(JudgementEvidence("serious_harm", "high")) == "judgements.serious_harm=high"
    assert str(ScoreEvidence(14.0)) == "score=14"
    assert str(LEVEL) == "level"
    assert str(MissingEvidence("items", "N5")) == "items.N5"


def test_dots_equals_and_percents_are_encoded_so_the_text_is_unambiguous() -> None:
    assert str(JudgementEvidence("imm.inent", "high")) == "judgements.imm%2Einent=high"
    assert str(ItemEvidence("a.b", "c", "d=e")) == "a%2Eb.c=d%3De"
    assert str(ItemEvidence("a", "b.c", "d")) == "a.b%2Ec=d"
    assert str(ItemEvidence("x%", "y", "z")) == "x%25.y=z"
    # An item named like a section is not read as a context field or judgement.
    assert parse_evidence(str(ItemEvidence("context", "x", "true"))) == ItemEvidence(
        "context", "x", "true"
    )


def test_outcome_text_is_what_steps_said_before() -> None:
    assert str(Outcome("raised", "high")) == "raised to high"
    assert str(Outcome("no_change", "standard")) == "standard; no change"
    assert str(Outcome("too_many_unknown", value=2)) == "at most 2"
    assert str(Outcome("total", value=14.0)) == "14"
    assert str(Outcome("warning", message="Check it")) == "Check it"


def test_unknown_evidence_text_is_refused_as_a_result_error() -> None:
    with pytest.raises(ValueError, match="evidence"):
        parse_evidence("not evidence")
    result = rs.assess("dash", {"items": {str(n): "yes" for n in range(1, 25)}})
    data = json.loads(result.model_dump_json())
    data["measures"][0]["reasons"][0]["evidence"] = [""]
    with pytest.raises(rs.ResultError):
        rs.Result.model_validate_json(json.dumps(data))


def test_results_stored_with_text_outcomes_read_back_into_records() -> None:
    dash = rs.load_instrument("dash")
    answers = {
        "items": {str(n): "unknown" if n <= 7 else "no" for n in range(1, 25)},
        "judgements": {"professional_judgement": "medium"},
    }
    result = dash.assess(answers)
    data = json.loads(result.model_dump_json())
    for step in data["trace"]:  # the shape results had before outcomes were records
        record = rs.Step(step["kind"], step["rule"], Outcome(**step["outcome"]))
        step["outcome"] = str(record.outcome)
        if step["kind"] == "missing":
            step["evidence"] = [e.removeprefix("items.") for e in step["evidence"]]
    again = rs.Result.model_validate_json(json.dumps(data))
    assert again.model_dump_json() == result.model_dump_json()


@pytest.fixture
def dotted(write_yaml: MakeFile) -> rs.Instrument:
    return rs.load_instrument(write_yaml(TINY_SPJ.replace("imminent", "imm.inent")))


def test_a_dotted_judgement_id_missing_is_named_in_full(dotted: rs.Instrument) -> None:
    result = dotted.assess(
        {"items": {"A1": "N", "A2": "P", "B1": "N"}, "judgements": {"harm": "low"}}
    )
    assert result.level is None
    assert result.missing == ["judgements.imm.inent"]
    assert result.warnings == ["no level without the summary judgements: imm.inent"]
    assert result.warning_codes == ["no_judgements"]
    (step,) = [s for s in result.trace if s.kind == "missing"]
    assert step.evidence == (MissingEvidence("judgements", "imm.inent"),)
    report = rs.render_report(result, format="text", lang="en", instrument=dotted)
    assert "No level without the summary judgements: Imminent." in report
    frame = score_frame(
        dotted,
        answers_to_frame(
            dotted, [{"items": {"A1": "N", "A2": "P", "B1": "N"}, "judgements": {"harm": "low"}}]
        ),
    )
    pd.testing.assert_frame_equal(frame, to_frame([result], instrument=dotted, record=False))


def test_dotted_judgement_evidence_round_trips(dotted: rs.Instrument) -> None:
    result = dotted.assess(
        {
            "items": {"A1": "N", "A2": "N", "B1": "N"},
            "judgements": {"harm": "low", "imm.inent": "high"},
        }
    )
    ban = next(m for m in result.measures if m.id == "besoksforbud")
    assert ban.reasons[0].evidence == (JudgementEvidence("imm.inent", "high"),)
    text = result.model_dump_json()
    assert '"judgements.imm%2Einent=high"' in text
    assert rs.Result.model_validate_json(text) == result
