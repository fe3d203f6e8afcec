"""The SPJ case record in reports: sign-off, sources, other considerations, scenarios, the
management plan, the review, the pair's disagreements, the high-risk banner, high
relevance, rating periods, the unverified appendix, and the printed page margins.

`record_result(inst)` builds a full case record for any spj instrument: two raters who
disagree on three items and one judgement, two scenarios, a plan with chosen, rejected,
deferred, undecided and the pair's own measures, a review, sources and other
considerations, each free-text field holding its own sentinel string. It assesses the
answers and fills the record fields with `model_copy`, the way the engine will once the
record is validated (while `Assessor` has no `name`, a stand-in carries the names).
"""

from __future__ import annotations

import dataclasses
import html
import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest

import risk_scoring as rs
from risk_scoring.definition.record import (
    Assessor,
    Consideration,
    Decision,
    DecisionKind,
    RaterRatings,
    Review,
    Scenario,
    Strategy,
)
from risk_scoring.definition.result import Disagreement, PlanEntry
from risk_scoring.report.record_view import css_string
from risk_scoring.tooling.golden import case_files, read_case
from tests.security_support import PAYLOADS
from tests.test_report import FORMATS, HOSTILE, LANGS, RENDERED_AT, _inert, _parse

SPJ = [ident for ident in rs.list_instruments() if rs.load_instrument(ident).kind == "spj"]

SENTINELS = (
    "ZqxNameAnalyst",
    "ZqxNameClinician",
    "ZqxSourcePolice",
    "ZqxSourceInterview",
    "ZqxConsiderationTitle",
    "ZqxConsiderationNote",
    "ZqxScenarioOneDescription",
    "ZqxScenarioOneVictims",
    "ZqxScenarioOneSign",
    "ZqxScenarioTwoDescription",
    "ZqxScenarioTwoVictims",
    "ZqxScenarioTwoSign",
    "ZqxResponsibleChosen",
    "ZqxResponsibleDeferred",
    "ZqxReasonChosen",
    "ZqxReasonDeferred",
    "ZqxReasonRejected",
    "ZqxTriggerRelease",
    "ZqxTriggerBreach",
)
"""One sentinel per free-text field of the record (SPEC §3)."""

Text = Callable[[str], str]


def _plain(name: str) -> str:
    return name


def _dims(inst: rs.Instrument) -> tuple[str, str, str | None]:
    ids = [d.id for d in inst.dimensions]
    return ids[0], ids[1], "relevance" if "relevance" in ids else None


STRATEGY_OF: dict[str, Strategy] = {
    "besoksforbud": "supervision",
    "besoksforbud_eget_hjem": "supervision",
    "kontaktforbud": "supervision",
    "varetekt": "supervision",
    "omvendt_voldsalarm": "supervision",
    "hjemmebesok": "monitoring",
    "tverretatlig_mote": "monitoring",
    "melding_barnevern": "monitoring",
    "motivasjonssamtale": "treatment",
    "henvisning_atv": "treatment",
    "mobil_voldsalarm": "victim_safety_planning",
    "sikkerhetsrad": "victim_safety_planning",
    "krisesenter": "victim_safety_planning",
    "fortrolig_adresse": "victim_safety_planning",
    "strengt_fortrolig_adresse": "victim_safety_planning",
}
"""The management strategy a measure serves in the fixtures (the pair decides it)."""

PREFERRED: dict[str, DecisionKind] = {
    "besoksforbud": "chosen",
    "mobil_voldsalarm": "chosen",
    "hjemmebesok": "chosen",
    "sikkerhetsrad": "chosen",
    "henvisning_atv": "deferred",
    "varetekt": "rejected",
    "krisesenter": "rejected",
}
CONSENT = {"mobil_voldsalarm": True, "krisesenter": False, "sikkerhetsrad": True}
OWN_FIRST = ("besoksforbud_eget_hjem", "kontaktforbud", "krisesenter")
"""The measures the pair adds of its own accord, first choice first."""


def _statuses(recommended: list[str]) -> dict[str, DecisionKind]:
    """The pair's decision on each recommended measure it decides: the usual one where
    the fixtures know it, and at least one chosen, deferred and rejected; one or more
    recommendations stay undecided."""
    statuses = {m: PREFERRED[m] for m in recommended if m in PREFERRED}
    chosen = [m for m in statuses if statuses[m] == "chosen"]
    pool = [m for m in recommended if m not in statuses] + chosen[1:]
    for status in ("chosen", "deferred", "rejected"):
        if status not in statuses.values():
            statuses[pool.pop(0)] = status
    if len(statuses) == len(recommended):  # keep one undecided
        extra = next(
            m for m in reversed(recommended) if list(statuses.values()).count(statuses[m]) > 1
        )
        del statuses[extra]
    assert set(statuses.values()) == {"chosen", "deferred", "rejected"}, statuses
    assert len(statuses) < len(recommended), statuses
    return statuses


def record_answers(inst: rs.Instrument) -> dict[str, Any]:
    """Answers an analyst pair would give: varied ratings, notes on a few items, every
    judgement; `serious`/`severe` judgements moderate and imminent violence high."""
    primary, past, relevance = _dims(inst)
    cycle = ["Y", "P", "N", "Y", "N", "P", "N", "Y"]
    items: dict[str, Any] = {}
    for i, item in enumerate(inst.items):
        rating: dict[str, str] = {primary: cycle[i % len(cycle)], past: cycle[(i + 3) % 8]}
        if relevance is not None:
            rating[relevance] = ("high", "moderate", "low")[i % 3]
        if i % 5 == 0:
            rating["note"] = f"Observation {i} from the case file (fictitious)."
        items[item.id] = rating
    judgements: dict[str, str] = {}
    for j in inst.judgements:
        if j.type == "text":
            judgements[j.id] = "The former partner and her new partner (fictitious)."
        elif "imminent" in j.id:
            judgements[j.id] = "high"
        else:
            judgements[j.id] = "moderate"
    context: dict[str, Any] = {}
    for field in inst.context:
        if field.type == "bool":
            context[field.id] = True
        elif field.type == "int":
            context[field.id] = 2
    return {
        "items": items,
        "context": context,
        "judgements": judgements,
        "justification": "Threats after the separation; the victim fears for her life.",
        "assessors": [{"role": "risk_analyst", "id": "RA-12"}, {"role": "clinician", "id": "PS-3"}],
        "assessed_on": "2026-11-20",
        "case_ref": "EX-2026-0417",
    }


def record_result(
    inst: rs.Instrument, text: Text = _plain, answers: dict[str, Any] | None = None
) -> rs.Result:
    """A full case record on `inst` (from `answers`, `record_answers(inst)` by default);
    `text(sentinel)` is what each free-text field holds."""
    primary, _past, relevance = _dims(inst)
    result = inst.assess(answers if answers is not None else record_answers(inst))
    ratings = result.ratings
    ids = [item.id for item in inst.items]
    # Three items and one judgement on which the raters differed before they agreed.
    first, second, third = ids[0], ids[1], ids[2]
    third_dim = relevance or primary
    level_judgements = [j.id for j in inst.judgements if j.type == "level"]
    judged = level_judgements[0]
    analyst_items = {k: dict(v) for k, v in ratings.items()}
    clinician_items = {k: dict(v) for k, v in ratings.items()}
    clinician_items[first][primary] = "P" if ratings[first][primary] != "P" else "N"
    analyst_items[second][primary] = "Y" if ratings[second][primary] != "Y" else "N"
    other = "low" if ratings[third][third_dim] != "low" else "moderate"
    analyst_items[third][third_dim] = other
    consensus = result.judgements[judged]
    above = {"low": "moderate", "moderate": "high", "high": "high"}[consensus]
    below = {"low": "low", "moderate": "low", "high": "moderate"}[consensus]
    raters = {
        "risk_analyst": RaterRatings(
            items=analyst_items, judgements={**result.judgements, judged: above}
        ),
        "clinician": RaterRatings(
            items=clinician_items, judgements={**result.judgements, judged: below}
        ),
    }
    disagreements = [
        Disagreement(
            "item",
            item,
            dim,
            {
                "risk_analyst": analyst_items[item][dim],
                "clinician": clinician_items[item][dim],
            },
            ratings[item][dim],
        )
        for item, dim in ((first, primary), (second, primary), (third, third_dim))
    ]
    disagreements.append(
        Disagreement(
            "judgement", judged, None, {"risk_analyst": above, "clinician": below}, consensus
        )
    )
    recommended = [m.id for m in result.measures]
    statuses = _statuses(recommended)
    norwegian = [m.id for m in rs.load_catalogue().measures if m.jurisdiction == "NO"]
    own = next(
        m
        for m in (*OWN_FIRST, *norwegian)
        if m in norwegian and m not in recommended and m in STRATEGY_OF
    )
    lead = {
        status: next(m for m in recommended if statuses.get(m) == status)
        for status in ("chosen", "deferred", "rejected")
    }
    responsible = {
        lead["chosen"]: text("ZqxResponsibleChosen"),
        lead["deferred"]: text("ZqxResponsibleDeferred"),
    }
    due = {"chosen": "2026-11-25", "deferred": "2027-01-10"}
    reason = {"deferred": text("ZqxReasonDeferred"), "rejected": text("ZqxReasonRejected")}
    decisions: dict[str, Decision] = {}
    for measure, status in statuses.items():
        decisions[measure] = Decision(
            measure,
            STRATEGY_OF.get(measure, "victim_safety_planning"),
            status,
            responsible.get(measure, "politiet" if status == "chosen" else None),
            due.get(status),
            reason.get(status),
            CONSENT.get(measure),
        )
    decisions[own] = Decision(
        own, STRATEGY_OF[own], "chosen", "påtaleansvarlig", "2026-11-24", text("ZqxReasonChosen")
    )
    plan = [
        PlanEntry(
            m.id,
            "rules",
            decisions[m.id].decision if m.id in decisions else "undecided",
            m,
            decisions.get(m.id),
        )
        for m in result.measures
    ]
    plan.append(PlanEntry(own, "pair", "chosen", None, decisions[own]))
    high_risk = any(
        result.judgements.get(j) == "high"
        for j in level_judgements
        if any(word in j for word in ("serious", "severe", "imminent"))
    )
    update: dict[str, Any] = {
        "assessors": [
            Assessor("risk_analyst", "RA-12", text("ZqxNameAnalyst"), "2026-11-23"),
            Assessor("clinician", "PS-3", text("ZqxNameClinician"), None),
        ],
        "high_risk_case": high_risk,
        "sources": [text("ZqxSourcePolice"), text("ZqxSourceInterview")],
        "other_considerations": [
            Consideration(
                text("ZqxConsiderationTitle"),
                {primary: "Y", **({relevance: "high"} if relevance else {})},
                text("ZqxConsiderationNote"),
            )
        ],
        "scenarios": [
            Scenario(
                "escalation",
                text("ZqxScenarioOneDescription"),
                text("ZqxScenarioOneVictims"),
                "moderate",
                "high",
                "high",
                [text("ZqxScenarioOneSign"), "Contact after the ban"],
            ),
            Scenario(
                "repeat",
                text("ZqxScenarioTwoDescription"),
                text("ZqxScenarioTwoVictims"),
                "high",
                "moderate",
                "moderate",
                [text("ZqxScenarioTwoSign")],
            ),
        ],
        "management": list(decisions.values()),
        "review": Review("2027-01-15", [text("ZqxTriggerRelease"), text("ZqxTriggerBreach")]),
        "raters": raters,
        "plan": plan,
        "disagreements": disagreements,
    }
    return result.model_copy(update=update)


def golden_records(inst: rs.Instrument) -> list[tuple[str, rs.Result]]:
    """The instrument's golden cases that carry a full record (both raters' ratings and a
    plan), assessed: the plan, disagreements and high_risk_case the engine derives."""
    found = []
    for path in case_files(inst):
        answers = read_case(path)[0]["answers"]
        if "raters" in answers and "management" in answers:
            found.append((path.stem, inst.assess(answers)))
    assert found, f"{inst.id} has no full golden case record"
    return found


def render(result: rs.Result, fmt: str = "html", lang: str = "en") -> str:
    return rs.render_report(result, fmt, lang, rendered_at=RENDERED_AT)


def shown(result: rs.Result, fmt: str, lang: str) -> str:
    """The report as a reader sees it: Markdown escapes and HTML entities undone, and in
    HTML the markup removed."""
    text = render(result, fmt, lang)
    if fmt == "markdown":
        text = re.sub(r"\\(.)", r"\1", text)
    if fmt == "html":
        text = re.sub(r"<style>.*?</style>", "", text, flags=re.S)
        text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(text) if fmt != "text" else text


def flat(text: str) -> str:
    """`text` with its whitespace folded, so wrapped lines read as one."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def sara() -> rs.Instrument:
    return rs.load_instrument("sara-v3")


@pytest.fixture(scope="module")
def sara_record(sara: rs.Instrument) -> rs.Result:
    """The full SARA-V3 case record of the issue: two raters who disagree on three items
    and one judgement, case prioritization moderate and imminent violence high."""
    return record_result(sara)


# --- every part of the record is in every format and language ----------------------------

PARTS = {
    "en": [
        "High-risk case",
        "Information sources",
        "Risk scenarios",
        "Management plan",
        "Review",
        "Ratings by domain",
        "Other considerations",
        "The pair's own ratings",
        "Sign-off",
        "Provenance",
        "Appendix: values not confirmed against a primary source",
    ],
    "nb": [
        "Høyrisikosak",
        "Informasjonsgrunnlag",
        "Risikoscenarioer",
        "Tiltaksplan",
        "Ny vurdering",
        "Vurderinger per domene",
        "Andre forhold",
        "Vurdererparets egne vurderinger",
        "Signering",
        "Sporbarhet",
        "Vedlegg: verdier som ikke er bekreftet mot en primærkilde",
    ],
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_part_of_the_record_is_shown_in_order(
    sara_record: rs.Result, fmt: str, lang: str
) -> None:
    text = shown(sara_record, fmt, lang)
    if fmt == "text":
        text = text.replace("HØYRISIKOSAK", "Høyrisikosak").replace("HIGH-RISK", "High-risk")
    positions = [text.find(part) for part in PARTS[lang]]
    assert -1 not in positions, dict(zip(PARTS[lang], positions, strict=True))
    assert positions == sorted(positions)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_free_text_field_of_the_record_shows_up(
    sara_record: rs.Result, fmt: str, lang: str
) -> None:
    text = shown(sara_record, fmt, lang)
    assert [s for s in SENTINELS if s not in text] == []


@pytest.mark.parametrize("ident", SPJ)
def test_every_spj_instrument_renders_its_full_record(ident: str) -> None:
    result = record_result(rs.load_instrument(ident))
    for lang in LANGS:
        for fmt in FORMATS:
            text = shown(result, fmt, lang)
            assert [s for s in SENTINELS if s not in text] == [], (fmt, lang)


@pytest.mark.parametrize("ident", SPJ)
def test_the_full_golden_cases_render_every_part(ident: str) -> None:
    for name, result in golden_records(rs.load_instrument(ident)):
        for lang in LANGS:
            for fmt in FORMATS:
                text = shown(result, fmt, lang)
                if fmt == "text":
                    text = text.replace("HØYRISIKOSAK", "Høyrisikosak")
                    text = text.replace("HIGH-RISK", "High-risk")
                missing = [part for part in PARTS[lang][1:] if part not in text]
                assert missing == [], (name, fmt, lang)


def test_sentinels_stay_out_of_repr_and_errors(sara_record: rs.Result) -> None:
    for part in (
        repr(sara_record),
        *(repr(x) for x in sara_record.scenarios),
        *(repr(x) for x in sara_record.management),
        repr(sara_record.review),
        *(repr(x) for x in sara_record.other_considerations),
    ):
        assert [s for s in SENTINELS if s in part] == []


# --- the record as the engine derives it (the golden full cases) -------------------------


def _golden_answers(stem: str) -> dict[str, Any]:
    sara = rs.load_instrument("sara-v3")
    path = next(p for p in case_files(sara) if p.stem == stem)
    answers: dict[str, Any] = read_case(path)[0]["answers"]
    return answers


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_the_golden_pair_who_disagree_shows_the_derived_record(fmt: str, lang: str) -> None:
    """SARA-V3's full golden case: the pair disagree on N7, P7, P8's relevance and serious
    harm; the engine derives the plan, the disagreements and high_risk_case."""
    result = rs.assess("sara-v3", _golden_answers("40-record-full-pair-plan-review"))
    assert result.high_risk_case is True
    assert len(result.disagreements) == 4
    assert {d.kind for d in result.disagreements} == {"item", "judgement"}
    text = flat(shown(result, fmt, lang))
    sara = rs.load_instrument("sara-v3")
    for d in result.disagreements:
        title = (
            sara.item_by_id[d.id].title.get(lang)
            if d.kind == "item"
            else next(j for j in sara.judgements if j.id == d.id).title.get(lang)
        )
        assert title in text, d.id
    catalogue = rs.load_catalogue()
    statuses = {"en": "Undecided", "nb": "Ikke avgjort"}
    for entry in result.plan:
        assert catalogue.by_id[entry.measure].name.get(lang) in text, entry.measure
    assert any(e.status == "undecided" for e in result.plan)
    assert statuses[lang].lower() in text.lower()
    for reason in (d.reason for d in result.management if d.reason):
        assert flat(reason) in text
    if fmt == "text":
        text = text.replace("HØYRISIKOSAK", "Høyrisikosak").replace("HIGH-RISK", "High-risk")
    assert [part for part in PARTS[lang] if part not in text] == []


FREE_TEXT: dict[str, Callable[[Any, Text], Any]] = {
    "assessors": lambda a, mark: [
        {**x, "name": mark(f"ZqxName{i}"), "id": mark(f"ZqxId{i}")} for i, x in enumerate(a)
    ],
    "sources": lambda a, mark: [mark(f"ZqxSource{i}") for i, _ in enumerate(a)],
    "other_considerations": lambda a, mark: [
        {**x, "title": mark(f"ZqxTitle{i}"), "note": mark(f"ZqxNote{i}")} for i, x in enumerate(a)
    ],
    "scenarios": lambda a, mark: [
        {
            **x,
            "description": mark(f"ZqxScenario{i}"),
            "victims": mark(f"ZqxVictims{i}"),
            "warning_signs": [mark(f"ZqxSign{i}")],
        }
        for i, x in enumerate(a)
    ],
    "management": lambda a, mark: [
        {**x, "responsible": mark(f"ZqxResponsible{i}"), "reason": mark(f"ZqxReason{i}")}
        for i, x in enumerate(a)
    ],
    "review": lambda a, mark: {**a, "triggers": [mark("ZqxTrigger")]},
}
"""Every free-text field of the record in the golden case, each a sentinel of its own."""


def _marked(mark: Text) -> dict[str, Any]:
    answers = _golden_answers("40-record-full-pair-plan-review")
    for key, change in FREE_TEXT.items():
        answers[key] = change(answers[key], mark)
    return answers


def test_sentinels_given_as_answers_show_in_every_report() -> None:
    """Through assess, not a hand-built Result: each sentinel of the record's free text
    shows in every format and language (the engine's errors, reprs and logs never show
    them: tests/test_privacy.py)."""
    result = rs.assess("sara-v3", _marked(_plain))
    sentinels = set(re.findall(r"Zqx\w+", json.dumps(_marked(_plain))))
    assert len(sentinels) > 20
    assert [s for s in sentinels if s in repr(result)] == []
    for lang in LANGS:
        for fmt in FORMATS:
            text = shown(result, fmt, lang)
            assert sorted(s for s in sentinels if s not in text) == [], (fmt, lang)


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_hostile_free_text_given_as_answers_is_escaped(fmt: str) -> None:
    result = rs.assess("sara-v3", _marked(lambda name: f"{name} <b>x</b> *y* [l](http://e)"))
    text = render(result, fmt, "nb")
    assert "<b>x</b>" not in text
    if fmt == "markdown":
        assert "](http" not in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_prioritization_moderate_with_imminent_violence_high_says_hoyrisikosak(
    fmt: str,
) -> None:
    result = rs.assess("sara-v3", _golden_answers("41-record-high-risk-prioritization-moderate"))
    assert (result.judgements["case_prioritization"], result.judgements["imminent_violence"]) == (
        "moderate",
        "high",
    )
    assert result.high_risk_case is True
    nb = shown(result, fmt, "nb")
    assert "HØYRISIKOSAK" in nb or "Høyrisikosak" in nb


# --- the parts, one by one ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_high_risk_case_says_hoyrisikosak(sara_record: rs.Result, fmt: str) -> None:
    assert sara_record.high_risk_case is True
    nb = shown(sara_record, fmt, "nb")
    assert "høyrisikosak" in nb.lower()
    assert "HØYRISIKOSAK" in nb or "Høyrisikosak" in nb
    assert "high-risk case" in shown(sara_record, fmt, "en").lower()


def test_high_risk_banner_only_when_high_risk(sara_record: rs.Result) -> None:
    banner = '<div class="high-risk"'
    assert banner in render(sara_record, "html", "nb")
    low = sara_record.model_copy(update={"high_risk_case": False})
    assert banner not in render(low, "html", "nb")
    assert re.search(r"Høyrisikosak</th><td>Nei</td>", render(low, "html", "nb"))
    unknown = sara_record.model_copy(update={"high_risk_case": None})
    assert "not determined: the judgements are not recorded" in render(unknown, "html", "en")


def test_the_high_risk_flag_is_on_every_printed_page(sara_record: rs.Result) -> None:
    style = re.search(r"@top-left \{ content: \"([^\"]*)\"", render(sara_record, "html", "nb"))
    assert style is not None
    assert style.group(1) == css_string("Fortrolig: inneholder personopplysninger · Høyrisikosak")


def test_sign_off_names_roles_dates_and_lines_to_sign(sara_record: rs.Result) -> None:
    document = render(sara_record, "html", "nb")
    section = document[document.index('id="signoff"') : document.index('id="provenance"')]
    assert section.count('class="signatory"') == 2
    assert section.count('class="sign-line"') == 2
    for expected in ("Risikoanalytiker", "ZqxNameAnalyst", "RA-12", "23. november 2026"):
        assert expected in section
    assert "Kliniker" in section
    assert "ZqxNameClinician" in section
    assert "ikke signert" in section
    text = shown(sara_record, "text", "en")
    assert "  - Risk analyst (RA-12): ZqxNameAnalyst\n      Signed on: 23 November 2026" in text
    assert "  - Clinician (PS-3): ZqxNameClinician\n      Signed on: not signed" in text


def test_scenarios_are_a_table_of_every_rating(sara_record: rs.Result) -> None:
    document = render(sara_record, "html", "en")
    table = re.search(r'<table class="scenarios">.*?</table>', document, re.S)
    assert table is not None
    head = re.findall(r'<th scope="col">(.*?)</th>', table.group(0))
    assert head == ["Scenario", "Victims", "Likelihood", "Severity", "Imminence", "Warning signs"]
    rows = re.findall(r"<tr(?: class=\"has-note\")?><td><strong>(.*?)</strong>", table.group(0))
    assert rows == ["1. Escalation (worst case)", "2. Repeat"]
    first = re.search(r"ZqxScenarioOneVictims.*?</tr>", table.group(0), re.S)
    assert first is not None
    assert re.findall(r'<td class="value">(.*?)</td>', first.group(0)) == [
        "Moderate",
        "High",
        "High",
    ]
    assert 'Description:</span> <span class="freetext">ZqxScenarioOneDescription' in table.group(0)
    markdown = render(sara_record, "markdown", "nb")
    assert (
        "| Scenario | Utsatte | Sannsynlighet | Alvor | Hvor snart | Varselsignaler | Beskrivelse |"
        in markdown
    )


def test_plan_groups_chosen_measures_by_strategy(sara_record: rs.Result) -> None:
    catalogue = rs.load_catalogue()
    document = render(sara_record, "html", "nb")
    table = re.search(r'<table class="plan">.*?</table>', document, re.S)
    assert table is not None
    groups = re.findall(r'scope="rowgroup">(.*?)</th>', table.group(0))
    assert groups == [
        "Overvåking",
        "Kontroll (restriksjoner)",
        "Behandling",
        "Sikkerhetsplan for den utsatte",
    ]
    parts = re.split(r'<tr class="group">', table.group(0))[1:]
    chosen = {
        e.decision.strategy: e for e in sara_record.plan if e.status == "chosen" and e.decision
    }
    for strategy, part in zip(
        ("monitoring", "supervision", "treatment", "victim_safety_planning"), parts, strict=True
    ):
        if strategy in chosen:
            entry = catalogue.by_id[chosen[strategy].measure]
            assert entry.name.nb in part
            assert entry.decided_by.nb in part
        else:
            assert "Ingen tiltak valgt under denne strategien." in part
    assert "ZqxResponsibleChosen" in table.group(0)
    assert "25. november 2026" in table.group(0)
    assert "vurdererparets eget tiltak" in table.group(0)
    assert "anbefalt: haster" in table.group(0)
    assert 'Begrunnelse:</span> <span class="freetext">ZqxReasonChosen' in table.group(0)


def test_rejected_and_deferred_measures_show_their_reasons(sara_record: rs.Result) -> None:
    catalogue = rs.load_catalogue()
    document = render(sara_record, "html", "en")
    table = re.search(r'<table class="not-followed">.*?</table>', document, re.S)
    assert table is not None
    for entry in sara_record.plan:
        if entry.status in ("rejected", "deferred"):
            assert catalogue.by_id[entry.measure].name.en in table.group(0)
    assert "<strong>Deferred</strong>" in table.group(0)
    assert "<strong>Rejected</strong>" in table.group(0)
    assert "ZqxReasonDeferred" in table.group(0)
    assert "ZqxReasonRejected" in table.group(0)
    assert "10 January 2027" in table.group(0)
    assert "Victim&#39;s consent:</span> No" in table.group(0)


def test_a_decision_without_a_reason_says_so(sara_record: rs.Result) -> None:
    management = [
        dataclasses.replace(d, reason=None) if d.decision == "rejected" else d
        for d in sara_record.management
    ]
    plan = [
        dataclasses.replace(e, decision=dataclasses.replace(e.decision, reason=None))
        if e.status == "rejected" and e.decision is not None
        else e
        for e in sara_record.plan
    ]
    result = sara_record.model_copy(update={"management": management, "plan": plan})
    for fmt in FORMATS:
        assert "no reason given" in shown(result, fmt, "en").lower()


@pytest.mark.parametrize("fmt", FORMATS)
def test_undecided_recommendations_are_visibly_undecided(sara_record: rs.Result, fmt: str) -> None:
    catalogue = rs.load_catalogue()
    text = shown(sara_record, fmt, "nb")
    section = text[text.index("Anbefalinger som ennå ikke er avgjort") :]
    undecided = [e for e in sara_record.plan if e.status == "undecided"]
    assert undecided
    tag = {"html": "Ikke avgjort ", "markdown": "- **IKKE AVGJORT:** ", "text": "- [IKKE AVGJORT] "}
    for entry in undecided:
        assert f"{tag[fmt]}{catalogue.by_id[entry.measure].name.nb}" in section
    if fmt == "html":
        document = render(sara_record, fmt, "nb")
        assert document.count('<span class="tag tag-open">Ikke avgjort</span>') == len(undecided)


def test_a_result_without_a_plan_shows_its_recommendations_undecided(
    sara_record: rs.Result,
) -> None:
    bare = sara_record.model_copy(update={"plan": [], "management": []})
    document = render(bare, "html", "en")
    counts = f"The pair&#39;s decisions, measure by measure: {len(bare.measures)} undecided."
    assert counts in document
    assert (
        '<span class="tag tag-open">Undecided</span> The pair has recorded no decision yet: '
        "every measure recommended above is undecided." in document
    )
    for fmt in ("markdown", "text"):
        text = flat(shown(bare, fmt, "nb"))
        assert "IKKE AVGJORT" in text
        assert "Vurdererparet har ikke registrert noen beslutning ennå" in text


def test_review_date_and_triggers(sara_record: rs.Result) -> None:
    for fmt in FORMATS:
        text = shown(sara_record, fmt, "nb")
        assert "15. januar 2027" in text
        assert "Ny vurdering tidligere hvis" in text
    without = sara_record.model_copy(update={"review": None})
    assert 'Neste vurdering</th><td><span class="muted">ikke satt' in render(without, "html", "nb")


@pytest.mark.parametrize("lang", LANGS)
def test_disagreements_show_each_rater_and_the_consensus(
    sara_record: rs.Result, sara: rs.Instrument, lang: str
) -> None:
    document = render(sara_record, "html", lang)
    table = re.search(r'<table class="pair">.*?</table>', document, re.S)
    assert table is not None
    head = re.findall(r'<th scope="col">(.*?)</th>', table.group(0))
    roles = ["Risk analyst", "Clinician"] if lang == "en" else ["Risikoanalytiker", "Kliniker"]
    assert head[1:3] == roles
    rows = re.findall(r"<tr><td>.*?</tr>", table.group(0), re.S)
    assert len(rows) == 4  # three items and one judgement
    n1 = sara.item_by_id["N1"].title.get(lang)
    assert n1 in rows[0]
    cells = re.findall(r'<td class="value">(?:<strong>)?(.*?)(?:</strong>)?</td>', rows[0])
    yes, partial = ("Yes", "Partial") if lang == "en" else ("Ja", "Delvis")
    assert cells == [yes, partial, yes]
    judgement = sara.judgements[0].title.get(lang)
    assert judgement in rows[3]
    resolutions = [re.findall(r"<td>([^<]*)</td></tr>", row)[0] for row in rows]
    if lang == "en":
        assert resolutions == [
            "As rated by: Risk analyst.",
            "As rated by: Clinician.",
            "As rated by: Clinician.",
            "Differs from every rater's rating.".replace("'", "&#39;"),
        ]


def test_raters_who_agree_or_are_absent_are_said_to(sara_record: rs.Result) -> None:
    agreed = sara_record.model_copy(update={"disagreements": []})
    assert "agree on every item and judgement" in shown(agreed, "text", "en")
    alone = sara_record.model_copy(update={"disagreements": [], "raters": {}})
    assert "own ratings are not recorded" in flat(shown(alone, "text", "en"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_factors_of_high_relevance_are_marked(
    sara_record: rs.Result, sara: rs.Instrument, fmt: str
) -> None:
    high = [i for i, r in sara_record.ratings.items() if r.get("relevance") == "high"]
    assert high
    text = shown(sara_record, fmt, "en")
    summary = text[text.index("Factors of high relevance") : text.index("Information sources")]
    for ident in high:
        assert f"{ident} {sara.item_by_id[ident].title.en}" in summary
    assert "ZqxConsiderationTitle" in summary
    marked = "HIGH RELEVANCE" if fmt == "text" else "high relevance"
    heading = text.count("Factors of high relevance") if fmt != "text" else 0
    # the items and the other consideration
    assert text.count(marked) - heading == len(high) + 1
    if fmt == "html":
        document = render(sara_record, fmt, "en")
        assert document.count('class="tag tag-high"') == len(high) + 1


def test_rating_periods_are_stated() -> None:
    sara = record_result(rs.load_instrument("sara-v3"))
    for fmt in FORMATS:
        text = flat(shown(sara, fmt, "nb"))
        assert "Nylig (omtrent siste år): omtrent de siste 12 månedene" in text
    bsafer = record_result(rs.load_instrument("b-safer"))
    text = flat(shown(bsafer, "text", "en"))
    assert "Current: probably the last four weeks" in text
    assert "the past year) (not confirmed)" in text
    document = render(bsafer, "html", "nb")
    assert re.search(
        r"trolig de siste fire ukene[^<]*<span class=\"tag tag-unverified\">ikke bekreftet",
        document,
    )


def test_a_dimension_window_is_optional(tiny_spj: rs.Instrument) -> None:
    result = tiny_spj.assess({"items": {"A1": "Y", "A2": "N", "B1": "P"}})
    text = rs.render_report(result, "text", "en", instrument=tiny_spj)
    assert "Rating periods" not in text


# --- the appendix of unverified values -----------------------------------------------------


def test_the_appendix_lists_the_unverified_values_behind_this_result(
    sara_record: rs.Result, sara: rs.Instrument
) -> None:
    from risk_scoring.report.render import report_context

    record = report_context(sara_record, "en")["report"].record
    listed = {kind: entries for kind, entries, _text in record.unverified}
    assert {"Item", "Rating value", "Judgement", "Level"} <= set(listed)
    known = {u.source for u in (*rs.unverified(sara), *rs.unverified(rs.load_catalogue()))}
    values = []
    for entries in listed.values():
        for entry in entries:
            source = next((k for k in known if entry.endswith(f": {k}")), None)
            assert source is not None, entry
            values.append(entry.removesuffix(f": {source}"))
    assert record.unverified_count == sum(len(v.split("; ")) for v in values)
    assert record.unverified_total == len(rs.unverified(sara)) + len(
        rs.unverified(rs.load_catalogue())
    )
    # Only what this result rests on: no item is rated Omitted, so that value is not listed.
    shown_values = " ".join(listed["Rating value"])
    assert "Presence: Omitted" not in shown_values
    assert "Presence: Yes:" in shown_values
    assert "Relevance: Low; Relevance: Moderate; Relevance: High: " in shown_values
    # Every unverified item is listed, since every item is shown.
    assert len(listed["Item"]) == sum(1 for item in sara.items if item.verified is not True)
    # The measures the pair decided count as well as those the rules recommended.
    catalogue = rs.load_catalogue()
    decided = {d.measure for d in sara_record.management}
    for m in catalogue.measures:
        if m.verified is not True and m.id in decided:
            assert any(e.startswith(m.name.en) for e in listed["Measure (catalogue)"])


def test_the_appendix_follows_the_rules_that_fired(sara: rs.Instrument) -> None:
    from risk_scoring.report.render import report_context

    rule = next(r for r in sara.measure_rules if r.verified is not True)
    fired = sara.assess(
        {
            **record_answers(sara),
            "context": {"children_in_household": True, "incidents_last_12_months": 3},
        }
    )
    quiet = sara.assess({**record_answers(sara), "context": {"incidents_last_12_months": 0}})
    assert any(rule.id in (r.rule for r in m.reasons) for m in fired.measures)
    assert not any(rule.id in (r.rule for r in m.reasons) for m in quiet.measures)

    def rules(result: rs.Result) -> list[str]:
        record = report_context(result, "en")["report"].record
        groups = record.unverified
        return [e for kind, entries, _ in groups if kind == "Measure rule" for e in entries]

    assert any(e.startswith(rule.id) for e in rules(fired))
    assert not any(e.startswith(rule.id) for e in rules(quiet))


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_appendix_is_in_every_format(sara_record: rs.Result, fmt: str) -> None:
    text = flat(shown(sara_record, fmt, "nb"))
    assert "Vedlegg: verdier som ikke er bekreftet" in text
    assert "[sifer-sara-v3]" in text
    assert re.search(r"\d+ av de \d+ verdiene i dette verktøyet og tiltakskatalogen som", text)


def test_an_instrument_without_unverified_values_says_so(tiny_spj: rs.Instrument) -> None:
    result = tiny_spj.assess({"items": {"A1": "Y", "A2": "N", "B1": "P"}})
    text = rs.render_report(result, "text", "en", instrument=tiny_spj)
    assert "No value behind this result is marked unverified." in text


# --- untrusted text in the record ------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_record(sara: rs.Instrument) -> rs.Result:
    """Every free-text field of the record holds markup and Markdown syntax."""
    return record_result(sara, lambda name: f"{name} {HOSTILE}").model_copy(
        update={"case_ref": '</style><script>x</script>" } body { color: red'}
    )


def test_hostile_record_text_is_inert_in_html(hostile_record: rs.Result) -> None:
    document = render(hostile_record, "html", "en")
    _inert(document)
    text = "".join(_parse(document).text)
    assert [s for s in SENTINELS if s not in text] == []
    assert text.count("<script>alert(1)</script>") >= len(SENTINELS)
    style = re.search(r"<style>(.*?)</style>", document, re.S)
    assert style is not None
    assert "<" not in style.group(1)
    assert "color: red" not in style.group(1)


@pytest.mark.parametrize("renderer", ["markdown-it", "python-markdown"])
def test_hostile_record_text_is_inert_in_markdown(hostile_record: rs.Result, renderer: str) -> None:
    source = render(hostile_record, "markdown", "en")
    if renderer == "markdown-it":
        markdown_it = pytest.importorskip("markdown_it")
        parser = markdown_it.MarkdownIt("commonmark", {"html": True}).enable("table")
        document = parser.render(source)
    else:
        markdown = pytest.importorskip("markdown")
        document = markdown.markdown(source, extensions=["tables"])
    _inert(document)
    # The scenario table still has seven cells per row: no `|` in the text split one.
    table = re.search(r"<table>\s*<thead>\s*<tr>\s*<th>Scenario</th>.*?</table>", document, re.S)
    assert table is not None
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(0), re.S)
    assert {len(re.findall(r"<t[dh]", row)) for row in rows} == {7}
    text = "".join(_parse(document).text)
    assert [s for s in SENTINELS if s not in text] == []
    assert "not a heading</h" not in document


def test_hostile_record_text_has_no_control_characters(sara: rs.Instrument) -> None:
    result = record_result(sara, lambda name: f"{name}\x1b[31m\x07\x00")
    for fmt in FORMATS:
        text = render(result, fmt, "en")
        assert "\x1b" not in text
        assert "\x07" not in text
        assert "\x00" not in text


def test_css_string_escapes_everything_but_letters_and_digits() -> None:
    assert css_string("EX-1") == "EX\\2d 1"
    assert css_string('a"b') == "a\\22 b"
    assert css_string("</style>") == "\\3c \\2f style\\3e "
    assert css_string("Høy") == "H\\f8 y"
    assert re.fullmatch(r"[A-Za-z0-9\\ ]*", css_string(HOSTILE))


# --- the printed pages ---------------------------------------------------------------------------


def test_every_pdf_page_repeats_marking_case_reference_and_page_x_of_y(
    sara_record: rs.Result,
) -> None:
    from risk_scoring.report.pdf import pdf_available, render_pdf

    reason = pdf_available()
    if reason is not None:
        pytest.skip(f"PDF rendering unavailable here: {reason}")
    pypdf = pytest.importorskip("pypdf")
    expected = {
        "nb": ("FORTROLIG: INNEHOLDER PERSONOPPLYSNINGER · HØYRISIKOSAK", "Saksreferanse", "side"),
        "en": ("CONFIDENTIAL: CONTAINS PERSONAL DATA · HIGH-RISK CASE", "Case reference", "page"),
    }
    for lang, (marking, reference, page) in expected.items():
        data = render_pdf(sara_record, lang=lang, rendered_at=RENDERED_AT)
        pages = pypdf.PdfReader(io.BytesIO(data)).pages
        assert len(pages) >= 2
        for number, one in enumerate(pages, start=1):
            text = flat(one.extract_text())
            assert marking in text, (number, text[:200])
            assert f"{reference}: EX-2026-0417" in text, number
            of = "av" if lang == "nb" else "of"
            assert f"{page} {number} {of} {len(pages)}" in text, number


def test_the_pdf_shows_every_sentinel(sara_record: rs.Result) -> None:
    from risk_scoring.report.pdf import pdf_available, render_pdf

    if pdf_available() is not None:
        pytest.skip("PDF rendering unavailable here")
    pypdf = pytest.importorskip("pypdf")
    data = render_pdf(sara_record, lang="nb", rendered_at=RENDERED_AT)
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert [s for s in SENTINELS if s not in text.replace("\n", "")] == []


# --- the notebook card -------------------------------------------------------------------------

STATUSES = ("chosen", "rejected", "deferred", "undecided")


def test_the_result_card_shows_the_plan_in_brief(sara_record: rs.Result) -> None:
    from risk_scoring.report.cards import result_html, set_language

    set_language("en")
    try:
        card = result_html(sara_record)
    finally:
        set_language("nb")
    n = {s: sum(1 for e in sara_record.plan if e.status == s) for s in STATUSES}
    brief = ", ".join(f"{n[s]} {s}" for s in STATUSES)
    assert f"Plan:</b> {brief}</p>" in card
    assert "Undecided" in card
    assert "High-risk case" in card
    catalogue = rs.load_catalogue()
    for entry in sara_record.plan:
        assert f"<td>{html.escape(catalogue.by_id[entry.measure].name.en)}" in card
        assert f"<td>{entry.measure}</td>" not in card
    assert "Victim safety planning" in card
    assert "25 November 2026" in card
    assert [s for s in SENTINELS if s in card] == []


def test_a_card_of_a_result_without_a_plan_shows_its_recommendations_undecided() -> None:
    from risk_scoring.report.cards import result_html

    result = rs.assess("sara-v3", record_answers(rs.load_instrument("sara-v3")))
    card = result_html(result)
    assert f"Tiltaksplan:</b> {len(result.measures)} ikke avgjort" in card
    assert "Ikke avgjort" in card


@pytest.mark.parametrize("payload", PAYLOADS)
def test_record_free_text_changes_no_structure_in_any_format(
    sara: rs.Instrument, payload: str
) -> None:
    """Every free-text field of the record holding `payload` gives the same HTML markup,
    the same Markdown structure and the same text-report line labels as harmless text."""
    from tests.test_fuzz_reports import html_structure, labels, python_markdown_structure

    attacked = record_result(sara, lambda name: f"{name} {payload}")
    harmless = record_result(sara, lambda name: f"{name} Z")
    for lang in LANGS:
        events, _ = html_structure(render(attacked, "html", lang))
        assert events == html_structure(render(harmless, "html", lang))[0]
        assert python_markdown_structure(render(attacked, "markdown", lang)) == (
            python_markdown_structure(render(harmless, "markdown", lang))
        )
        assert labels(render(attacked, "text", lang)) == labels(render(harmless, "text", lang))
