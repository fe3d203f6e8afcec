"""Untrusted answers from other systems: only `AnswerError`, never a crash or a change.

Threat model: docs/security.md §3. Answers arrive as JSON or YAML from case-handling
systems, or as Python objects from callers; any shape and type may come. `assess` must
return a Result (which then serialises and reads back unchanged) or raise `AnswerError`
with at least one problem; it must never raise anything else, and never change the
mapping it was given.
"""

from __future__ import annotations

import datetime as dt
import decimal
import fractions
import json
import time
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given, strategies as st
from markupsafe import Markup

import risk_scoring as rs
from risk_scoring.engine import answers as answers_module
from risk_scoring.testing import answers, invalid_answers
from tests.security_support import fuzz, same, snapshot, write_free_text_instrument

INSTRUMENTS = rs.list_instruments()


@pytest.fixture(scope="module")
def free_text(tmp_path_factory: pytest.TempPathFactory) -> rs.Instrument:
    return write_free_text_instrument(tmp_path_factory.mktemp("free-text"))


def _instruments(free_text: rs.Instrument) -> list[rs.Instrument]:
    return [*(rs.load_instrument(i) for i in INSTRUMENTS), free_text]


class Weird:
    """An object no validator expects."""

    def __repr__(self) -> str:
        return "Weird()"


def scalars() -> st.SearchStrategy[Any]:
    """Every scalar type a caller could send, including ones JSON never carries."""
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.sampled_from([2**53 - 1, 2**53, -(2**53), 10**30]),
        # Built by map: Hypothesis would print the values, and repr(10**5000) fails.
        st.sampled_from([5000, -5000]).map(lambda e: 10 ** abs(e) * (1 if e > 0 else -1)),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=30),
        st.text(st.characters(codec=None, exclude_categories=()), max_size=10),  # surrogates
        st.sampled_from(["yes", "no", "Y", "N", "P", "O", "high", "low", "moderate", "true"]),
        st.sampled_from(["2026-11-22", "2026-13-01", "22.11.2026", "", " "]),
        st.just(20_001).map(lambda n: "x" * n),
        st.binary(max_size=10),
        st.dates(),
        st.datetimes(),
        st.decimals(allow_nan=True),
        st.fractions(),
        st.complex_numbers(),
        st.builds(Markup, st.sampled_from(["<b>x</b>", "yes", "high"])),
        st.just(Weird()),
        st.just(Ellipsis),
        st.just(range(3)),
    )


def values() -> st.SearchStrategy[Any]:
    """Any nesting of scalars in lists, tuples, sets and mappings of any key type."""
    keys = st.one_of(
        st.text(max_size=10),
        st.sampled_from(["items", "note", "recent", "past", "role", "id", "1", "N1", "A1"]),
        st.integers(),
        st.sampled_from([1.5, float("nan"), True, None, (1, 2), b"k"]),
        st.just(5000).map(lambda e: 10**e),
    )
    return st.recursive(
        scalars(),
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.tuples(inner, inner),
            st.frozensets(st.integers(), max_size=3),
            st.dictionaries(keys, inner, max_size=4),
            st.dictionaries(st.text(max_size=5), inner, max_size=3).map(MappingProxyType),
            st.dictionaries(st.text(max_size=5), inner, max_size=3).map(OrderedDict),
        ),
        max_leaves=20,
    )


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out += _paths(value, (*prefix, i))
    return out


def _replace(data: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        out = dict(data)
        out[head] = _replace(data[head], rest, new)
        return out
    out_list = list(data)
    out_list[head] = _replace(data[head], rest, new)
    return out_list


@st.composite
def mutated_answers(draw: st.DrawFn, inst: rs.Instrument) -> Any:
    """Valid (or singly invalid) answers with one to three parts replaced or added."""
    complete = draw(st.booleans())
    base = draw(
        st.one_of(
            answers(inst, complete=complete),
            answers(inst, complete=complete, record=True),  # the SPJ case record
            invalid_answers(inst),
        )
    )
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["replace", "replace", "add"]))
        path = draw(st.sampled_from(_paths(base)))
        if how == "replace":
            base = _replace(base, path, draw(values()))
        else:
            target = base
            for step in path:
                target = target[step]
            if isinstance(target, dict):
                key = draw(
                    st.one_of(
                        st.sampled_from(["note", "past", "relevance", "x"]), st.text(max_size=8)
                    )
                )
                base = _replace(base, path, {**target, key: draw(values())})
    return base


def check_assess(inst: rs.Instrument, raw: Any) -> rs.Result | None:
    """Assess `raw`: a Result that round-trips, or AnswerError; `raw` left unchanged."""
    before = snapshot(raw)
    start = time.perf_counter()
    error: rs.AnswerError | None = None
    try:
        result: rs.Result | None = inst.assess(raw)
    except rs.AnswerError as exc:
        error, result = exc, None
    if error is not None:
        assert error.problems
        for problem in error.problems:
            assert isinstance(problem.path, str)
            assert isinstance(problem.message, str)
            assert problem.message
            assert len(str(problem)) < 2_000, "a problem message should be short"
        assert str(error)
    assert time.perf_counter() - start < 2.0
    assert same(snapshot(raw), before), "the caller's answers were changed"
    if result is not None:
        text = result.model_dump_json()
        back = rs.Result.model_validate_json(text)
        assert back == result
        assert back.model_dump_json() == text
        json.loads(text)
    return result


@pytest.mark.parametrize("ident", [*INSTRUMENTS, "free-text"])
@fuzz(60)
@given(data=st.data())
def test_mutated_answers_give_a_result_or_answer_error(
    free_text: rs.Instrument, ident: str, data: st.DataObject
) -> None:
    inst = free_text if ident == "free-text" else rs.load_instrument(ident)
    check_assess(inst, data.draw(mutated_answers(inst)))


@fuzz(150)
@given(data=st.data(), raw=values())
def test_answers_of_any_shape_give_a_result_or_answer_error(
    free_text: rs.Instrument, data: st.DataObject, raw: Any
) -> None:
    inst = data.draw(st.sampled_from(_instruments(free_text)))
    if not isinstance(raw, Mapping):
        with pytest.raises(rs.AnswerError):
            inst.assess(raw)
        return
    check_assess(inst, raw)


@fuzz(100)
@given(data=st.data())
def test_any_value_in_any_known_field_gives_a_result_or_answer_error(
    free_text: rs.Instrument, data: st.DataObject
) -> None:
    """Every field the format names, filled with every type of value."""
    inst = data.draw(st.sampled_from(_instruments(free_text)))
    raw = data.draw(answers(inst))
    item = data.draw(st.sampled_from(inst.items))
    where = data.draw(
        st.sampled_from(
            ["item", "dimension", "note", "context", "judgement", "top", "assessor", "assessors"]
        )
    )
    value = data.draw(values())
    if where == "item":
        raw["items"][item.id] = value
    elif where in ("dimension", "note"):
        key = (
            data.draw(st.sampled_from([d.id for d in inst.dimensions]))
            if where == "dimension"
            else "note"
        )
        raw["items"][item.id] = {
            inst.primary.id: data.draw(
                st.sampled_from([v.id for v in inst.scale_for(item, inst.primary).values])
            ),
            key: value,
        }
    elif where == "context":
        names = [f.id for f in inst.context] or ["none"]
        raw["context"] = {data.draw(st.sampled_from(names)): value}
    elif where == "judgement":
        names = [j.id for j in inst.judgements] or ["none"]
        raw["judgements"] = {data.draw(st.sampled_from(names)): value}
    elif where == "top":
        raw[data.draw(st.sampled_from(list(answers_module.TOP_LEVEL)))] = value
    elif where == "assessor":
        raw["assessors"] = [
            {data.draw(st.sampled_from(["role", "id", "x"])): value, "role": "risk_analyst"}
        ]
    else:
        raw["assessors"] = value
    check_assess(inst, raw)


# --- specific hostile inputs and limits ------------------------------------------------

DASH_BASE: dict[str, Any] = {"items": {str(n): "no" for n in range(1, 25)}}


def _problems(raw: Mapping[str, Any], ident: str = "dash") -> list[rs.Problem]:
    with pytest.raises(rs.AnswerError) as info:
        rs.assess(ident, raw)
    return list(info.value.problems)


def test_huge_integers_are_refused_without_converting_them_to_text() -> None:
    """repr(10**5000) raises ValueError in Python 3.11+; it must not escape."""
    problems = _problems({**DASH_BASE, "context": {"incidents_last_12_months": 10**5000}})
    assert problems[0].message.startswith("a very large number is not allowed")
    problems = _problems({**DASH_BASE, "items": {**DASH_BASE["items"], "1": 10**5000}})
    assert problems[0].path == "items.1"
    raw: dict[Any, Any] = {**DASH_BASE}
    raw[10**5000] = 1
    problems = _problems(raw)
    assert problems[0].path == "<int>"
    problems = _problems({**DASH_BASE, "judgements": {10**5000: None}})
    assert problems[0].path == "judgements.<int>"


def test_integers_are_limited_to_what_json_carries_exactly() -> None:
    limit = answers_module.MAX_INT
    ok = rs.assess("dash", {**DASH_BASE, "context": {"incidents_last_12_months": limit}})
    assert ok.context["incidents_last_12_months"] == limit
    problems = _problems({**DASH_BASE, "context": {"incidents_last_12_months": limit + 1}})
    assert problems[0].path == "context.incidents_last_12_months"


def test_lone_surrogates_are_refused_so_every_result_serialises() -> None:
    problems = _problems({**DASH_BASE, "case_ref": "ab\ud800"})
    assert problems == [
        rs.Problem(
            "case_ref", "is not valid Unicode text (it holds a lone surrogate)", code="not_unicode"
        )
    ]


def test_text_longer_than_the_limit_is_refused() -> None:
    limit = answers_module.MAX_TEXT
    assert rs.assess("dash", {**DASH_BASE, "justification": "x" * limit}).justification
    problems = _problems({**DASH_BASE, "justification": "x" * (limit + 1)})
    assert problems == [
        rs.Problem(
            "justification", f"is {limit + 1} characters; the limit is {limit}", code="too_long"
        )
    ]


def test_text_subclasses_are_stored_as_plain_text() -> None:
    result = rs.assess("dash", {**DASH_BASE, "case_ref": Markup("<b>x</b>")})
    assert type(result.case_ref) is str


@pytest.mark.parametrize(
    ("where", "build"),
    [
        ("top level", lambda n: {**DASH_BASE, **{f"k{i}": 1 for i in range(n)}}),
        ("items", lambda n: {"items": {**DASH_BASE["items"], **{f"k{i}": "no" for i in range(n)}}}),
        ("context", lambda n: {**DASH_BASE, "context": {f"k{i}": 1 for i in range(n)}}),
        ("judgements", lambda n: {**DASH_BASE, "judgements": {f"k{i}": "high" for i in range(n)}}),
        (
            "dimensions",
            lambda n: {
                "items": {
                    **DASH_BASE["items"],
                    "1": {"answer": "no", **{f"k{i}": 1 for i in range(n)}},
                }
            },
        ),
        ("assessors", lambda n: {**DASH_BASE, "assessors": [{"role": "x"}] * n}),
        (
            "assessor keys",
            lambda n: {**DASH_BASE, "assessors": [{"role": "x", **{f"k{i}": 1 for i in range(n)}}]},
        ),
    ],
)
def test_huge_mappings_give_few_problems_quickly(where: str, build: Any) -> None:
    raw = build(200_000)
    start = time.perf_counter()
    problems = _problems(raw)
    assert time.perf_counter() - start < 5.0, where
    assert len(problems) <= answers_module.MAX_LISTED + 2, where
    assert sum(len(str(p)) for p in problems) < 10_000, where


def test_assessor_lists_of_any_length_are_refused_quickly() -> None:
    start = time.perf_counter()
    problems = _problems({**DASH_BASE, "assessors": range(10**9)})
    assert time.perf_counter() - start < 1.0
    assert problems[0].message == "at most 2 assessors (a pair)"


def test_keys_that_are_not_codes_are_not_quoted() -> None:
    problems = _problems({**DASH_BASE, "Kari Nordmann sa at": "x"})
    assert problems[0].path == "<text of 19 characters>"
    problems = _problems({"items": {**DASH_BASE["items"], "1": {"answer": "no", "hun er redd": 1}}})
    assert problems[0].path == "items.1.<text of 11 characters>"


def test_answers_from_json_and_python_give_the_same_result(tmp_path: Path) -> None:
    raw = {
        **DASH_BASE,
        "assessed_on": dt.date(2026, 11, 22),
        "context": {"incidents_last_12_months": 3, "repeat_after_marac": False},
    }
    from_json = json.loads(json.dumps({**raw, "assessed_on": "2026-11-22"}))
    assert (
        rs.assess("dash", raw).model_dump_json() == rs.assess("dash", from_json).model_dump_json()
    )


def test_numeric_types_that_are_not_int_are_refused() -> None:
    for value in (3.0, decimal.Decimal(3), fractions.Fraction(3), True, "3"):
        problems = _problems({**DASH_BASE, "context": {"incidents_last_12_months": value}})
        assert problems[0].path == "context.incidents_last_12_months"
