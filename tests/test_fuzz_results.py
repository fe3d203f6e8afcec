"""Fuzz targets for stored results and for answer frames (issue 15).

Stored result JSON, edited anywhere, is either refused by `Result.model_validate_json`
with `ResultError` or handled by every consumer (the three report formats, `compare`,
`to_frame` with and without items, `agreement`, the notebook card) with a return value
or one of our errors: never a foreign exception, never free text in an error, never a
case that runs for seconds.

Answer frames with mixed object columns (any Python value in any cell, pandas' string
and categorical dtypes, a case reference as the index) give a result frame or an
`AnswerError`, and a frame refuses exactly the rows `assess` refuses.

Threat model: docs/security.md §3 and "Hardening round 2".
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import json
import random
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, strategies as st

import risk_scoring as rs
from risk_scoring.analysis.frames import answers_to_frame, frame_to_answers, score_frame
from tests.security_support import (
    SENTINEL,
    fuzz,
    hostile_text,
    leaks,
    record,
    seeded_answers,
    write_free_text_instrument,
)

SLOWEST = 30.0
"""Seconds one case (one result through every consumer, one frame) may take."""


@pytest.fixture(scope="module")
def instruments(tmp_path_factory: pytest.TempPathFactory) -> dict[str, rs.Instrument]:
    found = {ident: rs.load_instrument(ident) for ident in rs.list_instruments()}
    found["free-text"] = write_free_text_instrument(tmp_path_factory.mktemp("free-text"))
    return found


@pytest.fixture(scope="module")
def stored(instruments: dict[str, rs.Instrument]) -> list[tuple[rs.Instrument, str]]:
    """Two results per instrument, with the sentinel in every free-text field, as JSON."""
    rng = random.Random(15)
    out = []
    for inst in instruments.values():
        for _ in range(2):
            answers = seeded_answers(inst, rng, SENTINEL)
            out.append((inst, inst.assess(answers).model_dump_json()))
    return out


def json_values() -> st.SearchStrategy[Any]:
    """Values a stored result could be edited to hold: every JSON type, at its edges."""
    scalar = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.sampled_from([2**53, 2**63, -(2**63), 10**30, -1, 0, 10**400]),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from([1e28, -1e308, 1e308, 5e-324, -0.0]),
        hostile_text(),
        st.sampled_from(
            ["22.11.2026", "2026-02-30", "2026-11-22", "very-high", "high", "Y", "maybe"]
        ),
        st.sampled_from(["../../etc/passwd", "a" * 300, "x" * 20_001, SENTINEL, ""]),
        st.sampled_from(["yes", "no", "N", "P", "O", "urgent", "consider", "total", "band"]),
    )
    return st.recursive(
        scalar,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
        ),
        max_leaves=6,
    )


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += _paths(value, (*prefix, i))
    return found


def _edited(doc: Any, path: tuple[Any, ...], new: Any, how: str) -> Any:
    if not path:
        return new
    head, *rest = path
    copy: Any = dict(doc) if isinstance(doc, dict) else list(doc)
    if not rest and how == "delete":
        del copy[head]
    elif not rest and how == "rename" and isinstance(copy, dict):
        copy[SENTINEL if head != SENTINEL else "x"] = copy.pop(head)
    else:
        copy[head] = _edited(doc[head], tuple(rest), new, how)
    return copy


def _consumers(inst: rs.Instrument) -> dict[str, Callable[[rs.Result], object]]:
    # A built-in is found by the result's id, as a stored result is rendered later.
    given = inst if inst.id == "free-text" else None
    return {
        "text": lambda r: rs.render_report(r, "text", instrument=given),
        "html": lambda r: rs.render_report(r, "html", "en", instrument=given),
        "markdown": lambda r: rs.render_report(r, "markdown", instrument=given),
        "compare": lambda r: rs.compare(r, r, instrument=given),
        "to_frame": lambda r: rs.to_frame([r], instrument=given),
        "to_frame items": lambda r: rs.to_frame([r], instrument=given, items=True),
        "agreement": lambda r: rs.agreement([r], [r], instrument=given),
        "card": lambda r: r._repr_html_(),
    }


def _no_leak(error: BaseException, where: str) -> None:
    shown = [str(error), repr(error), *(str(p) for p in getattr(error, "problems", ()))]
    assert not any(leaks(s) for s in shown), f"{where}: {shown}"


@fuzz(40)
@given(data=st.data())
def test_stored_results_edited_anywhere_are_refused_or_handled_by_every_consumer(
    stored: list[tuple[rs.Instrument, str]], data: st.DataObject
) -> None:
    inst, text = data.draw(st.sampled_from(stored), label="result")
    doc = json.loads(text)
    planted = False  # the sentinel written into a field repr shows (a warning, the trace)
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        path = data.draw(st.sampled_from(_paths(doc)), label="path")
        how = data.draw(st.sampled_from(["replace", "replace", "delete", "rename"]), label="how")
        how = how if path else "replace"
        value = data.draw(json_values(), label="value")
        planted = planted or (how == "replace" and leaks(json.dumps(value)))
        doc = _edited(doc, path, value, how)
    started = time.perf_counter()
    try:
        result = rs.Result.model_validate_json(json.dumps(doc))
    except rs.ResultError as exc:
        _no_leak(exc, "model_validate_json")
        result = None
    if result is not None:
        for name, call in _consumers(inst).items():
            try:
                call(result)
            except rs.RiskScoringError as exc:
                _no_leak(exc, name)
        # Free-text fields and keys never show; a value planted elsewhere is the editor's.
        assert planted or not leaks(repr(result))
    seconds = time.perf_counter() - started
    assert seconds < SLOWEST, f"{seconds:.1f} s"
    record("stored results through every consumer", seconds)


class Odd:
    """A value no frame expects."""

    def __repr__(self) -> str:
        return "Odd()"


def cells() -> st.SearchStrategy[Any]:
    """Anything a caller could leave in an object column."""
    return st.one_of(
        st.none(),
        st.just(pd.NA),
        st.just(np.nan),
        st.just(pd.NaT),
        st.booleans(),
        st.integers(-3, 1000),
        st.sampled_from([2**53, 2**63, -(2**70)]),
        st.floats(),
        st.sampled_from(["yes", "no", "unknown", "N", "P", "Y", "O", "low", "high", "moderate"]),
        st.sampled_from(["2026-11-22", "22.11.2026", "x\ny", "bad \ud800", "x" * 20_001]),
        hostile_text(20),
        st.sampled_from([np.int64(1), np.float64(2.0), np.bool_(True), np.str_("yes")]),
        st.sampled_from([decimal.Decimal("1"), dt.date(2026, 11, 22), pd.Timestamp("2026-11-22")]),
        st.sampled_from([b"yes", bytearray(b"no"), ["yes"], {"answer": "yes"}, {"yes"}]),
        st.just(Odd()),
    )


def _hostile_frame(data: st.DataObject, inst: rs.Instrument) -> pd.DataFrame:
    rng = random.Random(data.draw(st.integers(0, 2**16), label="seed"))
    rows = [
        seeded_answers(inst, rng, SENTINEL if rng.random() < 0.5 else None)
        for _ in range(data.draw(st.integers(1, 6), label="rows"))
    ]
    frame = answers_to_frame(inst, rows)
    for column in data.draw(st.lists(st.sampled_from(list(frame.columns)), max_size=4)):
        values = data.draw(st.lists(cells(), min_size=len(frame), max_size=len(frame)))
        frame[column] = pd.Series(values, dtype=object, index=frame.index)
    texts = [c for c in ("case_ref", "justification") if all(type(v) is str for v in frame[c])]
    for column in data.draw(st.lists(st.sampled_from(texts), max_size=2)) if texts else []:
        dtype: Any = data.draw(st.sampled_from([pd.StringDtype("python"), "string[pyarrow]"]))
        with contextlib.suppress(UnicodeEncodeError, TypeError, ValueError):  # Arrow: surrogates
            frame[column] = frame[column].astype(dtype)
    if data.draw(st.booleans(), label="categorical"):
        column = data.draw(st.sampled_from(list(frame.columns)))
        with contextlib.suppress(TypeError):  # unhashable cells
            frame[column] = frame[column].astype("category")
    if data.draw(st.booleans(), label="case references as the index"):
        frame.index = pd.Index([f"{SENTINEL} {i}" for i in range(len(frame))])
    return frame


def _assessed(inst: rs.Instrument, answers: dict[str, Any]) -> rs.Result | None:
    try:
        return rs.assess(inst, answers)
    except rs.AnswerError:
        return None


@fuzz(40)
@given(data=st.data())
def test_frames_with_mixed_object_columns_refuse_exactly_what_assess_refuses(
    instruments: dict[str, rs.Instrument], data: st.DataObject
) -> None:
    inst = data.draw(st.sampled_from(sorted(instruments.values(), key=lambda i: i.id)))
    frame = _hostile_frame(data, inst)
    started = time.perf_counter()
    try:
        raised = score_frame(inst, frame)
    except rs.AnswerError as exc:
        _no_leak(exc, "score_frame")
        raised = None
    try:
        collected = score_frame(inst, frame, on_error="collect")
    except rs.AnswerError as exc:  # a column problem: raised whatever on_error says
        _no_leak(exc, "score_frame collect")
        assert raised is None
        return
    answers = list(frame_to_answers(inst, frame))
    expected = [_assessed(inst, a) for a in answers]
    refused = [bool(p) for p in collected["problems"]]
    assert refused == [r is None for r in expected]
    assert (raised is None) == any(refused)
    levels = collected["level"].astype(object).where(collected["level"].notna(), None)
    assert levels.tolist() == [r.level if r else None for r in expected]
    seconds = time.perf_counter() - started
    assert seconds < SLOWEST, f"{seconds:.1f} s"
    record("frames with mixed object columns", seconds)
