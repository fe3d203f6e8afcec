"""Frames: `score_frame` scores a whole answer frame exactly as `assess` scores each row.

The central property: for every built-in instrument and any valid answers, the frame
`score_frame` returns equals `to_frame` of assessing the rows one by one, cell by cell.
Invalid values are refused with an `AnswerError` naming the column, rows and allowed
values, as `assess` refuses them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import risk_scoring as rs
from risk_scoring.analysis.frames import (
    answer_columns,
    answers_to_frame,
    frame_to_answers,
    result_columns,
    score_frame,
    synthetic_frame,
    to_frame,
)
from risk_scoring.engine.batch import RowError, assess_many
from risk_scoring.engine.record import RECORD_KEYS
from risk_scoring.testing import answers
from risk_scoring.tooling.golden import case_files, read_case

INSTRUMENTS = rs.list_instruments()
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
NO = {str(n): "no" for n in range(1, 25)}


def row_by_row(inst: rs.Instrument, rows: list[dict[str, Any]]) -> pd.DataFrame:
    return to_frame([inst.assess(r) for r in rows], instrument=inst, record=False)


@pytest.mark.parametrize("ident", INSTRUMENTS)
@SETTINGS
@given(data=st.data())
def test_score_frame_equals_assess_row_by_row(ident: str, data: st.DataObject) -> None:
    inst = rs.load_instrument(ident)
    complete = data.draw(st.booleans())
    rows = data.draw(st.lists(answers(inst, complete=complete), min_size=1, max_size=12))
    got = score_frame(inst, answers_to_frame(inst, rows))
    pd.testing.assert_frame_equal(got, row_by_row(inst, rows))


@pytest.mark.parametrize("ident", INSTRUMENTS)
def test_golden_cases_score_the_same_in_a_frame(ident: str) -> None:
    inst = rs.load_instrument(ident)
    rows = [read_case(path)[0]["answers"] for path in case_files(inst)]
    assert rows
    got = score_frame(inst, answers_to_frame(inst, rows))
    # An answer frame carries no case record (plan, review), so neither do its results.
    bare = [{k: v for k, v in row.items() if k not in RECORD_KEYS} for row in rows]
    pd.testing.assert_frame_equal(got, row_by_row(inst, bare))


@pytest.mark.parametrize("ident", INSTRUMENTS)
def test_synthetic_categorical_frames_score_the_same(ident: str) -> None:
    inst = rs.load_instrument(ident)
    frame = synthetic_frame(inst, 400, seed=7)
    got = score_frame(inst, frame)
    pd.testing.assert_frame_equal(got, row_by_row(inst, list(frame_to_answers(inst, frame))))


def test_synthetic_frames_are_reproducible_and_made_up() -> None:
    first = synthetic_frame("sara-v3", 50, seed=3)
    pd.testing.assert_frame_equal(first, synthetic_frame("sara-v3", 50, seed=3))
    assert not first.equals(synthetic_frame("sara-v3", 50, seed=4))
    assert first["case_ref"].str.startswith("synthetic-").all()


def test_result_columns_are_documented_and_stable() -> None:
    columns = result_columns("dash")
    assert columns[:12] == [
        "case_ref",
        "assessed_on",
        "instrument",
        "version",
        "digest",
        "library",
        "level",
        "score",
        "complete",
        "missing",
        "warnings",
        "measures",
    ]
    assert "measure.marac_referral" in columns
    assert "domain.ric.yes" in columns or any(c.endswith(".yes") for c in columns)
    frame = score_frame("dash", answers_to_frame("dash", [{"items": NO}]))
    assert list(frame.columns) == columns


def test_a_dash_frame_reads_like_the_results() -> None:
    rows: list[dict[str, Any]] = [
        {"items": {**NO, **{str(n): "yes" for n in range(1, 15)}}, "case_ref": "a"},
        {"items": NO, "context": {"incidents_last_12_months": 4}, "case_ref": "b"},
        {"items": NO, "case_ref": "c"},
    ]
    frame = score_frame("dash", answers_to_frame("dash", rows))
    assert frame["level"].tolist() == ["high", "standard", "standard"]
    assert frame["score"].tolist() == [14.0, 0.0, 0.0]
    assert frame["case_ref"].tolist() == ["a", "b", "c"]
    assert frame["measures"].tolist() == [
        ("marac_referral", "idva_referral"),
        ("marac_referral",),  # potential escalation refers to MARAC and leaves the level
        (),
    ]
    assert frame["measure.marac_referral"].tolist()[:2] == ["urgent", "urgent"]
    assert pd.isna(frame["measure.marac_referral"].iloc[2])
    assert frame["level"].cat.ordered
    assert list(frame["level"].cat.categories) == ["standard", "medium", "high"]


def test_the_index_is_kept_and_kept_columns_come_first() -> None:
    frame = answers_to_frame("dash", [{"items": NO}, {"items": {**NO, "1": "yes"}}])
    frame.index = pd.Index(["x", "y"], name="case")
    frame["district"] = ["Oslo", "Vest"]
    out = score_frame("dash", frame, keep=["district"])
    assert list(out.index) == ["x", "y"]
    assert out.index.name == "case"
    assert list(out.columns[:2]) == ["district", "case_ref"]
    assert out["score"].tolist() == [0.0, 1.0]


def test_values_outside_the_scale_are_refused_naming_column_rows_and_allowed_values() -> None:
    frame = answers_to_frame("dash", [{"items": NO}] * 3)
    frame.loc[[0, 2], "5"] = "maybe"
    with pytest.raises(rs.AnswerError) as caught:
        score_frame("dash", frame)
    (problem,) = caught.value.problems
    assert problem.path == "5"
    assert problem.message == (
        "rows 0, 2: 'maybe' is not allowed; expected one of 'no', 'unknown', 'yes'"
    )


def test_every_problem_is_reported_at_once() -> None:
    frame = answers_to_frame("sara-v3", [{"items": {}}])
    frame["N1.past"] = "X"
    frame["context.incidents_last_12_months"] = 2.5
    with pytest.raises(rs.AnswerError) as caught:
        score_frame("sara-v3", frame)
    paths = [p.path for p in caught.value.problems]
    assert "N1.past" in paths
    assert "N1" in paths  # a dimension without the primary rating: as in assess
    assert "context.incidents_last_12_months" in paths
    assert "N2" in paths  # missing required items


def test_unknown_columns_are_refused_with_a_hint_unless_kept() -> None:
    frame = answers_to_frame("dash", [{"items": NO}])
    frame["judgements.professional_judgment"] = None
    frame["district"] = "Oslo"
    with pytest.raises(rs.AnswerError) as caught:
        score_frame("dash", frame)
    messages = {p.path: p.message for p in caught.value.problems}
    assert (
        "did you mean 'judgements.professional_judgement'?"
        in messages["judgements.professional_judgment"]
    )
    assert "keep=" in messages["district"]


def test_a_missing_required_item_column_is_refused_even_when_collecting() -> None:
    frame = answers_to_frame("dash", [{"items": NO}]).drop(columns=["7"])
    with pytest.raises(rs.AnswerError) as caught:
        score_frame("dash", frame, on_error="collect")
    assert [p.path for p in caught.value.problems] == ["7"]


def test_collect_gives_refused_rows_the_problems_assess_would_raise() -> None:
    rows: list[dict[str, Any]] = [
        {"items": NO},
        {"items": {**NO, "3": "maybe"}},
        {"items": NO, "context": {"incidents_last_12_months": -2}},
    ]
    frame = answers_to_frame("dash", rows)
    out = score_frame("dash", frame, on_error="collect")
    expected: list[tuple[str, ...]] = []
    for row in rows:
        try:
            rs.assess("dash", row)
            expected.append(())
        except rs.AnswerError as exc:
            expected.append(tuple(str(p) for p in exc.problems))
    assert out["problems"].tolist() == expected
    assert out["level"].tolist()[0] == "standard"
    assert out["level"].isna().tolist() == [False, True, True]
    assert out["score"].isna().tolist() == [False, True, True]
    assert out["complete"].tolist() == [True, False, False]


def test_integers_stored_as_floats_are_read_as_integers() -> None:
    frame = answers_to_frame("dash", [{"items": NO}] * 2)
    frame["context.incidents_last_12_months"] = [3.0, np.nan]
    out = score_frame("dash", frame)
    assert out["measures"].tolist() == [("marac_referral",), ()]


def test_numpy_strings_and_categoricals_are_plain_values() -> None:
    frame = answers_to_frame("dash", [{"items": NO}] * 2)
    frame["1"] = pd.Categorical(["yes", "no"], categories=["no", "yes", "unused-bad"])
    frame["2"] = np.array(["yes", "no"])
    out = score_frame("dash", frame)
    assert out["score"].tolist() == [2.0, 0.0]


def test_an_empty_frame_scores_to_an_empty_result() -> None:
    out = score_frame("sara-v3", answers_to_frame("sara-v3", []))
    assert len(out) == 0
    assert list(out.columns) == result_columns("sara-v3")


def test_bad_arguments_raise_our_errors() -> None:
    with pytest.raises(rs.AnswerError):
        score_frame("dash", [{"items": NO}])  # type: ignore[arg-type]
    with pytest.raises(rs.AnswerError):
        score_frame("dash", answers_to_frame("dash", []), on_error="ignore")  # type: ignore[arg-type]
    with pytest.raises(rs.AnswerError):
        score_frame("dash", answers_to_frame("dash", []), keep="district")


def test_to_frame_streams_batches_with_refused_rows() -> None:
    rows: list[dict[str, Any]] = [{"items": {}}, {"items": NO}, {"items": {**NO, "1": "yes"}}]
    out = to_frame(assess_many("dash", rows, on_error="collect"))
    assert out["level"].isna().tolist() == [True, False, False]
    assert out["score"].tolist()[1:] == [0.0, 1.0]
    assert out["problems"].str.len().tolist() == [24, 0, 0]
    assert out["instrument"].tolist() == ["dash"] * 3


def test_to_frame_refuses_mixed_instruments_and_strangers() -> None:
    results = [
        rs.assess("dash", {"items": NO}),
        rs.assess("odara", {"items": {str(n): "no" for n in range(1, 14)}}),
    ]
    with pytest.raises(rs.AnswerError, match="one frame per instrument"):
        to_frame(results)
    with pytest.raises(rs.AnswerError):
        to_frame(["not a result"])  # type: ignore[list-item]


def test_to_frame_without_results_is_empty() -> None:
    assert to_frame([]).empty
    errors = to_frame([RowError(0, ())])
    assert list(errors.columns) == ["problems"]


def test_to_frame_with_items_round_trips_through_score_frame() -> None:
    inst = rs.load_instrument("sara-v3")
    frame = synthetic_frame(inst, 200, seed=11).drop(columns=["justification"])
    results = [inst.assess(row) for row in frame_to_answers(inst, frame)]
    wide = to_frame(results, items=True)
    assert {"N1", "N1.past", "judgements.case_prioritization"} <= set(wide.columns)
    again = score_frame(inst, wide[[c for c in answer_columns(inst) if c in wide.columns]])
    pd.testing.assert_frame_equal(again, to_frame(results, record=False))


def test_frame_to_answers_follows_the_documented_row_rule() -> None:
    frame = pd.DataFrame(
        {
            "N1": ["Y", None],
            "N1.past": [None, "P"],
            "context.incidents_last_12_months": [2.0, np.nan],
            "judgements.case_prioritization": ["high", None],
        }
    )
    first, second = frame_to_answers("sara-v3", frame)
    assert first == {
        "items": {"N1": {"recent": "Y"}},
        "context": {"incidents_last_12_months": 2},
        "judgements": {"case_prioritization": "high"},
    }
    assert second == {"items": {"N1": {"past": "P"}}}


def test_importing_the_analysis_modules_loads_no_optional_library() -> None:
    code = (
        "import sys, risk_scoring, risk_scoring.analysis.frames, risk_scoring.engine.batch, "
        "risk_scoring.analysis.compare, risk_scoring.analysis.agreement, "
        "risk_scoring.report.cards, "
        "risk_scoring.analysis.plots;"
        "heavy = {'pandas', 'numpy', 'matplotlib', 'dask'} & set(sys.modules);"
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parent)


def test_true_and_one_are_different_answers_in_a_frame() -> None:
    # pandas' factorize puts True and 1 together; a bool field takes only the first.
    rows: list[dict[str, Any]] = [
        {"items": NO, "context": {"repeat_after_marac": True}},
        {"items": NO, "context": {"repeat_after_marac": 1}},
    ]
    frame = answers_to_frame("dash", rows)
    out = score_frame("dash", frame, on_error="collect")
    assert [bool(p) for p in out["problems"]] == [False, True]
    with pytest.raises(rs.AnswerError):
        score_frame("dash", frame)


@settings(SETTINGS, max_examples=25)
@given(data=st.data())
def test_generated_instruments_score_the_same_in_a_frame_refused_rows_too(
    data: st.DataObject,
) -> None:
    """`difference` (what `risk-scoring check` runs) on generated definitions, with
    answers the instrument refuses among the rows."""
    from risk_scoring.analysis.equivalence import difference
    from risk_scoring.testing import instrument_from, instruments, invalid_answers

    inst = instrument_from(data.draw(instruments()))
    row = st.one_of(answers(inst, complete=data.draw(st.booleans())), invalid_answers(inst))
    found = difference(inst, data.draw(st.lists(row, min_size=1, max_size=6)))
    assert found is None, found
