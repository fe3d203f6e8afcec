"""Compact HTML cards for notebooks: the `_repr_html_` of instruments and results.

Jupyter shows an object's `_repr_html_()`; these functions build it. Every value is
HTML-escaped. A result card leaves out what is personal: notes, justification, text
judgements, the case reference and assessor ids, and every free-text part of the case
record (names, scenarios, who is responsible, reasons); of the plan it shows each
measure by name with its decision, strategy and due date. Cards are in Norwegian bokmål by
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
    from ..definition.catalogue import Catalogue
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

_LANG = ["nb"]

_LABELS: dict[str, dict[str, str]] = {
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


def _number(value: float) -> str:
    from .i18n import format_number

    return format_number(value, _LANG[0])


def _builtin(ident: str) -> Instrument | None:
    """The built-in definition with this id, or None (a card then shows ids)."""
    try:
        from ..definition.loading import load_instrument

        return load_instrument(ident)
    except Exception:
        return None


def _catalogue(inst: Instrument | None) -> Catalogue | None:
    if inst is None:
        return None
    try:
        from ..definition.loading import catalogue_for

        return catalogue_for(inst)
    except Exception:
        return None


def _measure_name(ident: str, catalogue: Catalogue | None) -> str:
    measure = catalogue.by_id.get(ident) if catalogue is not None else None
    return measure.name.get(_LANG[0]) if measure is not None else ident


def _item_title(inst: Instrument | None, ident: str) -> str:
    item = inst.item_by_id.get(ident) if inst is not None else None
    return f"{ident} {item.title.get(_LANG[0])}" if item is not None else ident


def _level_name(inst: Instrument | None, level: str | None) -> str:
    if level is None:
        return "—"
    found = inst.level_by_id.get(level) if inst is not None else None
    return found.title.get(_LANG[0]) if found is not None else level


def _digests(provenance: Provenance) -> str:
    """``sha256 8b4539c71d61``, and a district overlay's id, version and digest after it."""
    text = f"sha256 {provenance.digest[:12]}"
    overlay = provenance.overlay
    if overlay is not None:
        text += f" + {overlay.id} {overlay.version} · sha256 {overlay.digest[:12]}"
    return text


def instrument_html(inst: Instrument) -> str:
    """A card for an instrument: title, version, levels, domains and items, rules."""
    return _safe(_instrument, inst)


def _instrument(inst: Instrument) -> str:
    from ..definition.result import Provenance
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
        f"<p class='rs-muted'>{_e(found.facts)} · {_e(_digests(Provenance.of(inst, '')))}</p>"
        f"<p><b>{_e(levels.title)}:</b> {named}</p>{tables([levels])}"
        f"<details><summary>{_e(_t('items'))} ({len(inst.items)})</summary>"
        f"{tables(found.table('domain'))}</details>"
        f"<details><summary>{_e(_t('rules'))} ({count})</summary>{tables(rules)}</details>"
        f"<details><summary>{_e(_t('definition'))}</summary>{tables(other)}</details>"
        f"<p class='rs-muted'>{_e(found.footnote)}</p></div>"
    )


def result_html(result: Result) -> str:
    """A card for a result: level, score, completeness, warnings, measures, domains.

    The card is in one language, with the words of the report view (`report.view`):
    the level, judgements, domains and values by their titles, measures by their names
    in the catalogue with the rules' reasons, what is missing and the warnings in words,
    numbers and dates as the language writes them. Only a result whose definition is not
    built in shows ids.
    """
    return _safe(_result, result)


def _view(result: Result) -> tuple[ReportView, Instrument] | None:
    """The result in the card's language, as reports see it; None when its definition
    cannot be found (or does not match), and the card shows ids."""
    try:
        from ..definition.lookup import instrument_of
        from .build import build_view

        inst = instrument_of(result)
        catalogue = _catalogue(inst)
        if catalogue is None:
            return None
        return build_view(result, inst, catalogue, _LANG[0], None), inst
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
                        labels.setdefault(v.id, v.label.get(_LANG[0]))
        order = {value: i for i, value in enumerate(labels)}
        counts = sorted(d.counts.items(), key=lambda kv: order.get(kv[0], len(order)))
        rows.append(
            (
                domain.title.get(_LANG[0]) if domain is not None else d.domain,
                _number(d.items),
                ", ".join(f"{labels.get(k, k)}: {_number(v)}" for k, v in counts),
                _number(d.points),
                _number(d.omitted),
            )
        )
    return rows


def _result(result: Result) -> str:
    found = _view(result)
    view, inst = found if found is not None else (None, None)
    score = "—" if result.score is None else _number(result.score)
    if result.score_is_research_only:
        score += f" ({_t('research')})"
    missing = view.missing if view is not None else result.missing
    complete = _t("complete") if result.complete else f"{_t('incomplete')}: {', '.join(missing)}"
    shown = (
        [
            (m.name, m.priority_label, " ".join(r.rationale for r in m.reasons))
            for m in view.measures
        ]
        if view is not None
        else [(m.id, m.priority, ", ".join(r.rule for r in m.reasons)) for m in result.measures]
    )
    why = _t("reasons") if view is not None else _t("rules")
    measures = _table([_t("measure"), _t("priority"), why], shown)
    domains = _table(
        [_t("domain"), _t("items"), "", _t("points"), _t("omitted")],
        _domain_rows(result, inst),
    )
    judgements = (
        ", ".join(f"{j.title}: {j.value}" for j in view.judgements if j.value and not j.is_text)
        if view is not None
        else ", ".join(f"{k}: {v}" for k, v in result.judgements.items())
    )
    warnings = [w.message for w in view.warnings] if view is not None else result.warnings
    if result.high_risk_case:
        judgements += f" · {_t('high_risk')}"
    provenance = result.provenance
    title = view.instrument.title if view is not None else provenance.instrument
    day = view.assessed_on if view is not None else result.assessed_on
    assessed = f" · {_t('assessed')} {day}" if day else ""
    return (
        f"<div class='rs-card'><h4>{_e(_t('level'))}: "
        f"<span class='rs-level'>{_e(_level_title(result, view))}</span></h4>"
        f"<p class='rs-muted'>{_e(title)} · {_e(_t('version').lower())} {_e(provenance.version)}"
        f" · {_e(_digests(provenance))} · risk_scoring {_e(provenance.library)}"
        f"{_e(assessed)}</p>"
        f"<p><b>{_e(_t('score'))}:</b> {_e(score)} · {_e(complete)}</p>"
        + (f"<p><b>{_e(_t('judgements'))}:</b> {_e(judgements)}</p>" if judgements else "")
        + f"<p><b>{_e(_t('warnings'))}</b></p>{_list(warnings, 'rs-warn')}"
        f"<p><b>{_e(_t('measures'))}</b></p>"
        + (measures if result.measures else _list([]))
        + _plan(result, view)
        + f"<details><summary>{_e(_t('domains'))}</summary>{domains}</details></div>"
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
                row.name + (f" ({_t('pair')})" if row.origin == "pair" else ""),
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
        brief = ", ".join(f"{counts[s]} {_t(s)}" for s in order if s in counts)
        rows = [
            (
                measure + (f" ({_t('pair')})" if origin == "pair" else ""),
                _t(status),
                _t(decision.strategy) if decision is not None else "—",
                decision.due if decision is not None and decision.due else "—",
            )
            for measure, status, decision, origin in entries
        ]
    table = _table([_t("measure"), _t("decision"), _t("strategy"), _t("due")], rows)
    return (
        f"<p><b>{_e(_t('plan'))}:</b> {_e(brief)}</p>"
        f"<details><summary>{_e(_t('plan'))} ({len(rows)})</summary>{table}</details>"
    )


def comparison_html(comparison: Comparison) -> str:
    """A card for a reassessment comparison: the trend in words, the score's change, new
    and removed measures by their names, and each changed rating by its titles."""
    return _safe(_comparison, comparison)


def _comparison(c: Comparison) -> str:
    inst = _builtin(c.instrument)
    if inst is not None and not {c.level_before, c.level_after} - {None, *inst.levels}:
        title = inst.title.get(_LANG[0])
    else:
        inst, title = None, c.instrument
    catalogue = _catalogue(inst)
    days = f" · {_number(c.days)} {_t('days')}" if c.days is not None else ""
    score = "—"
    if c.score_change is not None:
        score = ("+" if c.score_change > 0 else "") + _number(c.score_change)
    dimensions = {d.id: d.title.get(_LANG[0]) for d in inst.dimensions} if inst else {}

    def value(item: str, dimension: str, rating: str | None) -> str:
        if rating is None:
            return "—"
        found = inst.item_by_id.get(item) if inst is not None else None
        dim = next((d for d in inst.dimensions if d.id == dimension), None) if inst else None
        if inst is None or found is None or dim is None:
            return rating
        labels = {v.id: v.label.get(_LANG[0]) for v in inst.scale_for(found, dim).values}
        return labels.get(rating, rating)

    changes = _table(
        [_t("items"), _t("dimension"), _t("before"), _t("after"), _t("change")],
        [
            (
                _item_title(inst, x.item),
                dimensions.get(x.dimension, x.dimension),
                value(x.item, x.dimension, x.before),
                value(x.item, x.dimension, x.after),
                _t(f"direction.{x.direction}"),
            )
            for x in c.items
        ],
    )
    new = ", ".join(_measure_name(m, catalogue) for m in c.new_measures) or _t("none")
    removed = ", ".join(_measure_name(m, catalogue) for m in c.removed_measures) or _t("none")
    return (
        f"<div class='rs-card'><h4>{_e(_t('trend'))}: {_e(_t(f'trend.{c.trend}'))} "
        f"({_e(_level_name(inst, c.level_before))} → {_e(_level_name(inst, c.level_after))})</h4>"
        f"<p class='rs-muted'>{_e(title)} · {_e(_t('version').lower())} "
        f"{_e(' → '.join(dict.fromkeys(c.versions)))}"
        f"{_e(days)}</p>"
        f"<p><b>{_e(_t('score'))}:</b> {_e(score)}</p>"
        f"<p><b>{_e(_t('new'))}:</b> {_e(new)}</p>"
        f"<p><b>{_e(_t('removed'))}:</b> {_e(removed)}</p>"
        f"<details><summary>{_e(_t('changed_items'))} ({len(c.items)})</summary>"
        f"{changes}</details></div>"
    )


def agreement_html(found: Agreement) -> str:
    """A card for rater agreement: level and judgements, then every item, by their titles,
    with percent agreement and weighted kappa written as the card's language writes them."""
    return _safe(_agreement, found)


def _fmt(value: float | None) -> str:
    """Kappa with two decimals, as the card's language writes them (``0,62``)."""
    if value is None:
        return "—"
    from babel.numbers import format_decimal

    from .i18n import BABEL_LOCALES

    return str(format_decimal(round(value, 2), format="0.00", locale=BABEL_LOCALES[_LANG[0]]))


def _share(value: float | None) -> str:
    if value is None:
        return "—"
    from babel.numbers import format_percent

    from .i18n import BABEL_LOCALES

    return str(format_percent(value, locale=BABEL_LOCALES[_LANG[0]]))


def _agreement(found: Agreement) -> str:
    inst = _builtin(found.instrument)
    if inst is not None and not set(found.level.categories) <= set(inst.levels):
        inst = None
    title = inst.title.get(_LANG[0]) if inst is not None else found.instrument
    judged = {j.id: j.title.get(_LANG[0]) for j in inst.judgements} if inst is not None else {}
    weights = _t(f"weights.{found.weights}")
    head = ["", "n", _t("agreement"), f"{_t('kappa')} ({weights})"]
    rows = [
        (_t("level"), found.level),
        *[(judged.get(name, name), k) for name, k in found.judgements.items()],
    ]
    summary = _table(
        head, [(name, _number(k.n), _share(k.percent_agreement), _fmt(k.kappa)) for name, k in rows]
    )
    items = _table(
        head,
        [
            (_item_title(inst, i), _number(k.n), _share(k.percent_agreement), _fmt(k.kappa))
            for i, k in found.items.items()
        ],
    )
    return (
        f"<div class='rs-card'><h4>{_e(_t('agreement'))}: {_e(title)}</h4>"
        f"<p class='rs-muted'>{_e(_t('pairs'))}: {_e(_number(found.pairs))} · {_e(_t('only'))}: "
        f"{_e(_number(found.only_a))} / {_e(_number(found.only_b))}</p>{summary}"
        f"<details><summary>{_e(_t('items'))}</summary>{items}</details></div>"
    )
