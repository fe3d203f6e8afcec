"""Custom templates under fuzzing: paths that reach out, and sources that amplify.

Threat model: docs/security.md §2. Two fuzz targets:

- **template paths**: ``template=`` and ``{% include %}`` names built from ``..``,
  absolute prefixes, symlinks out of the folder (to a file, to a folder, to
  ``/etc/passwd``, to ``/dev/zero``), a FIFO, a sparse 2 GB file, a symlink loop, NUL
  and overlong names. Whatever the path: a report or a `ReportError`, never another
  exception, never the content of a file outside the folder, never a block.
- **template sources**: templates assembled from amplifying operators, methods,
  filters, loops, macros and namespaces with small and huge arguments. Whatever the
  source: a report or a `ReportError`, within the time budget, in bounded memory, and
  the error never shows the case reference (free text with an apostrophe).
"""

from __future__ import annotations

import os
import threading
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

import risk_scoring as rs
from risk_scoring.report import limits
from tests.security_support import fuzz, record

SECRET = "SECRET-OUTSIDE-4d1e"
NAME = "Kari O'Brien f. 01.02.1990 PRIVATE-77q"
PRIVATE = ("PRIVATE-77q", "O'Brien")
BLOCKED_AFTER = 15.0


@pytest.fixture(scope="module")
def result() -> rs.Result:
    answers = {
        "items": {str(n): "yes" if n < 4 else "no" for n in range(1, 25)},
        "case_ref": NAME,
        "justification": NAME,
    }
    return rs.assess("dash", answers)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("template-paths")
    outside = root / "outside"
    (outside / "dir").mkdir(parents=True)
    (outside / "secret.j2").write_text(SECRET, encoding="utf-8")
    (outside / "dir" / "secret.j2").write_text(SECRET, encoding="utf-8")
    folder = root / "templates"
    (folder / "sub").mkdir(parents=True)
    for name in ("report.html.j2", "report.txt.j2", "report.md.j2", "part.j2"):
        (folder / name).write_text("[{{ report.instrument.id }}]", encoding="utf-8")
    (folder / "sub" / "inner.j2").write_text("[inner]", encoding="utf-8")
    (folder / "noext").write_text("[noext]", encoding="utf-8")
    links = {
        "link_in.j2": folder / "part.j2",
        "link_out.j2": outside / "secret.j2",
        "link_passwd.j2": Path("/etc/passwd"),
        "link_dir": outside,
        "link_zero.j2": Path("/dev/zero"),
        "loop.j2": folder / "loop.j2",
        "dangling.j2": root / "nowhere.j2",
    }
    for name, target in links.items():
        os.symlink(target, folder / name)
    os.mkfifo(folder / "fifo.j2")
    with (folder / "big.j2").open("wb") as handle:
        handle.truncate(2_000_000_000)
    return root


SEGMENTS = [
    "..",
    ".",
    "",
    "templates",
    "outside",
    "dir",
    "secret.j2",
    "part.j2",
    "sub",
    "inner.j2",
    "link_in.j2",
    "link_out.j2",
    "link_passwd.j2",
    "link_dir",
    "link_zero.j2",
    "fifo.j2",
    "big.j2",
    "noext",
    "loop.j2",
    "dangling.j2",
    "report.html.j2",
    "nope.j2",
    "a" * 300,
    "x\x00y.j2",
    "..\\..\\secret.j2",
    "%2e%2e",
    "~",
    "etc",
    "passwd",
    "environ",
]
PREFIXES = [
    "",
    "/",
    "/etc/",
    "/proc/self/",
    "/dev/",
    "//",
    "./",
    "../",
    "{root}/",
    "{root}/templates/",
]


@st.composite
def template_paths(draw: st.DrawFn) -> str:
    segments = draw(st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=5))
    return draw(st.sampled_from(PREFIXES)) + "/".join(segments)


def _run(call: object) -> object:
    outcome: list[object] = []

    def target() -> None:
        try:
            outcome.append(call())  # type: ignore[operator]
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(BLOCKED_AFTER)
    assert not worker.is_alive(), "rendering blocked"
    return outcome[0]


def _chosen_by_the_caller(path: str) -> bool:
    """Whether `template=path` names a regular file itself (not a symlink): the caller's
    own choice of template, which may lie anywhere (SECURITY: `template=` is a path the
    caller chooses); only what that template reaches must stay inside its folder."""
    try:
        named = Path(path)
        return named.is_file() and not named.is_symlink()
    except (OSError, ValueError):
        return False


def _check(outcome: object, *, chosen: bool = False) -> None:
    if isinstance(outcome, BaseException):
        assert isinstance(outcome, rs.ReportError), repr(outcome)
        shown = str(outcome)
        assert SECRET not in shown
        assert not any(mark in shown for mark in PRIVATE), shown
        assert outcome.__context__ is None
    else:
        assert isinstance(outcome, str)
        assert chosen or SECRET not in outcome
        assert "root:" not in outcome


_included = iter(range(10**9))


@fuzz(120)
@given(path=template_paths(), how=st.sampled_from(["template=", "include", "extends", "import"]))
def test_template_paths_never_reach_outside_their_folder(
    tree: Path, result: rs.Result, path: str, how: str
) -> None:
    path = path.replace("{root}", str(tree))
    start = time.perf_counter()
    chosen = False
    if how == "template=":
        chosen = _chosen_by_the_caller(path)
        outcome = _run(lambda: rs.render_report(result, "html", "en", template=path))
    else:
        statement = {
            "include": "{% include NAME %}",
            "extends": "{% extends NAME %}",
            "import": "{% import NAME as x %}{{ x }}",
        }[how].replace("NAME", repr(path))
        including = tree / "templates" / f"inc{next(_included)}.html.j2"
        including.write_text(statement, encoding="utf-8")
        outcome = _run(lambda: rs.render_report(result, "html", "en", template=including))
        including.unlink()
    _check(outcome, chosen=chosen)
    record("template paths", time.perf_counter() - start)


# --- template sources -----------------------------------------------------------------

NUMBERS = ["0", "1", "3", "80", "-1", "10**5", "10**6", "10**8", "9**9", "(9**9)", "2**64"]
STRINGS = ["'a'", "'ab'", "''", "'%s'", "'{}'", "'{:>99}'", "'%099d'", "'\\t'", "'a\\nb'"]
VALUES = [
    "report.case_ref",
    "report.instrument.id",
    "report.levels",
    "report.justification",
    "[1, 2]",
    "[0] * 3",
    "range(10)",
    "range(100000)",
    "lipsum(1)",
    "ns.s",
    "{'a': 1}",
]
METHODS = [
    "zfill",
    "center",
    "ljust",
    "rjust",
    "expandtabs",
    "replace",
    "join",
    "format",
    "split",
    "upper",
    "translate",
    "count",
]
FILTERS = [
    "center",
    "indent",
    "wordwrap",
    "replace",
    "format",
    "join",
    "batch",
    "slice",
    "sum",
    "tojson",
    "list",
    "string",
    "length",
    "upper",
    "unique",
    "sort",
    "reverse",
    "first",
    "truncate",
    "int",
    "round",
    "striptags",
    "urlize",
    "title",
    "map('string')",
    "select",
]
OPERATORS = ["*", "**", "+", "%", "~", "-", "//"]


def expressions() -> st.SearchStrategy[str]:
    atom = st.sampled_from(NUMBERS + STRINGS + VALUES)

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        args = st.lists(inner, max_size=3).map(", ".join)
        return st.one_of(
            st.tuples(inner, st.sampled_from(OPERATORS), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            st.tuples(inner, st.sampled_from(METHODS), args).map(
                lambda t: f"{t[0]}.{t[1]}({t[2]})"
            ),
            st.tuples(inner, st.sampled_from(FILTERS), args).map(
                lambda t: f"({t[0]}|{t[1]}({t[2]}))" if "(" not in t[1] else f"({t[0]}|{t[1]})"
            ),
            st.tuples(inner, inner).map(lambda t: f"{t[0]}[{t[1]}:]"),
            st.tuples(inner, inner).map(lambda t: f"[{t[0]}, {t[1]}]"),
        )

    return st.recursive(atom, extend, max_leaves=6)


def statements() -> st.SearchStrategy[str]:
    expr = expressions()

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(expr, inner).map(lambda t: f"{{% for x in {t[0]} %}}{t[1]}{{% endfor %}}"),
            st.tuples(expr, inner).map(lambda t: f"{{% if {t[0]} %}}{t[1]}{{% endif %}}"),
            st.tuples(inner, expr).map(
                lambda t: (
                    f"{{% macro m(n) %}}{t[0]}{{% if n %}}{{{{ m(n - 1) }}}}{{{{ m(n - 1) }}}}"
                    f"{{% endif %}}{{% endmacro %}}{{{{ m({t[1]}) }}}}"
                )
            ),
            st.tuples(inner).map(lambda t: f"{{% set b %}}{t[0]}{t[0]}{{% endset %}}{{{{ b }}}}"),
            st.lists(inner, min_size=2, max_size=3).map("".join),
        )

    base = st.one_of(
        expr.map(lambda e: f"{{{{ {e} }}}}"),
        expr.map(lambda e: f"{{% set ns.s = {e} %}}"),
        st.just("text "),
    )
    return st.recursive(base, extend, max_leaves=5)


@fuzz(60)
@given(source=statements(), fmt=st.sampled_from(["html", "markdown", "text"]))
def test_template_sources_stay_within_time_and_memory(
    tmp_path_factory: pytest.TempPathFactory, result: rs.Result, source: str, fmt: str
) -> None:
    folder = tmp_path_factory.mktemp("source")
    body = "{% set ns = namespace(s='a') %}" + source
    template = folder / "report.j2"
    template.write_text(body, encoding="utf-8")
    budget = 1.0
    saved = limits.MAX_SECONDS
    limits.MAX_SECONDS = budget
    tracemalloc.start()
    start = time.perf_counter()
    try:
        outcome = _run(lambda: rs.render_report(result, fmt, "en", template=template))
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        limits.MAX_SECONDS = saved
    _check(outcome)
    if isinstance(outcome, str):
        assert len(outcome) <= limits.MAX_OUTPUT
    # The budget is checked between steps; one step (a 1,000,000-character operation
    # under tracemalloc) may run past it.
    assert elapsed < budget + 4, f"{elapsed:.1f} s"
    assert peak < 600_000_000, f"{peak / 1e6:.0f} MB"
    record("template sources", elapsed, peak)


def test_the_source_strategy_reaches_the_limits(
    tmp_path_factory: pytest.TempPathFactory, result: rs.Result
) -> None:
    """The fuzz target is not vacuous: its pieces do trip each kind of limit."""
    folder = tmp_path_factory.mktemp("reach")
    seen: set[str] = set()
    for body in (
        "{{ 'a'.zfill(10**8) }}",
        "{% for x in range(100000) %}{% for x in range(100000) %}{% endfor %}{% endfor %}",
        "{{ (9**9) ** (9**9) }}",
    ):
        template = folder / "report.j2"
        template.write_text(body, encoding="utf-8")
        saved = limits.MAX_SECONDS
        limits.MAX_SECONDS = 0.3
        try:
            with pytest.raises(rs.ReportError) as info:
                rs.render_report(result, "text", "en", template=template)
        finally:
            limits.MAX_SECONDS = saved
        seen.add(str(info.value).split("refused: ")[-1].split(" ")[0])
    assert len(seen) == 3, seen
