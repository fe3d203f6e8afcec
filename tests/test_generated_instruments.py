"""Generated instruments: properties that hold for every valid definition, not only the built-ins.

`risk_scoring.testing.instruments()` draws definitions of all three kinds over the whole
condition language; each one loads, every valid answer set for it is assessed, twice
alike, and a scored one drawn with `monotone=True` never loses a level when an answer
rises, and `score_frame` equals `assess` row by row on them.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

import risk_scoring as rs
from risk_scoring.definition import references
from risk_scoring.definition.evidence import MissingEvidence
from risk_scoring.definition.instrument import Instrument, Kind
from risk_scoring.definition.loading import load_catalogue
from risk_scoring.definition.validation import digest
from risk_scoring.testing import answers, higher_answer, instrument_from, instruments
from tests.conftest import TINY_SPJ, MakeFile

# Bounded so that this file runs in well under 20 s: one example costs 10-30 ms.
SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
KINDS: tuple[Kind, ...] = ("actuarial", "checklist", "spj")

T = {"nb": "t", "en": "t"}
# The smallest definition, for the examples below.
TINY: dict[str, Any] = {
    "id": "tiny",
    "version": "1",
    "kind": "actuarial",
    "title": T,
    "description": T,
    "source": {"citation": "c", "licence": T},
    "scales": [
        {
            "id": "s",
            "title": T,
            "values": [{"id": "N", "label": T, "points": 0}, {"id": "Y", "label": T, "points": 1}],
        }
    ],
    "dimensions": [{"id": "a", "title": T, "scale": "s"}, {"id": "x", "title": T, "scale": "s"}],
    "domains": [{"id": "D", "title": T}],
    "items": [{"id": "I", "domain": "D", "title": T, "guidance": T}],
    "levels": [
        {"id": "low", "title": T, "description": T},
        {"id": "high", "title": T, "description": T, "min_score": 1},
    ],
}


@SETTINGS
@given(definition=instruments())
def test_every_generated_definition_loads_with_its_digest(definition: dict[str, Any]) -> None:
    inst = instrument_from(definition)
    direct = Instrument.model_validate(definition)
    assert references.check(direct, load_catalogue().by_id) == []
    assert inst.digest == digest(direct)
    assert len(inst.digest) == 64
    assert inst.kind == definition["kind"]
    assert inst.levels == [level["id"] for level in definition["levels"]]


@pytest.mark.parametrize("kind", KINDS)
@settings(SETTINGS, max_examples=20)
@given(data=st.data())
def test_every_valid_answer_set_is_assessed(kind: Kind, data: st.DataObject) -> None:
    inst = instrument_from(data.draw(instruments(kinds=[kind])))
    for _ in range(3):
        raw = data.draw(answers(inst, complete=data.draw(st.booleans())))
        result = inst.assess(raw)
        assert result.level is None or result.level in inst.levels
        assert result.complete == (not result.missing)
        assert result.level is not None or not result.complete


@SETTINGS
@given(data=st.data())
def test_assessing_the_same_answers_twice_gives_the_same_json(data: st.DataObject) -> None:
    inst = instrument_from(data.draw(instruments()))
    raw = data.draw(answers(inst, complete=data.draw(st.booleans())))
    text = inst.assess(raw).model_dump_json()
    assert inst.assess(copy.deepcopy(raw)).model_dump_json() == text
    assert rs.Result.model_validate_json(text).model_dump_json() == text


def _raise(inst: Instrument, raw: dict[str, Any], item: str, value: str) -> dict[str, Any]:
    """`raw` with `item`'s primary answer set to `value`, its other dimensions kept."""
    given = raw["items"][item]
    rating = {**given, inst.primary.id: value} if isinstance(given, Mapping) else value
    return {**raw, "items": {**raw["items"], item: rating}}


@SETTINGS
@given(data=st.data())
def test_raising_an_answer_never_lowers_the_level(data: st.DataObject) -> None:
    definition = data.draw(instruments(kinds=["actuarial", "checklist"], monotone=True))
    inst = instrument_from(definition)
    raw = data.draw(answers(inst, unknowns=False))
    raised = data.draw(higher_answer(inst, raw))
    if raised is None:
        return
    before = inst.assess(raw)
    after = inst.assess(_raise(inst, raw, *raised))
    assert before.level is not None
    assert after.level is not None
    assert inst.levels.index(after.level) >= inst.levels.index(before.level)
    assert after.score is not None
    assert before.score is not None
    assert after.score >= before.score


@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_answers_respect_a_negative_maximum_without_a_minimum(data: st.DataObject) -> None:
    field = {"id": "n", "title": T, "type": "int", "max": -3, "required": True}
    inst = instrument_from({**TINY, "context": [field]})
    raw = data.draw(answers(inst))
    assert raw["context"]["n"] <= -3
    assert inst.assess(raw).context["n"] == raw["context"]["n"]


def test_a_missing_dotted_judgement_is_named_in_full(write_yaml: MakeFile) -> None:
    text = TINY_SPJ.replace("imminent", "imm.inent")
    inst = rs.load_instrument(write_yaml(text))
    result = inst.assess(
        {"items": {"A1": "N", "A2": "N", "B1": "N"}, "judgements": {"harm": "low"}}
    )
    assert result.level is None
    assert result.missing == ["judgements.imm.inent"]
    step = next(s for s in result.trace if s.rule == "no-judgements")
    assert step.evidence == (MissingEvidence("judgements", "imm.inent"),)
    assert result.warnings == ["no level without the summary judgements: imm.inent"]


# --------------------------------------------------------------- coverage


def _conditions(cond: Mapping[str, Any], depth: int = 1) -> Iterator[tuple[str, int]]:
    """(feature, depth) of this condition and every condition nested in it."""
    ((key, test),) = cond.items()
    if key in ("all", "any"):
        yield key, depth
        for part in test:
            yield from _conditions(part, depth + 1)
    elif key == "not":
        yield key, depth
        yield from _conditions(test, depth + 1)
    elif key == "count":
        yield (
            "count." + ("items" if "items" in test else "domain" if "domain" in test else "all"),
            depth,
        )
    elif key in ("context", "judgement"):
        yield key + "." + next(k for k in ("at_least", "equals", "in") if k in test), depth
    else:
        yield key, depth


def _features(d: dict[str, Any]) -> set[str]:
    """What a definition exercises, named as the strategy's documentation names it."""
    out = {f"kind.{d['kind']}"}
    rules = [("escalation", r) for r in d.get("escalations", ())]
    rules += [("warning", r) for r in d.get("warnings", ())]
    rules += [("measure", r) for r in d.get("measures", ())]
    for where, rule in rules:
        for feature, depth in _conditions(rule["when"]):
            out.add(f"{where}:{feature}")
            if depth >= 3:
                out.add("condition.nested-3")
    for rule in d.get("warnings", ()):
        justified = "justified" if rule.get("requires_justification") else "unjustified"
        if max(depth for _, depth in _conditions(rule["when"])) >= 2:
            out.add(f"warning.{justified}:nested")
    for rule in d.get("escalations", ()):
        out.add("escalation.to_judgement" if "to_judgement" in rule else "escalation.to")
    ids = [
        p["id"] for key in ("items", "dimensions", "judgements", "levels") for p in d.get(key, ())
    ]
    values = [v["id"] for s in d["scales"] for v in s["values"]]
    values += [c["id"] for f in d.get("context", ()) for c in f.get("choices", ())]
    if any("." in i for i in ids):
        out.add("id.dotted")
    if any(not v.isascii() for v in values):
        out.add("id.unicode-value")
    if len(d["dimensions"]) > 1:
        out.add("dimensions.several")
    if any(dim.get("required") for dim in d["dimensions"][1:]):
        out.add("dimensions.required")
    for item in d["items"]:
        weight = item.get("weight", 1)
        out |= {"item.negative-weight"} if weight < 0 else set()
        out |= {"item.fractional-weight"} if weight != int(weight) else set()
        out |= {f"item.{key}" for key in ("scale", "default", "parent") if key in item}
    if any(v.get("unknown") for s in d["scales"] for v in s["values"]):
        out.add("scale.unknown-value")
    out |= {f"context.{f['type']}" for f in d.get("context", ())}
    if any(f.get("min") is not None and f.get("max") is not None for f in d.get("context", ())):
        out.add("context.int-bounds")
    out |= {f"judgement.{j.get('type', 'level')}" for j in d.get("judgements", ())}
    scoring = d.get("scoring", {})
    if "missing" in scoring:
        out.add(f"missing.{scoring['missing'].get('total', 'zero')}")
    if scoring.get("level_from"):
        out.add("level_from")
    if d["kind"] != "spj" and "min_score" in d["levels"][0]:
        out.add("levels.first-min_score")
    return out


FEATURES = {
    *(f"kind.{k}" for k in KINDS),
    *(
        f"{where}:{kind}"
        for where in ("escalation", "warning", "measure")
        for kind in (
            *("all", "any", "not", "item", "count.items", "count.domain", "count.all"),
            *("score", "level", "context.at_least", "context.equals", "context.in"),
            *("judgement.at_least", "judgement.in"),
        )
    ),
    *("condition.nested-3", "warning.justified:nested", "warning.unjustified:nested"),
    *("escalation.to", "escalation.to_judgement", "id.dotted", "id.unicode-value"),
    *("dimensions.several", "dimensions.required", "item.negative-weight"),
    *("item.fractional-weight", "item.scale", "item.default", "item.parent"),
    *("scale.unknown-value", "context.int-bounds", "judgement.level", "judgement.text"),
    *(f"context.{t}" for t in ("bool", "int", "choice", "date", "text")),
    *("missing.zero", "missing.prorate", "level_from", "levels.first-min_score"),
}


def test_the_strategy_draws_every_feature() -> None:
    """Every feature the documentation promises, in 500 derandomized draws."""
    seen: set[str] = set()

    @settings(max_examples=500, derandomize=True, database=None, deadline=None)
    @given(definition=instruments())
    def collect(definition: dict[str, Any]) -> None:
        found = _features(definition)
        if definition["kind"] == "spj":  # spj totals are for research only
            assert not {f for f in found if f.endswith(":score")}
        seen.update(found)

    collect()
    assert FEATURES - seen == set()
    assert seen - FEATURES == set()


OWN_CATALOGUE = """\
version: "1"
measures:
  - id: own_measure
    name: {nb: Eget tiltak, en: Our own measure}
    jurisdiction: "NO"
    decided_by: {nb: Oss, en: Us}
    description: {nb: Et tiltak, en: A measure}
"""


@settings(max_examples=10, deadline=None)
@given(definition=instruments(measures=["own_measure"]))
def test_definitions_can_name_the_measures_of_a_catalogue_beside_them(
    tmp_path_factory: pytest.TempPathFactory, definition: dict[str, Any]
) -> None:
    folder = tmp_path_factory.mktemp("own")
    (folder / "measures.yaml").write_text(OWN_CATALOGUE, encoding="utf-8")
    inst = instrument_from(definition, folder)
    assert Path(inst.origin).parent == folder
    assert {r.measure for r in inst.measure_rules} <= {"own_measure"}


def test_the_strategy_refuses_unknown_kinds() -> None:
    with pytest.raises(ValueError, match="kinds"):
        instruments(kinds=["bands"])  # type: ignore[list-item]


# ------------------------------------------------------------------ frames


@st.composite
def _instrument_and_rows(draw: st.DrawFn) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    definition = draw(instruments())
    inst = instrument_from(definition)
    complete = draw(st.booleans())
    return definition, draw(st.lists(answers(inst, complete=complete), min_size=1, max_size=8))


# A missing dotted level_from judgement (assess once named it 'imm').
DOTTED_JUDGEMENT = {
    **TINY,
    "kind": "spj",
    "judgements": [{"id": "imm.inent", "title": T}],
    "scoring": {"level_from": ["imm.inent"]},
    "levels": [{"id": level["id"], "title": T, "description": T} for level in TINY["levels"]],
}
# Item "A" rated in dimension "x", and an item "A.x": the frame columns "A.x" and "A%2Ex".
TWIN_COLUMN = {
    **TINY,
    "items": [
        {"id": "A", "domain": "D", "title": T, "guidance": T},
        {"id": "A.x", "domain": "D", "title": T, "guidance": T},
    ],
    "warnings": [
        {"id": "w", "when": {"item": {"id": "A", "dimension": "x", "in": ["Y"]}}, "message": T}
    ],
}


@SETTINGS
@given(case=_instrument_and_rows())
@example(case=(DOTTED_JUDGEMENT, [{"items": {"I": "N"}}]))
@example(case=(TWIN_COLUMN, [{"items": {"A": {"a": "N", "x": "Y"}, "A.x": "N"}}]))
def test_score_frame_equals_assess_row_by_row(
    case: tuple[dict[str, Any], list[dict[str, Any]]],
) -> None:
    _assert_same_frames(*case)


def _assert_same_frames(definition: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    pd = pytest.importorskip("pandas")
    from risk_scoring.analysis.frames import answers_to_frame, score_frame, to_frame

    inst = instrument_from(definition)
    expected = to_frame([inst.assess(row) for row in rows], instrument=inst, record=False)
    pd.testing.assert_frame_equal(score_frame(inst, answers_to_frame(inst, rows)), expected)
