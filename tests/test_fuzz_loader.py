"""Untrusted instrument files: the loader raises only `InstrumentError`, located, quickly.

Threat model: docs/security.md §1. The fuzz tests feed `load_instrument` and
`load_catalogue` built-in definitions with random byte and line edits, whole-file
re-encodings (CRLF, BOM, UTF-16, Latin-1), definitions with random tree edits, and
random YAML documents. Whatever they get, they return a definition or raise
`InstrumentError` whose problems carry a line and column wherever the file has one, in
bounded time. The tests after them pin each defence of the YAML dialect and each limit,
so that removing one fails a named test.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import re
import time
import tracemalloc
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, strategies as st
from pydantic import BaseModel

import risk_scoring as rs
from risk_scoring.definition import loading, reader as _yaml
from tests.security_support import FREE_TEXT_YAML, LONG, fuzz, record

BUILTIN = {p.name: p.read_bytes() for p in sorted(loading.builtin_dir().glob("*.yaml"))}
DEFINITIONS = sorted(
    name for name in BUILTIN if name not in (loading.CATALOGUE_FILE, loading.SOURCES_FILE)
)
SECONDS = 10.0
"""Any one load, whatever the input (the worst measured case takes about 1.5 s)."""

# Problems a file cannot have a position for.
POSITIONLESS = re.compile(r"^(file is \d+ bytes; the limit is \d+|the file must hold a mapping)$")

_names = itertools.count()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-loader")


def _write(folder: Path, raw: bytes, name: str = "instrument.yaml") -> Path:
    # A fresh name each time: the loader caches by path, modification time and size.
    sub = folder / str(next(_names))
    sub.mkdir()
    path = sub / name
    path.write_bytes(raw)
    return path


def check_load(path: Path, raw: bytes, load: Callable[[Path], object]) -> rs.InstrumentError | None:
    """Load `path`; only InstrumentError may come out, located, in bounded time."""
    start = time.perf_counter()
    try:
        load(path)
    except rs.InstrumentError as exc:
        error: rs.InstrumentError | None = exc
    else:
        error = None
    elapsed = time.perf_counter() - start
    assert elapsed < SECONDS, f"loading took {elapsed:.1f} s"
    if error is None:
        return None
    assert error.problems, "an InstrumentError without problems"
    lines = raw.count(b"\n") + raw.count(b"\r") + 2
    for problem in error.problems:
        assert problem.source == str(path)
        assert problem.message
        if problem.line is None:
            assert POSITIONLESS.match(problem.message), f"no position: {problem}"
        else:
            assert 1 <= problem.line <= lines, problem
            assert problem.column is not None
            assert problem.column >= 1, problem
    first = error.problems[0]
    assert (error.line, error.column) == (first.line, first.column)
    assert str(error)
    return error


def _load_any(path: Path) -> object:
    if path.name == loading.CATALOGUE_FILE:
        return rs.load_catalogue(path)
    if path.name == loading.SOURCES_FILE:
        from risk_scoring.definition.bibliography import load_bibliography

        return load_bibliography(path)
    return rs.load_instrument(path)


# --- mutations --------------------------------------------------------------------------

TOKENS = [
    b"&a ",
    b"*a",
    b"&anchor [1, 2]",
    b"!!python/object/apply:os.system ['true']",
    b"!!python/name:os.system",
    b"!!binary aGk=",
    b"!!set {a}",
    b"!!timestamp 2001-12-14",
    b"!local ",
    b"!<tag:example.com,2000:x> ",
    b"<<: ",
    b"? ",
    b"{",
    b"}",
    b"[",
    b"]",
    b'"',
    b"'",
    b": ",
    b"- ",
    b"\t",
    b"\x00",
    b"\x07",
    b"\x1b[31m",
    b"\xff",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\xef\xbb\xbf",
    b"\xef\xbf\xbe",
    b"\r\n",
    b"\r",
    b"\n---\n",
    b"\n...\n",
    b"%YAML 1.1\n",
    b"%TAG !e! tag:example.com,2000:\n",
    b"yes",
    b"no",
    b"on",
    b"~",
    b"null",
    b"1:30",
    b"0x1f",
    b"012",
    b".inf",
    b"-.nan",
    b"1e400",
    b"99999999999999999999999999999999",
    b'"\\u0000\\ud800"',
    b"\xe2\x80\xae",
    b"#",
    b"|",
    b">-",
    b"\n  ",
    b"\n",
    b"[" * 60,
    b"{a: " * 60,
    b"x" * 5000,
]


@st.composite
def mutated_builtin(draw: st.DrawFn, corpus: Mapping[str, bytes] = BUILTIN) -> tuple[str, bytes]:
    """A built-in definition (or the catalogue) with one to five random edits."""
    name = draw(st.sampled_from(sorted(corpus)))
    raw = bytearray(corpus[name])
    for _ in range(draw(st.integers(1, 5))):
        edit = draw(st.sampled_from(["insert", "delete", "replace", "lines", "value"]))
        at = draw(st.integers(0, len(raw)))
        if edit == "insert":
            token = draw(st.one_of(st.sampled_from(TOKENS), st.binary(min_size=1, max_size=8)))
            raw[at:at] = token
        elif edit == "delete":
            del raw[at : at + draw(st.integers(1, 200))]
        elif edit == "replace":
            raw[at : at + draw(st.integers(1, 20))] = draw(st.binary(max_size=20))
        elif edit == "lines":
            lines = bytes(raw).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            how = draw(st.sampled_from(["dup", "drop", "swap", "indent", "dedent"]))
            if how == "dup":
                lines.insert(j, lines[i])
            elif how == "drop":
                del lines[i]
            elif how == "swap":
                lines[i], lines[j] = lines[j], lines[i]
            elif how == "indent":
                lines[i] = b" " * draw(st.integers(1, 4)) + lines[i]
            else:
                lines[i] = lines[i].lstrip()
            raw = bytearray(b"\n".join(lines))
        else:
            lines = bytes(raw).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            head, sep, _value = lines[i].partition(b": ")
            scalar = draw(st.one_of(st.sampled_from(TOKENS), st.text(max_size=30).map(str.encode)))
            lines[i] = head + (sep or b": ") + scalar
            raw = bytearray(b"\n".join(lines))
    return name, _reencode(draw, bytes(raw))


def _reencode(draw: st.DrawFn, raw: bytes) -> bytes:
    how = draw(st.sampled_from(["same"] * 6 + ["crlf", "cr", "bom", "utf16", "latin1", "tail"]))
    if how == "crlf":
        return raw.replace(b"\n", b"\r\n")
    if how == "cr":
        return raw.replace(b"\n", b"\r")
    if how == "bom":
        return b"\xef\xbb\xbf" + raw
    text = raw.decode("utf-8", "replace")
    if how == "utf16":
        return text.encode("utf-16")
    if how == "latin1":
        return text.encode("latin-1", "replace")
    if how == "tail":
        return raw + draw(st.binary(min_size=1, max_size=50))
    return raw


def _json_like() -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(max_size=20),
        st.sampled_from(["yes", "no", "N", "Y", "O", "1", "high", "low", "dash"]),
        st.just(3000).map(lambda n: "a" * n),  # by map, so reports do not print it
    )
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=25,
    )


def _tree_edit(draw: st.DrawFn, data: Any, depth: int = 0) -> Any:
    """`data` with one random change somewhere in it: delete, replace, add or reorder."""
    if isinstance(data, dict) and data and depth < 12:
        key = draw(st.sampled_from(sorted(data, key=str)))
        how = draw(st.sampled_from(["descend"] * 4 + ["drop", "replace", "add", "rename"]))
        out = dict(data)
        if how == "descend":
            out[key] = _tree_edit(draw, data[key], depth + 1)
        elif how == "drop":
            del out[key]
        elif how == "replace":
            out[key] = draw(_json_like())
        elif how == "add":
            out[draw(st.text(min_size=1, max_size=10))] = draw(_json_like())
        else:
            out[
                draw(st.sampled_from(["id", "items", "when", "scale", "domain", "x-y", "levels"]))
            ] = out.pop(key)
        return out
    if isinstance(data, list) and data and depth < 12:
        i = draw(st.integers(0, len(data) - 1))
        how = draw(st.sampled_from(["descend"] * 4 + ["drop", "dup", "replace", "reverse"]))
        out_list = list(data)
        if how == "descend":
            out_list[i] = _tree_edit(draw, data[i], depth + 1)
        elif how == "drop":
            del out_list[i]
        elif how == "dup":
            out_list.insert(i, data[i])
        elif how == "replace":
            out_list[i] = draw(_json_like())
        else:
            out_list.reverse()
        return out_list
    return draw(_json_like())


@st.composite
def edited_tree(draw: st.DrawFn, corpus: Mapping[str, bytes] = BUILTIN) -> tuple[str, bytes]:
    """A built-in definition parsed, edited as data (one to three edits), written as YAML."""
    name = draw(st.sampled_from(sorted(corpus)))
    data = _yaml.parse(corpus[name], name).data
    for _ in range(draw(st.integers(1, 3))):
        data = _tree_edit(draw, data)
    flow = draw(st.sampled_from([False, None, True]))
    text = yaml.safe_dump(
        data, default_flow_style=flow, allow_unicode=draw(st.booleans()), sort_keys=False
    )
    return name, text.encode()


@st.composite
def random_document(draw: st.DrawFn) -> tuple[str, bytes]:
    """Any YAML document, or any bytes."""
    if draw(st.booleans()):
        return "instrument.yaml", draw(st.binary(max_size=300))
    data = draw(_json_like())
    flow = draw(st.sampled_from([False, None, True]))
    return "instrument.yaml", yaml.safe_dump(data, default_flow_style=flow).encode()


# --- fuzz tests -------------------------------------------------------------------------


@fuzz(200)
@given(case=mutated_builtin())
def test_mutated_builtins_raise_only_located_instrument_errors(
    folder: Path, case: tuple[str, bytes]
) -> None:
    name, raw = case
    check_load(_write(folder, raw, name), raw, _load_any)


@fuzz(25)
@given(case=edited_tree())
def test_edited_definitions_raise_only_located_instrument_errors(
    folder: Path, case: tuple[str, bytes]
) -> None:
    name, raw = case
    error = check_load(_write(folder, raw, name), raw, _load_any)
    if error is not None:  # a valid YAML file: every problem is located in it
        assert all(p.line is not None for p in error.problems), error


@fuzz(80)
@given(case=random_document())
def test_random_documents_raise_only_located_instrument_errors(
    folder: Path, case: tuple[str, bytes]
) -> None:
    name, raw = case
    check_load(_write(folder, raw, name), raw, _load_any)


@fuzz(40)
@given(
    depth=st.integers(1, 400),
    opener=st.sampled_from([b"[", b"{a: ", b"- ", b"? ", b"a:\n"]),
    closed=st.booleans(),
)
def test_deep_nesting_is_refused_with_a_position(
    folder: Path, depth: int, opener: bytes, closed: bool
) -> None:
    if opener == b"a:\n":
        raw = b"".join(b"  " * i + b"a:\n" for i in range(depth)) + b"  " * depth + b"x\n"
    elif opener == b"- ":
        raw = b"".join(b"  " * i + b"-\n" for i in range(depth)) + b"  " * depth + b"x\n"
    else:
        closer = {b"[": b"]", b"{a: ": b"}", b"? ": b""}[opener]
        raw = opener * depth + b"1" + (closer * depth if closed else b"")
    error = check_load(_write(folder, raw), raw, rs.load_instrument)
    assert error is not None
    if depth > _yaml.MAX_DEPTH + 1:
        assert any("nesting deeper than" in p.message for p in error.problems) or any(
            p.line is not None for p in error.problems
        )


# --- the defences, one by one -----------------------------------------------------------


def _message(folder: Path, raw: bytes) -> rs.Problem:
    error = check_load(_write(folder, raw), raw, rs.load_instrument)
    assert error is not None
    return error.problems[0]


def test_aliases_are_refused(folder: Path) -> None:
    problem = _message(folder, b"id: x\nversion: *v\n")
    assert problem.message == "aliases (*name) are not allowed"
    assert (problem.line, problem.column) == (2, 10)


def test_anchors_are_refused_so_billion_laughs_cannot_expand(folder: Path) -> None:
    laughs = b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + b"".join(
        b"%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n"
        % ((ord("a") + i + 1,) * 2 + (ord("a") + i,) * 9)
        for i in range(9)
    )
    start = time.perf_counter()
    problem = _message(folder, laughs)
    assert time.perf_counter() - start < 1.0
    assert problem.message == "anchors (&name) are not allowed"
    assert (problem.line, problem.column) == (1, 4)


@pytest.mark.parametrize(
    "value",
    [
        "!!python/object/apply:os.system ['echo pwned']",
        "!!python/name:os.system",
        "!!binary aGk=",
        "!!set {a: null}",
        "!!omap [{a: 1}]",
        "!!timestamp 2001-12-14",
        "!local x",
        "!<tag:example.com,2000:x> x",
    ],
)
def test_explicit_tags_are_refused(folder: Path, value: str) -> None:
    problem = _message(folder, f"id: x\nversion: {value}\n".encode())
    assert problem.message.startswith("tag ")
    assert problem.message.endswith("is not allowed")
    assert (problem.line, problem.column) == (2, 10)


BAD_TAGGED = [
    # (value, what the message says): issue 15 / red-team D1; each was a foreign
    # exception (ValueError, IndexError, KeyError) or brought back YAML 1.1.
    ("!!int abc", "!!int needs a whole number"),
    ("!!int ''", "!!int needs a whole number"),
    ("!!bool maybe", "!!bool needs 'true' or 'false'"),
    ("!!float abc", "!!float needs a decimal number"),
    ("!!int 1:5", "!!int needs a whole number"),
    ("!!int 0:5", "!!int needs a whole number"),
    ("!!int 0x1F", "!!int needs a whole number"),
    ("!!int 0x1F en", "!!int needs a whole number"),
    ("!!int 0o17", "!!int needs a whole number"),
    ("!!int 012", "!!int needs a whole number"),
    ("!!int 1_000", "!!int needs a whole number"),
    ("!!int 1.5", "!!int needs a whole number"),
    ("!!bool yes", "!!bool needs 'true' or 'false'"),
    ("!!bool True", "!!bool needs 'true' or 'false'"),
    ("!!bool ''", "!!bool needs 'true' or 'false'"),
    ("!!float 1:30.0", "!!float needs a decimal number"),
    ("!!float 1_0.5", "!!float needs a decimal number"),
    ("!!float ''", "!!float needs a decimal number"),
    ("!!null x", "!!null needs an empty value"),
    ("!!map x", "!!map needs a mapping, not a single value"),
    ("!!seq x", "!!seq needs a sequence, not a single value"),
    ("!!seq {a: 1}", "!!seq needs a sequence"),
    ("!!map [1]", "!!map needs a mapping"),
    ("!!str [a]", "!!str needs a single value"),
    ("!!int {a: 1}", "!!int needs a single value"),
]


@pytest.mark.parametrize(("value", "message"), BAD_TAGGED, ids=[v for v, _ in BAD_TAGGED])
def test_explicit_core_tags_follow_the_dialects_own_rules(
    folder: Path, value: str, message: str
) -> None:
    problem = _message(folder, f"id: x\nversion: {value}\n".encode())
    assert problem.message.startswith(message), problem
    assert (problem.line, problem.column) == (2, 10)


@pytest.mark.parametrize(("value", "message"), BAD_TAGGED[:8], ids=[v for v, _ in BAD_TAGGED[:8]])
def test_check_reports_bad_tagged_values_as_yaml_findings(
    folder: Path, value: str, message: str
) -> None:
    """D1: `risk-scoring check` exited with a traceback on these."""
    from risk_scoring.tooling.check import check_file

    raw = BUILTIN["odara.yaml"].replace(
        b"max_unknown: ", b"max_unknown: " + value.encode() + b" #", 1
    )
    assert raw != BUILTIN["odara.yaml"]
    (finding,) = [f for f in check_file(_write(folder, raw, "odara.yaml")) if f.severity == "error"]
    assert (finding.stage, finding.line) == (
        "yaml",
        raw[: raw.index(b"max_unknown")].count(b"\n") + 1,
    )
    assert finding.message.startswith(message)


def test_values_under_a_tag_are_never_quoted(folder: Path) -> None:
    """Free text typed under a tag in an answers file must not reach an error."""
    for tag in ("!!int", "!!bool", "!!float", "!!null"):
        raw = f"case_ref: {tag} Kari Nordmann 010290\n".encode()
        with pytest.raises(_yaml.YAMLProblems) as info:
            _yaml.parse(raw, "answers.yaml")
        assert "Nordmann" not in str(info.value.problems)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("!!int 5", 5),
        ("!!int -7", -7),
        ("!!int +3", 3),
        ("!!str 5", "5"),
        ("!!str yes", "yes"),
        ("!!bool true", True),
        ("!!bool false", False),
        ("!!float 1.5", 1.5),
        ("!!float -2.", -2.0),
        ("!!null ~", None),
        ("!!null", None),
        ("!!map {a: 1}", {"a": 1}),
        ("!!seq [1]", [1]),
    ],
)
def test_explicit_core_tags_on_valid_values_still_read(value: str, expected: object) -> None:
    assert _yaml.parse(f"a: {value}\n", "x").data == {"a": expected}


def test_integers_beyond_pythons_digit_limit_are_a_located_problem(folder: Path) -> None:
    """D1: 4,301 digits raised `ValueError: Exceeds the limit (4300 digits)`."""
    limit = _yaml.MAX_INT_DIGITS
    assert _yaml.parse(b"a: " + b"7" * limit + b"\n", "x").data["a"] == int("7" * limit)
    for digits in (b"1" * (limit + 1), b"-" + b"1" * (limit + 1), b"!!int " + b"9" * 10_000):
        problem = _message(folder, b"id: x\nmax_unknown: " + digits + b"\n")
        assert problem.message.startswith("a whole number of ")
        assert problem.message.endswith(f"digits; the limit is {limit}")
        assert (problem.line, problem.column) == (2, 14)
    from risk_scoring.tooling.check import check_file

    raw = BUILTIN["odara.yaml"].replace(b"max_unknown: ", b"max_unknown: " + b"1" * 4301 + b" #", 1)
    findings = check_file(_write(folder, raw, "odara.yaml"))
    assert [f.stage for f in findings if f.severity == "error"] == ["yaml"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1:30.0", "1:30.0"),
        ("1_0.5", "1_0.5"),
        ("-1:30.0", "-1:30.0"),
        ("1e5", "1e5"),
        ("2026-11-22", "2026-11-22"),
        ("2026-11-22T10:00:00Z", "2026-11-22T10:00:00Z"),
        ("=", "="),
        ("1.5", 1.5),
        ("-0.25", -0.25),
        ("1.5e+3", 1500.0),
        (".5", 0.5),
        ("1.", 1.0),
    ],
)
def test_implicit_floats_are_plain_decimals_and_dates_stay_text(text: str, value: object) -> None:
    """D1/D14: sexagesimal and underscore floats resolved (90.0, 10.5); an unquoted date
    in an answers file was refused as a timestamp tag the user never wrote."""
    assert _yaml.parse(f"a: {text}\n", "x").data == {"a": value}


@pytest.mark.parametrize(
    "mapping",
    ["{+1: a, 1: b}", "{null: a, ~: b}", "{1.0: a, 1.00: b}", "{1: a, true: b}", "{0: a, -0: b}"],
)
def test_duplicate_keys_are_compared_as_the_values_they_read_as(mapping: str) -> None:
    """D14: duplicates were compared by source text, so the last of these won silently."""
    with pytest.raises(_yaml.YAMLProblems) as info:
        _yaml.parse(f"m: {mapping}\n", "x")
    (problem,) = info.value.problems
    assert problem.message.startswith("duplicate key")
    assert problem.line == 1


def test_duplicate_keys_are_refused(folder: Path) -> None:
    problem = _message(folder, b"id: x\nversion: '1'\nid: y\n")
    assert problem.message == "duplicate key 'id' (first on line 1)"
    assert (problem.line, problem.column) == (3, 1)


def test_yaml_1_1_booleans_and_numbers_stay_text() -> None:
    data = _yaml.parse(b"a: yes\nb: no\nc: on\nd: NO\ne: 1:30\nf: 012\ng: true\nh: 7\n", "x").data
    assert data == {
        "a": "yes",
        "b": "no",
        "c": "on",
        "d": "NO",
        "e": "1:30",
        "f": "012",
        "g": True,
        "h": 7,
    }


def test_unquoted_yes_no_codes_load_the_same_definition(folder: Path) -> None:
    raw = BUILTIN["dash.yaml"]
    unquoted = raw.replace(b'id: "no"', b"id: no").replace(b'id: "yes"', b"id: yes")
    assert unquoted != raw
    path = _write(folder, unquoted, "dash.yaml")
    assert rs.load_instrument(path).digest == rs.load_instrument("dash").digest


@pytest.mark.parametrize("char", [b"\x00", b"\x07", b"\x1b", b"\x7f", b"\xef\xbf\xbe"])
def test_special_characters_are_refused_with_a_position(folder: Path, char: bytes) -> None:
    problem = _message(folder, b"id: x\nversion: '1" + char + b"'\n")
    assert problem.message.startswith("special character U+")
    assert (problem.line, problem.column) == (2, 12)


def test_bytes_that_are_not_utf8_are_refused_with_a_position(folder: Path) -> None:
    problem = _message(folder, b"id: x\nversion: 'caf\xe9'\n")
    assert problem.message == "not valid UTF-8 (byte 0xe9)"
    assert (problem.line, problem.column) == (2, 14)
    problem = _message(folder, "id: x\n".encode("utf-16"))
    assert problem.message.startswith("not valid UTF-8")
    assert problem.line == 1


@pytest.mark.parametrize("name", DEFINITIONS)
def test_bom_and_crlf_load_the_same_definition(folder: Path, name: str) -> None:
    raw = BUILTIN[name]
    digest = rs.load_instrument(name.removesuffix(".yaml")).digest
    for variant in (b"\xef\xbb\xbf" + raw, raw.replace(b"\n", b"\r\n")):
        assert rs.load_instrument(_write(folder, variant, name)).digest == digest


def test_file_size_is_bounded(folder: Path) -> None:
    raw = BUILTIN["dash.yaml"]
    padded = raw + b"#" * (_yaml.MAX_BYTES - len(raw) - 1) + b"\n"
    assert len(padded) == _yaml.MAX_BYTES
    assert rs.load_instrument(_write(folder, padded, "dash.yaml")).id == "dash"
    problem = _message(folder, padded + b"\n")
    assert problem.message == f"file is {_yaml.MAX_BYTES + 1} bytes; the limit is {_yaml.MAX_BYTES}"


def test_nesting_depth_is_bounded(folder: Path) -> None:
    at_limit = b"a: " + b"[" * (_yaml.MAX_DEPTH - 1) + b"]" * (_yaml.MAX_DEPTH - 1) + b"\n"
    assert _yaml.parse(at_limit, "x").data is not None
    problem = _message(folder, b"a: " + b"[" * _yaml.MAX_DEPTH + b"]" * _yaml.MAX_DEPTH + b"\n")
    assert problem.message == f"nesting deeper than {_yaml.MAX_DEPTH} levels"
    assert (problem.line, problem.column) == (1, 3 + _yaml.MAX_DEPTH)


def test_number_of_values_is_bounded(folder: Path) -> None:
    under = b"a: [" + b"1," * (_yaml.MAX_NODES - 3) + b"]\n"  # root, key, list: 3 more
    assert len(_yaml.parse(under, "x").data["a"]) == _yaml.MAX_NODES - 3
    problem = _message(folder, b"a: [" + b"1," * (_yaml.MAX_NODES - 2) + b"]\n")
    assert problem.message == f"more than {_yaml.MAX_NODES} values in one file"
    assert problem.line == 1


def _with_items(count: int) -> bytes:
    head, _, tail = FREE_TEXT_YAML.partition("items:\n")
    _, _, tail = tail.partition("context:\n")
    items = "".join(
        f"  - {{id: I{n}, domain: A, title: {{nb: t, en: t}}, guidance: {{nb: g, en: g}}}}\n"
        for n in range(count)
    )
    text = head + "items:\n" + items + "context:\n" + tail
    return text.replace("A1, in:", "I0, in:").encode()


def test_number_of_items_is_bounded(folder: Path) -> None:
    assert (
        len(rs.load_instrument(_write(folder, _with_items(loading.MAX_ITEMS))).items)
        == loading.MAX_ITEMS
    )
    problem = _message(folder, _with_items(loading.MAX_ITEMS + 1))
    assert problem.message == f"{loading.MAX_ITEMS + 1} items; the limit is {loading.MAX_ITEMS}"
    assert problem.path == "items"
    assert problem.line is not None


def test_many_problems_are_located_in_linear_time(folder: Path) -> None:
    """Every unknown key is located; with a linear scan per problem this took minutes."""
    raw = b"".join(b"k%d: 1\n" % n for n in range(_yaml.MAX_NODES // 2 - 1))
    start = time.perf_counter()
    error = check_load(_write(folder, raw), raw, rs.load_instrument)
    assert error is not None
    assert time.perf_counter() - start < 8.0
    unknown = [p for p in error.problems if p.message.startswith("unknown key")]
    assert len(unknown) == _yaml.MAX_NODES // 2 - 1
    assert unknown[-1].line == _yaml.MAX_NODES // 2 - 1


# --- worst cases: time and memory ------------------------------------------------------


def _worst_cases() -> Iterator[tuple[str, bytes]]:
    size = _yaml.MAX_BYTES
    yield "one huge scalar", b"id: '" + b"x" * (size - 10) + b"'\n"
    yield (
        "huge block scalar",
        b"id: |\n" + b"  xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n" * (size // 48),
    )
    yield "flow sequence of numbers", b"a: [" + b"1," * (size // 2 - 4) + b"]"
    yield "many keys", b"".join(b"k%d: 1\n" % n for n in range(size // 11))
    yield "many items", b"items:\n" + b"- {id: a, zz: 1}\n" * (size // 17)
    yield "deep flow nesting", b"[" * (size - 1)
    yield "unclosed quotes", b'a: "' + b"\\x41" * (size // 4 - 2)
    yield "many lines", b"\n" * size
    yield "many comments", b"# x\n" * (size // 4)


@pytest.mark.parametrize(("label", "raw"), list(_worst_cases()), ids=[c[0] for c in _worst_cases()])
def test_worst_case_inputs_cost_bounded_time_and_memory(
    folder: Path, label: str, raw: bytes
) -> None:
    """At most `MAX_BYTES`, each costs about 1.5 s and 32 MB at worst (docs/security.md).

    Memory is traced only in the long run: tracemalloc slows PyYAML tenfold.
    """
    assert len(raw) <= _yaml.MAX_BYTES
    check_load(_write(folder, raw), raw, rs.load_instrument)  # asserts < SECONDS
    if not LONG:
        return
    tracemalloc.start()
    try:
        with contextlib.suppress(rs.InstrumentError):
            rs.load_instrument(_write(folder, raw))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 100_000_000, f"{label}: {peak / 1e6:.0f} MB"


def test_an_unknown_scale_is_reported_not_raised(folder: Path) -> None:
    """Found by fuzzing: conditions on a dimension with an unknown scale raised KeyError."""
    raw = BUILTIN["b-safer.yaml"].replace(b"  scale: presence\n", b"  scale: nosuch\n")
    assert raw != BUILTIN["b-safer.yaml"]
    error = check_load(_write(folder, raw, "b-safer.yaml"), raw, rs.load_instrument)
    assert error is not None
    assert {p.path for p in error.problems} == {"dimensions.0.scale", "dimensions.1.scale"}


@fuzz(60)
@given(case=st.one_of(mutated_builtin(), edited_tree()))
def test_check_reports_findings_and_never_raises(folder: Path, case: tuple[str, bytes]) -> None:
    """`risk-scoring check` reads the same untrusted files: findings, never a crash."""
    from risk_scoring.tooling.check import check_definitions

    name, raw = case
    path = _write(folder, raw, name)
    start = time.perf_counter()
    summary = check_definitions([path], properties=False)
    assert time.perf_counter() - start < SECONDS
    for finding in summary.findings:
        assert finding.message
    assert_one_reader(path, summary.findings)


OVERLAYS = {
    path.name: path.read_bytes()
    for path in sorted((Path(__file__).parents[1] / "examples" / "districts").glob("*.yaml"))
}
"""The example district overlays (a definition with `extends`), to mutate as the built-ins."""


@fuzz(60)
@given(case=st.one_of(mutated_builtin(OVERLAYS), edited_tree(OVERLAYS)))
def test_mutated_overlays_raise_only_located_errors_and_check_agrees(
    folder: Path, case: tuple[str, bytes]
) -> None:
    """An overlay is read by the same staged reader (with its schema, base and reference
    stages): located errors only, and `check` finds what `load_instrument` raises first."""
    from risk_scoring.tooling.check import check_definitions

    name, raw = case
    path = _write(folder, raw, name)
    check_load(path, raw, rs.load_instrument)
    summary = check_definitions([path], properties=False)
    for finding in summary.findings:
        assert finding.message
    assert_one_reader(path, summary.findings)


def assert_one_reader(path: Path, findings: Sequence[Any]) -> None:
    """`load_*` raises exactly the first failing stage's problems of what `check` found."""
    if path.name == loading.SOURCES_FILE:  # check names the bibliography's reference stage so
        findings = [
            dataclasses.replace(f, stage="reference") if f.stage == "citation" else f
            for f in findings
        ]
    stages = [f.stage for f in findings if f.severity == "error" and f.stage in loading.STAGES]
    error: rs.InstrumentError | None = None
    try:
        _load_any(path)
    except rs.InstrumentError as exc:
        error = exc
    if error is None:
        assert not stages, f"load succeeded, check found {stages}"
        return
    assert stages, f"check found nothing, load raised {error}"
    first = min(stages, key=loading.STAGES.index)
    expected = {
        (f.source, f.line, f.column, f.path, f.message)
        for f in findings
        if f.severity == "error" and f.stage == first
    }
    got = {(p.source, p.line, p.column, p.path, p.message) for p in error.problems}
    assert got == expected, first


# --- numbers in definitions: finite and bounded ------------------------------------------

NON_FINITE = [".nan", ".NaN", "-.nan", ".inf", "-.inf", "+.Inf", "1.0e+400", '"nan"', "'-inf'"]
NUMBER_FIELDS = [
    # (file, the text to replace, its replacement with @ for the number, the problem's path)
    ("odara.yaml", "min_score: 3", "min_score: @", "levels.3.min_score"),
    ("danger-assessment.yaml", "weight: 5", "weight: @", "items.1.weight"),
    ("dash.yaml", "\n        points: 1\n", "\n        points: @\n", "scales.0.values.1.points"),
    ("dash.yaml", "score: {at_least: 14}", "score: {at_least: @}", "score.at_least"),
]


@pytest.mark.parametrize("number", NON_FINITE)
@pytest.mark.parametrize(
    ("name", "old", "new", "path"), NUMBER_FIELDS, ids=[f[3] for f in NUMBER_FIELDS]
)
def test_non_finite_numbers_are_refused_at_their_position(
    folder: Path, number: str, name: str, old: str, new: str, path: str
) -> None:
    """D2: `min_score: .nan` loaded and misscored (category-4 for all "no"); `weight: .nan`
    gave "extreme" with score NaN. Every float of the models is finite now."""
    from risk_scoring.tooling.check import check_file

    raw = BUILTIN[name].replace(old.encode(), new.replace("@", number).encode(), 1)
    assert raw != BUILTIN[name]
    line = raw[: raw.index(new.replace("@", number).lstrip("\n").encode())].count(b"\n") + 1
    error = check_load(_write(folder, raw, name), raw, rs.load_instrument)
    assert error is not None
    (problem,) = error.problems
    assert problem.path.endswith(path), problem
    assert problem.line == line
    # `-.nan` is not a float in the dialect (nor in YAML 1.2): text, which is not a number.
    assert "finite number" in problem.message or "valid number" in problem.message
    findings = [f for f in check_file(_write(folder, raw, name)) if f.severity == "error"]
    assert [(f.stage, f.line, f.message) for f in findings] == [("schema", line, problem.message)]


@pytest.mark.parametrize("number", ["1e28", "1.0e+28", "1000001", "-1000001.0"])
def test_numbers_beyond_a_million_are_refused(folder: Path, number: str) -> None:
    """D7: a definition with `weight: 1e28` made reports raise `decimal.InvalidOperation`;
    with every number within ±1,000,000 and at most 200 items, totals stay exact."""
    from risk_scoring.definition.model import MAX_NUMBER

    raw = BUILTIN["danger-assessment.yaml"].replace(b"weight: 5", b"weight: " + number.encode(), 1)
    error = check_load(_write(folder, raw, "danger-assessment.yaml"), raw, rs.load_instrument)
    if number == "1e28":  # not a float in the dialect (no point): text, refused as such
        assert error is not None
        return
    assert error is not None
    (problem,) = error.problems
    assert problem.path == "items.1.weight"
    assert str(MAX_NUMBER) in problem.message.replace(",", "").replace(".0", "")


# --- fuzz: explicit tags and non-finite numbers in every value ------------------------------

TAGS = ["!!int", "!!float", "!!bool", "!!null", "!!str", "!!map", "!!seq", "!!timestamp", "!"]
CONTENTS = [
    "",
    "''",
    "abc",
    "Kari Nordmann 010290",
    "0",
    "-0",
    "+7",
    "012",
    "0x1F",
    "0o17",
    "0b11",
    "1_000",
    "1:30",
    "1:30.0",
    "1.5",
    "1.",
    ".5",
    "1e5",
    "1.0e+400",
    "-1.0e+400",
    ".nan",
    ".NaN",
    "-.nan",
    ".inf",
    "-.Inf",
    "+.INF",
    "nan",
    "inf",
    "true",
    "yes",
    "True",
    "~",
    "null",
    "2026-11-22",
    "[1, 2]",
    "{a: 1}",
    "1" * 4301,
    "9" * 5000,
    "-" + "1" * 4301,
]


@st.composite
def tagged_values(draw: st.DrawFn) -> tuple[str, bytes]:
    """A built-in definition with one to four values replaced by a tagged or odd number."""
    name = draw(st.sampled_from([*DEFINITIONS, loading.CATALOGUE_FILE, loading.SOURCES_FILE]))
    lines = BUILTIN[name].split(b"\n")
    values = [i for i, ln in enumerate(lines) if b": " in ln and not ln.lstrip().startswith(b"#")]
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.sampled_from(values))
        head, _sep, _old = lines[i].partition(b": ")
        content = draw(st.one_of(st.sampled_from(CONTENTS), st.text(max_size=12)))
        tag = draw(st.one_of(st.none(), st.sampled_from(TAGS)))
        quoted = draw(st.booleans()) and tag is None and content not in ("", "''")
        scalar = f'"{content}"' if quoted else content
        value = f"{tag} {scalar}" if tag is not None else scalar
        lines[i] = head + b": " + value.encode("utf-8", "surrogatepass")
    return name, b"\n".join(lines)


def _numbers(model: object) -> Iterator[float]:
    """Every float and int field anywhere in a loaded definition."""
    if isinstance(model, (list, tuple)):
        for part in model:
            yield from _numbers(part)
    elif isinstance(model, BaseModel):
        for field_name in type(model).model_fields:
            value = getattr(model, field_name)
            if isinstance(value, float):
                yield value
            else:
                yield from _numbers(value)


@fuzz(100)
@given(case=tagged_values())
def test_tagged_and_non_finite_values_raise_only_located_errors(
    folder: Path, case: tuple[str, bytes]
) -> None:
    """D1/D2/D14 as a class: whatever tag or number lands in whatever value, `load_*`
    and `check` give located problems of one reader, never a foreign exception, and
    what loads holds only finite numbers."""
    import math

    from risk_scoring.tooling.check import check_definitions

    name, raw = case
    path = _write(folder, raw, name)
    start = time.perf_counter()
    error = check_load(path, raw, _load_any)
    if error is None:
        definition = _load_any(path)
        assert all(math.isfinite(x) for x in _numbers(definition))
    summary = check_definitions([path], properties=False)
    assert_one_reader(path, summary.findings)
    record("definitions: explicit tags and non-finite numbers", time.perf_counter() - start)
