"""Hypothesis properties that hold for every built-in instrument.

Totality (every valid answer set scores), determinism, lossless JSON round trip,
refusal of invalid answers, and, for scored instruments, monotonicity: raising any
item's answer never lowers the level (items with a negative weight, such as the Danger
Assessment's "never lived together", lower the total by design and are left out).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import risk_scoring as rs
from risk_scoring.testing import answers, invalid_answers

INSTRUMENTS = rs.list_instruments()
SCORED = [i for i in INSTRUMENTS if rs.load_instrument(i).kind != "spj"]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("ident", INSTRUMENTS)
@SETTINGS
@given(data=st.data())
def test_every_valid_answer_set_scores(ident: str, data: st.DataObject) -> None:
    inst = rs.load_instrument(ident)
    result = inst.assess(data.draw(answers(inst, complete=data.draw(st.booleans()))))
    assert result.level is None or result.level in inst.levels
    assert result.complete == (not result.missing)


@pytest.mark.parametrize("ident", INSTRUMENTS)
@SETTINGS
@given(data=st.data())
def test_results_are_deterministic_and_round_trip(ident: str, data: st.DataObject) -> None:
    inst = rs.load_instrument(ident)
    raw = data.draw(answers(inst))
    text = inst.assess(raw).model_dump_json()
    assert inst.assess(raw).model_dump_json() == text
    assert rs.Result.model_validate_json(text).model_dump_json() == text


@pytest.mark.parametrize("ident", INSTRUMENTS)
@SETTINGS
@given(data=st.data())
def test_invalid_answers_are_refused(ident: str, data: st.DataObject) -> None:
    inst = rs.load_instrument(ident)
    with pytest.raises(rs.AnswerError):
        inst.assess(data.draw(invalid_answers(inst)))


def _primary(value: object, primary: str) -> str:
    return value if isinstance(value, str) else value[primary]  # type: ignore[index]


@pytest.mark.parametrize("ident", SCORED)
@SETTINGS
@given(data=st.data())
def test_raising_an_answer_never_lowers_the_level(ident: str, data: st.DataObject) -> None:
    inst = rs.load_instrument(ident)
    raw = data.draw(answers(inst, unknowns=False))
    raisable = []
    for item in inst.items:
        if item.weight < 0 or item.id not in raw["items"]:
            continue
        values = [v.id for v in inst.scale_for(item, inst.primary).values if not v.unknown]
        current = values.index(_primary(raw["items"][item.id], inst.primary.id))
        raisable += [(item.id, higher) for higher in values[current + 1 :]]
    if not raisable:
        return
    item_id, higher = data.draw(st.sampled_from(raisable))
    before = inst.assess(raw)
    after = inst.assess({**raw, "items": {**raw["items"], item_id: higher}})
    assert before.level is not None
    assert after.level is not None
    assert inst.levels.index(after.level) >= inst.levels.index(before.level)
