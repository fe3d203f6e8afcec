"""`assess_many(..., progress=...)` and its refusal of arguments of the wrong kind (D12)."""

from __future__ import annotations

import importlib.util
import sys
from typing import Any

import pytest

import risk_scoring as rs
from risk_scoring.engine import batch

NO = {"items": {str(n): "no" for n in range(1, 14)}}


def test_a_callback_hears_the_number_of_rows_done_after_each_row() -> None:
    seen: list[int] = []
    results = rs.assess_many("odara", [NO, NO, NO], progress=seen.append)
    first = next(results)
    assert first.level == "category-1"
    assert seen == []  # the first row is assessed, but not yet taken past
    assert len(list(results)) == 2
    assert seen == [1, 2, 3]


def test_a_callback_counts_collected_row_errors_too() -> None:
    seen: list[int] = []
    rows: list[dict[str, dict[str, str]]] = [NO, {"items": {}}, NO]
    out = list(rs.assess_many("odara", rows, on_error="collect", progress=seen.append))
    assert [type(r).__name__ for r in out] == ["Result", "RowError", "Result"]
    assert seen == [1, 2, 3]


def test_progress_true_without_tqdm_is_a_silent_no_op(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    assert len(list(rs.assess_many("odara", [NO, NO], progress=True))) == 2
    assert capsys.readouterr() == ("", "")


@pytest.mark.skipif(importlib.util.find_spec("tqdm") is None, reason="tqdm is not installed")
def test_progress_true_draws_a_tqdm_bar(capsys: pytest.CaptureFixture[str]) -> None:
    assert len(list(rs.assess_many("odara", [NO, NO, NO], progress=True))) == 3
    drawn = capsys.readouterr().err
    assert "Assessing" in drawn
    assert "3/3" in drawn


def test_progress_false_or_none_does_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    for progress in (False, None):
        assert len(list(rs.assess_many("odara", [NO], progress=progress))) == 1
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize(
    ("args", "where"),
    [
        (("dash", 5), "rows"),
        (("dash", "not rows"), "rows"),
        (("dash", NO), "rows"),
        ((5, [NO]), "instrument"),
        ((None, [NO]), "instrument"),
    ],
)
def test_arguments_of_the_wrong_kind_raise_answer_error_at_once(
    args: tuple[object, object], where: str
) -> None:
    with pytest.raises(rs.AnswerError) as caught:
        rs.assess_many(*args)  # type: ignore[call-overload]
    assert [p.path for p in caught.value.problems] == [where]


def test_a_bad_on_error_or_progress_is_refused_without_repr() -> None:
    with pytest.raises(rs.AnswerError, match="a value of type int is not allowed"):
        rs.assess_many("odara", [NO], on_error=10**5000)  # type: ignore[call-overload]
    with pytest.raises(rs.AnswerError, match="progress"):
        rs.assess_many("odara", [NO], progress=5)  # type: ignore[call-overload]


def test_progress_is_documented_in_the_module() -> None:
    assert batch.__doc__ is not None
    assert "progress=True" in batch.__doc__


pd = pytest.importorskip("pandas")


def _odara_frame(rows: int) -> Any:
    return pd.DataFrame([{str(n): "no" for n in range(1, 14)}] * rows)


def test_score_frame_tells_a_callback_the_rows_scored_after_each_chunk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from risk_scoring.analysis import vector

    monkeypatch.setattr(vector, "CHUNK", 2)
    seen: list[int] = []
    scored = rs.score_frame("odara", _odara_frame(5), progress=seen.append)
    assert len(scored) == 5
    assert seen == [2, 4, 5]


@pytest.mark.skipif(importlib.util.find_spec("tqdm") is None, reason="tqdm is not installed")
def test_score_frame_progress_true_draws_a_tqdm_bar(capsys: pytest.CaptureFixture[str]) -> None:
    rs.score_frame("odara", _odara_frame(3), progress=True)
    drawn = capsys.readouterr().err
    assert "Scoring" in drawn
    assert "3/3" in drawn


def test_score_frame_refuses_a_progress_of_the_wrong_kind() -> None:
    with pytest.raises(rs.AnswerError) as caught:
        rs.score_frame("odara", _odara_frame(1), progress="yes")  # type: ignore[arg-type]
    assert [(p.path, p.code) for p in caught.value.problems] == [("progress", "bad_argument")]
