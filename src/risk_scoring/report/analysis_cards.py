"""Notebook cards for comparing assessments: a reassessment's changes, rater agreement.

The `_repr_html_` of `Comparison` and `Agreement`: the trend, the score's change and the
measures added or removed, each changed rating by its titles; agreement and weighted
kappa for the level, the judgements and every item, as the card's language writes
numbers. No free text of a case is shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .card_base import (
    LANG,
    builtin,
    catalogue_of,
    esc,
    html_table,
    item_title,
    level_name,
    measure_name,
    number,
    safe_card,
    word,
)

if TYPE_CHECKING:
    from ..analysis.agreement import Agreement
    from ..analysis.compare import Comparison


def comparison_html(comparison: Comparison) -> str:
    """A card for a reassessment comparison: the trend in words, the score's change, new
    and removed measures by their names, and each changed rating by its titles."""
    return safe_card(_comparison, comparison)


def _comparison(c: Comparison) -> str:
    inst = builtin(c.instrument)
    if inst is not None and not {c.level_before, c.level_after} - {None, *inst.levels}:
        title = inst.title.get(LANG[0])
    else:
        inst, title = None, c.instrument
    catalogue = catalogue_of(inst)
    days = f" · {number(c.days)} {word('days')}" if c.days is not None else ""
    score = "—"
    if c.score_change is not None:
        score = ("+" if c.score_change > 0 else "") + number(c.score_change)
    dimensions = {d.id: d.title.get(LANG[0]) for d in inst.dimensions} if inst else {}

    def value(item: str, dimension: str, rating: str | None) -> str:
        if rating is None:
            return "—"
        found = inst.item_by_id.get(item) if inst is not None else None
        dim = next((d for d in inst.dimensions if d.id == dimension), None) if inst else None
        if inst is None or found is None or dim is None:
            return rating
        labels = {v.id: v.label.get(LANG[0]) for v in inst.scale_for(found, dim).values}
        return labels.get(rating, rating)

    changes = html_table(
        [word("items"), word("dimension"), word("before"), word("after"), word("change")],
        [
            (
                item_title(inst, x.item),
                dimensions.get(x.dimension, x.dimension),
                value(x.item, x.dimension, x.before),
                value(x.item, x.dimension, x.after),
                word(f"direction.{x.direction}"),
            )
            for x in c.items
        ],
    )
    new = ", ".join(measure_name(m, catalogue) for m in c.new_measures) or word("none")
    removed = ", ".join(measure_name(m, catalogue) for m in c.removed_measures) or word("none")
    return (
        f"<div class='rs-card'><h4>{esc(word('trend'))}: {esc(word(f'trend.{c.trend}'))} "
        f"({esc(level_name(inst, c.level_before))} → {esc(level_name(inst, c.level_after))})</h4>"
        f"<p class='rs-muted'>{esc(title)} · {esc(word('version').lower())} "
        f"{esc(' → '.join(dict.fromkeys(c.versions)))}"
        f"{esc(days)}</p>"
        f"<p><b>{esc(word('score'))}:</b> {esc(score)}</p>"
        f"<p><b>{esc(word('new'))}:</b> {esc(new)}</p>"
        f"<p><b>{esc(word('removed'))}:</b> {esc(removed)}</p>"
        f"<details><summary>{esc(word('changed_items'))} ({len(c.items)})</summary>"
        f"{changes}</details></div>"
    )


def agreement_html(found: Agreement) -> str:
    """A card for rater agreement: level and judgements, then every item, by their titles,
    with percent agreement and weighted kappa written as the card's language writes them."""
    return safe_card(_agreement, found)


def _fmt(value: float | None) -> str:
    """Kappa with two decimals, as the card's language writes them (``0,62``)."""
    if value is None:
        return "—"
    from babel.numbers import format_decimal

    from .i18n import BABEL_LOCALES

    return str(format_decimal(round(value, 2), format="0.00", locale=BABEL_LOCALES[LANG[0]]))


def _share(value: float | None) -> str:
    if value is None:
        return "—"
    from babel.numbers import format_percent

    from .i18n import BABEL_LOCALES

    return str(format_percent(value, locale=BABEL_LOCALES[LANG[0]]))


def _agreement(found: Agreement) -> str:
    inst = builtin(found.instrument)
    if inst is not None and not set(found.level.categories) <= set(inst.levels):
        inst = None
    title = inst.title.get(LANG[0]) if inst is not None else found.instrument
    judged = {j.id: j.title.get(LANG[0]) for j in inst.judgements} if inst is not None else {}
    weights = word(f"weights.{found.weights}")
    head = ["", "n", word("agreement"), f"{word('kappa')} ({weights})"]
    rows = [
        (word("level"), found.level),
        *[(judged.get(name, name), k) for name, k in found.judgements.items()],
    ]
    summary = html_table(
        head, [(name, number(k.n), _share(k.percent_agreement), _fmt(k.kappa)) for name, k in rows]
    )
    items = html_table(
        head,
        [
            (item_title(inst, i), number(k.n), _share(k.percent_agreement), _fmt(k.kappa))
            for i, k in found.items.items()
        ],
    )
    return (
        f"<div class='rs-card'><h4>{esc(word('agreement'))}: {esc(title)}</h4>"
        f"<p class='rs-muted'>{esc(word('pairs'))}: {esc(number(found.pairs))} · "
        f"{esc(word('only'))}: {esc(number(found.only_a))} / {esc(number(found.only_b))}</p>"
        f"{summary}"
        f"<details><summary>{esc(word('items'))}</summary>{items}</details></div>"
    )
