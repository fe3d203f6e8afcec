"""Assessments per second, against two baselines that do the job without the library.

Targets (SPEC §5), every figure measured in the same run, each the best of several
rounds that take turns so that a busy machine slows all of them alike:

- `inst.assess(answers)` on sara-v3 with all 24 items rated: >= 40,000 per second;
  dash and danger-assessment: >= 60,000 per second;
- sara-v3: at most 1.5x the time of `hand_sara`, a plain-Python scorer that hard-codes
  the same validation, domains, level, warnings and measures with their evidence;
- sara-v3: at most 2.5x the time of `SaraAnswers`, the instrument written the way a
  Python developer would without this library: a pydantic model with one field of
  `Literal` values per item, and a computed score and level (validate + score).

Run with `make bench` or `python benchmarks/bench_assess.py [--rounds N]`. Exit status
1 when a target is missed (the figures are printed either way).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import timeit
from collections.abc import Callable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

import risk_scoring as rs

PRESENCE = {"N": 0, "P": 1, "Y": 2, "O": None}
RELEVANCE = frozenset({"low", "moderate", "high"})
LEVELS = ("low", "moderate", "high")
SARA_ITEMS = [f"N{i}" for i in range(1, 9)] + [f"P{i}" for i in range(1, 11)]
SARA_ITEMS += [f"V{i}" for i in range(1, 7)]
URGENCY = {"urgent": 0, "high": 1, "consider": 2}
SARA_DOMAIN = {item: item[0] for item in SARA_ITEMS}
SARA_FLAGS = (
    "children_in_household",
    "victim_pregnant",
    "shares_home",
    "firearms_access",
    "order_in_force",
    "order_breach_suspected",
    "open_criminal_case",
    "interpreter_needed",
)
SARA_JUDGEMENTS = ("case_prioritization", "serious_harm", "imminent_violence")
DASH_ITEMS = [str(n) for n in range(1, 25)]
DASH_LEVELS = ("standard", "medium", "high")
CATALOGUE = rs.load_catalogue().order
TARGETS = {"sara-v3": 40_000, "dash": 60_000, "danger-assessment": 60_000}
HAND_RATIO, PYDANTIC_RATIO = 1.5, 2.5


def sara_answers() -> dict[str, Any]:
    """A full sara-v3 case: every item rated for recent, past and relevance."""
    cycle = ["Y", "P", "N", "Y", "O", "N"]
    items = {
        item: {"recent": cycle[i % 6], "past": cycle[(i + 1) % 6], "relevance": "moderate"}
        for i, item in enumerate(SARA_ITEMS)
    }
    return {
        "items": items,
        "context": {"children_in_household": True, "incidents_last_12_months": 2},
        "judgements": {
            "case_prioritization": "high",
            "serious_harm": "moderate",
            "imminent_violence": "high",
        },
        "justification": "fictitious",
    }


def dash_answers() -> dict[str, Any]:
    """A DASH case with 12 yes answers and an escalation route."""
    items = {str(n): "yes" if n <= 12 else "no" for n in range(1, 25)}
    return {"items": items, "context": {"incidents_last_12_months": 3}}


def danger_answers() -> dict[str, Any]:
    """A Danger Assessment case: every question answered, some yes."""
    inst = rs.load_instrument("danger-assessment")
    yes = {"1", "3", "4", "8", "10", "13", "16"}
    return {"items": {i.id: "yes" if i.id in yes else "no" for i in inst.items}}


def _sara_ratings(
    raw: Mapping[str, Any], errors: list[str]
) -> tuple[dict[str, Any], dict[str, str]]:
    ratings: dict[str, dict[str, str]] = {}
    notes = {}
    for item in SARA_ITEMS:
        given = raw.get(item)
        if isinstance(given, str):
            given = {"recent": given}
        if not isinstance(given, dict) or given.get("recent") not in PRESENCE:
            errors.append(item)
            continue
        rating = {"recent": given["recent"]}
        for dim, allowed in (("past", PRESENCE), ("relevance", RELEVANCE)):
            value = given.get(dim)
            if value is not None:
                if value not in allowed:
                    errors.append(item)
                rating[dim] = value
        if "note" in given:
            notes[item] = given["note"]
        ratings[item] = rating
    return ratings, notes


def hand_sara(answers: Mapping[str, Any]) -> dict[str, Any]:
    """sara-v3's rules written out by hand: the baseline the engine is compared with.

    It does the same job as the engine: checks every answer, keeps the ratings and
    notes, sums the research total per domain, takes the level from the judgement, and
    gives each warning and measure with the answers that triggered it.
    """
    raw = answers["items"]
    errors = [key for key in raw if key not in SARA_DOMAIN]
    ratings, notes = _sara_ratings(raw, errors)
    given_ctx = answers.get("context", {})
    ctx: dict[str, Any] = {}
    for key, value in given_ctx.items():
        if key in SARA_FLAGS:
            if not isinstance(value, bool):
                errors.append(key)
        elif key == "incidents_last_12_months":
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                errors.append(key)
        elif key == "victim_risk_view":
            if value not in LEVELS:
                errors.append(key)
        elif key != "victim_wishes" or not isinstance(value, str):
            errors.append(key)
        ctx[key] = value
    j = answers.get("judgements", {})
    for key, value in j.items():
        if key not in SARA_JUDGEMENTS or value not in LEVELS:
            errors.append(key)
    justification = answers.get("justification")
    if justification is not None and not isinstance(justification, str):
        errors.append("justification")
    if errors:
        raise ValueError(errors)
    total = 0
    domains: dict[str, dict[str, Any]] = {}
    for item, rating in ratings.items():
        value = rating["recent"]
        summary = domains.setdefault(SARA_DOMAIN[item], {"counts": {}, "points": 0, "omitted": 0})
        summary["counts"][value] = summary["counts"].get(value, 0) + 1
        if value == "O":
            summary["omitted"] += 1
        else:
            points = PRESENCE[value] or 0
            summary["points"] += points
            total += points
    level = j.get("case_prioritization")
    harm, imminent = j.get("serious_harm"), j.get("imminent_violence")
    recent = {item: r["recent"] for item, r in ratings.items()}
    warnings = []
    blocking = False
    if harm == "low" and recent["N5"] == "Y":
        warnings.append(("serious-harm-low-with-severe-ipv", ["serious_harm=low", "N5=Y"]))
        blocking = True
    if imminent == "low" and recent["N7"] == "Y":
        warnings.append(("imminent-low-with-escalating-ipv", ["imminent_violence=low", "N7=Y"]))
        blocking = True
    if level in ("low", "moderate") and "high" in (harm, imminent):
        warnings.append(("prioritization-below-high-risk", [f"case_prioritization={level}"]))
        blocking = True
    omitted = [item for item, value in recent.items() if value == "O"]
    if len(omitted) >= 6:
        warnings.append(("many-omitted", omitted))
    if ctx.get("victim_pregnant") is True and harm == "low":
        warnings.append(("pregnant-serious-harm-low", ["victim_pregnant", "serious_harm=low"]))
    if ctx.get("victim_risk_view") == "high" and level == "low":
        warnings.append(("victim-view-above-priority", ["victim_risk_view", "level"]))
    fired: dict[str, list[Any]] = {}

    def add(measure: str, priority: str, rule: str, evidence: list[str]) -> None:
        if measure not in fired:
            fired[measure] = [priority, [(rule, evidence)]]
            return
        fired[measure][1].append((rule, evidence))
        if URGENCY[priority] < URGENCY[fired[measure][0]]:
            fired[measure][0] = priority

    case = ctx.get("open_criminal_case") is True
    if level is not None:
        add("sikkerhetsrad", "high", "safety-advice", ["level"])
    if imminent == "high":
        add("besoksforbud", "urgent", "imminent-restraining-order", ["imminent_violence=high"])
    if ctx.get("shares_home") is True and "high" in (imminent, harm):
        add("besoksforbud_eget_hjem", "high", "shared-home-exclusion", ["shares_home"])
    if imminent == "high":
        add("mobil_voldsalarm", "urgent", "imminent-mobile-alarm", ["imminent_violence=high"])
        if case:
            add("varetekt", "consider", "imminent-remand", ["open_criminal_case"])
    if harm == "high" and case:
        add("omvendt_voldsalarm", "consider", "serious-harm-reverse-alarm", ["harm"])
    if ctx.get("order_in_force") is True and ctx.get("order_breach_suspected") is True:
        add("elektronisk_kontroll_besoksforbud", "high", "breach-electronic-monitoring", [])
    if ctx.get("firearms_access") is True:
        add("vapen_tilbakekall", "high", "firearms-licence", ["firearms_access"])
    if harm == "high":
        add("strengt_fortrolig_adresse", "consider", "serious-harm-strict-address", ["harm"])
    if recent["N2"] == "Y" and harm in ("moderate", "high"):
        add("fortrolig_adresse", "consider", "threats-confidential-address", ["N2", "harm"])
    if case:
        add("bistandsadvokat", "high", "victim-lawyer", ["open_criminal_case"])
    if ctx.get("interpreter_needed") is True:
        add("tolk", "high", "interpreter", ["interpreter_needed"])
    if ctx.get("children_in_household") is True:
        add("melding_barnevern", "high", "children-child-welfare", ["children_in_household"])
    if recent["P8"] in ("P", "Y") or recent["P10"] in ("P", "Y"):
        add("henvisning_atv", "consider", "treatment-referral", ["P8", "P10"])
    highs = [name for name, value in j.items() if value == "high"]
    if highs:
        add("hjemmebesok", "high", "high-risk-home-visit", highs)
        add("motivasjonssamtale", "high", "high-risk-conversation", highs)
    if level == "high":
        add("tverretatlig_mote", "high", "high-priority-multiagency", ["case_prioritization"])
    if ctx.get("incidents_last_12_months", 0) >= 3:
        add("tverretatlig_mote", "consider", "repeat-incidents-multiagency", ["incidents"])
    if recent["V1"] == "Y" or recent["V2"] == "Y":
        add("krisesenter", "consider", "vulnerability-shelter", ["V1", "V2"])
    measures = sorted(fired.items(), key=lambda kv: (URGENCY[kv[1][0]], CATALOGUE[kv[0]]))
    return {
        "level": level,
        "complete": level is not None and not (blocking and not justification),
        "score": total,
        "domains": domains,
        "warnings": warnings,
        "measures": measures,
        "ratings": ratings,
        "notes": notes,
        "context": ctx,
        "judgements": dict(j),
    }


def hand_dash(answers: Mapping[str, Any]) -> dict[str, Any]:
    """DASH's rules written out by hand, with the same explanation the engine gives."""
    raw = answers["items"]
    allowed = frozenset(("yes", "no", "unknown"))
    errors = [key for key in raw if key not in DASH_ITEMS]
    ratings = {}
    for item in DASH_ITEMS:
        value = raw.get(item)
        if isinstance(value, dict):
            value = value.get("answer")
        if value not in allowed:
            errors.append(item)
        ratings[item] = {"answer": value}
    ctx = answers.get("context", {})
    judgement = answers.get("judgements", {}).get("professional_judgement")
    if judgement is not None and judgement not in DASH_LEVELS:
        errors.append("professional_judgement")
    if errors:
        raise ValueError(errors)
    counts: dict[str, int] = {}
    for rating in ratings.values():
        counts[rating["answer"]] = counts.get(rating["answer"], 0) + 1
    score = counts.get("yes", 0)
    unknown = [item for item, rating in ratings.items() if rating["answer"] == "unknown"]
    rank = 2 if score >= 14 else 1 if score >= 10 else 0
    trace = [("total", score), ("band", DASH_LEVELS[rank])]
    if judgement is not None:
        trace.append(("professional-judgement", judgement))
        rank = max(rank, DASH_LEVELS.index(judgement))
    warnings = []
    if (judgement == "high" and score < 14) or (judgement == "medium" and score < 10):
        warnings.append(("professional-judgement-reasons", [f"judgement={judgement}"]))
    if (judgement in ("standard", "medium") and score >= 14) or (
        judgement == "standard" and score >= 10
    ):
        warnings.append(("professional-judgement-below-count", [f"score={score}"]))
    serious = [i for i in ("14", "15", "13") if ratings[i]["answer"] == "yes"]
    if serious and rank < 2:
        warnings.append(("serious-indicator-below-high", serious))
    if len(unknown) >= 6:
        warnings.append(("many-unknown", unknown))
    incidents = ctx.get("incidents_last_12_months") or 0
    reasons = []
    if score >= 14:
        reasons.append(("marac-visible-high-risk", [f"score={score}"]))
    if judgement == "high":
        reasons.append(("marac-professional-judgement", ["professional_judgement=high"]))
    if incidents >= 3:
        reasons.append(("marac-potential-escalation", [f"incidents={incidents}"]))
    if ctx.get("repeat_after_marac") is True:
        reasons.append(("marac-repeat", ["repeat_after_marac=true"]))
    measures = [("marac_referral", "urgent", reasons)] if reasons else []
    if rank == 2:
        measures.append(("idva_referral", "high", [("idva-high-risk", ["level"])]))
    return {
        "level": DASH_LEVELS[rank],
        "score": score,
        "domains": {"ric": counts},
        "trace": trace,
        "warnings": warnings,
        "measures": measures,
        "ratings": ratings,
        "context": dict(ctx),
    }


# --- sara-v3 as a plain pydantic model: what one would write without this library --------

Presence = Literal["N", "P", "Y", "O"]
Relevance = Literal["low", "moderate", "high"]
Level = Literal["low", "moderate", "high"]
POINTS = {"N": 0, "P": 1, "Y": 2, "O": 0}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Rating(_Strict):
    recent: Presence
    past: Presence | None = None
    relevance: Relevance | None = None
    note: str | None = None


class SaraItems(_Strict):
    N1: Rating
    N2: Rating
    N3: Rating
    N4: Rating
    N5: Rating
    N6: Rating
    N7: Rating
    N8: Rating
    P1: Rating
    P2: Rating
    P3: Rating
    P4: Rating
    P5: Rating
    P6: Rating
    P7: Rating
    P8: Rating
    P9: Rating
    P10: Rating
    V1: Rating
    V2: Rating
    V3: Rating
    V4: Rating
    V5: Rating
    V6: Rating


class SaraContext(_Strict):
    children_in_household: bool | None = None
    victim_pregnant: bool | None = None
    incidents_last_12_months: int | None = Field(default=None, ge=0)
    shares_home: bool | None = None
    firearms_access: bool | None = None
    order_in_force: bool | None = None
    order_breach_suspected: bool | None = None
    open_criminal_case: bool | None = None
    victim_risk_view: Level | None = None
    victim_wishes: str | None = None
    interpreter_needed: bool | None = None


class SaraJudgements(_Strict):
    case_prioritization: Level | None = None
    serious_harm: Level | None = None
    imminent_violence: Level | None = None


class SaraAnswers(_Strict):
    items: SaraItems
    context: SaraContext = SaraContext()
    judgements: SaraJudgements = SaraJudgements()
    justification: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def score(self) -> int:
        return sum(POINTS[r.recent] for r in self.items.__dict__.values())

    @computed_field  # type: ignore[prop-decorator]
    @property
    def level(self) -> Level | None:
        return self.judgements.case_prioritization


def pydantic_sara(answers: Mapping[str, Any]) -> tuple[int, str | None]:
    """Validate + score with the pydantic model."""
    model = SaraAnswers.model_validate(answers)
    return model.score, model.level


# --- measuring ---------------------------------------------------------------------------


def best_times(calls: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    """Seconds per call of each, the best of `rounds` rounds in which they take turns."""
    timers = {name: timeit.Timer(call) for name, call in calls.items()}
    number = {name: max(1, timer.autorange()[0] // 4) for name, timer in timers.items()}
    best = dict.fromkeys(calls, float("inf"))
    for _ in range(rounds):
        for name, timer in timers.items():
            best[name] = min(best[name], timer.timeit(number[name]) / number[name])
    return best


def check_baselines() -> None:
    """The baselines do the job the engine does, on the benchmark's answers."""
    for ident, answers, hand in (
        ("sara-v3", sara_answers(), hand_sara),
        ("dash", dash_answers(), hand_dash),
    ):
        result = rs.load_instrument(ident).assess(answers)
        baseline = hand(answers)
        assert result.level == baseline["level"], (ident, result.level, baseline["level"])
        assert result.score == baseline["score"]
        wanted = [m[0] for m in baseline["measures"]]
        assert [m.id for m in result.measures] == wanted, (ident, wanted)
        fired = [w[0] for w in baseline["warnings"]]
        assert [s.rule for s in result.trace if s.kind == "warning"] == fired
    result = rs.load_instrument("sara-v3").assess(sara_answers())
    assert pydantic_sara(sara_answers()) == (result.score, result.level)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    check_baselines()
    insts = {ident: rs.load_instrument(ident) for ident in TARGETS}
    answers = {"sara-v3": sara_answers(), "dash": dash_answers()}
    answers["danger-assessment"] = danger_answers()
    calls: dict[str, Callable[[], object]] = {}
    for ident, inst in insts.items():
        inst.assess(answers[ident])
        calls[ident] = lambda inst=inst, a=answers[ident]: inst.assess(a)  # type: ignore[misc]
    sara, dash = answers["sara-v3"], answers["dash"]
    calls["hand_sara"] = lambda: hand_sara(sara)
    calls["hand_dash"] = lambda: hand_dash(dash)
    calls["pydantic_sara"] = lambda: pydantic_sara(sara)
    seconds = best_times(calls, args.rounds)
    figures: dict[str, Any] = {
        ident: {"assess_per_second": round(1 / seconds[ident]), "target": target}
        for ident, target in TARGETS.items()
    }
    figures["sara-v3"]["hand_written_per_second"] = round(1 / seconds["hand_sara"])
    figures["sara-v3"]["ratio_to_hand_written"] = round(
        seconds["sara-v3"] / seconds["hand_sara"], 2
    )
    figures["sara-v3"]["pydantic_model_per_second"] = round(1 / seconds["pydantic_sara"])
    figures["sara-v3"]["ratio_to_pydantic_model"] = round(
        seconds["sara-v3"] / seconds["pydantic_sara"], 2
    )
    figures["dash"]["hand_written_per_second"] = round(1 / seconds["hand_dash"])
    figures["dash"]["ratio_to_hand_written"] = round(seconds["dash"] / seconds["hand_dash"], 2)
    print(
        json.dumps(
            {"python": platform.python_version(), "machine": platform.machine(), **figures},
            indent=2,
        )
    )
    missed = [
        f"{ident} {f['assess_per_second']:,}/s < {f['target']:,}/s"
        for ident, f in figures.items()
        if f["assess_per_second"] < f["target"]
    ]
    if figures["sara-v3"]["ratio_to_hand_written"] > HAND_RATIO:
        missed.append(f"sara-v3 > {HAND_RATIO}x the hand-written scorer")
    if figures["sara-v3"]["ratio_to_pydantic_model"] > PYDANTIC_RATIO:
        missed.append(f"sara-v3 > {PYDANTIC_RATIO}x the pydantic model")
    for line in missed:
        print(f"below target: {line}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
