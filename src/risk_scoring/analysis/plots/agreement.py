"""Two raters' ratings against each other, with the weighted kappa."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...definition.instrument import Instrument
from .. import checks
from ..agreement import Agreement, Kappa
from ._cells import (
    _builtin,
)
from ._look import (
    _axes,
    _kappa,
    _lang,
    _num,
    _percent,
    _style,
    _w,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def agreement_matrix(
    found: Agreement,
    of: str = "level",
    *,
    instrument: Instrument | str | None = None,
    lang: str = "nb",
    ax: Axes | None = None,
) -> Axes:
    """The confusion matrix of two raters: rater A's rating down, rater B's across.

    `of` is ``"level"`` (the default), the id of a level-type judgement or an item id.
    Each cell is the number of pairs; the title gives the weighted kappa (with its
    weights), the exact agreement and the number of pairs. Categories are shown by their
    titles (levels, or the item's value labels) from the instrument (`instrument=`, or
    the built-in one of that id).
    """
    lang = _lang(lang)
    if not isinstance(found, Agreement):
        raise checks.refuse(
            "found", f"expected an Agreement from rs.agreement(...), not a {type(found).__name__}"
        )
    choices = ["level", *found.judgements, *found.items]
    of = checks.one_of(of, choices, "of")
    inst = checks.instrument(instrument) if instrument is not None else _builtin(found.instrument)
    kappa, what, names = _agreement_of(found, of, inst, lang)
    k = len(kappa.categories)
    with _style():
        ax = _axes(ax, (max(4.8, 1.8 + 0.9 * k), 1.6 + 0.8 * k))
        peak = max((max(row) for row in kappa.matrix), default=0) or 1
        ax.imshow(kappa.matrix, cmap="Blues", vmin=0, vmax=peak, aspect="equal")
        for i, row in enumerate(kappa.matrix):
            for j, count in enumerate(row):
                ax.text(
                    j,
                    i,
                    _num(count, lang),
                    ha="center",
                    va="center",
                    color="white" if count > 0.6 * peak else "#222222",
                    fontweight="bold" if i == j else "normal",
                )
        ax.set_xticks(
            range(k), names, rotation=30 if k > 4 else 0, ha="right" if k > 4 else "center"
        )
        ax.set_yticks(range(k), names)
        ax.set_xlabel(_w(lang, "rater_b"))
        ax.set_ylabel(_w(lang, "rater_a"))
        for side in ("top", "right", "bottom", "left"):
            ax.spines[side].set_visible(False)
        ax.tick_params(length=0)
        value = _w(lang, "undefined") if kappa.kappa is None else _kappa(kappa.kappa, lang)
        weights = _w(lang, found.weights)
        exact = (
            _w(lang, "exact", share=_percent(kappa.percent_agreement, lang))
            if kappa.percent_agreement is not None
            else None
        )
        lines = [
            _w(lang, "agreement"),
            what[:1].upper() + what[1:],
            _w(lang, "kappa", kappa=value, weights=weights),
            " · ".join(p for p in [_w(lang, "pairs", count=_num(kappa.n, lang)), exact] if p),
        ]
        ax.set_title("\n".join(lines))
    return ax


def _agreement_of(
    found: Agreement, of: str, inst: Instrument | None, lang: str
) -> tuple[Kappa, str, list[str]]:
    """The Kappa of `of`, what it is called, and its categories' titles."""
    if of == "level" or of in found.judgements:
        kappa = found.level if of == "level" else found.judgements[of]
        level_titles: dict[str, str] = {}
        what = _w(lang, "level").lower()
        if inst is not None and set(kappa.categories) <= set(inst.levels):
            level_titles = {lv.id: lv.title.get(lang) for lv in inst.level_definitions}
            if of != "level":
                judgement = next((j for j in inst.judgements if j.id == of), None)
                what = _lower(judgement.title.get(lang)) if judgement is not None else of
        elif of != "level":
            what = of
        return kappa, what, [level_titles.get(c, c) for c in kappa.categories]
    kappa = found.items[of]
    item = inst.item_by_id.get(of) if inst is not None else None
    if inst is None or item is None:
        return kappa, of, list(kappa.categories)
    labels = {v.id: v.label.get(lang) for v in inst.scale_for(item, inst.primary).values}
    return kappa, f"{of} {item.title.get(lang)}", [labels.get(c, c) for c in kappa.categories]


def _lower(title: str) -> str:
    """A title inside a sentence: ``Case prioritization`` → ``case prioritization``."""
    if len(title) > 1 and title[1].isupper():
        return title
    return title[:1].lower() + title[1:]
