"""Notebook cards: compact, escaped, free of personal text, and never raising."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import risk_scoring as rs
from risk_scoring.report import cards as display
from risk_scoring.report.cards import instrument_html, result_html, set_language
from tests.conftest import TINY_SPJ, MakeFile

NO = {str(n): "no" for n in range(1, 25)}
SECRET = "<script>alert('the neighbour')</script>"


@pytest.fixture(autouse=True)
def norwegian() -> Iterator[None]:
    set_language("nb")
    yield
    set_language("nb")


def test_an_instrument_card_shows_title_levels_and_items() -> None:
    card = instrument_html(rs.load_instrument("dash"))
    assert card.count("<div class='rs-card'>") == 1
    assert "dash 2009.2" in card
    assert "Nivåer" in card
    assert "standard° (Standard)" in card
    assert "<details><summary>Ledd (24)</summary>" in card


def test_a_result_card_shows_level_score_warnings_and_measures() -> None:
    items = {**NO, **{str(n): "yes" for n in range(1, 15)}}
    card = result_html(rs.assess("dash", {"items": items}))
    assert "high (Høy)" in card
    assert "14" in card
    assert "marac_referral" in card
    assert "marac-visible-high-risk" in card


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


def test_definition_text_is_escaped(write_yaml: MakeFile) -> None:
    text = TINY_SPJ.replace("title: {nb: Liten, en: Tiny}", 'title: {nb: "<b>Liten</b>", en: T}')
    inst = rs.load_instrument(write_yaml(text))
    card = instrument_html(inst)
    assert "<b>Liten</b>" not in card
    assert "&lt;b&gt;Liten&lt;/b&gt;" in card


def test_english_cards() -> None:
    set_language("en")
    card = instrument_html(rs.load_instrument("dash"))
    assert "Levels" in card
    assert "standard° (Standard)" in card


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
    assert "standard" in result_html(stranger)


@pytest.mark.skipif(
    not hasattr(rs.Result, "_repr_html_"), reason="Result._repr_html_ not wired up yet"
)
def test_jupyter_shows_instruments_and_results_as_these_cards() -> None:
    inst = rs.load_instrument("dash")
    result = inst.assess({"items": NO})
    assert inst._repr_html_() == instrument_html(inst)  # type: ignore[attr-defined,unused-ignore]
    assert result._repr_html_() == result_html(result)  # type: ignore[attr-defined,unused-ignore]
