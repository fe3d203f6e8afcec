"""Compact HTML cards for notebooks: the `_repr_html_` of instruments and results.

Jupyter shows an object's `_repr_html_()`; these functions build it. Every value is
HTML-escaped. A result card leaves out what is personal: notes, justification, text
judgements, the case reference and assessor ids. Cards are in Norwegian bokmål by
default, like reports; ``set_language("en")`` switches. A card never raises: if
anything goes wrong it falls back to the escaped ``repr``.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..analysis.agreement import Agreement
    from ..analysis.compare import Comparison
    from ..definition.instrument import Instrument
    from ..definition.result import Result

__all__ = [
    "agreement_html",
    "comparison_html",
    "instrument_html",
    "result_html",
    "set_language",
]

_LANG = ["nb"]

_LABELS: dict[str, dict[str, str]] = {
    "nb": {
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
    },
    "en": {
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
    },
}

_STYLE = (
    "<style>.rs-card{font-family:system-ui,sans-serif;font-size:13px;border:1px solid #ccc;"
    "border-radius:6px;padding:8px 12px;max-width:720px}.rs-card h4{margin:0 0 4px 0}"
    ".rs-card table{border-collapse:collapse;margin:4px 0}.rs-card td,.rs-card th"
    "{border:1px solid #ddd;padding:2px 6px;text-align:left}.rs-muted{color:#666}"
    ".rs-level{font-weight:bold}.rs-warn{color:#a40}</style>"
)


def set_language(lang: str) -> None:
    """Show cards in ``nb`` (Norwegian bokmål, the default) or ``en`` (English)."""
    if lang not in _LABELS:
        from ..errors import ReportError

        raise ReportError(f"unknown language {lang!r}; expected one of {', '.join(_LABELS)}")
    _LANG[0] = lang


def _t(key: str) -> str:
    return _LABELS[_LANG[0]][key]


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _safe(build: Callable[[Any], str], obj: Any) -> str:
    try:
        return _STYLE + build(obj)
    except Exception:  # a display hook must never raise in a notebook
        return f"<pre>{_e(repr(obj))}</pre>"


def _table(head: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    cells = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{cells}</tr>{body}</table>"


def _list(values: Iterable[str], css: str = "") -> str:
    items = "".join(f"<li>{_e(v)}</li>" for v in values)
    cls = f' class="{css}"' if css else ""
    return f"<ul{cls}>{items}</ul>" if items else f"<p class='rs-muted'>{_e(_t('none'))}</p>"


def instrument_html(inst: Instrument) -> str:
    """A card for an instrument: title, version, levels, domains and items, rules."""
    return _safe(_instrument, inst)


def _instrument(inst: Instrument) -> str:
    from .describe import describe

    found = describe(inst, _LANG[0])
    levels = found.table("levels")[0]
    named = ", ".join(_e(f"{row[0]} ({row[1]})") for row in levels.rows)
    rules = [t for t in found.tables if t.key in ("escalations", "warnings", "measures")]
    other = [t for t in found.tables if t.key in ("scales", "dimensions", "context", "judgements")]

    def tables(chosen: Iterable[Any]) -> str:
        return "".join(
            f"<p><b>{_e(t.title)}</b></p>{_table(t.headers, t.rows)}"
            + "".join(f"<p class='rs-muted'>{_e(n)}</p>" for n in t.notes)
            for t in chosen
        )

    count = sum(len(t.rows) for t in rules)
    return (
        f"<div class='rs-card'><h4>{_e(found.title)}</h4>"
        f"<p class='rs-muted'>{_e(found.facts)} · sha256 {_e(inst.digest[:12])}</p>"
        f"<p><b>{_e(levels.title)}:</b> {named}</p>{tables([levels])}"
        f"<details><summary>{_e(_t('items'))} ({len(inst.items)})</summary>"
        f"{tables(found.table('domain'))}</details>"
        f"<details><summary>{_e(_t('rules'))} ({count})</summary>{tables(rules)}</details>"
        f"<details><summary>{_e(_t('definition'))}</summary>{tables(other)}</details>"
        f"<p class='rs-muted'>{_e(found.footnote)}</p></div>"
    )


def result_html(result: Result) -> str:
    """A card for a result: level, score, completeness, warnings, measures, domains."""
    return _safe(_result, result)


def _level_title(result: Result) -> str:
    """The level with its title when the built-in definition matches the result."""
    if result.level is None:
        return "—"
    try:
        from ..definition.lookup import instrument_of

        inst = instrument_of(result)
        if result.level in inst.level_by_id:
            return f"{result.level} ({inst.level_by_id[result.level].title.get(_LANG[0])})"
    except Exception:
        pass
    return result.level


def _result(result: Result) -> str:
    score = "—" if result.score is None else f"{result.score:g}"
    if result.score_is_research_only:
        score += f" ({_t('research')})"
    complete = (
        _t("complete") if result.complete else f"{_t('incomplete')}: {', '.join(result.missing)}"
    )
    measures = _table(
        [_t("measure"), _t("priority"), _t("rules")],
        [(m.id, m.priority, ", ".join(r.rule for r in m.reasons)) for m in result.measures],
    )
    domains = _table(
        [_t("domain"), _t("items"), "", _t("points"), _t("omitted")],
        [
            (
                d.domain,
                d.items,
                ", ".join(f"{k}={v}" for k, v in d.counts.items()),
                f"{d.points:g}",
                d.omitted,
            )
            for d in result.domains
        ],
    )
    judgements = ", ".join(f"{k}={v}" for k, v in result.judgements.items())
    provenance = result.provenance
    assessed = f" · {_t('assessed')} {result.assessed_on}" if result.assessed_on else ""
    return (
        f"<div class='rs-card'><h4>{_e(_t('level'))}: "
        f"<span class='rs-level'>{_e(_level_title(result))}</span></h4>"
        f"<p class='rs-muted'>{_e(provenance.instrument)} {_e(provenance.version)} · "
        f"sha256 {_e(provenance.digest[:12])} · risk_scoring {_e(provenance.library)}"
        f"{_e(assessed)}</p>"
        f"<p><b>{_e(_t('score'))}:</b> {_e(score)} · {_e(complete)}</p>"
        + (f"<p><b>{_e(_t('judgements'))}:</b> {_e(judgements)}</p>" if judgements else "")
        + f"<p><b>{_e(_t('warnings'))}</b></p>{_list(result.warnings, 'rs-warn')}"
        f"<p><b>{_e(_t('measures'))}</b></p>"
        + (measures if result.measures else _list([]))
        + f"<details><summary>{_e(_t('domains'))}</summary>{domains}</details></div>"
    )


def comparison_html(comparison: Comparison) -> str:
    """A card for a reassessment comparison."""
    return _safe(_comparison, comparison)


def _comparison(c: Comparison) -> str:
    days = f" · {c.days} {_t('days')}" if c.days is not None else ""
    score = "—" if c.score_change is None else f"{c.score_change:+g}"
    changes = _table(
        [_t("items"), "", "", "", _t("change")],
        [(x.item, x.dimension, x.before or "—", x.after or "—", x.direction) for x in c.items],
    )
    return (
        f"<div class='rs-card'><h4>{_e(_t('trend'))}: {_e(c.trend)} "
        f"({_e(c.level_before or '—')} → {_e(c.level_after or '—')})</h4>"
        f"<p class='rs-muted'>{_e(c.instrument)} {_e(' → '.join(dict.fromkeys(c.versions)))}"
        f"{_e(days)}</p>"
        f"<p><b>{_e(_t('score'))}:</b> {_e(score)}</p>"
        f"<p><b>{_e(_t('new'))}:</b> {_e(', '.join(c.new_measures) or _t('none'))}</p>"
        f"<p><b>{_e(_t('removed'))}:</b> {_e(', '.join(c.removed_measures) or _t('none'))}</p>"
        f"<details><summary>{_e(_t('changed_items'))} ({len(c.items)})</summary>"
        f"{changes}</details></div>"
    )


def agreement_html(found: Agreement) -> str:
    """A card for rater agreement: level and judgements, then every item."""
    return _safe(_agreement, found)


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _agreement(found: Agreement) -> str:
    head = ["", "n", _t("agreement"), f"{_t('kappa')} ({found.weights})"]
    rows = [(_t("level"), found.level), *list(found.judgements.items())]
    summary = _table(
        head, [(name, k.n, _fmt(k.percent_agreement), _fmt(k.kappa)) for name, k in rows]
    )
    items = _table(
        head,
        [(i, k.n, _fmt(k.percent_agreement), _fmt(k.kappa)) for i, k in found.items.items()],
    )
    return (
        f"<div class='rs-card'><h4>{_e(_t('agreement'))}: {_e(found.instrument)}</h4>"
        f"<p class='rs-muted'>{_e(_t('pairs'))}: {found.pairs} · {_e(_t('only'))}: "
        f"{found.only_a} / {found.only_b}</p>{summary}"
        f"<details><summary>{_e(_t('items'))}</summary>{items}</details></div>"
    )
