"""Assessments per second, against a hand-written scorer of the same rules (SPEC §5).

Targets: `inst.assess(answers)` on sara-v3 with all 24 items rated at >= 50,000 per
second on one core, and at most 3x the time of a plain-Python scorer that hard-codes
the same validation, total, level, warning and measure rules. Run with
`make bench` or `python benchmarks/bench_assess.py`.
"""

from __future__ import annotations

import json
import platform
import sys
import timeit
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

import risk_scoring as rs

PRESENCE = {"N": 0, "P": 1, "Y": 2, "O": None}
RELEVANCE = frozenset({"low", "moderate", "high"})
LEVELS = ("low", "moderate", "high")
SARA_ITEMS = [f"N{i}" for i in range(1, 9)] + [f"P{i}" for i in range(1, 11)]
SARA_ITEMS += [f"V{i}" for i in range(1, 7)]
URGENCY = {"urgent": 0, "high": 1, "consider": 2}
SARA_DOMAIN = {item: item[0] for item in SARA_ITEMS}
DASH_ITEMS = [str(n) for n in range(1, 25)]
DASH_LEVELS = ("standard", "medium", "high")
CATALOGUE = rs.load_catalogue().order


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


def hand_sara(answers: Mapping[str, Any]) -> dict[str, Any]:
    """sara-v3's rules written out by hand: the baseline the engine is compared with.

    It does the same job as the engine: checks every answer, keeps the ratings and
    notes, sums the research total per domain, takes the level from the judgement, and
    gives each warning and measure with the answers that triggered it.
    """
    raw = answers["items"]
    errors = [key for key in raw if key not in SARA_DOMAIN]
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
    ctx = answers.get("context", {})
    j = answers.get("judgements", {})
    for key, value in j.items():
        if (
            key not in ("case_prioritization", "serious_harm", "imminent_violence")
            or value not in LEVELS
        ):
            errors.append(key)
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
    if harm == "low" and recent["N5"] == "Y":
        warnings.append(("serious-harm-low-with-severe-ipv", ["serious_harm=low", "N5=Y"]))
    if imminent == "low" and recent["N7"] == "Y":
        warnings.append(("imminent-low-with-escalating-ipv", ["imminent_violence=low", "N7=Y"]))
    if level in ("low", "moderate") and "high" in (harm, imminent):
        warnings.append(("prioritization-below-high-risk", [f"case_prioritization={level}"]))
    omitted = [item for item, value in recent.items() if value == "O"]
    if len(omitted) >= 6:
        warnings.append(("many-omitted", omitted))
    if ctx.get("victim_pregnant") is True and harm == "low":
        warnings.append(("pregnant-serious-harm-low", ["victim_pregnant", "serious_harm=low"]))
    fired: dict[str, list[Any]] = {}

    def add(measure: str, priority: str, rule: str, evidence: list[str]) -> None:
        if measure not in fired:
            fired[measure] = [priority, [(rule, evidence)]]
            return
        fired[measure][1].append((rule, evidence))
        if URGENCY[priority] < URGENCY[fired[measure][0]]:
            fired[measure][0] = priority

    if level is not None:
        add("sikkerhetsrad", "high", "safety-advice", ["level"])
    if imminent == "high":
        evidence = ["imminent_violence=high"]
        add("besoksforbud", "urgent", "imminent-restraining-order", evidence)
        add("mobil_voldsalarm", "urgent", "imminent-mobile-alarm", evidence)
        add("varetekt", "consider", "imminent-remand", evidence)
    if harm == "high":
        add("omvendt_voldsalarm", "consider", "serious-harm-reverse-alarm", ["serious_harm=high"])
        add("strengt_fortrolig_adresse", "consider", "serious-harm-strict-address", ["harm"])
    if recent["N2"] == "Y" and harm in ("moderate", "high"):
        add("fortrolig_adresse", "consider", "threats-confidential-address", ["N2", "harm"])
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
        "complete": level is not None,
        "score": total,
        "domains": domains,
        "warnings": warnings,
        "measures": measures,
        "ratings": ratings,
        "notes": notes,
        "context": dict(ctx),
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
    incidents = ctx.get("incidents_last_12_months") or 0
    repeat = ctx.get("repeat_after_marac") is True
    if judgement is not None:
        trace.append(("professional-judgement", judgement))
        rank = max(rank, DASH_LEVELS.index(judgement))
    if incidents >= 3:
        trace.append(("potential-escalation", incidents))
        rank = 2
    if repeat:
        trace.append(("repeat", True))
        rank = 2
    warnings = []
    serious = [i for i in ("14", "15", "13") if ratings[i]["answer"] == "yes"]
    if serious and rank < 2:
        warnings.append(("serious-indicator-below-high", serious))
    if len(unknown) >= 6:
        warnings.append(("many-unknown", unknown))
    reasons = []
    if score >= 14:
        reasons.append(("marac-visible-high-risk", [f"score={score}"]))
    if judgement == "high":
        reasons.append(("marac-professional-judgement", ["professional_judgement=high"]))
    if incidents >= 3:
        reasons.append(("marac-potential-escalation", [f"incidents={incidents}"]))
    if repeat:
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


def per_second(func: Callable[[], object], seconds: float = 1.0) -> float:
    """Calls per second: the best of five runs of about `seconds` each."""
    timer = timeit.Timer(func)
    number, _ = timer.autorange()
    runs = timer.repeat(repeat=5, number=max(1, int(number * seconds / 0.2)))
    return max(1, int(number * seconds / 0.2)) / min(runs)


def main() -> None:
    figures = {}
    for ident, answers, hand in (
        ("sara-v3", sara_answers(), hand_sara),
        ("dash", dash_answers(), hand_dash),
    ):
        inst = rs.load_instrument(ident)
        result = inst.assess(answers)
        baseline = hand(answers)
        assert result.level == baseline["level"], (result.level, baseline)
        assert result.score == baseline["score"]
        wanted = {m[0] if isinstance(m, tuple) else m for m in baseline["measures"]}
        assert {m.id for m in result.measures} == wanted
        engine = per_second(partial(inst.assess, answers))
        plain = per_second(partial(hand, answers))
        figures[ident] = {
            "assess_per_second": round(engine),
            "hand_written_per_second": round(plain),
            "ratio": round(plain / engine, 2),
        }
    print(
        json.dumps(
            {"python": platform.python_version(), "machine": platform.machine(), **figures},
            indent=2,
        )
    )
    sara = figures["sara-v3"]
    if sara["assess_per_second"] < 50_000 or sara["ratio"] > 3:
        print("below target: >= 50,000/s and <= 3x the hand-written scorer", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
