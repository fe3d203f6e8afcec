"""Reports an analyst can file: HTML, Markdown and text, in bokmål and English, safe with
untrusted text, reproducible, and rendered only through the sandbox."""

from __future__ import annotations

import datetime as dt
import html
import html.parser
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import risk_scoring as rs
from risk_scoring.report import i18n as _i18n, render as report
from risk_scoring.testing import answers
from risk_scoring.tooling.golden import case_files, read_case
from tests.system_deps import pdf_unavailable

FORMATS = ("html", "markdown", "text")
LANGS = ("nb", "en")
RENDERED_AT = dt.datetime(2026, 11, 22, 14, 3, tzinfo=dt.timezone.utc)
HOSTILE = (
    "<script>alert(1)</script> <img src=x onerror=alert(2)> "
    "[click](javascript:alert(3)) ![i](http://evil.example/x.png) | a | b |\n"
    "# not a heading\n- not a list\n1. not a list\n<a href='http://evil.example'>x</a>\n"
    "&lt;b&gt;an entity stays text&lt;/b&gt; *not emphasis* `not code`"
)


def full_answers(inst: rs.Instrument, note: str = "Observed by the patrol.") -> dict[str, Any]:
    """Every item rated at its highest value in every dimension, with a note; every field set."""
    items: dict[str, Any] = {}
    for item in inst.items:
        rating: dict[str, Any] = {}
        for dim in inst.dimensions:
            known = [v.id for v in inst.scale_for(item, dim).values if not v.unknown]
            rating[dim.id] = known[-1]
        rating["note"] = note
        items[item.id] = rating
    context: dict[str, Any] = {}
    for field in inst.context:
        if field.type == "bool":
            context[field.id] = True
        elif field.type == "int":
            context[field.id] = min(3, field.max) if field.max is not None else 3
        elif field.type == "choice":
            context[field.id] = field.choices[0].id
        elif field.type == "date":
            context[field.id] = "2026-11-01"
        else:
            context[field.id] = "Context text."
    judgements = {
        j.id: (inst.levels[-1] if j.type == "level" else "The current partner.")
        for j in inst.judgements
    }
    return {
        "items": items,
        "context": context,
        "judgements": judgements,
        "justification": "Escalating pattern.\nSecond line of the justification.",
        "assessors": [{"role": "risk_analyst", "id": "A-17"}, {"role": "clinician"}],
        "assessed_on": "2026-11-20",
        "case_ref": "EX-2026-0001",
    }


def render(result: rs.Result, fmt: str = "html", lang: str = "en", **kw: Any) -> str:
    return rs.render_report(result, fmt, lang, rendered_at=RENDERED_AT, **kw)


def shown(result: rs.Result, fmt: str = "html", lang: str = "en") -> str:
    """The report as a reader sees the text: Markdown escapes and HTML entities undone."""
    text = render(result, fmt, lang)
    if fmt == "markdown":
        text = re.sub(r"\\(.)", r"\1", text)
    return html.unescape(text) if fmt != "text" else text


@pytest.fixture(scope="module")
def sara() -> rs.Instrument:
    """The SARA-V3 definition (spj, three dimensions)."""
    return rs.load_instrument("sara-v3")


@pytest.fixture(scope="module")
def sara_full(sara: rs.Instrument) -> rs.Result:
    """A SARA-V3 case with every item, judgement and field filled in."""
    return sara.assess(full_answers(sara))


@pytest.fixture(scope="module")
def dash_high() -> rs.Result:
    """DASH with 11 yes answers raised to high by justified professional judgement; three
    incidents add the escalation route to the MARAC referral (the README example)."""
    items = {str(n): "yes" if n <= 12 else "no" for n in range(1, 25)}
    items["5"] = "unknown"
    return rs.assess(
        "dash",
        {
            "items": items,
            "context": {"incidents_last_12_months": 3},
            "judgements": {"professional_judgement": "high"},
            "justification": "Escalating pattern over the last year (fictitious).",
            "assessed_on": "2026-03-05",
            "case_ref": "EX-2",
        },
    )


# --- content and its order --------------------------------------------------------------

SECTIONS = {
    "en": [
        "Risk assessment",
        "Summary",
        "Recommended measures",
        "Warnings",
        "Ratings by domain",
        "Provenance",
        "Decision support, not a decision.",
    ],
    "nb": [
        "Risikovurdering",
        "Sammendrag",
        "Anbefalte tiltak",
        "Advarsler",
        "Vurderinger per domene",
        "Sporbarhet",
        "Beslutningsstøtte, ikke en beslutning.",
    ],
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_sections_come_in_the_specified_order(sara_full: rs.Result, fmt: str, lang: str) -> None:
    text = render(sara_full, fmt, lang)
    positions = [text.find(heading) for heading in SECTIONS[lang]]
    assert -1 not in positions, dict(zip(SECTIONS[lang], positions, strict=True))
    assert positions == sorted(positions)


@pytest.mark.parametrize("fmt", FORMATS)
def test_header_names_case_instrument_date_and_both_assessors(
    sara_full: rs.Result, fmt: str
) -> None:
    text = shown(sara_full, fmt, "nb")
    for expected in [
        "EX-2026-0001",
        "SARA-V3",
        "versjon 2015.2",
        "20. november 2026",
        "Risikoanalytiker",
        "A-17",
        "Kliniker",
    ]:
        assert expected in text, expected


def test_summary_gives_the_level_its_meaning_and_its_place_on_the_scale(
    sara_full: rs.Result, sara: rs.Instrument
) -> None:
    text = render(sara_full, "html", "en")
    high = sara.level_by_id["high"]
    assert re.search(r'class="level sev-3".*?>High</strong>', text, re.S)
    assert high.description.en in text
    assert "level 3 of 3" in text
    assert '<li class="current sev-3" aria-current="true">High</li>' in text


def test_level_is_shown_by_text_as_well_as_colour(dash_high: rs.Result) -> None:
    text = render(dash_high, "html", "nb")
    badge = re.search(r'<div class="level (sev-\d)">(.*?)</div>', text, re.S)
    assert badge is not None
    assert badge.group(1) == "sev-3"
    assert "Høy" in badge.group(2)


def test_spj_total_is_labelled_research_only(sara_full: rs.Result) -> None:
    for fmt in FORMATS:
        text = render(sara_full, fmt, "en")
        assert "Research total" in text
        assert "For research only" in text
        assert "has no cut-off scores" in text


def test_scored_instrument_shows_its_score_and_how_the_level_was_reached(
    dash_high: rs.Result,
) -> None:
    text = render(dash_high, "text", "en")
    assert "Score: 11" in text
    assert "Research total" not in text
    assert "The score 11 falls in the band for Medium." in text
    assert "Raised to High: Professional judgement can raise the level" in text
    assert "Unknown or omitted items: 5" in text


def test_judgements_and_justification_are_shown(sara_full: rs.Result, sara: rs.Instrument) -> None:
    text = render(sara_full, "html", "en")
    for judgement in sara.judgements:
        assert judgement.title.en in text
    assert "sets the level" in text
    assert '<p class="freetext">Escalating pattern.\nSecond line of the justification.</p>' in text


def test_incomplete_spj_case_says_what_is_missing(sara: rs.Instrument) -> None:
    given = full_answers(sara)
    del given["judgements"]
    result = sara.assess(given)
    assert result.level is None
    for fmt in FORMATS:
        text = render(result, fmt, "en")
        assert "Incomplete" in text or "INCOMPLETE" in text
        assert "Case prioritization" in text
        assert "No level without the summary judgements" in text
    assert "Risk level</span>" not in render(result, "html", "en")


def test_too_many_unknown_answers_are_explained() -> None:
    odara = rs.load_instrument("odara")
    result = odara.assess({"items": {str(n): "unknown" for n in range(1, 14)}})
    assert result.level is None
    text = render(result, "text", "nb")
    assert "13 punkter er ukjente" in text
    assert "Ikke noe nivå: for mange svar er ukjente." in text


def test_measures_show_priority_reasons_legal_basis_and_who_decides(
    sara_full: rs.Result, sara: rs.Instrument
) -> None:
    catalogue = rs.load_catalogue()
    rules = {rule.id: rule for rule in sara.measure_rules}
    text = render(sara_full, "html", "nb")
    assert sara_full.measures
    for measure in sara_full.measures:
        entry = catalogue.by_id[measure.id]
        assert entry.name.nb in text
        assert entry.decided_by.nb in text
        if entry.legal_basis is not None:
            assert entry.legal_basis.nb in text
        for reason in measure.reasons:
            assert rules[reason.rule].rationale.nb in text
    assert '<span class="prio prio-urgent">Haster</span>' in text
    assert "Grunnlag: Risiko for nært forestående vold: Høy" in text


def test_warnings_are_localized_and_flag_a_missing_justification(sara: rs.Instrument) -> None:
    given = full_answers(sara)
    given["judgements"] = {
        "case_prioritization": "low",
        "serious_harm": "low",
        "imminent_violence": "low",
    }
    del given["justification"]
    result = sara.assess(given)
    fired = [s.rule for s in result.trace if s.kind == "warning"]
    assert "serious-harm-low-with-severe-ipv" in fired
    message = next(w for w in sara.warning_rules if w.id == "serious-harm-low-with-severe-ipv")
    nb = render(result, "html", "nb")
    assert message.message.nb in nb
    assert "krever begrunnelse" in nb
    assert message.message.en in shown(result, "markdown", "en")


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_item_shows_every_dimension_by_its_label_and_its_note(
    sara_full: rs.Result, sara: rs.Instrument, fmt: str
) -> None:
    text = shown(sara_full, fmt, "nb")
    for dim in sara.dimensions:
        assert dim.title.nb in text
    for domain in sara.domains:
        assert domain.title.nb in text
    for item in sara.items:
        assert item.title.nb in text
    assert text.count("Observed by the patrol.") == len(sara.items)
    assert "Ja" in text
    assert "Høy" in text


def test_items_table_has_one_column_per_dimension(sara_full: rs.Result) -> None:
    text = render(sara_full, "html", "en")
    head = re.search(r'<table class="items">\s*<thead><tr>(.*?)</tr>', text, re.S)
    assert head is not None
    assert re.findall(r"<th[^>]*>(.*?)</th>", head.group(1)) == [
        "Item",
        "Description",
        "Recent (about the last year)",
        "Past",
        "Relevance",
    ]


def test_provenance_names_instrument_digest_library_and_the_given_time(
    sara_full: rs.Result,
) -> None:
    for fmt in FORMATS:
        text = render(sara_full, fmt, "en")
        assert sara_full.provenance.digest in text
        library = "risk\\_scoring" if fmt == "markdown" else "risk_scoring"
        assert f"{library} {rs.__version__}" in text
        assert "22 November 2026, 14:03 UTC" in text
    assert "22. november 2026, 14:03 UTC" in render(sara_full, "text", "nb")


def test_a_stored_result_renders_the_same_report(sara_full: rs.Result) -> None:
    stored = rs.Result.model_validate_json(sara_full.model_dump_json())
    for fmt in FORMATS:
        assert render(stored, fmt, "nb") == render(sara_full, fmt, "nb")


def test_rendering_never_reads_the_clock(sara_full: rs.Result) -> None:
    first = rs.render_report(sara_full, "html", "en")
    second = rs.render_report(sara_full, "html", "en")
    assert first == second
    assert "Rendered</th><td>not given" in first
    assert dt.date.today().strftime("%-d %B %Y") not in first


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        (dt.date(2026, 1, 2), "2 January 2026"),
        ("2026-01-02", "2 January 2026"),
        ("2026-01-02T08:30:00+01:00", "2 January 2026, 08:30 UTC+01:00"),
        (dt.datetime(2026, 1, 2, 8, 30), "2 January 2026, 08:30"),
    ],
)
def test_rendered_at_takes_a_date_a_datetime_or_an_iso_string(
    dash_high: rs.Result, given: Any, shown: str
) -> None:
    assert f"Rendered: {shown}\n" in rs.render_report(dash_high, "text", "en", rendered_at=given)


def test_rendered_at_must_be_a_time(dash_high: rs.Result) -> None:
    with pytest.raises(rs.ReportError, match="rendered_at"):
        rs.render_report(dash_high, rendered_at="yesterday")


# --- the wording of "how the level was reached" (issue 11) --------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_no_judgements_lists_no_judgement_as_an_unknown_item(
    sara: rs.Instrument, fmt: str, lang: str
) -> None:
    answers = full_answers(sara)
    del answers["judgements"]
    text = render(sara.assess(answers), fmt, lang)
    unknown = "Unknown or omitted items" if lang == "en" else "Ukjente eller utelatte punkter"
    assert unknown not in text
    for judgement in sara.judgements:
        assert judgement.id not in text.replace("\\_", "_")
    no_level = {
        "en": "No level: the summary judgements are not recorded.",
        "nb": "Ikke noe nivå: de summariske vurderingene er ikke registrert.",
    }
    assert no_level[lang] in text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_odara_over_the_limit_states_its_unknown_items_once(fmt: str, lang: str) -> None:
    result = rs.assess("odara", {"items": {str(n): "unknown" for n in range(1, 14)}})
    assert result.level is None
    text = render(result, fmt, lang)
    unknown = "Unknown or omitted items" if lang == "en" else "Ukjente eller utelatte punkter"
    assert text.count(unknown) == 1


def test_omitted_spj_items_are_still_stated(sara: rs.Instrument) -> None:
    answers = full_answers(sara)
    answers["items"]["V5"] = "O"
    text = render(sara.assess(answers), "text", "en")
    assert text.count("Unknown or omitted items: V5;") == 1


# --- every built-in instrument ----------------------------------------------------------

CASES = [
    pytest.param(ident, path, id=f"{ident}/{path.stem}")
    for ident in rs.list_instruments()
    for path in case_files(rs.load_instrument(ident))
]


@pytest.mark.parametrize(("ident", "path"), CASES)
def test_every_golden_case_renders_in_every_format_and_language(ident: str, path: Path) -> None:
    inst = rs.load_instrument(ident)
    result = inst.assess(read_case(path)[0]["answers"])
    for lang in LANGS:
        level = inst.level_by_id[result.level].title.get(lang) if result.level else None
        for fmt in FORMATS:
            text = render(result, fmt, lang)
            assert SECTIONS[lang][-1] in text
            if level is not None:
                assert level in text or level.upper() in text


@pytest.mark.parametrize("ident", rs.list_instruments())
def test_a_fully_rated_case_renders_for_every_instrument(ident: str) -> None:
    inst = rs.load_instrument(ident)
    result = inst.assess(full_answers(inst))
    for lang in LANGS:
        for fmt in FORMATS:
            assert render(result, fmt, lang).count("Observed by the patrol.") == len(inst.items)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), ident=st.sampled_from(rs.list_instruments()))
def test_any_valid_answers_render_without_error(data: st.DataObject, ident: str) -> None:
    inst = rs.load_instrument(ident)
    result = inst.assess(data.draw(answers(inst)))
    for fmt in FORMATS:
        text = render(result, fmt, data.draw(st.sampled_from(LANGS)))
        assert "<script" not in text


# --- languages --------------------------------------------------------------------------


def test_every_fixed_string_has_a_bokmal_translation() -> None:
    extracted = {m.id for m in _i18n.extract() if m.id}
    catalogue = _i18n.read_catalogue("nb")
    translated = {m.id for m in catalogue if m.id and m.string and not m.fuzzy}
    assert extracted, "no marked strings found"
    assert sorted(map(str, extracted - translated)) == []


def test_the_bokmal_catalogue_has_no_stale_entries() -> None:
    extracted = {m.id for m in _i18n.extract() if m.id}
    catalogue = _i18n.read_catalogue("nb")
    assert sorted(str(m.id) for m in catalogue if m.id and m.id not in extracted) == []


def test_translations_keep_their_placeholders() -> None:
    problems = [
        (message.id, [str(e) for e in errors])
        for message, errors in _i18n.read_catalogue("nb").check()
        if errors
    ]
    assert problems == []


@pytest.mark.parametrize("name", sorted(p.name for p in _i18n.TEMPLATE_DIR.glob("*.j2")))
def test_templates_hold_no_words_outside_translatable_strings(name: str) -> None:
    from risk_scoring.report.environment import environment

    source = (_i18n.TEMPLATE_DIR / name).read_text(encoding="utf-8")
    source = re.sub(r"<style>.*?</style>", "", source, flags=re.S)
    data = "".join(
        value for _line, kind, value in environment("text", "en").lex(source) if kind == "data"
    )
    data = re.sub(r"<[^>]*>", "", data)  # markup
    data = re.sub(r"&[a-z]+;|\bhttps?://\S+", "", data)
    assert re.findall(r"[^\W\d_]{2,}", data) == []


def test_a_bokmal_report_holds_no_english_fixed_string(
    sara_full: rs.Result, sara: rs.Instrument
) -> None:
    english = [m for m in _i18n.messages("nb") if len(m) >= 12 and "%(" not in m]
    # The appendix quotes each unverified value's `source:`, English data from the YAML.
    sources = {u.source for u in (*rs.unverified(sara), *rs.unverified(rs.load_catalogue()))}
    for fmt in FORMATS:
        text = " ".join(shown(sara_full, fmt, "nb").split())
        for source in sorted(sources, key=len, reverse=True):  # one may hold another
            text = text.replace(" ".join(source.split()), "")
        assert [m for m in english if m in text] == []


def test_dates_and_numbers_follow_the_language(write_yaml: Any) -> None:
    path = write_yaml(HALF_POINTS)
    inst = rs.load_instrument(path)
    result = inst.assess({"items": {"A": "yes", "B": "yes"}, "assessed_on": "2026-03-05"})
    assert result.score == 2.5
    nb = rs.render_report(result, "text", "nb", instrument=inst)
    en = rs.render_report(result, "text", "en", instrument=inst)
    assert "Poengsum: 2,5" in nb
    assert "5. mars 2026" in nb
    assert "Score: 2.5" in en
    assert "5 March 2026" in en


HALF_POINTS = """\
id: halves
version: "1"
kind: checklist
title: {nb: Halve, en: Halves}
description: {nb: Test, en: Test}
source: {citation: "Test fixture", licence: {nb: Fri, en: Free}}
scales:
  - id: yn
    title: {nb: Ja/nei, en: Yes/no}
    values:
      - {id: "no", label: {nb: Nei, en: "No"}, points: 0}
      - {id: "yes", label: {nb: Ja, en: "Yes"}, points: 1}
dimensions:
  - {id: answer, title: {nb: Svar, en: Answer}, scale: yn}
domains:
  - {id: all, title: {nb: Alle, en: All}}
items:
  - {id: A, domain: all, title: {nb: a, en: a}, guidance: {nb: g, en: g}, weight: 1.5}
  - {id: B, domain: all, title: {nb: b, en: b}, guidance: {nb: g, en: g}}
levels:
  - {id: low, title: {nb: Lav, en: Low}, description: {nb: l, en: l}, min_score: 0}
  - {id: high, title: {nb: Høy, en: High}, description: {nb: h, en: h}, min_score: 2}
"""


# --- safety with untrusted text ---------------------------------------------------------


class _Elements(html.parser.HTMLParser):
    """Collects the element names and attributes of an HTML document, and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(document: str) -> _Elements:
    parser = _Elements()
    parser.feed(document)
    parser.close()
    return parser


def _inert(document: str) -> None:
    """No script, image, link or event handler came from the hostile note."""
    parsed = _parse(document)
    assert not {"script", "img", "a", "iframe", "object", "embed", "link"} & set(parsed.tags)
    assert [name for name, _value in parsed.attributes if name.startswith("on")] == []
    assert [name for name, _value in parsed.attributes if name in ("href", "src")] == []
    assert "javascript:" not in " ".join(value or "" for _n, value in parsed.attributes)


@pytest.fixture(scope="module")
def hostile(sara: rs.Instrument) -> rs.Result:
    """A SARA-V3 case whose notes, justification, case reference and assessor id attack."""
    given = full_answers(sara, note=HOSTILE)
    given["justification"] = HOSTILE
    given["case_ref"] = "<b>EX</b> | [x](javascript:alert(4))"
    given["assessors"] = [{"role": "<i>analyst</i>", "id": "<script>"}]
    return sara.assess(given)


def test_hostile_text_is_inert_in_html_and_shown_literally(hostile: rs.Result) -> None:
    document = render(hostile, "html", "en")
    _inert(document)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document
    text = "".join(_parse(document).text)
    assert "<img src=x onerror=alert(2)>" in text
    assert "[click](javascript:alert(3))" in text
    assert "&lt;b&gt;an entity stays text" in text


@pytest.mark.parametrize("renderer", ["markdown-it", "python-markdown"])
def test_hostile_text_is_inert_in_markdown(
    hostile: rs.Result, sara: rs.Instrument, renderer: str
) -> None:
    source = render(hostile, "markdown", "en")
    if renderer == "markdown-it":
        markdown_it = pytest.importorskip("markdown_it")
        document = markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table")
        document_html = document.render(source)
    else:
        markdown = pytest.importorskip("markdown")
        document_html = markdown.markdown(source, extensions=["tables"])
    _inert(document_html)
    # The note's `|` did not add cells: every item row still has 2 + 3 cells.
    rows = re.findall(r"<tr>(.*?)</tr>", document_html, re.S)
    item_rows = [r for r in rows if re.search(r"<td>(N|P|V)\d+</td>", r)]
    assert len(item_rows) == len(sara.items)
    assert {len(re.findall(r"<td", r)) for r in item_rows} == {5}
    # Nothing became a heading or a list item except our own.
    assert "not a heading</h" not in document_html
    assert "<li>not a list" not in document_html
    text = "".join(_parse(document_html).text)
    assert "[click](javascript:alert(3))" in text
    assert "<script>alert(1)</script>" in text
    assert "&lt;b&gt;an entity stays text" in text
    assert "*not emphasis* `not code`" in text
    assert "<em>not emphasis</em>" not in document_html
    assert "<code>not code</code>" not in document_html


def test_control_characters_are_removed_from_every_format(sara: rs.Instrument) -> None:
    given = full_answers(sara, note="red\x1b[31m alert\x07 end\x00")
    result = sara.assess(given)
    for fmt in FORMATS:
        text = render(result, fmt, "en")
        assert "\x1b" not in text
        assert "\x07" not in text
        assert "\x00" not in text
        assert "red[31m alert end" in text.replace("\\[", "[")


def test_html_report_is_self_contained(sara_full: rs.Result) -> None:
    document = render(sara_full, "html", "nb")
    assert document.startswith('<!DOCTYPE html>\n<html lang="nb">')
    for forbidden in ("<script", "<link", "src=", "href=", "url(", "@import", "<iframe"):
        assert forbidden not in document
    assert "default-src 'none'" in document
    assert "@page { size: A4" in document
    assert "@media print" in document


# --- templates: the sandbox, strictness, custom templates -------------------------------


@pytest.mark.parametrize(
    "attack",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ report.__class__ }}",
        "{{ cycler.__init__.__globals__.os }}",
        "{{ lipsum.__globals__['os'].system('true') }}",
        "{{ report.levels.__len__() }}",
        "{% set x = [] %}{{ x.append(1) }}",
        "{{ '{0.__class__}'.format(report) }}",
    ],
)
def test_a_custom_template_cannot_reach_python_internals(
    dash_high: rs.Result, tmp_path: Path, attack: str
) -> None:
    path = tmp_path / "attack.html.j2"
    path.write_text(attack, encoding="utf-8")
    with pytest.raises(rs.ReportError, match=r"attack\.html\.j2") as caught:
        rs.render_report(dash_high, template=path)
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None


def test_a_template_typo_fails_loudly_and_names_the_line(
    dash_high: rs.Result, tmp_path: Path
) -> None:
    path = tmp_path / "typo.txt.j2"
    path.write_text("{{ report.case_ref }}\n{{ report.levle.title }}\n", encoding="utf-8")
    with pytest.raises(rs.ReportError, match=r"typo\.txt\.j2, line 2: undefined: .*'levle'"):
        rs.render_report(dash_high, "text", template=path)


def test_a_template_syntax_error_is_our_error(dash_high: rs.Result, tmp_path: Path) -> None:
    path = tmp_path / "broken.html.j2"
    path.write_text("ok\n{% if %}\n", encoding="utf-8")
    with pytest.raises(rs.ReportError, match=r"broken\.html\.j2, line 2: syntax error"):
        rs.render_report(dash_high, template=path)


def test_a_python_error_inside_a_template_does_not_leak_values(
    dash_high: rs.Result, tmp_path: Path
) -> None:
    path = tmp_path / "int.html.j2"
    path.write_text("{{ report.case_ref|int(default=none) + 1 }}", encoding="utf-8")
    with pytest.raises(rs.ReportError) as caught:
        rs.render_report(dash_high, template=path)
    assert "EX-2" not in str(caught.value)


def test_a_folder_overrides_one_block_of_ours(dash_high: rs.Result, tmp_path: Path) -> None:
    (tmp_path / "report.html.j2").write_text(
        '{% extends "risk_scoring/report.html.j2" %}'
        "{% block letterhead %}<p class=letterhead>Oslo politidistrikt · {{ report.case_ref }}"
        "</p>{% endblock %}",
        encoding="utf-8",
    )
    document = render(dash_high, "html", "nb", template=tmp_path)
    assert "<p class=letterhead>Oslo politidistrikt · EX-2</p>" in document
    assert document.index("letterhead") < document.index("<h1>Risikovurdering</h1>")
    assert SECTIONS["nb"][-1] in document
    # formats the folder does not override are ours
    assert render(dash_high, "text", "nb", template=tmp_path) == render(dash_high, "text", "nb")


def test_a_custom_template_file_is_escaped_like_ours(dash_high: rs.Result, tmp_path: Path) -> None:
    given = {"items": {str(n): "no" for n in range(1, 25)}, "case_ref": "<b>x</b>|[y](z)"}
    result = rs.assess("dash", given)
    path = tmp_path / "mine.txt"  # the name does not switch escaping off
    path.write_text("{{ report.case_ref }} {{ _('Summary') }}", encoding="utf-8")
    assert (
        rs.render_report(result, "html", "nb", template=path)
        == "&lt;b&gt;x&lt;/b&gt;|[y](z) Sammendrag"
    )
    assert (
        rs.render_report(result, "markdown", "en", template=path)
        == "&lt;b&gt;x&lt;/b&gt;&#124;\\[y\\]\\(z\\) Summary"
    )


def test_a_missing_template_is_our_error(dash_high: rs.Result, tmp_path: Path) -> None:
    with pytest.raises(rs.ReportError, match="no template file or folder"):
        rs.render_report(dash_high, template=tmp_path / "nope.j2")
    (tmp_path / "inc.html.j2").write_text('{% include "../../etc/passwd" %}', encoding="utf-8")
    with pytest.raises(rs.ReportError, match="not found"):
        rs.render_report(dash_high, template=tmp_path / "inc.html.j2")


# --- arguments --------------------------------------------------------------------------


def test_unknown_format_or_language_is_refused(dash_high: rs.Result) -> None:
    with pytest.raises(rs.ReportError, match="unknown format 'pdf'"):
        rs.render_report(dash_high, "pdf")
    with pytest.raises(rs.ReportError, match="unknown language 'sv'"):
        rs.render_report(dash_high, "html", "sv")


def test_a_result_from_a_non_builtin_definition_needs_that_definition(
    tiny_spj: rs.Instrument,
) -> None:
    result = tiny_spj.assess({"items": {"A1": "Y", "A2": "N", "B1": "P"}})
    with pytest.raises(rs.ReportError, match="pass instrument="):
        rs.render_report(result)
    assert "a1" in rs.render_report(result, "text", "en", instrument=tiny_spj)
    with pytest.raises(rs.ReportError, match="computed with tiny-spj"):
        rs.render_report(result, instrument=rs.load_instrument("sara-v3"))


def test_report_context_exposes_the_view_custom_templates_see(dash_high: rs.Result) -> None:
    context: Mapping[str, Any] = report.report_context(dash_high, "en")
    view = context["report"]
    assert view.level.title == "High"
    assert view.measures[0].priority_label == "Urgent"
    assert view.domains[0].items[0].values == ("Yes",)


# --- PDF --------------------------------------------------------------------------------


def test_render_pdf_gives_an_a4_document(dash_high: rs.Result) -> None:
    # Skipped, naming the package to install, where WeasyPrint or its system libraries
    # are missing: importing WeasyPrint then warns or fails (see tests/system_deps.py).
    reason = pdf_unavailable()
    if reason is not None:
        pytest.skip(f"PDF rendering unavailable here: {reason}")
    import io

    import pypdf

    from risk_scoring.report.pdf import pdf_available, render_pdf

    assert pdf_available() is None

    data = render_pdf(dash_high, lang="nb", rendered_at=RENDERED_AT)
    assert data.startswith(b"%PDF-")
    document = pypdf.PdfReader(io.BytesIO(data))
    assert 1 <= len(document.pages) <= 6
    width, height = document.pages[0].mediabox.width, document.pages[0].mediabox.height
    assert (round(float(width) * 25.4 / 72), round(float(height) * 25.4 / 72)) == (210, 297)
    text = "".join(page.extract_text() for page in document.pages)
    assert "Risikovurdering" in text
    assert "Høy" in text


def test_render_pdf_without_weasyprint_says_how_to_install(
    dash_high: rs.Result, monkeypatch: pytest.MonkeyPatch
) -> None:
    import risk_scoring.report.pdf as pdf

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if it were not installed
    assert (
        pdf.pdf_available()
        == "PDF reports need the pdf extra: pip install '.[pdf]' (docs/installation.md)"
    )
    with pytest.raises(rs.ReportError, match=r"\.\[pdf\]"):
        pdf.render_pdf(dash_high)
