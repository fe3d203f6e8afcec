"""Notebook cards: compact, in one language, titles not ids, escaped, free of personal
text, and never raising."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest

import risk_scoring as rs
from risk_scoring.report import analysis_cards, cards as display
from risk_scoring.report.cards import (
    agreement_html,
    comparison_html,
    instrument_html,
    result_html,
    set_language,
)
from tests.conftest import TINY_SPJ, MakeFile

NO = {str(n): "no" for n in range(1, 25)}
HIGH = {**NO, **{str(n): "yes" for n in range(1, 15)}}
SECRET = "<script>alert('the neighbour')</script>"
SARA_ITEMS = [f"N{i}" for i in range(1, 9)] + [f"P{i}" for i in range(1, 11)]
SARA_ITEMS += [f"V{i}" for i in range(1, 7)]


@pytest.fixture(autouse=True)
def norwegian() -> Iterator[None]:
    set_language("nb")
    yield
    set_language("nb")


def visible(card: str) -> str:
    """What a reader of the card sees: the text without the style sheet and the tags."""
    body = card.split("</style>", 1)[1]
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def words(card: str) -> set[str]:
    return set(re.findall(r"[\w-]+", visible(card)))


def sara(day: str, level: str, **items: object) -> rs.Result:
    answers: dict[str, object] = dict.fromkeys(SARA_ITEMS, "N")
    answers.update(items)
    judgements = {"case_prioritization": level, "serious_harm": "low", "imminent_violence": "low"}
    return rs.assess(
        "sara-v3",
        {"items": answers, "judgements": judgements, "assessed_on": day, "case_ref": "k-1"},
    )


# --------------------------------------------------------------------------- instruments


def test_an_instrument_card_shows_title_levels_and_items() -> None:
    card = instrument_html(rs.load_instrument("dash"))
    assert card.count("<div class='rs-card'>") == 1
    assert "dash 2009.2" in card
    assert "Nivåer" in card
    assert "standard° (Standard)" in card
    assert "<details><summary>Ledd (24)</summary>" in card


def test_english_cards() -> None:
    set_language("en")
    card = instrument_html(rs.load_instrument("dash"))
    assert "Levels" in card
    assert "standard° (Standard)" in card


# --------------------------------------------------------------------------- results


def test_a_result_card_shows_level_score_warnings_and_measures_by_their_titles() -> None:
    card = result_html(rs.assess("dash", {"items": HIGH}))
    assert "<span class='rs-level'>Høy</span>" in card
    assert "high (Høy)" not in card
    assert "<b>Poengsum:</b> 14 · Fullstendig" in card
    assert "<td>Henvisning til MARAC (britisk praksis)</td><td>Haster</td>" in card
    assert "14 eller flere ja-svar: synlig høy risiko." in card  # the rule's rationale
    assert "<td>Sjekklistens spørsmål</td><td>24</td><td>Nei: 10, Ja: 14</td>" in card
    assert "DASH (vold i nære relasjoner" in card


def test_a_norwegian_result_card_shows_no_id_and_no_english_word() -> None:
    dash = rs.load_instrument("dash")
    card = result_html(rs.assess("dash", {"items": {**HIGH, "15": "unknown"}}))
    ids = {*dash.levels, "ric", "yes", "no", "unknown", "urgent", "consider"}
    ids |= {rule.id for rule in dash.measure_rules} | {rule.measure for rule in dash.measure_rules}
    english = {"Level", "Score", "Complete", "Measure", "Priority", "Warnings", "Urgent", "High"}
    assert words(card) & (ids | english) == set()


def test_judgements_warnings_and_what_is_missing_are_in_words() -> None:
    card = result_html(sara("2025-03-01", "high"))
    assert "Prioritering av saken: Høy" in card
    assert "case_prioritization" not in card
    assert "Vurdert 1. mars 2025" in card
    incomplete = rs.assess("sara-v3", {"items": dict.fromkeys(SARA_ITEMS, "N")})
    card = result_html(incomplete)
    assert "Ufullstendig; mangler: Prioritering av saken" in card
    assert "Ikke noe nivå uten de summariske vurderingene: Prioritering av saken." in card
    assert "judgements." not in card


def test_an_english_result_card_has_no_norwegian_word() -> None:
    set_language("en")
    card = result_html(sara("2025-03-01", "high", N2="Y"))
    assert "<span class='rs-level'>High</span>" in card
    assert "Case prioritization: High" in card
    assert "Assessed 1 March 2025" in card
    assert "<td>Nature of IPV</td><td>8</td><td>No: 7, Yes: 1</td>" in card
    norwegian = {"Nivå", "Poengsum", "Fullstendig", "Tiltak", "Høy", "Lav", "Nei", "Ja", "Vurdert"}
    assert words(card) & norwegian == set()


def test_personal_text_never_reaches_the_card() -> None:
    result = rs.assess(
        "dash",
        {
            "items": {**NO, "1": {"answer": "yes", "note": SECRET}},
            "justification": SECRET,
            "case_ref": "case-SECRET-4711",
            "assessors": [{"role": "risk_analyst", "id": "officer-SECRET"}],
        },
    )
    card = result_html(result)
    assert "SECRET" not in card
    assert "neighbour" not in card


def test_free_text_judgements_and_case_facts_never_reach_the_card() -> None:
    patriark = rs.load_instrument("patriark")
    answers = {
        "items": {item.id: "N" for item in patriark.items},
        "judgements": {
            "serious_violence": "high",
            "imminent_violence": "low",
            "likely_victims": f"the sister {SECRET}",
            "other_risks": "SECRET forced marriage",
        },
        "context": {"victim_wishes": "SECRET wishes"},
        "case_ref": "SECRET-1",
    }
    result = rs.assess(patriark, answers)
    card = result_html(result)
    assert "<span class='rs-level'>Høy</span>" in card
    assert "SECRET" not in card
    assert "sister" not in card
    later = rs.assess(patriark, {**answers, "assessed_on": "2026-01-01"})
    for other in (
        comparison_html(rs.compare(result, later)),
        agreement_html(rs.agreement([result], [later])),
    ):
        assert "SECRET" not in other
        assert "sister" not in other


def test_definition_text_is_escaped(write_yaml: MakeFile) -> None:
    text = TINY_SPJ.replace("title: {nb: Liten, en: Tiny}", 'title: {nb: "<b>Liten</b>", en: T}')
    inst = rs.load_instrument(write_yaml(text))
    card = instrument_html(inst)
    assert "<b>Liten</b>" not in card
    assert "&lt;b&gt;Liten&lt;/b&gt;" in card


def test_titles_are_escaped_in_result_comparison_and_agreement_cards(
    write_yaml: MakeFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = TINY_SPJ.replace(
        "{nb: Høy, en: High}, description", '{nb: "<b>Høy</b>", en: H}, description'
    )
    text = text.replace("title: {nb: a1, en: a1}", 'title: {nb: "<i>a1</i>", en: a1}')
    text = text.replace("title: {nb: Skade, en: Harm}", 'title: {nb: "<b>Skade</b>", en: H}')
    inst = rs.load_instrument(write_yaml(text))
    import risk_scoring.definition.lookup as lookup

    monkeypatch.setattr(lookup, "instrument_of", lambda result, instrument=None, **_: inst)
    monkeypatch.setattr(analysis_cards, "builtin", lambda ident: inst)

    def tiny(harm: str, a1: str) -> rs.Result:
        items = {"A1": {"recent": a1}, "A2": {"recent": "N"}, "B1": {"recent": "N"}}
        judgements = {"harm": harm, "imminent": "low"}
        return rs.assess(inst, {"items": items, "judgements": judgements, "case_ref": "c"})

    earlier, later = tiny("low", "N"), tiny("high", "Y")
    found = [
        result_html(later),
        comparison_html(rs.compare(earlier, later, instrument=inst)),
        agreement_html(rs.agreement([earlier], [later], instrument=inst)),
    ]
    escaped = {"Høy": "&lt;b&gt;Høy&lt;/b&gt;", "Skade": "&lt;b&gt;Skade&lt;/b&gt;"}
    escaped["a1"] = "&lt;i&gt;a1&lt;/i&gt;"
    shown = [("Høy", "Skade"), ("Høy", "a1"), ("Skade", "a1")]
    for card, titles in zip(found, shown, strict=True):
        assert "<b>Høy</b>" not in card
        assert "<b>Skade</b>" not in card
        assert "<i>" not in card
        for title in titles:
            assert escaped[title] in card


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(rs.ReportError):
        set_language("sv")


def test_a_card_never_raises() -> None:
    class Broken:
        def __repr__(self) -> str:
            return "<Broken & odd>"

    card = display.result_html(Broken())  # type: ignore[arg-type]
    assert card == "<pre>&lt;Broken &amp; odd&gt;</pre>"


def test_a_result_of_an_unknown_definition_shows_the_level_id() -> None:
    result = rs.assess("dash", {"items": NO})
    stranger = result.model_copy(update={"instrument": "no-such-instrument"})
    card = result_html(stranger)
    assert "<span class='rs-level'>standard</span>" in card
    assert "Nivå" in card  # the labels are still in the card's language


# --------------------------------------------------------------------------- comparisons


def test_a_comparison_card_says_the_trend_in_words_with_titles() -> None:
    earlier = rs.assess("dash", {"items": NO, "assessed_on": "2026-01-01"})
    later = rs.assess("dash", {"items": HIGH, "assessed_on": "2026-03-01"})
    card = comparison_html(rs.compare(earlier, later))
    assert "<h4>Utvikling: høyere nivå (Standard → Høy)</h4>" in card
    assert "59 dager" in card
    assert "<b>Poengsum:</b> +14" in card
    assert "Henvisning til MARAC (britisk praksis)" in card
    first = rs.load_instrument("dash").item_by_id["1"].title.nb
    row = f"<td>1 {html.escape(first, quote=True)}</td><td>Svar</td><td>Nei</td><td>Ja</td>"
    assert f"{row}<td>høyere</td>" in card
    dash = rs.load_instrument("dash")
    ids = {*dash.levels, "up", "down", "same", "yes", "no", "answer"}
    ids |= {rule.measure for rule in dash.measure_rules}
    assert words(card) & ids == set()


def test_a_comparison_card_in_english() -> None:
    set_language("en")
    earlier = sara("2026-01-01", "high", N2="Y")
    later = sara("2026-02-01", "low", N2="P")
    card = comparison_html(rs.compare(earlier, later))
    assert "<h4>Trend: lower level (High → Low)</h4>" in card
    row = "<td>N2 Threats</td><td>Recent (about the last year)</td><td>Yes</td><td>Partial</td>"
    assert f"{row}<td>lower</td>" in card
    same = comparison_html(rs.compare(earlier, earlier))
    assert "Trend: same level (High → High)" in same


# --------------------------------------------------------------------------- agreement


def test_an_agreement_card_names_judgements_and_items_and_writes_numbers_in_the_language() -> None:
    a = [
        sara("2026-01-01", "high"),
        sara("2026-01-01", "low").model_copy(update={"case_ref": "k-2"}),
    ]
    b = [
        sara("2026-01-01", "high"),
        sara("2026-01-01", "moderate").model_copy(update={"case_ref": "k-2"}),
    ]
    found = rs.agreement(a, b)
    card = agreement_html(found)
    assert "<h4>Samsvar: SARA-V3 (veileder" in card
    assert "<th>Vektet kappa (lineære vekter)</th>" in card
    assert "<td>Prioritering av saken</td><td>2</td><td>50\xa0%</td>" in card
    assert "<td>N1 Fryktfremkallende atferd</td>" in card
    assert found.level.kappa is not None
    assert f"{found.level.kappa:.2f}".replace(".", ",") in card
    assert words(card) & {"case_prioritization", "linear", "sara-v3"} == set()
    set_language("en")
    card = agreement_html(found)
    assert "<td>Case prioritization</td><td>2</td><td>50%</td>" in card
    assert f"{found.level.kappa:.2f}" in card


@pytest.mark.skipif(
    not hasattr(rs.Result, "_repr_html_"), reason="Result._repr_html_ not wired up yet"
)
def test_jupyter_shows_instruments_and_results_as_these_cards() -> None:
    inst = rs.load_instrument("dash")
    result = inst.assess({"items": NO})
    assert inst._repr_html_() == instrument_html(inst)  # type: ignore[attr-defined,unused-ignore]
    assert result._repr_html_() == result_html(result)  # type: ignore[attr-defined,unused-ignore]
