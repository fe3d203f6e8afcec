"""`report/describe.py`: one description of an instrument for `show`, the card and the docs."""

from __future__ import annotations

import pytest

import risk_scoring as rs
from risk_scoring.report import cards
from risk_scoring.report.describe import MARKDOWN, condition_text, describe


@pytest.mark.parametrize("ident", rs.list_instruments())
def test_every_builtin_has_its_sections_in_both_languages(ident: str) -> None:
    inst = rs.load_instrument(ident)
    nb, en = describe(inst, "nb"), describe(inst, "en")
    assert [t.key for t in nb.tables] == [t.key for t in en.tables]
    assert {"scales", "dimensions", "domain", "levels"} <= {t.key for t in nb.tables}
    assert len(nb.table("domain")) == len(inst.domains)
    rows = [row[0].rstrip("*") for t in nb.table("domain") for row in t.rows]
    assert rows == [i.id for d in inst.domains for i in inst.items if i.domain == d.id]
    for table in nb.tables:
        assert all(len(row) == len(table.headers) for row in table.rows), table.key
    assert nb.title == inst.title.nb
    assert en.title == inst.title.en


def test_conditions_read_in_the_language_asked_for() -> None:
    inst = rs.load_instrument("dash")
    rule = next(r for r in inst.measure_rules if r.id == "marac-potential-escalation")
    assert condition_text(rule.when, inst, "en") == "context incidents_last_12_months ≥ 3"
    assert condition_text(rule.when, inst, "nb") == "saksopplysningen incidents_last_12_months ≥ 3"
    assert condition_text(rule.when, inst, "en", MARKDOWN) == (
        "context `incidents_last_12_months` ≥ 3"
    )


def test_measure_rules_name_their_measure_from_the_catalogue() -> None:
    inst = rs.load_instrument("dash")
    catalogue = rs.load_catalogue()
    (table,) = describe(inst, "nb").table("measures")
    for rule, row in zip(inst.measure_rules, table.rows, strict=True):
        assert row[2] == f"{rule.measure} ({catalogue.by_id[rule.measure].name.nb})"


def test_the_instrument_card_is_built_on_the_description_in_one_language() -> None:
    inst = rs.load_instrument("sara-v3")
    try:
        cards.set_language("nb")
        nb = cards.instrument_html(inst)
        cards.set_language("en")
        en = cards.instrument_html(inst)
    finally:
        cards.set_language("nb")
    assert "Tiltaksregler" in nb
    assert "Measure rules" not in nb
    assert "Measure rules" in en
    assert "Tiltaksregler" not in en
