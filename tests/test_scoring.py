"""Levels come from bands, escalations or judgements exactly as declared."""

from __future__ import annotations

import risk_scoring as rs
from risk_scoring.definition.evidence import (
    ContextEvidence,
    ItemEvidence,
    JudgementEvidence,
    Outcome,
    ScoreEvidence,
)
from tests.conftest import TINY_SPJ, MakeFile

RATED = {"A1": {"recent": "Y", "past": "P"}, "A2": "P", "B1": "O"}


def test_spj_without_judgements_is_incomplete_and_says_what_is_missing(
    tiny_spj: rs.Instrument,
) -> None:
    result = tiny_spj.assess({"items": RATED, "judgements": {"harm": "high"}})
    assert result.level is None
    assert not result.complete
    assert result.missing == ["judgements.imminent"]


def test_spj_level_is_the_highest_of_the_named_judgements(tiny_spj: rs.Instrument) -> None:
    for harm, imminent, level in [
        ("moderate", "high", "high"),
        ("high", "low", "high"),
        ("moderate", "low", "moderate"),
    ]:
        result = tiny_spj.assess(
            {"items": RATED, "judgements": {"harm": harm, "imminent": imminent}}
        )
        assert (result.level, result.complete) == (level, True)


def test_spj_research_total_excludes_omitted_items(tiny_spj: rs.Instrument) -> None:
    result = tiny_spj.assess({"items": RATED})
    assert result.score == 3
    assert result.score_is_research_only
    assert [(d.domain, d.counts, d.points, d.omitted) for d in result.domains] == [
        ("A", {"Y": 1, "P": 1}, 3, 0),
        ("B", {"O": 1}, 0, 1),
    ]


def test_consistency_warning_requires_a_justification(tiny_spj: rs.Instrument) -> None:
    answers = {"items": RATED, "judgements": {"harm": "low", "imminent": "low"}}
    blocked = tiny_spj.assess(answers)
    assert blocked.warnings == ["Harm judged low although A1 is present"]
    assert (blocked.level, blocked.complete, blocked.missing) == ("low", False, ["justification"])
    justified = tiny_spj.assess({**answers, "justification": "A1 was a single event long ago"})
    assert (justified.complete, justified.missing) == (True, [])


def test_measure_is_listed_once_at_its_most_urgent_priority_with_every_reason(
    tiny_spj: rs.Instrument,
) -> None:
    result = tiny_spj.assess(
        {
            "items": RATED,
            "judgements": {"harm": "low", "imminent": "high"},
            "context": {"children": True},
        }
    )
    assert [(m.id, m.priority) for m in result.measures] == [
        ("besoksforbud", "urgent"),
        ("sikkerhetsrad", "high"),
    ]
    ban = result.measures[0]
    assert [(r.rule, r.evidence) for r in ban.reasons] == [
        ("ban-when-imminent-high", (JudgementEvidence("imminent", "high"),)),
        ("ban-when-children", (ContextEvidence("children", "true"),)),
    ]
    assert [[str(e) for e in r.evidence] for r in ban.reasons] == [
        ["judgements.imminent=high"],
        ["context.children=true"],
    ]


def test_escalation_raises_but_never_lowers_the_level() -> None:
    dash = rs.load_instrument("dash")
    yes16 = {"items": {str(n): "yes" if n <= 16 else "no" for n in range(1, 25)}}
    lowered = dash.assess({**yes16, "judgements": {"professional_judgement": "standard"}})
    assert lowered.level == "high"
    step = next(s for s in lowered.trace if s.kind == "escalation")
    assert (step.rule, step.outcome) == ("professional-judgement", Outcome("no_change", "standard"))
    assert str(step.outcome) == "standard; no change"


def test_trace_explains_the_band_from_the_score() -> None:
    dash = rs.load_instrument("dash")
    result = dash.assess({"items": {str(n): "yes" if n <= 10 else "no" for n in range(1, 25)}})
    assert [(s.kind, s.outcome, s.evidence) for s in result.trace[:2]] == [
        ("total", Outcome("total", value=10.0), ()),
        ("band", Outcome("band", "medium"), (ScoreEvidence(10.0),)),
    ]
    assert [(str(s.outcome), [str(e) for e in s.evidence]) for s in result.trace[:2]] == [
        ("10", []),
        ("medium", ["score=10"]),
    ]


def test_count_without_items_or_domain_counts_every_item(write_yaml: MakeFile) -> None:
    text = TINY_SPJ.replace(
        "when: {level: {at_least: low}}", 'when: {count: {in: ["O", "N"], at_least: 2}}'
    )
    inst = rs.load_instrument(write_yaml(text))
    result = inst.assess({"items": {"A1": "O", "A2": "P", "B1": "N"}})
    (reason,) = next(m for m in result.measures if m.id == "sikkerhetsrad").reasons
    assert reason.evidence == (ItemEvidence("A1", "recent", "O"), ItemEvidence("B1", "recent", "N"))
    assert [str(e) for e in reason.evidence] == ["A1.recent=O", "B1.recent=N"]
