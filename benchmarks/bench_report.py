"""Reports per second (SPEC §5): `render_report(result, "html")` at >= 2,000 per second.

The case is a full SARA-V3 assessment: all 24 items rated on recent, past and
relevance, notes on a third of them, the three summary judgements, a justification, two
assessors, and the dozen measures those answers trigger. DASH and the Markdown and text
formats are measured too, for information. Run with `python benchmarks/bench_report.py`.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import sys
import timeit
from collections.abc import Callable
from typing import Any

import risk_scoring as rs

TARGET = 2_000
RENDERED_AT = dt.datetime(2026, 11, 22, 14, 3, tzinfo=dt.timezone.utc)
SARA_ITEMS = [f"N{i}" for i in range(1, 9)] + [f"P{i}" for i in range(1, 11)]
SARA_ITEMS += [f"V{i}" for i in range(1, 7)]


def sara_answers() -> dict[str, Any]:
    """A full sara-v3 case as an analyst pair would file it (fictitious)."""
    cycle = ["Y", "P", "N", "Y", "O", "N"]
    items: dict[str, Any] = {}
    for i, item in enumerate(SARA_ITEMS):
        rating: dict[str, str] = {
            "recent": cycle[i % 6],
            "past": cycle[(i + 1) % 6],
            "relevance": "moderate",
        }
        if i % 3 == 0:
            rating["note"] = f"Observation {i} from the case file, with <details> & a | pipe."
        items[item] = rating
    return {
        "items": items,
        "context": {"children_in_household": True, "incidents_last_12_months": 2},
        "judgements": {
            "case_prioritization": "high",
            "serious_harm": "high",
            "imminent_violence": "high",
        },
        "justification": "Recent threats and escalating violence after the separation.",
        "assessors": [{"role": "risk_analyst", "id": "RA-12"}, {"role": "psychologist"}],
        "assessed_on": "2026-11-20",
        "case_ref": "EX-2026-0417",
    }


def dash_answers() -> dict[str, Any]:
    """A DASH case with 12 yes answers raised by three incidents."""
    items = {str(n): "yes" if n <= 12 else "no" for n in range(1, 25)}
    return {
        "items": items,
        "context": {"incidents_last_12_months": 3, "children_in_household": True},
        "assessed_on": "2026-11-20",
        "case_ref": "EX-2026-0418",
    }


def per_second(func: Callable[[], object], seconds: float = 1.0) -> float:
    """Calls per second: the best of five runs of about `seconds` each."""
    timer = timeit.Timer(func)
    number, _ = timer.autorange()
    calls = max(1, int(number * seconds / 0.2))
    return calls / min(timer.repeat(repeat=5, number=calls))


def main() -> None:
    figures: dict[str, dict[str, int]] = {}
    for ident, answers in (("sara-v3", sara_answers()), ("dash", dash_answers())):
        result = rs.assess(ident, answers)
        figures[ident] = {"measures": len(result.measures)}
        for fmt in ("html", "markdown", "text"):

            def render(result: rs.Result = result, fmt: str = fmt) -> str:
                return rs.render_report(result, fmt, "nb", rendered_at=RENDERED_AT)

            render()  # warm the caches
            figures[ident][f"{fmt}_per_second"] = round(per_second(render))
        html = rs.render_report(result, "html", "nb", rendered_at=RENDERED_AT)
        figures[ident]["html_bytes"] = len(html.encode())
    print(
        json.dumps(
            {"python": platform.python_version(), "machine": platform.machine(), **figures},
            indent=2,
        )
    )
    if figures["sara-v3"]["html_per_second"] < TARGET:
        print(f"below target: >= {TARGET:,} HTML reports per second", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
