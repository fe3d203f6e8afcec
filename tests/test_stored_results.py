"""Stored results read back: a Result that validates is one every consumer can handle.

Issue 15 (red team D7, D10b, D10c): results read with `Result.model_validate_json` that
then crashed `render_report`, `compare` or `to_frame` with foreign exceptions. A stored
result is refused at validation with `ResultError` when a field is out of its bounds
(dates, numbers, texts, single-line fields), and when it does not fit its instrument
where the library knows that instrument (a built-in with the same digest). Consumers
given an instrument check the result against it and raise their own error.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import risk_scoring as rs
from tests.security_support import SENTINEL, leaks, write_free_text_instrument

NO = {str(n): "no" for n in range(1, 25)}
SARA_ITEMS = [f"N{i}" for i in range(1, 9)] + [f"P{i}" for i in range(1, 11)]
SARA_ITEMS += [f"V{i}" for i in range(1, 7)]


def _dash() -> dict[str, Any]:
    answers = {
        "items": {**NO, "1": {"answer": "yes", "note": "a note"}},
        "case_ref": "X1",
        "assessed_on": "2026-11-22",
        "justification": "reasons",
        "assessors": [{"role": "analyst", "id": "a1"}],
    }
    return json.loads(rs.assess("dash", answers).model_dump_json())  # type: ignore[no-any-return]


def _sara() -> dict[str, Any]:
    items: dict[str, Any] = dict.fromkeys(SARA_ITEMS, "N")
    items["N2"] = {"recent": "Y", "past": "P"}
    judged = dict.fromkeys(("case_prioritization", "serious_harm", "imminent_violence"), "high")
    answers = {"items": items, "judgements": judged, "justification": "x"}
    return json.loads(rs.assess("sara-v3", answers).model_dump_json())  # type: ignore[no-any-return]


def _refused(doc: dict[str, Any]) -> rs.ResultError:
    with pytest.raises(rs.ResultError) as caught:
        rs.Result.model_validate_json(json.dumps(doc))
    with pytest.raises(rs.ResultError):
        rs.Result.model_validate(doc)
    return caught.value


def _put(doc: dict[str, Any], path: str, value: object) -> None:
    """Set the field at a dotted `path` (``assessors.0.role``) of a result document."""
    *parents, last = path.split(".")
    target: Any = doc
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    target[last] = value


def _paths(error: rs.ResultError) -> list[str]:
    return [p.path for p in error.problems]


def test_a_valid_stored_result_still_reads_back_unchanged() -> None:
    for doc in (_dash(), _sara()):
        text = json.dumps(doc, separators=(",", ":"), ensure_ascii=False)
        assert rs.Result.model_validate_json(text).model_dump_json() == text


@pytest.mark.parametrize("date", ["22.11.2026", "2026-13-01", "20261122", "2026-W47-1", ""])
def test_a_date_not_written_yyyy_mm_dd_is_refused(date: str) -> None:
    doc = _dash()
    doc["assessed_on"] = date
    error = _refused(doc)
    assert _paths(error) == ["assessed_on"]
    assert "YYYY-MM-DD" in str(error)


@pytest.mark.parametrize("score", [-1e308, 1e28, float("nan"), float("inf")])
def test_scores_and_points_are_finite_and_bounded(score: float) -> None:
    doc = _dash()
    doc["score"] = score
    with pytest.raises(rs.ResultError) as caught:
        rs.Result.model_validate(doc)
    assert _paths(caught.value) == ["score"]
    doc = _dash()
    doc["domains"][0]["points"] = score
    with pytest.raises(rs.ResultError) as caught:
        rs.Result.model_validate(doc)
    assert _paths(caught.value) == ["domains.0.points"]


@pytest.mark.parametrize("field", ["items", "omitted"])
@pytest.mark.parametrize("value", [2**63, 2**53, -1])
def test_domain_counts_are_whole_numbers_json_carries_exactly(field: str, value: int) -> None:
    doc = _dash()
    doc["domains"][0][field] = value
    assert _paths(_refused(doc)) == [f"domains.0.{field}"]
    doc = _dash()
    doc["domains"][0]["counts"]["yes"] = value
    assert _paths(_refused(doc)) == ["domains.0.counts.yes"]


def test_texts_are_bounded_as_answers_are() -> None:
    doc = _dash()
    doc["justification"] = "x" * 20_000
    rs.Result.model_validate_json(json.dumps(doc))
    for path in ("justification", "case_ref", "notes.1", "assessors.0.role", "assessors.0.id"):
        doc = _dash()
        _put(doc, path, "x" * 20_001)
        assert _paths(_refused(doc)) == [path]


def test_a_twenty_megabyte_justification_is_refused() -> None:
    doc = _dash()
    doc["justification"] = "x" * 20_000_000
    assert _paths(_refused(doc)) == ["justification"]


@pytest.mark.parametrize("bad", ["a\nb", "a\rb", "a\tb", "a\x1bb", "a\x85b", "a\u2028b", "a\x00b"])
def test_single_line_fields_refuse_line_breaks_and_control_characters(bad: str) -> None:
    for path in ("case_ref", "assessors.0.role", "assessors.0.id"):
        doc = _dash()
        _put(doc, path, bad)
        error = _refused(doc)
        assert _paths(error) == [path]
        assert [p.code for p in error.problems] == ["not_one_line"]


def test_multi_line_texts_keep_their_lines() -> None:
    doc = _dash()
    doc["justification"] = "first line\nsecond line\ttabbed"
    doc["notes"]["1"] = "a\nb"
    assert rs.Result.model_validate_json(json.dumps(doc)).justification == (
        "first line\nsecond line\ttabbed"
    )


def test_a_level_the_instrument_lacks_is_refused_naming_its_levels() -> None:
    doc = _sara()
    doc["level"] = "very-high"
    error = _refused(doc)
    assert _paths(error) == ["level"]
    assert "'high', 'low', 'moderate'" in str(error)


def test_ratings_and_judgements_outside_the_scale_are_refused_all_at_once() -> None:
    doc = _sara()
    doc["ratings"]["N1"]["recent"] = "maybe"
    doc["ratings"]["N1"]["colour"] = "Y"
    doc["ratings"]["Z9"] = {"recent": "Y"}
    doc["judgements"]["serious_harm"] = "very-high"
    error = _refused(doc)
    assert sorted(_paths(error)) == [
        "judgements.serious_harm",
        "ratings.N1.colour",
        "ratings.N1.recent",
        "ratings.Z9",
    ]


def test_a_result_of_another_definition_is_only_checked_for_its_own_bounds() -> None:
    # Another digest: the library does not know the definition, so it cannot check the
    # level here; consumers given the definition check it (below).
    doc = _sara()
    doc["provenance"]["digest"] = "0" * 64
    doc["level"] = "very-high"
    rs.Result.model_validate_json(json.dumps(doc))


def _custom(tmp_path: Path) -> tuple[rs.Instrument, dict[str, Any]]:
    inst = write_free_text_instrument(tmp_path)
    items = {"A1": {"recent": "Y", "past": "N"}, "A2": "N", "B1": "N"}
    answers = {"items": items, "judgements": {"harm": "high", "imminent": "high"}}
    return inst, json.loads(inst.assess(answers).model_dump_json())


CONSUMERS: dict[str, tuple[type[rs.RiskScoringError], Callable[..., object]]] = {
    "text": (rs.ReportError, lambda r, i: rs.render_report(r, "text", instrument=i)),
    "html": (rs.ReportError, lambda r, i: rs.render_report(r, "html", instrument=i)),
    "markdown": (rs.ReportError, lambda r, i: rs.render_report(r, "markdown", instrument=i)),
    "compare": (rs.ComparisonError, lambda r, i: rs.compare(r, r, instrument=i)),
    "to_frame": (rs.AnswerError, lambda r, i: rs.to_frame([r], instrument=i)),
    "to_frame items": (rs.AnswerError, lambda r, i: rs.to_frame([r], instrument=i, items=True)),
}


@pytest.mark.parametrize("consumer", list(CONSUMERS))
def test_consumers_given_the_definition_refuse_a_result_that_does_not_fit_it(
    tmp_path: Path, consumer: str
) -> None:
    inst, doc = _custom(tmp_path)
    error_type, call = CONSUMERS[consumer]
    tampers: list[Callable[[dict[str, Any]], None]] = [
        lambda d: d.update(level="very-high"),
        lambda d: d["ratings"]["A1"].update(recent="maybe"),
        lambda d: d["judgements"].update(harm="very-high"),
    ]
    for tamper in tampers:
        tampered = json.loads(json.dumps(doc))
        tamper(tampered)
        result = rs.Result.model_validate_json(json.dumps(tampered))
        if consumer == "to_frame" and result.level != "very-high":
            call(result, inst)  # the frame without items reads neither ratings nor judgements
            continue
        with pytest.raises(error_type) as caught:
            call(result, inst)
        assert "does not fit" in str(caught.value)


def test_a_rating_outside_the_scale_in_to_frame_items_is_our_error() -> None:
    doc = _sara()
    doc["provenance"]["digest"] = "0" * 64  # not checked at validation: the frame checks
    doc["ratings"]["N1"]["recent"] = "maybe"
    result = rs.Result.model_validate_json(json.dumps(doc))
    inst = rs.load_instrument("sara-v3")
    with pytest.raises(rs.AnswerError):
        rs.to_frame([result], instrument=inst, items=True)


def test_result_errors_never_quote_keys_that_are_free_text() -> None:
    doc = _dash()
    doc["notes"] = {SENTINEL: 5}
    doc["context"] = {SENTINEL: [1]}
    doc["judgement_texts"] = {SENTINEL: 5}
    doc["ratings"] = {SENTINEL: {"answer": 5}}
    error = _refused(doc)
    assert not leaks(str(error)), str(error)
    assert not any(leaks(p.path) for p in error.problems)
    assert f"notes.<text of {len(SENTINEL)} characters>" in _paths(error)


def test_repr_of_a_result_never_shows_assessor_roles() -> None:
    doc = _dash()
    doc["assessors"] = [{"role": SENTINEL, "id": SENTINEL}]
    result = rs.Result.model_validate_json(json.dumps(doc))
    assert not leaks(repr(result))
    assert not leaks(repr(result.assessors))
