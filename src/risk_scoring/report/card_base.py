"""What every notebook card shares: its language and words, its style, HTML pieces, lookups.

Cards are in one language at a time (`LANG`, set by `set_language`), Norwegian bokmål
by default like reports; `word` gives a card's fixed words in it. Every value a card
shows goes through `esc` (HTML escaping), and `safe_card` makes sure a card never
raises: if anything goes wrong it falls back to the escaped ``repr``. The lookups find
a result's built-in definition and catalogue, or give None (the card then shows ids).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..definition.catalogue import Catalogue
    from ..definition.instrument import Instrument


LANG = ["nb"]
"""The cards' language, in a list so that every card module sees a change."""

LABELS: dict[str, dict[str, str]] = {
    "nb": {
        # words for one-language cards: reasons, changes, the trend and kappa's weights
        "reasons": "Begrunnelse",
        "dimension": "Dimensjon",
        "before": "Før",
        "after": "Etter",
        "trend.up": "høyere nivå",
        "trend.down": "lavere nivå",
        "trend.same": "samme nivå",
        "trend.unknown": "ukjent (et nivå mangler)",
        "direction.up": "høyere",
        "direction.down": "lavere",
        "direction.changed": "endret",
        "weights.linear": "lineære vekter",
        "weights.quadratic": "kvadratiske vekter",
        "level": "Nivå",
        "score": "Poengsum",
        "research": "kun forskning",
        "complete": "Fullstendig",
        "incomplete": "Ufullstendig; mangler",
        "warnings": "Advarsler",
        "measures": "Anbefalte tiltak",
        "measure": "Tiltak",
        "priority": "Prioritet",
        "domains": "Domener",
        "domain": "Domene",
        "items": "Ledd",
        "points": "Poeng",
        "omitted": "Utelatt",
        "judgements": "Vurderinger",
        "rules": "Regler",
        "assessed": "Vurdert",
        "none": "ingen",
        "kind": "Type",
        "change": "Endring",
        "trend": "Utvikling",
        "new": "Nye tiltak",
        "removed": "Fjernede tiltak",
        "changed_items": "Endrede ledd",
        "pairs": "Par",
        "agreement": "Samsvar",
        "kappa": "Vektet kappa",
        "only": "Bare hos én vurderer",
        "days": "dager",
        "version": "Versjon",
        "definition": "Skalaer, dimensjoner, opplysninger og vurderinger",
        "plan": "Tiltaksplan",
        "decision": "Beslutning",
        "strategy": "Strategi",
        "due": "Frist",
        "high_risk": "Høyrisikosak",
        "chosen": "valgt",
        "rejected": "avvist",
        "deferred": "utsatt",
        "undecided": "ikke avgjort",
        "monitoring": "overvåking",
        "supervision": "kontroll",
        "treatment": "behandling",
        "victim_safety_planning": "sikkerhetsplan",
        "pair": "parets eget",
    },
    "en": {
        "reasons": "Reasons",
        "dimension": "Dimension",
        "before": "Before",
        "after": "After",
        "trend.up": "higher level",
        "trend.down": "lower level",
        "trend.same": "same level",
        "trend.unknown": "unknown (a level is missing)",
        "direction.up": "higher",
        "direction.down": "lower",
        "direction.changed": "changed",
        "weights.linear": "linear weights",
        "weights.quadratic": "quadratic weights",
        "level": "Level",
        "score": "Score",
        "research": "research only",
        "complete": "Complete",
        "incomplete": "Incomplete; missing",
        "warnings": "Warnings",
        "measures": "Recommended measures",
        "measure": "Measure",
        "priority": "Priority",
        "domains": "Domains",
        "domain": "Domain",
        "items": "Items",
        "points": "Points",
        "omitted": "Omitted",
        "judgements": "Judgements",
        "rules": "Rules",
        "assessed": "Assessed",
        "none": "none",
        "kind": "Kind",
        "change": "Change",
        "trend": "Trend",
        "new": "New measures",
        "removed": "Removed measures",
        "changed_items": "Changed items",
        "pairs": "Pairs",
        "agreement": "Agreement",
        "kappa": "Weighted kappa",
        "only": "Assessed by one rater only",
        "days": "days",
        "version": "Version",
        "definition": "Scales, dimensions, case facts and judgements",
        "plan": "Plan",
        "decision": "Decision",
        "strategy": "Strategy",
        "due": "Due",
        "high_risk": "High-risk case",
        "chosen": "chosen",
        "rejected": "rejected",
        "deferred": "deferred",
        "undecided": "undecided",
        "monitoring": "monitoring",
        "supervision": "supervision",
        "treatment": "treatment",
        "victim_safety_planning": "victim safety planning",
        "pair": "the pair's own",
    },
}

STYLE = (
    "<style>.rs-card{font-family:system-ui,sans-serif;font-size:13px;border:1px solid #ccc;"
    "border-radius:6px;padding:8px 12px;max-width:720px}.rs-card h4{margin:0 0 4px 0}"
    ".rs-card table{border-collapse:collapse;margin:4px 0}.rs-card td,.rs-card th"
    "{border:1px solid #ddd;padding:2px 6px;text-align:left}.rs-muted{color:#666}"
    ".rs-level{font-weight:bold}.rs-warn{color:#a40}</style>"
)


def set_language(lang: str) -> None:
    """Show cards in ``nb`` (Norwegian bokmål, the default) or ``en`` (English)."""
    if lang not in LABELS:
        from ..errors import ReportError

        raise ReportError(f"unknown language {lang!r}; expected one of {', '.join(LABELS)}")
    LANG[0] = lang


def word(key: str) -> str:
    """The card's word for `key` in the card's language."""
    return LABELS[LANG[0]][key]


def esc(value: object) -> str:
    """`value` as text, HTML-escaped (quotes too)."""
    return html.escape(str(value), quote=True)


def safe_card(build: Callable[[Any], str], obj: Any) -> str:
    """The style and `build(obj)`; the escaped ``repr`` of `obj` if building fails."""
    try:
        return STYLE + build(obj)
    except Exception:  # a display hook must never raise in a notebook
        return f"<pre>{esc(repr(obj))}</pre>"


def html_table(head: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    """An HTML table of `rows` under `head`, every cell escaped."""
    cells = "".join(f"<th>{esc(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{cells}</tr>{body}</table>"


def html_list(values: Iterable[str], css: str = "") -> str:
    """An HTML list of `values` (escaped); "none" in words when there are none."""
    items = "".join(f"<li>{esc(v)}</li>" for v in values)
    cls = f' class="{css}"' if css else ""
    return f"<ul{cls}>{items}</ul>" if items else f"<p class='rs-muted'>{esc(word('none'))}</p>"


def number(value: float) -> str:
    """`value` as the card's language writes numbers."""
    from .i18n import format_number

    return format_number(value, LANG[0])


def builtin(ident: str) -> Instrument | None:
    """The built-in definition with this id, or None (a card then shows ids)."""
    try:
        from ..definition.loading import load_instrument

        return load_instrument(ident)
    except Exception:
        return None


def catalogue_of(inst: Instrument | None) -> Catalogue | None:
    """The measures catalogue `inst` uses, or None."""
    if inst is None:
        return None
    try:
        from ..definition.loading import catalogue_for

        return catalogue_for(inst)
    except Exception:
        return None


def measure_name(ident: str, catalogue: Catalogue | None) -> str:
    """A measure's name in the card's language, or its id."""
    measure = catalogue.by_id.get(ident) if catalogue is not None else None
    return measure.name.get(LANG[0]) if measure is not None else ident


def item_title(inst: Instrument | None, ident: str) -> str:
    """``id title`` of an item in the card's language, or its id."""
    item = inst.item_by_id.get(ident) if inst is not None else None
    return f"{ident} {item.title.get(LANG[0])}" if item is not None else ident


def level_name(inst: Instrument | None, level: str | None) -> str:
    """A level's title in the card's language, its id, or ``—`` for none."""
    if level is None:
        return "—"
    found = inst.level_by_id.get(level) if inst is not None else None
    return found.title.get(LANG[0]) if found is not None else level
