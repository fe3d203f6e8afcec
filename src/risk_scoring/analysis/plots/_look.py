"""The look every plot shares: languages and words, palettes, the fixed style, axes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ...definition.instrument import Instrument
from ...report.i18n import BABEL_LOCALES, format_number
from .. import checks

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ._cells import _Levels


LANGUAGES = ("nb", "en")
"""The languages plots are labelled in; ``nb`` is the default."""

EXTRA = "plots"
NEEDS = "plots need matplotlib and pandas"

LEVEL_PALETTE = (
    "#fed976",
    "#feb24c",
    "#fd8d3c",
    "#fc4e2a",
    "#e31a1c",
    "#bd0026",
    "#800026",
)
"""Levels, lowest first, take colours spread evenly over this sequence (light to dark)."""
NO_LEVEL_COLOUR = "#bdbdbd"
DOMAIN_PALETTE = (
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#56b4e9",
    "#d55e00",
    "#f0e442",
    "#555555",
)
"""Domains take these colours in their order in the instrument (Okabe and Ito)."""

STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 9.0,
    "axes.titlesize": 10.5,
    "axes.titlelocation": "left",
    "axes.labelsize": 9.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.axisbelow": True,
    "legend.frameon": False,
    "legend.fontsize": 8.5,
    "legend.title_fontsize": 9.0,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "figure.dpi": 100.0,
    "hatch.linewidth": 1.0,
}
"""The style new figures are drawn in, on top of matplotlib's defaults."""

_WORDS: dict[str, dict[str, str]] = {
    "nb": {
        "level": "Nivå",
        "no_level": "Uten nivå",
        "share": "Andel av vurderingene",
        "count": "Antall vurderinger",
        "distribution": "Nivåfordeling per {group}",
        "trend": "Nivåfordeling per år og {group}",
        "undated": "{count} vurderinger uten dato er ikke med.",
        "prevalence": "Risikofaktorer til stede",
        "present_share": "Andel av vurderingene der faktoren er til stede",
        "solid": "helfylt: {value}",
        "hatched": "skravert: {value}",
        "domain": "Domene",
        "over_time": "Nivå over tid",
        "assessed_on": "Vurderingsdato",
        "assessments": "{count} vurderinger",
        "one_assessment": "1 vurdering",
        "rater_a": "Vurderer A",
        "rater_b": "Vurderer B",
        "agreement": "Samsvar mellom to vurderere",
        "kappa": "Vektet kappa {kappa} ({weights} vekter)",
        "linear": "lineære",
        "quadratic": "kvadratiske",
        "undefined": "ikke definert",
        "exact": "eksakt samsvar {share}",
        "pairs": "{count} par",
        "missing_group": "(ikke oppgitt)",
        "year": "år",
        "district": "distrikt",
        "instrument": "instrument",
        "version": "versjon",
        "complete": "fullstendig",
        "kind": "type",
        "yes": "ja",
        "no": "nei",
    },
    "en": {
        "level": "Level",
        "no_level": "No level",
        "share": "Share of assessments",
        "count": "Assessments",
        "distribution": "Levels per {group}",
        "trend": "Levels per year and {group}",
        "undated": "{count} assessments without a date are left out.",
        "prevalence": "Risk factors present",
        "present_share": "Share of assessments where the factor is present",
        "solid": "solid: {value}",
        "hatched": "hatched: {value}",
        "domain": "Domain",
        "over_time": "Level over time",
        "assessed_on": "Date assessed",
        "assessments": "{count} assessments",
        "one_assessment": "1 assessment",
        "rater_a": "Rater A",
        "rater_b": "Rater B",
        "agreement": "Agreement between two raters",
        "kappa": "Weighted kappa {kappa} ({weights} weights)",
        "linear": "linear",
        "quadratic": "quadratic",
        "undefined": "undefined",
        "exact": "exact agreement {share}",
        "pairs": "{count} pairs",
        "missing_group": "(not given)",
        "year": "year",
        "district": "district",
        "instrument": "instrument",
        "version": "version",
        "complete": "complete",
        "kind": "kind",
        "yes": "yes",
        "no": "no",
    },
}
GROUP_NAMES = ("year", "district", "instrument", "version", "complete", "kind")
"""Grouping columns with a name in each language; any other column is shown as named."""


def _lang(lang: object) -> str:
    return str(checks.one_of(lang, LANGUAGES, "lang"))


def _w(lang: str, key: str, **values: object) -> str:
    text = _WORDS[lang][key]
    return text.format(**values) if values else text


def _count(n: int, lang: str) -> str:
    return _w(lang, "one_assessment") if n == 1 else _w(lang, "assessments", count=_num(n, lang))


def _num(value: float, lang: str) -> str:
    return format_number(value, lang)


def _kappa(value: float, lang: str) -> str:
    """Kappa with two decimals, as `lang` writes them: ``0,62`` in bokmål."""
    from babel.numbers import format_decimal

    return str(format_decimal(round(value, 2), format="0.00", locale=BABEL_LOCALES[lang]))


def _percent(share: float, lang: str) -> str:
    from babel.numbers import format_percent

    return str(format_percent(share, locale=BABEL_LOCALES[lang]))


def _pyplot() -> Any:
    checks.module("matplotlib", EXTRA, NEEDS)
    plt = checks.module("matplotlib.pyplot", EXTRA, NEEDS)
    # Load the backend now, outside `_style`: a notebook's inline backend sets matplotlib
    # up for the session when it loads, which the style's context would otherwise undo.
    load = getattr(plt, "_get_backend_mod", None)
    if load is not None:
        load()
    return plt


def _pandas() -> Any:
    return checks.module("pandas", EXTRA, NEEDS)


@contextmanager
def _style() -> Iterator[None]:
    """Matplotlib's defaults with `STYLE` on top, whatever the session has set."""
    plt = _pyplot()
    with plt.style.context("default"), plt.rc_context(STYLE):
        yield


def _axes(ax: object, size: tuple[float, float]) -> Axes:
    """The given Axes, or the Axes of a new figure of `size` inches (call in `_style`)."""
    if ax is None:
        _, new = _pyplot().subplots(figsize=size, layout="constrained")
        return new  # type: ignore[no-any-return]
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise checks.refuse("ax", f"expected a matplotlib Axes or None, not a {type(ax).__name__}")
    return ax


def _group_title(by: str, lang: str) -> str:
    return _w(lang, by) if by in GROUP_NAMES else by


def _short_title(inst: Instrument, lang: str) -> str:
    """An instrument's title without its explanation: ``SARA-V3``, ``Danger Assessment``."""
    title = inst.title.get(lang)
    for mark in (" (", " \u2013 "):  # a bracket or an en dash
        title = title.split(mark, 1)[0]
    return title


def level_colours(count: int) -> list[str]:
    """The colours of `count` levels, lowest first (the same for every plot)."""
    last = len(LEVEL_PALETTE) - 1
    if count <= 1:
        return [LEVEL_PALETTE[last]] * count
    return [LEVEL_PALETTE[round(i * last / (count - 1))] for i in range(count)]


def domain_colours(inst: Instrument) -> dict[str, str]:
    """Each domain's colour, in the instrument's order."""
    return {d.id: DOMAIN_PALETTE[i % len(DOMAIN_PALETTE)] for i, d in enumerate(inst.domains)}


def _share_axis(axis: Any, lang: str) -> None:
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    axis.set_major_locator(MultipleLocator(0.25))
    axis.set_major_formatter(FuncFormatter(lambda x, _pos: _percent(x, lang)))


def _count_axis(axis: Any, lang: str) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(FuncFormatter(lambda x, _pos: _num(x, lang)))


def _level_legend(ax: Any, shown: _Levels, with_none: bool, lang: str, **where: Any) -> None:
    from matplotlib.patches import Patch

    colours = level_colours(len(shown.ids))
    handles = [
        Patch(color=c, label=shown.title(lv)) for lv, c in zip(shown.ids, colours, strict=True)
    ]
    if with_none:
        handles.append(Patch(color=NO_LEVEL_COLOUR, label=_w(lang, "no_level")))
    ax.legend(handles=handles, title=_w(lang, "level"), **where)
