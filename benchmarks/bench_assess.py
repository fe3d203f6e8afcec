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
from typing import Any

import risk_scoring as rs

PRESENCE = {"N": 0, "P": 1, "Y": 2, "O": None}
RELEVANCE = frozenset({"low", "moderate", "high"})
LEVELS = ("low", "moderate", "high")
SARA_ITEMS = [f"N{i}" for i in range(1, 9)] + [f"P{i}" for i in range(1, 11)]
SARA_ITEMS += [f"V{i}" for i in range(1, 7)]
URGENCY = {"urgent": 0, "high": 1, "consider": 2}


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
    """sara-v3's rules written out by hand: the baseline the engine is compared with."""
    raw = answers["items"]
    errors = []
    ratings = {}
    for item in SARA_ITEMS:
        given = raw.get(item)
        if not isinstance(given, dict) or given.get("recent") not in PRESENCE:
            errors.append(item)
            continue
        if given.get("past", "N") not in PRESENCE or given.get("relevance", "low") not in RELEVANCE:
            errors.append(item)
        ratings[item] = given
    if errors or set(raw) - set(SARA_ITEMS):
        raise ValueError(errors)
    total = 0
    domains: dict[str, dict[str, int]] = {}
    for item, rating in ratings.items():
        value = rating["recent"]
        counts = domains.setdefault(item[0], {})
        counts[value] = counts.get(value, 0) + 1
        total += PRESENCE[value] or 0
    j = answers.get("judgements", {})
    ctx = answers.get("context", {})
    level = j.get("case_prioritization")
    harm, imminent = j.get("serious_harm"), j.get("imminent_violence")
    recent = {item: r["recent"] for item, r in ratings.items()}
    warnings = []
    if harm == "low" and recent["N5"] == "Y":
        warnings.append("serious-harm-low-with-severe-ipv")
    if imminent == "low" and recent["N7"] == "Y":
        warnings.append("imminent-low-with-escalating-ipv")
    if level in ("low", "moderate") and "high" in (harm, imminent):
        warnings.append("prioritization-below-high-risk")
    if sum(v == "O" for v in recent.values()) >= 6:
        warnings.append("many-omitted")
    if ctx.get("victim_pregnant") is True and harm == "low":
        warnings.append("pregnant-serious-harm-low")
    fired: dict[str, str] = {}

    def add(measure: str, priority: str) -> None:
        if measure not in fired or URGENCY[priority] < URGENCY[fired[measure]]:
            fired[measure] = priority

    high_any = "high" in (level, harm, imminent)
    if level is not None:
        add("sikkerhetsrad", "high")
    if imminent == "high":
        add("besoksforbud", "urgent")
        add("mobil_voldsalarm", "urgent")
        add("varetekt", "consider")
    if harm == "high":
        add("omvendt_voldsalarm", "consider")
        add("strengt_fortrolig_adresse", "consider")
    if recent["N2"] == "Y" and harm in ("moderate", "high"):
        add("fortrolig_adresse", "consider")
    if ctx.get("children_in_household") is True:
        add("melding_barnevern", "high")
    if recent["P8"] in ("P", "Y") or recent["P10"] in ("P", "Y"):
        add("henvisning_atv", "consider")
    if high_any:
        add("hjemmebesok", "high")
        add("motivasjonssamtale", "high")
    if level == "high":
        add("tverretatlig_mote", "high")
    if ctx.get("incidents_last_12_months", 0) >= 3:
        add("tverretatlig_mote", "consider")
    if recent["V1"] == "Y" or recent["V2"] == "Y":
        add("krisesenter", "consider")
    measures = sorted(fired.items(), key=lambda kv: URGENCY[kv[1]])
    return {"level": level, "score": total, "warnings": warnings, "measures": measures}


def hand_dash(answers: Mapping[str, Any]) -> dict[str, Any]:
    """DASH's rules written out by hand."""
    raw = answers["items"]
    allowed = ("yes", "no", "unknown")
    if set(raw) != {str(n) for n in range(1, 25)} or any(v not in allowed for v in raw.values()):
        raise ValueError("bad answers")
    score = sum(v == "yes" for v in raw.values())
    rank = 2 if score >= 14 else 1 if score >= 10 else 0
    ctx = answers.get("context", {})
    judgement = answers.get("judgements", {}).get("professional_judgement")
    if judgement is not None:
        rank = max(rank, ("standard", "medium", "high").index(judgement))
    if ctx.get("incidents_last_12_months", 0) >= 3 or ctx.get("repeat_after_marac") is True:
        rank = 2
    marac = (
        score >= 14
        or judgement == "high"
        or ctx.get("incidents_last_12_months", 0) >= 3
        or ctx.get("repeat_after_marac") is True
    )
    measures = (["marac_referral"] if marac else []) + (["idva_referral"] if rank == 2 else [])
    return {"level": ("standard", "medium", "high")[rank], "score": score, "measures": measures}


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
        engine = per_second(lambda inst=inst, answers=answers: inst.assess(answers))
        plain = per_second(lambda hand=hand, answers=answers: hand(answers))
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
