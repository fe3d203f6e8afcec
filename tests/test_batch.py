"""`assess_many` streams: one result per row, in order, reading rows only as needed."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest

import risk_scoring as rs
from risk_scoring.engine.batch import RowError, assess_many

NO = {str(n): "no" for n in range(1, 25)}


def rows(count: int, pulled: list[int] | None = None) -> Iterator[dict[str, Any]]:
    for i in range(count):
        if pulled is not None:
            pulled.append(i)
        yield {"items": {**NO, "1": "yes" if i % 2 else "no"}, "case_ref": f"c{i}"}


def test_results_come_back_in_input_order() -> None:
    results = list(assess_many("dash", rows(4)))
    assert [r.case_ref for r in results] == ["c0", "c1", "c2", "c3"]
    assert [r.score for r in results] == [0.0, 1.0, 0.0, 1.0]


def test_rows_are_read_lazily_one_at_a_time() -> None:
    pulled: list[int] = []
    stream = assess_many(rs.load_instrument("dash"), rows(1_000, pulled))
    assert pulled == []
    next(stream)
    next(stream)
    assert pulled == [0, 1]


def _peak(count: int) -> int:
    tracemalloc.start()
    try:
        for _ in assess_many("dash", rows(count)):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_number_of_rows() -> None:
    rs.assess("dash", {"items": NO})  # load and compile before measuring
    small, large = _peak(500), _peak(5_000)
    assert large < small * 1.5 + 64_000


def test_raise_stops_at_the_first_refused_row_and_names_it() -> None:
    batch: list[dict[str, Any]] = [{"items": NO}, {"items": {**NO, "3": "maybe"}}, {"items": NO}]
    stream = assess_many("dash", batch)
    assert next(stream).level == "standard"
    with pytest.raises(rs.AnswerError) as caught:
        next(stream)
    assert [p.path for p in caught.value.problems] == ["rows.1.items.3"]
    assert "'maybe' is not allowed" in caught.value.problems[0].message


def test_collect_yields_an_error_record_in_place_and_goes_on() -> None:
    batch: list[Any] = [{"items": NO}, {"items": {**NO, "3": "maybe"}}, "not a mapping", {}]
    out = list(assess_many("dash", batch, on_error="collect"))
    assert [type(r).__name__ for r in out] == ["Result", "RowError", "RowError", "RowError"]
    error = out[1]
    assert isinstance(error, RowError)
    assert error.index == 1
    with pytest.raises(rs.AnswerError) as caught:
        rs.assess("dash", batch[1])
    assert error.problems == caught.value.problems
    assert str(error).startswith("row 1: 1 problem")
    assert len(out[3].problems) == 24  # type: ignore[union-attr]


def test_free_text_never_appears_in_error_records() -> None:
    secret = "the neighbour saw him at the door"
    batch = [{"items": {**NO, "1": {"answer": "maybe", "note": secret}}, "justification": secret}]
    (error,) = assess_many("dash", batch, on_error="collect")
    assert secret not in str(error)


def test_a_wrong_on_error_is_refused_before_any_row_is_read() -> None:
    pulled: list[int] = []
    with pytest.raises(rs.AnswerError, match="on_error"):
        assess_many("dash", rows(3, pulled), on_error="skip")  # type: ignore[call-overload]
    assert pulled == []


def test_an_unknown_instrument_is_refused_at_once() -> None:
    with pytest.raises(rs.InstrumentNotFoundError):
        assess_many("no-such-instrument", [])
