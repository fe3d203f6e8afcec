"""What set the level: `Result.decided_by` and `Result.route`.

The Lethality Screen's outcome route (issue 12) is read from them: screened in by the
protocol (route ``rules``), by the officer's belief (route ``judgement``), or not
screened in. Each test states one rule.
"""

from __future__ import annotations

from typing import Any

import pytest

import risk_scoring as rs

NO = {str(n): "no" for n in range(1, 12)}


def _lap(yes: tuple[str, ...] = (), officer: str | None = None) -> rs.Result:
    answers: dict[str, Any] = {"items": {**NO, **dict.fromkeys(yes, "yes")}}
    if officer is not None:
        answers["judgements"] = {"officer_judgement": officer}
    return rs.assess("lethality-screen", answers)


@pytest.mark.parametrize(
    ("yes", "route"),
    [
        (("1",), "high-danger-question"),
        (("3",), "high-danger-question"),
        (("4", "5", "6", "7"), "four-of-q4-11"),
    ],
)
def test_the_protocol_screens_in_by_its_own_rules(yes: tuple[str, ...], route: str) -> None:
    result = _lap(yes)
    assert (result.level, result.decided_by, result.route) == ("screened-in", route, "rules")


def test_all_eleven_yes_is_screened_in_by_the_protocols_band() -> None:
    result = _lap(tuple(NO))
    assert (result.level, result.decided_by, result.route) == ("screened-in", "band", "rules")


def test_not_screened_in_is_what_the_band_says() -> None:
    for result in (_lap(), _lap(("4", "5", "6")), _lap(("4",), officer="not-screened-in")):
        assert (result.level, result.decided_by, result.route) == (
            "not-screened-in",
            "band",
            "rules",
        )


def test_the_officers_belief_is_the_route_only_when_the_protocol_did_not_screen_in() -> None:
    alone = _lap(officer="screened-in")
    assert (alone.level, alone.decided_by, alone.route) == (
        "screened-in",
        "officer-judgement",
        "judgement",
    )
    below = _lap(("4", "5", "6"), officer="screened-in")
    assert (below.decided_by, below.route) == ("officer-judgement", "judgement")
    # Both apply: the protocol's routes come first, so the protocol decides.
    for both in (_lap(("2",), officer="screened-in"), _lap(("4", "5", "6", "7"), "screened-in")):
        assert both.level == "screened-in"
        assert both.route == "rules"
        assert both.decided_by in ("high-danger-question", "four-of-q4-11")
        officer = [s for s in both.trace if s.rule == "officer-judgement"]
        assert [s.outcome.code for s in officer] == ["no_change"]


def test_a_route_that_changes_nothing_does_not_decide() -> None:
    result = _lap(("1",), officer="not-screened-in")
    assert result.decided_by == "high-danger-question"


def test_dash_professional_judgement_is_a_judgement_route() -> None:
    items = {str(n): "no" for n in range(1, 25)}
    answers: dict[str, Any] = {
        "items": items,
        "judgements": {"professional_judgement": "high"},
        "justification": "fictitious",
    }
    raised = rs.assess("dash", answers)
    assert (raised.level, raised.decided_by, raised.route) == (
        "high",
        "professional-judgement",
        "judgement",
    )
    counted = rs.assess("dash", {"items": {**items, **{str(n): "yes" for n in range(1, 15)}}})
    assert (counted.level, counted.decided_by, counted.route) == ("high", "band", "rules")


def test_spj_levels_are_set_by_the_judgements_and_no_level_names_nothing() -> None:
    inst = rs.load_instrument("sara-v3")
    items = {item.id: "N" for item in inst.items}
    judged = inst.assess(
        {
            "items": items,
            "judgements": {
                "case_prioritization": "high",
                "serious_harm": "low",
                "imminent_violence": "low",
            },
        }
    )
    assert (judged.decided_by, judged.route) == ("judgement", "judgement")
    incomplete = inst.assess({"items": items})
    assert (incomplete.level, incomplete.decided_by, incomplete.route) == (None, None, None)


def test_decided_by_and_route_are_in_the_json_and_read_back() -> None:
    result = _lap(officer="screened-in")
    text = result.model_dump_json()
    assert '"decided_by":"officer-judgement","route":"judgement"' in text
    assert rs.Result.model_validate_json(text) == result


def test_frames_carry_decided_by_and_route_as_assess_gives_them() -> None:
    from risk_scoring.analysis.frames import answers_to_frame, score_frame, to_frame

    rows: list[dict[str, Any]] = [
        {"items": {**NO, "1": "yes"}},
        {"items": NO, "judgements": {"officer_judgement": "screened-in"}},
        {"items": NO},
    ]
    frame = score_frame("lethality-screen", answers_to_frame("lethality-screen", rows))
    assert frame["decided_by"].tolist() == ["high-danger-question", "officer-judgement", "band"]
    assert frame["route"].tolist() == ["rules", "judgement", "rules"]
    expected = to_frame([rs.assess("lethality-screen", row) for row in rows])
    assert frame["decided_by"].tolist() == expected["decided_by"].tolist()
    assert frame["route"].tolist() == expected["route"].tolist()


@pytest.mark.parametrize("fmt", ["html", "markdown", "text"])
def test_reports_state_the_outcome_route_in_words(fmt: str) -> None:
    def shown(result: rs.Result, lang: str) -> str:
        text = rs.render_report(result, format=fmt, lang=lang)
        return " ".join(text.replace("\\", "").replace("&#39;", "'").split())

    protocol, officer, neither = _lap(("1",)), _lap(officer="screened-in"), _lap()
    assert "The level is set by the instrument's rules: A yes to any of questions 1" in shown(
        protocol, "en"
    )
    assert "The level is set by a person's judgement, not by the rules" in shown(officer, "en")
    assert "The level is set by the instrument's rules: the score's band." in shown(neither, "en")
    assert "Nivået er satt av instrumentets regler" in shown(protocol, "nb")
    assert "Nivået er satt av en persons vurdering, ikke av reglene" in shown(officer, "nb")
