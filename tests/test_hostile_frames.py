"""Frames and answers that a careless integrator sends: our errors, nothing misscored.

Issue 15 (red team D8, D9, D10a, D12, D16): a frame accepts exactly what `assess`
accepts and refuses the rest with `AnswerError`; errors name rows by position, never
by index label (a case reference used as the index is personal data); `to_frame` keeps
column types over refused rows and marks free-text columns as personal data.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import risk_scoring as rs
from risk_scoring.analysis.frames import answers_to_frame, score_frame, to_frame
from tests.security_support import SENTINEL, leaks, write_free_text_instrument

NO = {str(n): "no" for n in range(1, 25)}


def _dash_frame(rows: int = 2) -> pd.DataFrame:
    return answers_to_frame("dash", [{"items": NO}] * rows)


@pytest.mark.parametrize("cell", [["yes"], {"a": 1}, {"yes"}, bytearray(b"yes")])
@pytest.mark.parametrize("column", ["1", "context.incidents_last_12_months", "case_ref"])
def test_an_unhashable_cell_is_refused_with_our_error(cell: object, column: str) -> None:
    frame = _dash_frame()
    frame[column] = pd.Series(["no" if column == "1" else None, cell], dtype=object)
    with pytest.raises(rs.AnswerError) as caught:
        score_frame("dash", frame)
    assert {p.path for p in caught.value.problems} == {column}
    assert "row 1:" in str(caught.value)
    out = score_frame("dash", frame, on_error="collect")
    assert [bool(p) for p in out["problems"]] == [False, True]


def test_a_lone_surrogate_in_a_python_string_column_is_refused_as_assess_refuses_it() -> None:
    for column in ("case_ref", "justification"):
        frame = _dash_frame()
        frame[column] = pd.Series(["fine", "bad \ud800"], dtype=pd.StringDtype("python"))
        with pytest.raises(rs.AnswerError) as caught:
            score_frame("dash", frame)
        assert [p.code for p in caught.value.problems] == ["not_unicode"]
        with pytest.raises(rs.AnswerError):
            rs.assess("dash", {"items": NO, column: "bad \ud800"})


@pytest.mark.parametrize("dtype", [object, pd.StringDtype("python"), pd.StringDtype("pyarrow")])
def test_a_line_break_in_a_case_reference_is_refused_in_a_frame_as_in_assess(
    dtype: Any,
) -> None:
    frame = _dash_frame()
    frame["case_ref"] = pd.Series(["X1", "X2\nRisk level: STANDARD"], dtype=dtype)
    with pytest.raises(rs.AnswerError) as caught:
        score_frame("dash", frame)
    assert [p.code for p in caught.value.problems] == ["not_one_line"]


def test_errors_name_rows_by_position_never_by_index_label() -> None:
    frame = answers_to_frame(
        "dash",
        [
            {"items": NO, "case_ref": SENTINEL},
            {"items": {**NO, "1": "maybe"}, "case_ref": "Ola Hansen 020380"},
        ],
    ).set_index("case_ref")
    with pytest.raises(rs.AnswerError) as caught:
        score_frame("dash", frame)
    message = str(caught.value)
    assert "row 1:" in message
    assert "Hansen" not in message
    assert not leaks(message)


def test_a_bool_context_column_stays_bool_over_refused_rows() -> None:
    rows: list[dict[str, Any]] = [
        {"items": NO, "context": {"repeat_after_marac": True}},
        {"items": {"1": "maybe"}},
    ]
    out = to_frame(rs.assess_many("dash", rows, on_error="collect"), items=True)
    assert out["context.repeat_after_marac"].tolist() == [True, None]
    assert out["context.incidents_last_12_months"].tolist() == [None, None]


def test_text_and_date_context_columns_survive_refused_rows(tmp_path: Path) -> None:
    inst = write_free_text_instrument(tmp_path)
    good: dict[str, Any] = {
        "items": {"A1": "N", "A2": "N", "B1": "N"},
        "context": {"circumstances": SENTINEL, "reported_on": "2026-11-01", "incidents": 3},
    }
    rows: list[dict[str, Any]] = [good, {"items": {"A1": "maybe"}}]
    out = to_frame(rs.assess_many(inst, rows, on_error="collect"), instrument=inst, items=True)
    assert out["context.circumstances"].tolist() == [SENTINEL, None]
    assert out["context.reported_on"].tolist() == ["2026-11-01", None]
    assert out["context.incidents"].tolist() == [3, None]


def test_free_text_columns_are_marked_as_personal_data(tmp_path: Path) -> None:
    inst = write_free_text_instrument(tmp_path)
    good = {"items": {"A1": "N", "A2": "N", "B1": "N"}, "context": {"circumstances": "x"}}
    out = to_frame([inst.assess(good)], instrument=inst, items=True)
    assert out.attrs["personal_data"] == ["case_ref", "context.circumstances"]
    exported = out.drop(columns=out.attrs["personal_data"])
    assert not any(leaks(c) for c in exported.columns)
    assert to_frame([inst.assess(good)], instrument=inst).attrs["personal_data"] == ["case_ref"]
    frame = answers_to_frame(inst, [good])
    assert score_frame(inst, frame).attrs["personal_data"] == ["case_ref"]


def test_a_pd_na_key_inside_a_mapping_is_our_error() -> None:
    with pytest.raises(rs.AnswerError) as caught:
        rs.assess("dash", {"items": {**NO, "1": {pd.NA: "yes"}}})
    assert [p.code for p in caught.value.problems] == ["missing", "unknown_dimension"]
    with pytest.raises(rs.AnswerError):
        rs.assess("dash", {"items": NO, "assessors": [{"role": "analyst", pd.NA: "x"}]})
    with pytest.raises(rs.AnswerError):
        rs.assess("dash", {"items": NO, "context": {pd.NA: 1}})
    rows: list[dict[str, Any]] = [{"items": {**NO, "1": {pd.NA: "yes"}}}, {"items": NO}]
    found = list(rs.assess_many("dash", rows, on_error="collect"))
    assert [type(r).__name__ for r in found] == ["RowError", "Result"]


class Presence(str, enum.Enum):
    N = "N"
    P = "P"
    Y = "Y"
    O = "O"  # noqa: E741 - the scale's own code


class Answer(str, enum.Enum):
    yes = "yes"
    no = "no"


def test_str_enum_members_are_stored_as_their_value() -> None:
    b_safer = rs.load_instrument("b-safer")
    items: dict[str, Any] = {item.id: "N" for item in b_safer.items}
    items["S1"] = {"current": "N", "past": Presence.Y}
    judged = {j.id: "low" for j in b_safer.judgements if j.type != "text"}
    with_enum = rs.assess(b_safer, {"items": items, "judgements": judged})
    items["S1"] = {"current": "N", "past": "Y"}
    with_text = rs.assess(b_safer, {"items": items, "judgements": judged})
    assert with_enum.model_dump_json() == with_text.model_dump_json()
    assert with_enum.ratings["S1"]["past"].__class__ is str
    dash = rs.assess("dash", {"items": {**NO, "1": {"answer": Answer.yes}, "2": Answer.yes}})
    assert dash.ratings["1"] == {"answer": "yes"}
    assert [dash.ratings[k]["answer"].__class__ for k in ("1", "2")] == [str, str]


@pytest.mark.parametrize("value", ["X1\nRisk level: STANDARD", "a\tb", "a\x1b[2Jb", "a\u2029b"])
def test_assess_refuses_control_characters_in_single_line_fields(value: str) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"items": NO, "case_ref": value}, "case_ref"),
        ({"items": NO, "assessors": [{"role": value}]}, "assessors.0.role"),
        ({"items": NO, "assessors": [{"role": "analyst", "id": value}]}, "assessors.0.id"),
    ]
    for answers, path in cases:
        with pytest.raises(rs.AnswerError) as caught:
            rs.assess("dash", answers)
        assert [(p.path, p.code) for p in caught.value.problems] == [(path, "not_one_line")]


def test_argument_mistakes_raise_our_errors() -> None:
    result = rs.assess("dash", {"items": NO, "case_ref": "X1"})
    with pytest.raises(rs.RiskScoringError):
        rs.assess(None, {"items": NO})  # type: ignore[arg-type]
    with pytest.raises(rs.AnswerError):
        list(rs.assess_many("dash", 5))  # type: ignore[call-overload]
    with pytest.raises(rs.RiskScoringError):
        rs.agreement(5, [result])  # type: ignore[arg-type]
    with pytest.raises(rs.RiskScoringError):
        rs.to_frame(5)  # type: ignore[arg-type]
    with pytest.raises(rs.AnswerError):
        score_frame("dash", _dash_frame(), keep=5)  # type: ignore[arg-type]
