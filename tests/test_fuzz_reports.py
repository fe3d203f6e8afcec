"""Free text in reports: never broken markup, never an unescaped character.

Threat model: docs/security.md §2 and §4. Analysts (and other systems) type notes,
justifications, case references, text judgements, text context fields, assessor ids
and roles; a report must show each exactly as text. The fuzz tests fill every one of
those fields with arbitrary Unicode and injection payloads, render every format, and
compare the rendered structure with the same report rendered with a harmless stand-in
("Z") in each field:

- HTML is parsed with `html.parser`: the sequence of tags, attributes, comments and
  declarations must be identical (free text added or removed no markup), and each
  text must appear in the parsed character data exactly.
- Markdown is parsed with Python-Markdown (and with markdown-it, CommonMark, when it
  is installed): identical block and inline structure, no raw HTML, links, emphasis,
  code, headings, lists or table cells from free text; with markdown-it each text must
  also read back as itself.
- Text must hold no control character (terminal escapes) but newline and tab, and each
  text (with control characters removed) must appear, up to line wrapping; and free
  text never starts a line of its own: the lines that start at column 1 are the same
  labels, in the same order, as in the baseline report (D6: a newline in `case_ref`
  forged a `Risk level: STANDARD` line).

Every format: no bidi embedding, override or isolate control (U+202A to U+202E,
U+2066 to U+2069) survives, and single-line fields are shown on one line.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, strategies as st

import risk_scoring as rs
from risk_scoring.testing import answers
from tests.security_support import (
    PAYLOADS,
    fill_free_text,
    free_text_fields,
    fuzz,
    hostile_text,
    record,
    write_free_text_instrument,
)


def _optional(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:  # pragma: no cover - depends on the environment
        return None


python_markdown = importlib.import_module("markdown")  # Python-Markdown, with mkdocs (dev)
markdown_it = _optional("markdown_it")  # markdown-it-py (CommonMark), when installed

INSTRUMENTS = rs.list_instruments()
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
ROLE = "assessors.0.role"
MULTI_LINE = re.compile(r"^(items\.[^.]+\.note|judgements\..+|justification)$")
"""Fields shown with their line breaks; every other free-text field is one line."""


@pytest.fixture(scope="module")
def free_text(tmp_path_factory: pytest.TempPathFactory) -> rs.Instrument:
    return write_free_text_instrument(tmp_path_factory.mktemp("reports"))


SINGLE_LINE = ("case_ref", "assessors.0.id", "assessors.1.id", ROLE)
NOT_ONE_LINE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def typed(field: str, text: str) -> str:
    """What a caller can type into `field`: single-line fields refuse line breaks and
    control characters at validation (tests/test_record.py), so they get none here."""
    return NOT_ONE_LINE.sub("", text) if field in SINGLE_LINE else text


def shown(field: str, text: str) -> str:
    """How the report shows `text` typed into `field`: control characters removed, and
    line breaks and tabs folded to spaces unless the field is multi-line."""
    cleaned = CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not MULTI_LINE.match(field):
        cleaned = cleaned.replace("\n", " ").replace("\t", " ")
    return cleaned.replace("_", " ") if field == ROLE else cleaned


def labels(report: str) -> list[str]:
    """What each line starting at column 1 of a text report says before its first ':'."""
    return [ln.split(":")[0] for ln in report.splitlines() if ln and not ln[0].isspace()]


def stand_in(field: str, text: str) -> str:
    """A harmless text that a template treats like `text` (empty stays empty)."""
    return "Z" if shown(field, text).strip() else text


def _assess(inst: rs.Instrument, base: dict[str, Any], texts: dict[str, str]) -> rs.Result:
    raw = fill_free_text(inst, base, texts)
    raw["assessors"][0]["role"] = texts[ROLE]
    return inst.assess(raw)


# --- HTML ------------------------------------------------------------------------------


class _Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[Any, ...]] = []
        self.data: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", tag, tuple(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("startend", tag, tuple(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag))

    def handle_data(self, data: str) -> None:
        self.data.append(data)

    def handle_comment(self, data: str) -> None:
        self.events.append(("comment", data))

    def handle_decl(self, decl: str) -> None:
        self.events.append(("decl", decl))

    def handle_pi(self, data: str) -> None:
        self.events.append(("pi", data))

    def unknown_decl(self, data: str) -> None:
        self.events.append(("unknown_decl", data))


def html_structure(document: str) -> tuple[list[tuple[Any, ...]], str]:
    parser = _Structure()
    parser.feed(document)
    parser.close()
    return parser.events, "".join(parser.data)


VOID = {"meta", "br", "hr", "img", "input", "link", "col", "wbr", "source", "area", "base"}


def assert_balanced(events: list[tuple[Any, ...]]) -> None:
    stack: list[str] = []
    for event in events:
        if event[0] == "start" and event[1] not in VOID:
            stack.append(event[1])
        elif event[0] == "end":
            assert stack, f"</{event[1]}> closes nothing"
            assert stack[-1] == event[1], f"</{event[1]}> closes <{stack[-1]}>"
            stack.pop()
    assert not stack, f"unclosed: {stack}"


# --- Markdown --------------------------------------------------------------------------


def python_markdown_structure(document: str) -> list[tuple[Any, ...]]:
    html = python_markdown.markdown(document, extensions=["tables"])
    events, _text = html_structure(html)
    return [e for e in events if e[1:2] != ("br",)]


INLINE_TEXT = {"text", "softbreak", "hardbreak", "text_special"}


def markdown_it_structure(document: str) -> tuple[list[tuple[Any, ...]], str]:
    assert markdown_it is not None
    parser = markdown_it.MarkdownIt("commonmark").enable("table")
    events: list[tuple[Any, ...]] = []
    text: list[str] = []
    for token in parser.parse(document):
        if token.type == "inline":
            for child in token.children or []:
                if child.type in INLINE_TEXT:
                    text.append(child.content if child.type != "softbreak" else "\n")
                else:
                    events.append(
                        (
                            child.type,
                            child.tag,
                            tuple(sorted(child.attrs.items())),
                            child.markup,
                            child.content,
                        )
                    )
        else:
            events.append(
                (
                    token.type,
                    token.tag,
                    tuple(sorted(token.attrs.items())),
                    token.markup,
                    token.content if token.type in ("html_block", "fence", "code_block") else "",
                )
            )
    return events, "".join(text)


def _squeeze(text: str) -> str:
    return "".join(text.split())


# --- the fuzz test ---------------------------------------------------------------------


@st.composite
def hostile_case(
    draw: st.DrawFn, free_text: rs.Instrument
) -> tuple[rs.Instrument, rs.Result, rs.Result, dict[str, str]]:
    ident = draw(st.sampled_from([*INSTRUMENTS, "free-text"]))
    inst = free_text if ident == "free-text" else rs.load_instrument(ident)
    base = draw(answers(inst))
    fields = [*free_text_fields(inst), ROLE]
    texts = {field: typed(field, draw(hostile_text())) for field in fields}
    baseline = {field: stand_in(field, text) for field, text in texts.items()}
    return inst, _assess(inst, base, texts), _assess(inst, base, baseline), texts


def check_reports(
    inst: rs.Instrument, result: rs.Result, baseline: rs.Result, texts: dict[str, str], lang: str
) -> None:
    def render(r: rs.Result, fmt: str) -> str:
        return rs.render_report(r, fmt, lang, instrument=inst, rendered_at="2026-11-22T10:00")

    # HTML: the same markup, and every text shown as character data.
    events, data = html_structure(render(result, "html"))
    expected_events, _ = html_structure(render(baseline, "html"))
    assert events == expected_events, "free text changed the HTML markup"
    assert_balanced(events)
    for field, text in texts.items():
        assert shown(field, text) in data, f"{field} is not shown literally in HTML"

    # Markdown: the same structure under two parsers; the text reads back (CommonMark).
    md, md_baseline = render(result, "markdown"), render(baseline, "markdown")
    assert python_markdown_structure(md) == python_markdown_structure(md_baseline), (
        "free text changed the Markdown structure (Python-Markdown)"
    )
    if markdown_it is not None:
        got, read_back = markdown_it_structure(md)
        want, _ = markdown_it_structure(md_baseline)
        assert got == want, "free text changed the Markdown structure (CommonMark)"
        squeezed = _squeeze(read_back)
        for field, text in texts.items():
            assert _squeeze(shown(field, text)) in squeezed, (
                f"{field} does not read back from Markdown"
            )

    # Text: no control character; every text there, up to wrapping; no forged line.
    plain = render(result, "text")
    assert CONTROL.search(plain) is None, "a control character reached the text report"
    assert labels(plain) == labels(render(baseline, "text")), "free text started a line"
    assert BIDI.search(md) is None, "a bidi control survived in Markdown"
    assert BIDI.search(data) is None, "a bidi control survived in HTML"
    squeezed = _squeeze(plain)
    for field, text in texts.items():
        assert _squeeze(shown(field, text)) in squeezed, f"{field} is not shown in the text report"


@fuzz(40)
@given(data=st.data(), lang=st.sampled_from(["nb", "en"]))
def test_free_text_never_breaks_markup_or_escapes_in_any_format(
    free_text: rs.Instrument, data: st.DataObject, lang: str
) -> None:
    inst, result, baseline, texts = data.draw(hostile_case(free_text))
    start = time.perf_counter()
    check_reports(inst, result, baseline, texts, lang)
    record("reports: hostile free text in every field and format", time.perf_counter() - start)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_payload_is_inert_in_every_field(free_text: rs.Instrument, payload: str) -> None:
    base = {
        "items": {"A1": "Y", "A2": "N", "B1": "P"},
        "judgements": {"harm": "low", "imminent": "high"},
    }
    fields = [*free_text_fields(free_text), ROLE]
    texts = {field: typed(field, payload) for field in fields}
    baseline = {field: stand_in(field, text) for field, text in texts.items()}
    for lang in ("nb", "en"):
        check_reports(
            free_text,
            _assess(free_text, base, texts),
            _assess(free_text, base, baseline),
            texts,
            lang,
        )


def test_the_structure_check_catches_injected_markup(free_text: rs.Instrument) -> None:
    """The comparison itself works: unescaped markup would be seen."""
    base = {"items": {"A1": "Y", "A2": "N", "B1": "P"}}
    result = _assess(free_text, base, dict.fromkeys([*free_text_fields(free_text), ROLE], "Z"))
    document = rs.render_report(result, "html", "en", instrument=free_text)
    events, _ = html_structure(document)
    injected, _ = html_structure(document.replace(">Z<", "><b>Z</b><", 1))
    assert events != injected
    md = rs.render_report(result, "markdown", "en", instrument=free_text)
    assert python_markdown_structure(md) != python_markdown_structure(md.replace(" Z", " *Z*", 1))


# --- custom templates: files they may reach --------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "{% include '/etc/passwd' %}",
        "{% include '../../../../../../etc/passwd' %}",
        "{% extends 'risk_scoring/../../../../etc/passwd' %}",
        "{% import '/etc/hostname' as x %}",
    ],
)
def test_custom_templates_cannot_read_files_outside_their_folder(tmp_path: Path, body: str) -> None:
    result = rs.assess("dash", {"items": {str(n): "no" for n in range(1, 25)}})
    template = tmp_path / "report.html.j2"
    template.write_text(body, encoding="utf-8")
    with pytest.raises(rs.ReportError, match="not found"):
        rs.render_report(result, "html", "en", template=template)


# --- forged lines in text reports (D6) -------------------------------------------------

FORGERY = "X1\n\nSummary\n-------\nRisk level: STANDARD (level 1 of 3)"


def _stored_with(result: rs.Result, field: str, text: str) -> rs.Result:
    """`result` with its single-line `field` holding `text`. Validation refuses line
    breaks and bidi controls there, in answers (tests/test_record.py) and in stored
    results read back (tests/test_stored_results.py), so this builds the Result without
    validation, as a caller's own code could: the reports must hold their lines all the
    same."""
    data = json.loads(result.model_dump_json())
    if field == "case_ref":
        data["case_ref"] = text
    else:
        data["assessors"][0][field.rpartition(".")[2]] = text
    with pytest.raises(rs.ResultError):
        rs.Result.model_validate_json(json.dumps(data))
    if field == "case_ref":
        return result.model_copy(update={"case_ref": text})
    key = field.rpartition(".")[2]
    first = dataclasses.replace(result.assessors[0], **{key: text})
    return result.model_copy(update={"assessors": [first, *result.assessors[1:]]})


@pytest.mark.parametrize("field", ["case_ref", "assessors.0.id", ROLE, "context.circumstances"])
def test_a_newline_in_a_single_line_field_cannot_forge_a_report_line(
    free_text: rs.Instrument, field: str
) -> None:
    """D6: the first "Risk level" line of a high DASH case read "STANDARD"."""
    base = {
        "items": {"A1": "Y", "A2": "N", "B1": "P"},
        "judgements": {"harm": "high", "imminent": "high"},
    }
    texts = dict.fromkeys([*free_text_fields(free_text), ROLE], "Z")
    if field.startswith("context."):
        texts[field] = FORGERY
        result = _assess(free_text, base, texts)
    else:
        with pytest.raises(rs.AnswerError) as refused:
            _assess(free_text, base, {**texts, field: FORGERY})
        assert [p.code for p in refused.value.problems] == ["not_one_line"]
        result = _stored_with(_assess(free_text, base, texts), field, FORGERY)
    forged = rs.render_report(result, "text", "en", instrument=free_text)
    levels = [ln for ln in forged.splitlines() if ln.startswith("Risk level")]
    assert levels == ["Risk level: HIGH (level 3 of 3)"]
    assert " ".join(FORGERY.split()) in " ".join(forged.split())
    markdown = rs.render_report(result, "markdown", "en", instrument=free_text)
    assert not any(ln.lstrip().startswith("Risk level") for ln in markdown.splitlines())


def test_the_red_team_reproducer_gives_one_risk_level_line() -> None:
    answers = {"items": {str(n): "yes" for n in range(1, 25)}, "case_ref": FORGERY}
    with pytest.raises(rs.AnswerError, match="case_ref: must be a single line"):
        rs.assess("dash", answers)
    result = _stored_with(rs.assess("dash", {**answers, "case_ref": "X1"}), "case_ref", FORGERY)
    text = rs.render_report(result, "text", "en")
    levels = [ln for ln in text.splitlines() if ln.startswith("Risk level")]
    assert levels == ["Risk level: HIGH (level 3 of 3)"]


@pytest.mark.parametrize("field", ["justification", "items.A1.note", "judgements.victims"])
def test_multi_line_free_text_is_indented_on_every_line(
    free_text: rs.Instrument, field: str
) -> None:
    base = {
        "items": {"A1": "Y", "A2": "N", "B1": "P"},
        "judgements": {"harm": "high", "imminent": "high"},
    }
    texts = dict.fromkeys([*free_text_fields(free_text), ROLE], "Z")
    texts[field] = FORGERY
    text = rs.render_report(_assess(free_text, base, texts), "text", "en", instrument=free_text)
    assert [ln for ln in text.splitlines() if ln.startswith("Risk level")] == [
        "Risk level: HIGH (level 3 of 3)"
    ]
    assert any(ln.strip() == "Risk level: STANDARD (level 1 of 3)" for ln in text.splitlines())


def test_a_custom_text_template_printing_a_multi_line_field_indents_it(
    free_text: rs.Instrument, tmp_path: Path
) -> None:
    template = tmp_path / "report.txt.j2"
    template.write_text("{{ report.justification }}\n", encoding="utf-8")
    base = {"items": {"A1": "Y", "A2": "N", "B1": "P"}, "justification": "a\nRisk level: LOW"}
    result = free_text.assess(base)
    assert rs.render_report(result, "text", template=template, instrument=free_text) == (
        "a\n  Risk level: LOW\n"
    )


@pytest.mark.parametrize(
    "char",
    ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"],
)
def test_bidi_controls_are_removed_from_every_format(free_text: rs.Instrument, char: str) -> None:
    """Left open in docs/security.md before: an override could reorder a displayed line."""
    base = {"items": {"A1": "Y", "A2": "N", "B1": "P"}}
    fields = [*free_text_fields(free_text), ROLE]
    texts = {field: typed(field, f"abc{char}def") for field in fields}
    result = _assess(free_text, base, texts)
    # Single-line fields refuse the control; a stored result may still carry one.
    stored = _stored_with(_stored_with(result, "case_ref", f"abc{char}def"), ROLE, f"x{char}y")
    for fmt in ("html", "markdown", "text"):
        document = rs.render_report(stored, fmt, "en", instrument=free_text)
        assert char not in document
        assert "abcdef" in document
        assert "xy" in document
