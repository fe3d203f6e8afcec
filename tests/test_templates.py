"""Custom templates: read only from their folder, bounded in time and memory, quiet in errors.

Threat model: docs/security.md §2. Reproducers from issue 15 / the red-team report:
D11 (a symlink in the folder included `/etc/passwd`; ``template='/proc/self/environ'``
rendered the environment), D10e/f (template errors quoted a free-text key in ``"…"``
quotes, or a filter name taken from free text), D15 (``'a'.zfill(10**8)``, ``.center``,
``.replace`` amplification, ``lipsum(n=10**6)`` and nested loops ran unbounded) and D13
(`render_pdf` with a ``data:`` image failed on WeasyPrint 70).
"""

from __future__ import annotations

import logging
import os
import threading
import time
import tracemalloc
from pathlib import Path

import pytest

import risk_scoring as rs
from risk_scoring.report import limits, template_files
from risk_scoring.report.i18n import TEMPLATE_DIR

NAME = "Kari O'Brien 010290 PRIVATE-31x"
"""A case reference with an apostrophe, so Python's repr quotes it in double quotes."""
MARK = "PRIVATE-31x"


@pytest.fixture(scope="module")
def result() -> rs.Result:
    answers = {
        "items": {str(n): "yes" if n < 5 else "no" for n in range(1, 25)},
        "case_ref": NAME,
        "justification": NAME,
    }
    return rs.assess("dash", answers)


def render(result: rs.Result, template: Path | str, fmt: str = "html") -> str:
    return rs.render_report(result, fmt, "en", template=template)


def refused(result: rs.Result, template: Path | str, fmt: str = "html") -> str:
    """The message of the ReportError rendering with `template` raises; it leaks nothing."""
    with pytest.raises(rs.ReportError) as info:
        render(result, template, fmt)
    message = str(info.value)
    assert MARK not in message
    assert info.value.__cause__ is None
    assert info.value.__context__ is None
    return message


def write(folder: Path, body: str, name: str = "report.html.j2") -> Path:
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


# --- where templates come from (D11) --------------------------------------------------


def test_a_symlink_to_a_file_outside_the_folder_is_refused(
    result: rs.Result, tmp_path: Path
) -> None:
    os.symlink("/etc/passwd", tmp_path / "link.j2")
    template = write(tmp_path, "{% include 'link.j2' %}")
    message = refused(result, template)
    assert "resolves outside the template folder" in message
    assert "root:" not in message


def test_a_symlinked_folder_outside_is_refused(result: rs.Result, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    write(outside, "secret", "secret.j2")
    folder = tmp_path / "templates"
    folder.mkdir()
    os.symlink(outside, folder / "shared")
    template = write(folder, "{% include 'shared/secret.j2' %}")
    assert "resolves outside" in refused(result, template)


def test_a_template_file_that_is_a_symlink_out_of_its_folder_is_refused(
    result: rs.Result, tmp_path: Path
) -> None:
    os.symlink("/etc/passwd", tmp_path / "report.html.j2")
    assert "resolves outside" in refused(result, tmp_path / "report.html.j2")
    assert "resolves outside" in refused(result, tmp_path)


def test_symlinks_inside_the_folder_are_followed(result: rs.Result, tmp_path: Path) -> None:
    (tmp_path / "parts").mkdir()
    write(tmp_path / "parts", "[{{ report.instrument.id }}]", "id.j2")
    os.symlink(tmp_path / "parts" / "id.j2", tmp_path / "alias.j2")
    assert render(result, write(tmp_path, "{% include 'alias.j2' %}")) == "[dash]"


@pytest.mark.parametrize(
    "template",
    ["/proc/self/environ", "../" * 12 + "etc/passwd", "/etc/passwd", "/etc/hostname"],
)
def test_a_template_file_needs_a_template_suffix(result: rs.Result, template: str) -> None:
    """D11: `render_report(result, template='/proc/self/environ')` rendered secrets."""
    if not os.path.exists(template):
        pytest.skip(f"no {template} here")
    message = refused(result, template)
    assert "must end in" in message


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_template_that_is_not_a_regular_file_is_refused_without_blocking(
    result: rs.Result, tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "report.html.j2"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        os.symlink("/dev/zero", path)
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            render(result, path)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "rendering blocked"
    assert isinstance(outcome[0], rs.ReportError)
    assert "not a regular file" in str(outcome[0]) or "resolves outside" in str(outcome[0])


def test_an_included_fifo_is_refused_without_blocking(result: rs.Result, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "part.j2")
    started = time.perf_counter()
    assert "not a regular file" in refused(result, write(tmp_path, "{% include 'part.j2' %}"))
    assert time.perf_counter() - started < 5


def test_a_huge_template_is_refused_before_it_is_read(result: rs.Result, tmp_path: Path) -> None:
    path = tmp_path / "report.html.j2"
    with path.open("wb") as handle:
        handle.truncate(2_000_000_000)  # sparse
    tracemalloc.start()
    try:
        message = refused(result, path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert f"the limit is {template_files.MAX_TEMPLATE_BYTES}" in message
    assert peak < 10_000_000
    write(tmp_path, "x" * (template_files.MAX_TEMPLATE_BYTES + 1), "big.j2")
    message = refused(result, write(tmp_path, "{% include 'big.j2' %}", "inc.html.j2"))
    assert f"the limit is {template_files.MAX_TEMPLATE_BYTES}" in message


@pytest.mark.parametrize("template", [5, 1.5, None, b"/tmp/x.j2", ["x.j2"]])
def test_template_must_be_a_path(result: rs.Result, template: object) -> None:
    """D12: `render_report(template=5)` raised `TypeError`."""
    if template is None:
        assert render(result, template)  # type: ignore[arg-type]
        return
    with pytest.raises(rs.ReportError, match="template= must be a file or folder path"):
        rs.render_report(result, template=template)  # type: ignore[arg-type]


def test_a_template_that_is_not_utf8_is_refused(result: rs.Result, tmp_path: Path) -> None:
    (tmp_path / "report.html.j2").write_bytes(b"caf\xe9")
    assert "not valid UTF-8" in refused(result, tmp_path)


# --- errors never quote values (D10e, D10f) ----------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "{{ {}[report.case_ref] }}",
        "{{ report[report.case_ref] }}",
        "{{ report|attr(report.case_ref) }}",
        "{{ ''|attr('__x' ~ report.case_ref) }}",
        "{{ [1]|map(report.case_ref)|list }}",
        "{{ [1]|select(report.case_ref)|list }}",
        "{{ [1]|reject(report.case_ref)|list }}",
        "{{ report.case_ref|int + {}[report.case_ref] }}",
        "{% include report.case_ref %}",
        "{{ ('{' ~ report.case_ref ~ '}').format(1) }}",
    ],
)
def test_template_errors_never_quote_values(result: rs.Result, tmp_path: Path, body: str) -> None:
    message = refused(result, write(tmp_path, body))
    assert "O'Brien" not in message
    assert "Kari" not in message


def test_names_written_in_the_template_are_still_named(result: rs.Result, tmp_path: Path) -> None:
    assert "'levle'" in refused(result, write(tmp_path, "{{ report.levle }}"))
    assert "'nosuch' is undefined" in refused(result, write(tmp_path, "{{ nosuch }}"))
    assert "'__class__'" in refused(result, write(tmp_path, "{{ ''.__class__ }}"))


# --- bounded time, output and memory (D15) -------------------------------------------------

AMPLIFIERS = [
    "{{ 'a'.zfill(10**8) }}",
    "{{ 'a'.center(10**8) }}",
    "{{ 'a'.ljust(10**8) }}",
    "{{ 'a'.rjust(10**8) }}",
    "{{ ('a' * 1000).replace('a', 'a' * 100000) }}",
    "{{ ('\t' * 1000).expandtabs(100000) }}",
    "{{ ('a' * 100000).translate({97: 'x' * 100}) }}",
    "{{ ('x' * 1000)|list|join('y' * 2000) }}",
    "{{ 'y'.join(['x' * 600000, 'x' * 600000]) }}",
    "{{ 'x' * 10**9 }}",
    "{{ [0] * 10**8 }}",
    "{{ 10**9 * 'x' }}",
    "{{ 9 ** (9 ** 9) }}",
    "{{ (10 ** 3000) * (10 ** 3000) }}",
    "{{ ('x' * 900000) + ('x' * 900000) }}",
    "{{ '%0999999999d' % 1 }}",
    "{{ '%*d' % (10, 1) }}",
    "{{ '%0999999999d'|format(1) }}",
    "{{ '{:>999999999}'.format(1) }}",
    "{{ '{:{w}}'.format(1, w=999999999) }}",
    "{{ '{x:>999999999}'.format_map({'x': 1}) }}",
    "{{ lipsum(n=10**6) }}",
    "{{ lipsum(5, True, 20, 10**7) }}",
    "{{ 'a'|center(10**8) }}",
    "{{ ('a\n' * 100000)|indent(100) }}",
    "{{ ('a ' * 400000)|wordwrap(1, wrapstring='x' * 100) }}",
    "{{ ('a' * 1000)|replace('a', 'b' * 10000) }}",
    "{{ [1]|batch(10**8, 'x')|list }}",
    "{{ [1]|slice(10**8, 'x')|list }}",
    "{{ ([[1]] * 100000)|sum(start=[]) }}",
    "{{ [1]|tojson(indent=10**8) }}",
    "{% set ns = namespace(s='a') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}"
    "{% endfor %}{{ ns.s|length }}",
    "{% set ns = namespace(l=[1]) %}{% for i in range(64) %}{% set ns.l = ns.l + ns.l %}"
    "{% endfor %}{{ ns.l|length }}",
    "{% set big = 'x' * 1000000 %}{% set ns = namespace(l=[]) %}{% for i in range(100000) %}"
    "{% set ns.l = ns.l + [big[1:]] %}{% endfor %}{{ ns.l|length }}",
    "{% set big = 'x' * 1000000 %}{% set ns = namespace(l=[]) %}{% for i in range(100000) %}"
    "{% set ns.l = ns.l + [big|upper] %}{% endfor %}{{ ns.l|length }}",
    "{% set big = 'x' * 1000000 %}{% macro m() %}{{ big }}{% endmacro %}"
    "{% set ns = namespace(l=[]) %}{% for i in range(100000) %}{% set ns.l = ns.l + [m()] %}"
    "{% endfor %}{{ ns.l|length }}",
    "{% set big = 'x' * 1000000 %}{% for i in range(100000) %}{% set b %}{{ big }}{{ big }}"
    "{% endset %}{% endfor %}",
    "{% for i in range(100000) %}{{ 'x' * 1000000 }}{% endfor %}",
]


@pytest.mark.parametrize("body", AMPLIFIERS)
def test_amplification_is_refused_quickly_and_in_bounded_memory(
    result: rs.Result, tmp_path: Path, body: str
) -> None:
    started = time.perf_counter()
    tracemalloc.start()
    try:
        message = refused(result, write(tmp_path, body, "report.txt.j2"), "text")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "refused" in message
    assert time.perf_counter() - started < limits.MAX_SECONDS + 5
    assert peak < 400_000_000, f"{peak / 1e6:.0f} MB"


@pytest.mark.parametrize(
    "body",
    [
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "{% set r = range(100000)|list %}{% for i in r %}{% for j in r %}{% endfor %}{% endfor %}",
        "{% macro d(n) %}{% if n %}{{ d(n - 1) }}{{ d(n - 1) }}{% endif %}x{% endmacro %}"
        "{{ d(40) }}",
        "{% for x in range(100000) recursive %}{{ loop(range(100000)) }}{% endfor %}",
        "{% set ns = namespace(n=0) %}{% for i in range(100000) %}{% for j in range(100000) %}"
        "{% set ns.n = ns.n + 1 %}{% endfor %}{% endfor %}",
    ],
)
def test_loops_and_recursion_stop_at_the_time_budget(
    result: rs.Result, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str
) -> None:
    monkeypatch.setattr(limits, "MAX_SECONDS", 0.5)
    started = time.perf_counter()
    message = refused(result, write(tmp_path, body, "report.txt.j2"), "text")
    assert "refused" in message
    assert time.perf_counter() - started < 3


def test_the_report_size_is_capped(
    result: rs.Result, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_OUTPUT", 10_000)
    body = "{% for i in range(1000) %}{{ 'x' * 100 }}{% endfor %}"
    assert "longer than 10,000 characters" in refused(result, write(tmp_path, body))


def test_infinite_recursion_is_our_error(result: rs.Result, tmp_path: Path) -> None:
    body = "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}"
    assert "recursion" in refused(result, write(tmp_path, body))


@pytest.mark.parametrize("fmt", ["html", "markdown", "text"])
def test_a_template_that_only_extends_ours_gives_our_report(
    result: rs.Result, tmp_path: Path, fmt: str
) -> None:
    """The checks change nothing a template renders: escaping, finalize, loops, `~`."""
    name = template_files.FORMATS[fmt]
    write(tmp_path, f'{{% extends "risk_scoring/{name}" %}}', name)
    assert render(result, tmp_path, fmt) == render(result, TEMPLATE_DIR / name, fmt)
    assert render(result, tmp_path, fmt) == rs.render_report(result, fmt, "en")


def test_ordinary_template_code_still_works(result: rs.Result, tmp_path: Path) -> None:
    body = (
        "{% set ns = namespace(n=0) %}{% for l in report.levels %}{% set ns.n = ns.n + 1 %}"
        "{{ loop.index }}/{{ loop.length }}:{{ l.title ~ '!' }}{% if not loop.last %},{% endif %}"
        "{% endfor %} {{ ns.n }} {{ '%-6s|' % 'ab' }} {{ '{:>4}'.format(7) }} "
        "{{ ('a' * 3) + 'b' }} {{ [1, 2] * 2 }} {{ 2 ** 10 }} {{ 'x'.zfill(3) }} "
        "{{ report.case_ref[:4] }} {{ lipsum(1, False, 1, 2)|length > 0 }} "
        "{{ ['a', 'b']|join(', ') }} {{ 'A B'|replace(' ', '-') }} {{ range(3)|sum }}"
        "{% set captured %}<b>{{ '<i>' }}</b>{% endset %} {{ captured }}"
    )
    assert render(result, write(tmp_path, body)) == (
        "1/3:Standard!,2/3:Medium!,3/3:High! 3 ab    | "
        "   7 aaab [1, 2, 1, 2] 1024 00x Kari True a, b A-B 3 <b>&lt;i&gt;</b>"
    )


# --- PDF (D13) ------------------------------------------------------------------------

PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9"
    "awAAAABJRU5ErkJggg=="
)


def _pdf() -> None:
    from risk_scoring.report.pdf import pdf_available

    reason = pdf_available()
    if reason is not None:
        pytest.skip(f"PDF rendering unavailable here: {reason}")


def test_render_pdf_with_a_data_image_works(result: rs.Result, tmp_path: Path) -> None:
    """D13: WeasyPrint 70 wants a fetcher object; a data: image gave AttributeError."""
    _pdf()
    from risk_scoring.report.pdf import render_pdf

    write(
        tmp_path,
        '{% extends "risk_scoring/report.html.j2" %}{% block letterhead %}'
        f'<img src="data:image/png;base64,{PNG}" alt="logo">{{% endblock %}}',
    )
    assert render_pdf(result, "en", template=tmp_path).startswith(b"%PDF-")


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:9/{{ report.case_ref }}.png", "file:///etc/passwd?{{ report.case_ref }}"],
)
def test_render_pdf_fetches_nothing_else_and_says_so_quietly(
    result: rs.Result, tmp_path: Path, url: str, caplog: pytest.LogCaptureFixture
) -> None:
    _pdf()
    from risk_scoring.report.pdf import render_pdf

    write(
        tmp_path,
        '{% extends "risk_scoring/report.html.j2" %}{% block letterhead %}'
        f'<img src="{url}">{{% endblock %}}',
    )
    with caplog.at_level(logging.DEBUG), pytest.raises(rs.ReportError) as info:
        render_pdf(result, "en", template=tmp_path)
    message = str(info.value)
    assert "nothing but data: URIs" in message or "other than a data: URI" in message
    assert MARK not in message
    assert "127.0.0.1" not in message
    assert "passwd" not in message
    assert not any(MARK in record.getMessage() for record in caplog.records)
