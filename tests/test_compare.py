"""`compare(earlier, later)`: what changed in a reassessment, checked by hand."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

import risk_scoring as rs
from risk_scoring.analysis.compare import ComparisonError, InstrumentVersionWarning, compare

NO = {str(n): "no" for n in range(1, 25)}
SARA_ITEMS = [f"N{i}" for i in range(1, 9)] + [f"P{i}" for i in range(1, 11)]
SARA_ITEMS += [f"V{i}" for i in range(1, 7)]


def sara(judgement: str, **items: Any) -> dict[str, Any]:
    rated: dict[str, Any] = dict.fromkeys(SARA_ITEMS, "N")
    rated.update(items)
    return {
        "items": rated,
        "judgements": {
            "case_prioritization": judgement,
            "serious_harm": "low",
            "imminent_violence": judgement,
        },
        "justification": "reasons",
    }


def test_a_dash_reassessment_lists_changes_trend_and_measures() -> None:
    earlier = rs.assess("dash", {"items": NO, "assessed_on": "2026-01-10", "case_ref": "k"})
    later_items = {**NO, **{str(n): "yes" for n in range(1, 15)}, "20": "unknown"}
    later = rs.assess("dash", {"items": later_items, "assessed_on": "2026-03-01", "case_ref": "k"})
    change = compare(earlier, later)
    # By hand: items 1-14 went no -> yes (up), item 20 no -> unknown (no order).
    assert [(c.item, c.direction) for c in change.items] == [
        *[(str(n), "up") for n in range(1, 15)],
        ("20", "changed"),
    ]
    assert (change.level_before, change.level_after, change.trend) == ("standard", "high", "up")
    assert (change.score_before, change.score_after, change.score_change) == (0.0, 14.0, 14.0)
    assert change.new_measures == ["marac_referral", "idva_referral"]
    assert change.removed_measures == []
    assert change.days == 50
    assert change.same_version


def test_going_down_and_measures_removed() -> None:
    high = rs.assess("sara-v3", sara("high", N2={"recent": "Y", "past": "P"}))
    low = rs.assess("sara-v3", sara("low", N2={"recent": "P", "past": "P"}))
    change = compare(high, low)
    assert change.trend == "down"
    assert [(c.item, c.dimension, c.before, c.after, c.direction) for c in change.items] == [
        ("N2", "recent", "Y", "P", "down")
    ]
    assert "besoksforbud" in change.removed_measures
    assert change.new_measures == []
    assert change.days is None


def test_a_changed_priority_is_reported() -> None:
    earlier = rs.assess("odara", {"items": {str(n): "no" for n in range(1, 14)}})
    later = rs.assess("odara", {"items": {str(n): "yes" for n in range(1, 14)}})
    change = compare(earlier, later)
    assert [(m.id, m.before, m.after) for m in change.changed_priorities] == [
        ("sikkerhetsrad", "consider", "high")
    ]


def test_unknown_levels_give_an_unknown_trend() -> None:
    incomplete = rs.assess("sara-v3", {"items": dict.fromkeys(SARA_ITEMS, "N")})
    complete = rs.assess("sara-v3", sara("moderate"))
    change = compare(incomplete, complete)
    assert change.trend == "unknown"
    assert change.new_warnings == []
    assert change.resolved_warnings == incomplete.warnings


def test_different_instruments_are_refused() -> None:
    dash = rs.assess("dash", {"items": NO})
    odara = rs.assess("odara", {"items": {str(n): "no" for n in range(1, 14)}})
    with pytest.raises(ComparisonError, match="different instruments"):
        compare(dash, odara)
    assert issubclass(ComparisonError, rs.RiskScoringError)


def test_different_cases_are_refused() -> None:
    a = rs.assess("dash", {"items": NO, "case_ref": "a"})
    b = rs.assess("dash", {"items": NO, "case_ref": "b"})
    with pytest.raises(ComparisonError, match="case references"):
        compare(a, b)


def test_different_versions_are_compared_with_a_warning() -> None:
    earlier = rs.assess("dash", {"items": NO})
    provenance = dataclasses.replace(earlier.provenance, version="2008.1")
    older = earlier.model_copy(update={"provenance": provenance})
    with pytest.warns(InstrumentVersionWarning, match="2008.1"):
        change = compare(older, earlier)
    assert not change.same_version
    assert change.items == []


def test_non_results_are_refused() -> None:
    with pytest.raises(ComparisonError):
        compare({"level": "high"}, rs.assess("dash", {"items": NO}))  # type: ignore[arg-type]


def test_a_comparison_shows_as_a_card_and_serialises() -> None:
    earlier = rs.assess("dash", {"items": NO})
    later = rs.assess("dash", {"items": {**NO, "1": "yes"}})
    change = compare(earlier, later)
    assert "<div class='rs-card'>" in change._repr_html_()
    assert type(change).model_validate_json(change.model_dump_json()) == change
