"""Answers are checked against the instrument; every problem is reported at once."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import pytest
import yaml

import risk_scoring as rs
from risk_scoring.engine.plan import plan_of

SECRET = "Secret note about a named person"


def dash_answers(**overrides: object) -> dict[str, object]:
    answers: dict[str, object] = {"items": {str(n): "no" for n in range(1, 25)}}
    answers.update(overrides)
    return answers


def any_value(inst: rs.Instrument, item: str) -> str:
    """The first allowed value of `item`'s primary dimension, in sorted order."""
    return sorted(plan_of(inst).items[item].primary)[0]


def problems(inst: rs.Instrument, answers: Mapping[str, Any]) -> list[str]:
    with pytest.raises(rs.AnswerError) as info:
        inst.assess(answers)
    return [str(p) for p in info.value.problems]


def test_all_problems_are_reported_at_once() -> None:
    answers = dash_answers(
        items={**{str(n): "no" for n in range(2, 25)}, "99": "yes", "3": "maybe"},
        context={"incidents_last_12_months": -1, "pets": 2},
        bogus=1,
    )
    assert problems(rs.load_instrument("dash"), answers) == [
        "bogus: unknown key",
        "items.99: unknown item; did you mean '9'?",
        "items.1: missing; expected one of 'no', 'unknown', 'yes'",
        "items.3: 'maybe' is not allowed; expected one of 'no', 'unknown', 'yes'",
        "context.pets: unknown field",
        "context.incidents_last_12_months: -1 is not allowed; expected a whole number >= 0",
    ]


def test_yaml_boolean_gets_a_hint_to_quote() -> None:
    answers = dash_answers()
    answers["items"] = {**answers["items"], "1": True}  # type: ignore[dict-item]
    (problem,) = problems(rs.load_instrument("dash"), answers)
    assert "True is not allowed" in problem
    assert "quote the value" in problem


@pytest.mark.parametrize("instrument", ["dash", "odara", "danger-assessment", "lethality-screen"])
def test_integer_item_keys_name_the_item_with_that_decimal_id(instrument: str) -> None:
    inst = rs.load_instrument(instrument)
    as_text = {item.id: any_value(inst, item.id) for item in inst.items}
    as_numbers = {int(k) if k.isdecimal() else k: v for k, v in as_text.items()}
    assert any(isinstance(key, int) for key in as_numbers)
    assert inst.assess({"items": as_numbers}) == inst.assess({"items": as_text})


def test_integer_keys_read_from_unquoted_yaml_score_as_text_keys() -> None:
    text = "items:\n" + "".join(f"  {n}: {'yes' if n < 3 else 'no'!r}\n" for n in range(1, 25))
    answers = yaml.safe_load(text)
    assert 1 in answers["items"]
    assert rs.assess("dash", answers).score == 2


def test_an_item_given_as_text_and_as_a_number_is_one_problem() -> None:
    answers = dash_answers()
    answers["items"] = {**answers["items"], 1: "yes"}  # type: ignore[dict-item]
    with pytest.raises(rs.AnswerError) as info:
        rs.assess("dash", answers)
    ((path, code),) = [(p.path, p.code) for p in info.value.problems]
    assert (path, code) == ("items.1", "duplicate_key")


def test_a_bool_key_is_not_taken_for_item_1() -> None:
    answers = dash_answers()
    del answers["items"]["1"]  # type: ignore[attr-defined]
    answers["items"][True] = "yes"  # type: ignore[index]
    assert "items.True: unknown item" in problems(rs.load_instrument("dash"), answers)


@pytest.mark.parametrize(
    ("instrument", "item", "given", "hint"),
    [
        ("dash", "1", "Yes", "(values are lower case: 'yes')"),
        ("dash", "1", "NO", "(values are lower case: 'no')"),
        ("sara-v3", "N1", "y", "(values are upper case: 'Y')"),
    ],
)
def test_a_value_in_the_wrong_case_is_told_the_case(
    instrument: str, item: str, given: str, hint: str
) -> None:
    inst = rs.load_instrument(instrument)
    answers = {"items": {i.id: any_value(inst, i.id) for i in inst.items}}
    answers["items"][item] = given
    found = [p for p in problems(inst, answers) if p.startswith(f"items.{item}:")]
    assert found == [f"items.{item}: {given!r} is not allowed; {found[0].split('; ', 1)[1]}"]
    assert found[0].endswith(hint)


def test_a_golden_case_given_as_answers_says_where_the_answers_are() -> None:
    case = {"description": "all no", "answers": dash_answers(), "expect": {"level": "standard"}}
    with pytest.raises(rs.AnswerError) as info:
        rs.assess("dash", case)
    (problem,) = info.value.problems
    assert problem.code == "golden_case"
    assert "under 'answers:'" in problem.message


def test_notes_and_free_text_never_appear_in_errors(tiny_spj: rs.Instrument) -> None:
    answers = {
        "items": {"A1": {"recent": SECRET, "note": SECRET}, "A2": SECRET, "B1": {"past": "N"}},
        "judgements": {"victims": 3, "harm": SECRET},
        "context": {"children": SECRET},
        "case_ref": 12,
    }
    with pytest.raises(rs.AnswerError) as info:
        tiny_spj.assess(answers)
    assert SECRET not in str(info.value)
    assert SECRET not in repr(info.value)
    assert "items.B1.recent: missing" in str(info.value)


def test_callers_answers_are_not_changed(tiny_spj: rs.Instrument) -> None:
    answers = {
        "items": {"A1": {"recent": "Y", "note": "n"}, "A2": "N", "B1": "O"},
        "judgements": {"harm": "low", "imminent": "high"},
    }
    before = copy.deepcopy(answers)
    tiny_spj.assess(answers)
    assert answers == before


def test_bare_value_fills_the_primary_dimension(tiny_spj: rs.Instrument) -> None:
    result = tiny_spj.assess({"items": {"A1": "Y", "A2": {"recent": "P", "past": "Y"}, "B1": "N"}})
    assert result.ratings == {
        "A1": {"recent": "Y"},
        "A2": {"recent": "P", "past": "Y"},
        "B1": {"recent": "N"},
    }


def test_unknown_dimension_names_the_allowed_ones(tiny_spj: rs.Instrument) -> None:
    answers = {"items": {"A1": {"recent": "Y", "current": "Y"}, "A2": "N", "B1": "N"}}
    assert problems(tiny_spj, answers) == [
        "items.A1.current: unknown dimension; expected one of 'recent', 'past', 'relevance', 'note'"
    ]


def test_judgement_must_be_a_level(tiny_spj: rs.Instrument) -> None:
    answers = {"items": {"A1": "Y", "A2": "N", "B1": "N"}, "judgements": {"harm": "extreme"}}
    assert problems(tiny_spj, answers) == [
        "judgements.harm: 'extreme' is not allowed; expected one of 'high', 'low', 'moderate'"
    ]


def test_more_than_two_assessors_is_refused(tiny_spj: rs.Instrument) -> None:
    answers = {
        "items": {"A1": "Y", "A2": "N", "B1": "N"},
        "assessors": [{"role": "risk_analyst"}, {"role": "clinician"}, {"role": "x"}],
    }
    assert problems(tiny_spj, answers) == ["assessors: at most 2 assessors (a pair)"]


def test_assessed_on_must_be_an_iso_date(tiny_spj: rs.Instrument) -> None:
    answers = {"items": {"A1": "Y", "A2": "N", "B1": "N"}, "assessed_on": "22.11.2026"}
    assert problems(tiny_spj, answers) == ["assessed_on: must be a date written YYYY-MM-DD"]


def test_answers_that_are_not_a_mapping_are_refused(tiny_spj: rs.Instrument) -> None:
    with pytest.raises(rs.AnswerError, match="answers must be a mapping"):
        tiny_spj.assess(["A1"])  # type: ignore[arg-type]


@pytest.mark.parametrize("written", ["20261122", "2026-W47-7", "2026-02-30"])
def test_dates_other_than_yyyy_mm_dd_are_refused(tiny_spj: rs.Instrument, written: str) -> None:
    answers = {"items": {"A1": "Y", "A2": "N", "B1": "N"}, "assessed_on": written}
    assert problems(tiny_spj, answers) == ["assessed_on: must be a date written YYYY-MM-DD"]
