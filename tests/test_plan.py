"""The compiled plan: built once per instrument, the one thing both engines read.

The fast reader (`risk_scoring.engine.read`) takes regular answers in one pass and
declines anything else; whatever it takes, the precise validator gives the same.
"""

from __future__ import annotations

import copy
import pickle
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import risk_scoring as rs
from risk_scoring.definition import conditions
from risk_scoring.engine.answers import validate_answers
from risk_scoring.engine.plan import plan_of
from risk_scoring.engine.read import read, read_precisely
from risk_scoring.engine.rules import KINDS
from risk_scoring.errors import PROBLEM_CODES
from risk_scoring.testing import answers, invalid_answers

INSTRUMENTS = rs.list_instruments()
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


def test_the_plan_is_built_once_and_kept_on_the_instrument() -> None:
    inst = rs.load_instrument("sara-v3")
    assert not hasattr(inst, "_cache")
    assert plan_of(inst) is plan_of(inst)
    assert plan_of(inst).levels == tuple(inst.levels)


def test_a_copy_or_a_pickled_instrument_builds_its_own_plan() -> None:
    inst = rs.load_instrument("dash")
    answers = {"items": {str(n): "yes" for n in range(1, 25)}}
    expected = inst.assess(answers).model_dump_json()
    again = pickle.loads(pickle.dumps(inst))
    assert again.assess(answers).model_dump_json() == expected
    assert plan_of(again) is not plan_of(inst)
    assert plan_of(inst.model_copy()) is not plan_of(inst)


def test_every_condition_kind_is_one_entry_of_the_table() -> None:
    assert set(KINDS) == set(conditions._TAG_OF)
    assert {kind.key for kind in KINDS.values()} == set(conditions._KEYS)


class _Text(str):
    """A str subclass: valid, but not the regular form."""


@st.composite
def _irregular(draw: st.DrawFn, raw: dict[str, Any]) -> Any:
    """The same answers, perhaps in a shape the fast reader declines."""
    out = copy.deepcopy(raw)
    items = out.get("items")
    if isinstance(items, dict) and items:
        key = draw(st.sampled_from(sorted(items, key=str)))
        value = items[key]
        change = draw(st.sampled_from(["subclass", "reversed", "none", "proxy"]))
        if change == "subclass" and isinstance(value, str):
            items[key] = _Text(value)
        elif change == "reversed" and isinstance(value, dict):
            items[key] = dict(reversed(list(value.items())))
        elif change == "none" and isinstance(value, dict):
            items[key] = {**value, "relevance": None}
        elif change == "proxy":
            out["items"] = MappingProxyType(items)
    if draw(st.booleans()):
        return MappingProxyType(out)
    return out


@pytest.mark.parametrize("ident", INSTRUMENTS)
@SETTINGS
@given(data=st.data())
def test_the_fast_reader_gives_what_the_precise_validator_gives(
    ident: str, data: st.DataObject
) -> None:
    inst = rs.load_instrument(ident)
    plan = plan_of(inst)
    drawn = st.one_of(answers(inst, complete=data.draw(st.booleans())), invalid_answers(inst))
    raw = data.draw(_irregular(data.draw(drawn)))
    try:
        precise = read_precisely(plan, raw)
    except rs.AnswerError:
        assert read(plan, raw) is None
        return
    fast = read(plan, raw)
    assert fast is None or fast == precise
    assert read(plan, validate_answers(plan, raw).as_mapping()) == precise


def test_problems_carry_stable_codes() -> None:
    dash = rs.load_instrument("dash")
    cases: dict[str, dict[str, Any]] = {
        "unknown_item": {"items": {"99": "yes"}},
        "value_not_allowed": {"items": {"1": "maybe"}},
        "missing": {"items": {}},
        "unknown_key": {"items": {}, "surprise": 1},
        "bad_date": {"items": {}, "assessed_on": "22.11.2026"},
        "not_text": {"items": {}, "case_ref": 3},
        "too_long": {"items": {}, "justification": "x" * 20_001},
        "unknown_field": {"items": {}, "context": {"nope": 1}},
        "too_many_assessors": {"items": {}, "assessors": [{"role": "a"}] * 3},
        "not_mapping": {"items": ["1"]},
    }
    for code, raw in cases.items():
        with pytest.raises(rs.AnswerError) as caught:
            dash.assess(raw)
        assert code in {p.code for p in caught.value.problems}, code
        assert all(p.code in PROBLEM_CODES for p in caught.value.problems)


def test_problem_keeps_its_positional_fields() -> None:
    problem = rs.Problem("items.1", "bad", "file.yaml", 3, 4)
    assert (problem.source, problem.line, problem.column, problem.code) == (
        "file.yaml",
        3,
        4,
        "invalid",
    )
    assert str(problem) == "file.yaml:3:4: items.1: bad"
