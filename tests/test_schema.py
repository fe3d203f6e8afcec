"""The JSON Schemas accept what the library accepts and refuse what it refuses."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import risk_scoring as rs
from risk_scoring.definition import reader as _yaml
from risk_scoring.engine.answers import TOP_LEVEL
from risk_scoring.engine.record import RECORD_KEYS
from risk_scoring.engine.schema import DRAFT, answers_schema, result_schema
from risk_scoring.testing import answers, invalid_answers
from risk_scoring.tooling.golden import case_files, read_case

INSTRUMENTS = rs.list_instruments()
CASES = [
    pytest.param(ident, path, id=f"{ident}/{path.stem}")
    for ident in INSTRUMENTS
    for path in case_files(rs.load_instrument(ident))
]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
Validator = jsonschema.Draft202012Validator


def validator(inst: rs.Instrument, **options: bool) -> jsonschema.protocols.Validator:
    return Validator(answers_schema(inst, **options), format_checker=Validator.FORMAT_CHECKER)


def library_accepts(inst: rs.Instrument, raw: Any) -> bool:
    try:
        inst.assess(raw)
    except rs.AnswerError:
        return False
    return True


def assert_agree(inst: rs.Instrument, raw: Any) -> bool:
    """Both accept or both refuse `raw`; returns whether they accept."""
    schema_ok = validator(inst).is_valid(raw)
    assert schema_ok == library_accepts(inst, raw), (schema_ok, raw)
    return schema_ok


@pytest.mark.parametrize("ident", INSTRUMENTS)
def test_each_answers_schema_is_a_valid_draft_2020_12_schema(ident: str) -> None:
    schema = answers_schema(rs.load_instrument(ident))
    Validator.check_schema(schema)
    assert schema["$schema"] == DRAFT
    assert set(schema["properties"]) == {
        "items",
        "context",
        "judgements",
        "justification",
        "assessors",
        "assessed_on",
        "case_ref",
        *RECORD_KEYS,
    }
    assert set(schema["properties"]) == set(TOP_LEVEL)


def test_the_result_schema_is_valid_and_describes_every_golden_result() -> None:
    schema = result_schema()
    Validator.check_schema(schema)
    check = Validator(schema)
    for ident in INSTRUMENTS:
        inst = rs.load_instrument(ident)
        for path in case_files(inst):
            result = inst.assess(read_case(path)[0]["answers"])
            check.validate(json.loads(result.model_dump_json()))


@pytest.mark.parametrize(("ident", "path"), CASES)
def test_every_golden_case_is_valid_under_its_schema(ident: str, path: Path) -> None:
    raw = read_case(path)[0]["answers"]
    errors = [e.message for e in validator(rs.load_instrument(ident)).iter_errors(raw)]
    assert errors == []


def test_the_schema_enumerates_values_per_item_and_dimension() -> None:
    inst = rs.load_instrument("sara-v3")
    n1 = answers_schema(inst)["properties"]["items"]["properties"]["N1"]
    bare, mapping = n1["anyOf"]
    assert bare == {"enum": ["N", "P", "Y", "O"]}
    assert mapping["required"] == ["recent"]
    assert mapping["properties"]["relevance"]["anyOf"][0]["enum"] == ["low", "moderate", "high"]
    items = answers_schema(inst)["properties"]["items"]
    assert items["required"] == [item.id for item in inst.items]


def test_context_types_and_bounds_are_in_the_schema() -> None:
    context, null = answers_schema(rs.load_instrument("dash"))["properties"]["context"]["anyOf"]
    assert null == {"type": "null"}
    incidents = context["properties"]["incidents_last_12_months"]
    assert incidents["anyOf"][0] == {"type": "integer", "minimum": 0}
    assert context["properties"]["repeat_after_marac"]["anyOf"][0] == {"type": "boolean"}


@pytest.mark.parametrize("ident", INSTRUMENTS)
@SETTINGS
@given(data=st.data())
def test_generated_valid_answers_pass_both(ident: str, data: st.DataObject) -> None:
    inst = rs.load_instrument(ident)
    raw = data.draw(answers(inst, complete=data.draw(st.booleans())))
    assert assert_agree(inst, raw)


@pytest.mark.parametrize("ident", INSTRUMENTS)
@SETTINGS
@given(data=st.data())
def test_generated_invalid_answers_fail_both(ident: str, data: st.DataObject) -> None:
    inst = rs.load_instrument(ident)
    raw = data.draw(invalid_answers(inst))
    assert not assert_agree(inst, raw)


def dash_answers() -> dict[str, Any]:
    return {"items": {str(n): "no" for n in range(1, 25)}}


def sara_answers() -> dict[str, Any]:
    inst = rs.load_instrument("sara-v3")
    return {"items": {item.id: "N" for item in inst.items}}


Change = Callable[[dict[str, Any]], None]


def setter(*path: str, value: Any) -> Change:
    def change(raw: dict[str, Any]) -> None:
        target = raw
        for key in path[:-1]:
            target = target.setdefault(key, {})
        target[path[-1]] = value

    return change


def remover(*path: str) -> Change:
    def change(raw: dict[str, Any]) -> None:
        target = raw
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


REFUSED: list[tuple[str, str, Change]] = [
    ("dash", "a YAML 1.1 boolean for yes", setter("items", "1", value=True)),
    ("dash", "a number as a value", setter("items", "1", value=1)),
    ("dash", "null for a required item", setter("items", "1", value=None)),
    ("dash", "a required item left out", remover("items", "24")),
    ("dash", "an unknown item", setter("items", "25", value="no")),
    ("dash", "items as a list", setter("items", value=["no"] * 24)),
    ("dash", "no items at all", remover("items")),
    ("dash", "a mapping without the primary dimension", setter("items", "1", value={"note": "x"})),
    (
        "dash",
        "an unknown dimension with a value",
        setter("items", "1", value={"answer": "no", "x": "no"}),
    ),
    ("dash", "a note that is not text", setter("items", "1", value={"answer": "no", "note": 5})),
    ("dash", "a count as text", setter("context", "incidents_last_12_months", value="3")),
    ("dash", "a count below its minimum", setter("context", "incidents_last_12_months", value=-1)),
    ("dash", "a bool field given yes", setter("context", "repeat_after_marac", value="yes")),
    ("dash", "an unknown context field", setter("context", "weather", value="rain")),
    (
        "dash",
        "a judgement that is not a level",
        setter("judgements", "professional_judgement", value="severe"),
    ),
    ("dash", "an unknown judgement", setter("judgements", "gut_feeling", value="high")),
    ("dash", "an unknown top-level key", setter("instrument", value="dash")),
    ("dash", "three assessors", setter("assessors", value=[{"role": "a"}] * 3)),
    ("dash", "an assessor without a role", setter("assessors", value=[{"id": "x"}])),
    ("dash", "an assessor with an extra key", setter("assessors", value=[{"role": "a", "x": 1}])),
    ("dash", "a date in the Norwegian style", setter("assessed_on", value="22.11.2026")),
    ("dash", "a date that does not exist", setter("assessed_on", value="2026-02-30")),
    ("dash", "a justification that is not text", setter("justification", value=["why"])),
    (
        "dash",
        "a note over the length limit",
        setter("items", "1", value={"answer": "no", "note": "x" * 20_001}),
    ),
    (
        "sara-v3",
        "a past rating outside the scale",
        setter("items", "N1", value={"recent": "N", "past": "X"}),
    ),
    ("sara-v3", "null for the primary dimension", setter("items", "N1", value={"recent": None})),
    (
        "sara-v3",
        "a relevance that is a presence code",
        setter("items", "N1", value={"recent": "Y", "relevance": "Y"}),
    ),
]

ACCEPTED: list[tuple[str, str, Change]] = [
    ("dash", "a mapping with a note", setter("items", "1", value={"answer": "yes", "note": "n"})),
    ("dash", "null context and judgements", lambda raw: raw.update(context=None, judgements=None)),
    ("dash", "a null context field", setter("context", "repeat_after_marac", value=None)),
    ("dash", "a null judgement", setter("judgements", "professional_judgement", value=None)),
    (
        "dash",
        "an unknown dimension that is null",
        setter("items", "1", value={"answer": "no", "x": None}),
    ),
    (
        "dash",
        "a pair of assessors",
        setter("assessors", value=[{"role": "a"}, {"role": "b", "id": None}]),
    ),
    ("dash", "a date", setter("assessed_on", value="2026-11-22")),
    (
        "sara-v3",
        "null for an optional dimension",
        setter("items", "N1", value={"recent": "Y", "past": None}),
    ),
    (
        "sara-v3",
        "every dimension and a note",
        setter("items", "N1", value={"recent": "Y", "past": "P", "relevance": "high", "note": "n"}),
    ),
]

BASES = {"dash": dash_answers, "sara-v3": sara_answers}


@pytest.mark.parametrize(("ident", "change"), [pytest.param(i, c, id=d) for i, d, c in REFUSED])
def test_hand_made_invalid_answers_fail_both(ident: str, change: Change) -> None:
    raw = copy.deepcopy(BASES[ident]())
    change(raw)
    assert not assert_agree(rs.load_instrument(ident), raw)


@pytest.mark.parametrize(("ident", "change"), [pytest.param(i, c, id=d) for i, d, c in ACCEPTED])
def test_hand_made_valid_answers_pass_both(ident: str, change: Change) -> None:
    raw = copy.deepcopy(BASES[ident]())
    change(raw)
    assert assert_agree(rs.load_instrument(ident), raw)


def test_optional_sub_questions_may_be_left_out_or_null() -> None:
    inst = rs.load_instrument("danger-assessment")
    optional = [i.id for i in inst.items if not i.required]
    assert optional, "the Danger Assessment has optional sub-questions"
    raw: dict[str, dict[str, str | None]] = {
        "items": {i.id: "no" for i in inst.items if i.required}
    }
    assert assert_agree(inst, raw)
    raw["items"][optional[0]] = None
    assert assert_agree(inst, raw)


def test_answer_files_may_name_their_instrument_with_the_file_option() -> None:
    inst = rs.load_instrument("dash")
    data = _yaml.parse(
        (Path(__file__).resolve().parents[1] / "examples" / "dash-high.yaml").read_bytes(),
        "dash-high.yaml",
    ).data
    assert validator(inst, instrument_key=True).is_valid(data)
    assert not validator(inst).is_valid(data)
    assert not validator(inst, instrument_key=True).is_valid({**data, "instrument": "odara"})


def test_known_difference_a_whole_number_written_as_a_float() -> None:
    """JSON Schema cannot tell 3.0 from 3; the library wants an int (docs/cli.md says so)."""
    inst = rs.load_instrument("dash")
    raw = {**dash_answers(), "context": {"incidents_last_12_months": 3.0}}
    assert validator(inst).is_valid(raw)
    assert not library_accepts(inst, raw)


@pytest.mark.parametrize("ident", INSTRUMENTS)
@SETTINGS
@given(data=st.data())
def test_generated_answers_with_the_case_record_pass_both(ident: str, data: st.DataObject) -> None:
    inst = rs.load_instrument(ident)
    raw = data.draw(answers(inst, complete=data.draw(st.booleans()), record=True))
    assert assert_agree(inst, raw)


def full_record() -> dict[str, Any]:
    return {
        **sara_answers(),
        "assessors": [{"role": "risk_analyst", "name": "K N", "signed_on": "2026-11-23"}],
        "sources": ["records"],
        "other_considerations": [{"title": "rifle", "recent": "Y", "note": None}],
        "scenarios": [{"type": "repeat", "likelihood": "high", "warning_signs": ["x"]}],
        "management": [
            {"measure": "kontaktforbud", "strategy": "supervision", "decision": "chosen"}
        ],
        "review": {"due": "2027-01-15", "triggers": ["breach"]},
        "raters": {"risk_analyst": {"items": {"N1": "Y"}, "judgements": {"serious_harm": "low"}}},
    }


RECORD_REFUSED: list[tuple[str, Change]] = [
    ("a name on two lines", setter("assessors", value=[{"role": "a", "name": "K\nN"}])),
    ("a role with a bidi control", setter("assessors", value=[{"role": "\u202ea"}])),
    ("case_ref with a line break", setter("case_ref", value="R-1\nRisk level: low")),
    (
        "a signing date that is not a date",
        setter("assessors", value=[{"role": "a", "signed_on": "x"}]),
    ),
    ("sources as text", setter("sources", value="records")),
    ("a null source", setter("sources", value=[None])),
    ("51 sources", setter("sources", value=["x"] * 51)),
    ("a blank title", setter("other_considerations", value=[{"title": " "}])),
    ("a consideration without a title", setter("other_considerations", value=[{"recent": "Y"}])),
    (
        "a consideration on B-SAFER's dimension",
        setter("other_considerations", value=[{"title": "t", "current": "Y"}]),
    ),
    ("a scenario type outside the list", setter("scenarios", value=[{"type": "worst"}])),
    (
        "a scenario rating outside the list",
        setter("scenarios", value=[{"type": "repeat", "severity": "extreme"}]),
    ),
    ("a scenario with an unknown key", setter("scenarios", value=[{"type": "repeat", "x": None}])),
    (
        "a measure outside the catalogue",
        setter(
            "management", value=[{"measure": "x", "strategy": "treatment", "decision": "chosen"}]
        ),
    ),
    (
        "a decision without a strategy",
        setter("management", value=[{"measure": "kontaktforbud", "decision": "chosen"}]),
    ),
    (
        "consent as text",
        setter(
            "management",
            value=[
                {
                    "measure": "kontaktforbud",
                    "strategy": "treatment",
                    "decision": "chosen",
                    "consent": "yes",
                }
            ],
        ),
    ),
    ("a review date in the Norwegian style", setter("review", value={"due": "15.01.2027"})),
    ("three raters", setter("raters", value={"a": {}, "b": {}, "c": {}})),
    (
        "a rater rating an unknown item",
        setter("raters", value={"risk_analyst": {"items": {"N9": "Y"}}}),
    ),
    ("a rater's note", setter("raters", value={"risk_analyst": {"items": {"N1": {"note": "x"}}}})),
    (
        "a rater's value outside the scale",
        setter("raters", value={"risk_analyst": {"items": {"N1": "X"}}}),
    ),
    (
        "a rater's judgement that is not a level",
        setter("raters", value={"risk_analyst": {"judgements": {"serious_harm": "x"}}}),
    ),
]


@pytest.mark.parametrize("change", [pytest.param(c, id=d) for d, c in RECORD_REFUSED])
def test_hand_made_invalid_records_fail_both(change: Change) -> None:
    raw = full_record()
    change(raw)
    assert not assert_agree(rs.load_instrument("sara-v3"), raw)


def test_a_full_record_passes_both() -> None:
    assert assert_agree(rs.load_instrument("sara-v3"), full_record())


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            setter(
                "management",
                value=[
                    {"measure": "sikkerhetsrad", "strategy": "treatment", "decision": "rejected"}
                ],
            ),
            id="a recommended measure rejected without a reason",
        ),
        pytest.param(
            setter(
                "management",
                value=[{"measure": "kontaktforbud", "strategy": "treatment", "decision": "chosen"}]
                * 2,
            ),
            id="a measure decided twice",
        ),
        pytest.param(
            setter("raters", value={"clinician": {}}), id="raters keyed by no assessor's role"
        ),
    ],
)
def test_known_differences_that_relate_parts_of_the_record(change: Change) -> None:
    """The schema cannot see what the rules recommend, nor relate management entries or
    raters to assessors (engine/schema.py); the library refuses these."""
    raw = {**full_record(), "judgements": {"case_prioritization": "low"}}
    change(raw)
    inst = rs.load_instrument("sara-v3")
    assert validator(inst).is_valid(raw)
    assert not library_accepts(inst, raw)
