"""`instrument_of`: the one digest-checked way to find a stored result's definition."""

from __future__ import annotations

from pathlib import Path

import pytest

import risk_scoring as rs
from risk_scoring.definition.lookup import instrument_of

NO = {str(n): "no" for n in range(1, 25)}


@pytest.fixture
def dash_result() -> rs.Result:
    return rs.assess("dash", {"items": NO})


def tampered(result: rs.Result, digest: str = "0" * 64) -> rs.Result:
    data = result.model_dump(mode="json")
    data["provenance"]["digest"] = digest
    return rs.Result.model_validate(data)


def test_a_result_finds_its_built_in_definition(dash_result: rs.Result) -> None:
    assert instrument_of(dash_result) is rs.load_instrument("dash")


def test_a_result_from_other_content_is_refused(dash_result: rs.Result) -> None:
    with pytest.raises(rs.InstrumentError, match="not the built-in definition"):
        instrument_of(tampered(dash_result))


def test_the_given_definition_must_be_the_results(dash_result: rs.Result) -> None:
    with pytest.raises(rs.ReportError, match="was computed with dash"):
        instrument_of(dash_result, "odara", error=rs.ReportError)


def test_an_unknown_instrument_is_our_error_of_the_callers_kind(dash_result: rs.Result) -> None:
    data = dash_result.model_dump(mode="json")
    data["instrument"] = "no-such-instrument"
    with pytest.raises(rs.ComparisonError, match="is not a built-in instrument"):
        instrument_of(rs.Result.model_validate(data), error=rs.ComparisonError)


def test_reports_take_an_instrument_id(dash_result: rs.Result) -> None:
    by_id = rs.render_report(dash_result, "text", "en", instrument="dash")
    assert by_id == rs.render_report(dash_result, "text", "en")


def test_reports_refuse_a_result_whose_definition_changed(dash_result: rs.Result) -> None:
    with pytest.raises(rs.ReportError, match="not the built-in definition"):
        rs.render_report(tampered(dash_result), "text", "en")


def test_compare_takes_an_instrument_id_and_checks_the_digest(dash_result: rs.Result) -> None:
    assert rs.compare(dash_result, dash_result, instrument="dash").trend == "same"
    with pytest.raises(rs.ComparisonError, match="not the built-in definition"):
        rs.compare(dash_result, tampered(dash_result))


def test_frames_refuse_a_result_whose_definition_changed(dash_result: rs.Result) -> None:
    pytest.importorskip("pandas")
    with pytest.raises(rs.AnswerError, match="not the built-in definition"):
        rs.to_frame([tampered(dash_result)])


def test_a_results_instrument_is_looked_up_only_as_a_built_in_id(
    dash_result: rs.Result, tmp_path: Path
) -> None:
    data = dash_result.model_dump(mode="json")
    data["instrument"] = "../../etc/passwd.yaml"
    with pytest.raises(rs.ResultError, match="instrument"):  # not an id: refused on reading
        rs.Result.model_validate(data)
    built = dash_result.model_copy(update={"instrument": "../../etc/passwd.yaml"})
    with pytest.raises(rs.ReportError, match="not a built-in instrument id"):
        instrument_of(built, error=rs.ReportError)
