"""Argument checks of the analysis functions: our errors, naming the argument, with a hint."""

from __future__ import annotations

import pickle
import sys

import pandas as pd
import pytest

import risk_scoring as rs
from risk_scoring.analysis import checks
from risk_scoring.analysis.frames import frame_to_answers, synthetic_frame
from risk_scoring.errors import ExtraNotInstalledError

NO = {str(n): "no" for n in range(1, 25)}


def problem(error: pytest.ExceptionInfo[rs.AnswerError]) -> str:
    (found,) = error.value.problems
    return str(found)


def test_a_frame_passes_and_a_row_is_refused_with_how_to_pass_one_row() -> None:
    frame = synthetic_frame("dash", 3, seed=1)
    assert checks.answer_frame(frame) is frame
    with pytest.raises(rs.AnswerError) as error:
        checks.answer_frame(frame.iloc[0])
    assert problem(error).startswith("df: expected a pandas DataFrame, not a pandas.Series")
    assert "df.iloc[[i]]" in problem(error)


def test_answer_mappings_are_refused_with_the_function_that_makes_a_frame() -> None:
    with pytest.raises(rs.AnswerError, match="answers_to_frame"):
        checks.answer_frame([{"items": NO}])
    with pytest.raises(rs.AnswerError, match="not a int"):
        checks.answer_frame(3)


def test_a_frame_with_to_pandas_is_converted() -> None:
    frame: pd.DataFrame = pd.DataFrame({"a": [1]})

    class Polars:
        def to_pandas(self) -> pd.DataFrame:
            return frame

    assert checks.answer_frame(Polars()) is frame


def test_instruments_by_id_path_or_object() -> None:
    dash = rs.load_instrument("dash")
    assert checks.instrument(dash) is dash
    assert checks.instrument("dash") is dash
    with pytest.raises(rs.InstrumentNotFoundError):
        checks.instrument("no-such-instrument")
    with pytest.raises(rs.AnswerError, match="instrument: expected an Instrument, a built-in id"):
        checks.instrument(42)


def test_columns_name_every_missing_one() -> None:
    with pytest.raises(rs.AnswerError) as error:
        checks.columns(pd.DataFrame({"a": [1]}), ["a", "b", "c"], "frame")
    assert problem(error) == "frame: has no columns 'b', 'c'"


def test_choices_and_flags() -> None:
    assert checks.one_of("nb", ("nb", "en"), "lang") == "nb"
    for wrong in ("de", 1, None, pd.Series(["nb"]), ["nb"]):
        with pytest.raises(rs.AnswerError, match=r"lang: .* is not allowed; expected one of 'nb'"):
            checks.one_of(wrong, ("nb", "en"), "lang")
    assert checks.flag(False, "normalize") is False
    with pytest.raises(rs.AnswerError, match="normalize: expected True or False"):
        checks.flag("yes", "normalize")


def test_results_are_checked_one_by_one() -> None:
    result = rs.assess("dash", {"items": NO})
    assert checks.results(iter([result])) == [result]
    with pytest.raises(rs.AnswerError, match="results: expected several Results"):
        checks.results(result)
    with pytest.raises(rs.AnswerError, match=r"results\.1: is a dict, not a Result"):
        checks.results([result, {"level": "high"}])


def test_a_missing_module_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ExtraNotInstalledError) as error:
        checks.answer_frame(object())
    assert str(error.value) == (
        "answer frames need pandas: install the frames extra, pip install '.[frames]' from a "
        "checkout (docs/installation.md)"
    )
    assert error.value.extra == "frames"
    again = pickle.loads(pickle.dumps(error.value))  # Dask sends errors back pickled
    assert str(again) == str(error.value)


def test_frame_to_answers_refuses_a_row_with_our_error() -> None:
    row = synthetic_frame("dash", 2, seed=1).iloc[0]
    with pytest.raises(rs.AnswerError, match=r"df\.iloc"):
        next(frame_to_answers("dash", row))  # type: ignore[arg-type]
