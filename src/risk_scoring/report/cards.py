"""Compact HTML cards for notebooks: the `_repr_html_` of instruments and results.

Jupyter shows an object's `_repr_html_()`; these functions build it. Every value is
HTML-escaped. A result card leaves out what is personal: notes, justification, text
judgements, the case reference and assessor ids, and every free-text part of the case
record (names, scenarios, who is responsible, reasons); of the plan it shows each
measure by name with its decision, strategy and due date. Cards are in Norwegian bokmål by
default, like reports; ``set_language("en")`` switches. A card never raises: if
anything goes wrong it falls back to the escaped ``repr``.

This module makes the instrument and result cards and names every card function; the
comparison and agreement cards are in `analysis_cards`, and what all cards share (the
language, words, style, escaping) in `card_base`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .analysis_cards import agreement_html, comparison_html
from .card_base import (
    LANG,
    catalogue_of,
    esc,
    html_list,
    html_table,
    number,
    safe_card,
    set_language,
    word,
)

if TYPE_CHECKING:
    from ..definition.instrument import Instrument
    from ..definition.result import Provenance, Result
    from .view import ReportView

__all__ = [
    "agreement_html",
    "comparison_html",
    "instrument_html",
    "result_html",
    "set_language",
]


def _digests(provenance: Provenance) -> str:
    """``sha256 8b4539c71d61``, and a district overlay's id, version and digest after it."""
    text = f"sha256 {provenance.digest[:12]}"
    overlay = provenance.overlay
    if overlay is not None:
        text += f" + {overlay.id} {overlay.version} · sha256 {overlay.digest[:12]}"
    return text


def instrument_html(inst: Instrument) -> str:
    """A card for an instrument: title, version, levels, domains and items, rules."""
    return safe_card(_instrument, inst)


def _instrument(inst: Instrument) -> str:
    from ..definition.result import Provenance
    from .describe import describe

    found = describe(inst, LANG[0])
    levels = found.table("levels")[0]
    named = ", ".join(esc(f"{row[0]} ({row[1]})") for row in levels.rows)
    rules = [t for t in found.tables if t.key in ("escalations", "warnings", "measures")]
    other = [t for t in found.tables if t.key in ("scales", "dimensions", "context", "judgements")]

    def tables(chosen: Iterable[Any]) -> str:
        return "".join(
            f"<p><b>{esc(t.title)}</b></p>{html_table(t.headers, t.rows)}"
            + "".join(f"<p class='rs-muted'>{esc(n)}</p>" for n in t.notes)
            for t in chosen
        )

    count = sum(len(t.rows) for t in rules)
    return (
        f"<div class='rs-card'><h4>{esc(found.title)}</h4>"
        f"<p class='rs-muted'>{esc(found.facts)} · {esc(_digests(Provenance.of(inst, '')))}</p>"
        f"<p><b>{esc(levels.title)}:</b> {named}</p>{tables([levels])}"
        f"<details><summary>{esc(word('items'))} ({len(inst.items)})</summary>"
        f"{tables(found.table('domain'))}</details>"
        f"<details><summary>{esc(word('rules'))} ({count})</summary>{tables(rules)}</details>"
        f"<details><summary>{esc(word('definition'))}</summary>{tables(other)}</details>"
        f"<p class='rs-muted'>{esc(found.footnote)}</p></div>"
    )


def result_html(result: Result) -> str:
    """A card for a result: level, score, completeness, warnings, measures, domains.

    The card is in one language, with the words of the report view (`report.view`):
    the level, judgements, domains and values by their titles, measures by their names
    in the catalogue with the rules' reasons, what is missing and the warnings in words,
    numbers and dates as the language writes them. Only a result whose definition is not
    built in shows ids.
    """
    return safe_card(_result, result)


def _view(result: Result) -> tuple[ReportView, Instrument] | None:
    """The result in the card's language, as reports see it; None when its definition
    cannot be found (or does not match), and the card shows ids."""
    try:
        from ..definition.lookup import instrument_of
        from .build import build_view

        inst = instrument_of(result)
        catalogue = catalogue_of(inst)
        if catalogue is None:
            return None
        return build_view(result, inst, catalogue, LANG[0], None), inst
    except Exception:
        return None


def _level_title(result: Result, view: ReportView | None = None) -> str:
    """The level's title in the card's language (its id when the definition is unknown)."""
    if result.level is None:
        return "—"
    if view is not None and view.level is not None:
        return view.level.title
    return result.level


def _domain_rows(result: Result, inst: Instrument | None) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for d in result.domains:
        domain = next((x for x in inst.domains if x.id == d.domain), None) if inst else None
        labels: dict[str, str] = {}  # value id -> label, in the scale's order
        if inst is not None:
            for item in inst.items:
                if item.domain == d.domain:
                    for v in inst.scale_for(item, inst.primary).values:
                        labels.setdefault(v.id, v.label.get(LANG[0]))
        order = {value: i for i, value in enumerate(labels)}
        counts = sorted(d.counts.items(), key=lambda kv: order.get(kv[0], len(order)))
        rows.append(
            (
                domain.title.get(LANG[0]) if domain is not None else d.domain,
                number(d.items),
                ", ".join(f"{labels.get(k, k)}: {number(v)}" for k, v in counts),
                number(d.points),
                number(d.omitted),
            )
        )
    return rows


def _result(result: Result) -> str:
    found = _view(result)
    view, inst = found if found is not None else (None, None)
    score = "—" if result.score is None else number(result.score)
    if result.score_is_research_only:
        score += f" ({word('research')})"
    missing = view.missing if view is not None else result.missing
    complete = (
        word("complete") if result.complete else f"{word('incomplete')}: {', '.join(missing)}"
    )
    shown = (
        [
            (m.name, m.priority_label, " ".join(r.rationale for r in m.reasons))
            for m in view.measures
        ]
        if view is not None
        else [(m.id, m.priority, ", ".join(r.rule for r in m.reasons)) for m in result.measures]
    )
    why = word("reasons") if view is not None else word("rules")
    measures = html_table([word("measure"), word("priority"), why], shown)
    domains = html_table(
        [word("domain"), word("items"), "", word("points"), word("omitted")],
        _domain_rows(result, inst),
    )
    judgements = (
        ", ".join(f"{j.title}: {j.value}" for j in view.judgements if j.value and not j.is_text)
        if view is not None
        else ", ".join(f"{k}: {v}" for k, v in result.judgements.items())
    )
    warnings = [w.message for w in view.warnings] if view is not None else result.warnings
    if result.high_risk_case:
        judgements += f" · {word('high_risk')}"
    provenance = result.provenance
    title = view.instrument.title if view is not None else provenance.instrument
    day = view.assessed_on if view is not None else result.assessed_on
    assessed = f" · {word('assessed')} {day}" if day else ""
    return (
        f"<div class='rs-card'><h4>{esc(word('level'))}: "
        f"<span class='rs-level'>{esc(_level_title(result, view))}</span></h4>"
        f"<p class='rs-muted'>{esc(title)} · {esc(word('version').lower())} "
        f"{esc(provenance.version)}"
        f" · {esc(_digests(provenance))} · risk_scoring {esc(provenance.library)}"
        f"{esc(assessed)}</p>"
        f"<p><b>{esc(word('score'))}:</b> {esc(score)} · {esc(complete)}</p>"
        + (f"<p><b>{esc(word('judgements'))}:</b> {esc(judgements)}</p>" if judgements else "")
        + f"<p><b>{esc(word('warnings'))}</b></p>{html_list(warnings, 'rs-warn')}"
        f"<p><b>{esc(word('measures'))}</b></p>"
        + (measures if result.measures else html_list([]))
        + _plan(result, view)
        + f"<details><summary>{esc(word('domains'))}</summary>{domains}</details></div>"
    )


def _plan(result: Result, view: ReportView | None) -> str:
    """The plan in brief: how many measures each decision has, and each measure's
    decision, strategy and due date, in words when the definition is known (ids
    otherwise); no free text."""
    if view is not None:
        plan = view.record.plan
        if plan.empty:
            return ""
        rows = [
            (
                row.name + (f" ({word('pair')})" if row.origin == "pair" else ""),
                row.status_label,
                row.strategy_label or "—",
                row.due or "—",
            )
            for row in (
                *(row for strategy in plan.strategies for row in strategy.rows),
                *plan.not_followed,
                *plan.undecided,
            )
        ]
        brief = plan.counts
    else:
        entries = [(e.measure, e.status, e.decision, e.origin) for e in result.plan]
        if not entries:  # a result made before plans existed
            decided = {d.measure: d for d in result.management}
            for m in result.measures:
                decision = decided.pop(m.id, None)
                status = decision.decision if decision is not None else "undecided"
                entries.append((m.id, status, decision, "rules"))
            entries += [(d.measure, d.decision, d, "pair") for d in decided.values()]
        if not entries:
            return ""
        counts: dict[str, int] = {}
        for _measure, status, _decision, _origin in entries:
            counts[status] = counts.get(status, 0) + 1
        order = ("chosen", "deferred", "rejected", "undecided")
        brief = ", ".join(f"{counts[s]} {word(s)}" for s in order if s in counts)
        rows = [
            (
                measure + (f" ({word('pair')})" if origin == "pair" else ""),
                word(status),
                word(decision.strategy) if decision is not None else "—",
                decision.due if decision is not None and decision.due else "—",
            )
            for measure, status, decision, origin in entries
        ]
    table = html_table([word("measure"), word("decision"), word("strategy"), word("due")], rows)
    return (
        f"<p><b>{esc(word('plan'))}:</b> {esc(brief)}</p>"
        f"<details><summary>{esc(word('plan'))} ({len(rows)})</summary>{table}</details>"
    )
