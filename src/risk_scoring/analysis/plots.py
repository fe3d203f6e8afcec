"""Plots for analysts (matplotlib and pandas; the `plots` extra).

- `level_distribution(frame, by)`: the share of each level per group (district, year).
- `level_trend(frame, by)`: the share of each level per year, one panel per district.
- `factor_prevalence(instrument, frame)`: how often each item is present, by domain.
- `level_over_time(results)`: one case's level at each assessment.
- `agreement_matrix(found)`: two raters' levels (or one judgement or item) against each
  other, with the weighted kappa in the title.

Each draws on the Axes it is given (`ax=`) or on a new figure, and returns the Axes
(`level_trend`, which draws one panel per group, returns the Figure). Every label is in
`lang`, Norwegian bokmål (``nb``, the default, like reports) or English (``en``): level
titles, domain names and value labels come from the instrument, numbers and dates are
written the way the language writes them, and each group shows how many assessments it
holds. Colours are fixed per level rank and per domain, and a new figure is drawn in a
fixed style whatever the session's matplotlib settings, so the same data always give
the same image.

`frame` is a result frame from `score_frame`/`to_frame` (for levels) or an answer frame
(for factor prevalence: `score_frame`'s input, or ``to_frame(..., items=True)``).
Wrong arguments raise `AnswerError` naming the argument; a missing matplotlib or pandas
raises `ExtraNotInstalledError` naming the `plots` extra.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..definition.instrument import Instrument
from ..definition.loading import load_instrument
from ..definition.result import Result
from ..errors import RiskScoringError
from ..report.i18n import BABEL_LOCALES, format_number
from . import checks
from .agreement import Agreement, Kappa

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "LANGUAGES",
    "agreement_matrix",
    "factor_prevalence",
    "level_distribution",
    "level_over_time",
    "level_trend",
]

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


# --------------------------------------------------------------------------- helpers


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


def _frame(value: object, argument: str, hint: str = "") -> pd.DataFrame:
    return checks.data_frame(value, argument, extra=EXTRA, needs=NEEDS, hint=hint)


def _column_name(value: object, argument: str) -> str:
    if not isinstance(value, str):
        raise checks.refuse(argument, f"expected a column name, not a {type(value).__name__}")
    return value


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


@dataclass(frozen=True)
class _Levels:
    """The levels a plot shows, lowest first, with their titles."""

    ids: list[str]
    titles: dict[str, str]
    instrument: Instrument | None

    def title(self, level: str) -> str:
        return self.titles.get(level, level)


def _frame_instrument(frame: pd.DataFrame, instrument: object) -> Instrument | None:
    """The instrument named by `instrument=`, or by the frame's `instrument` column."""
    if instrument is not None:
        return checks.instrument(instrument)
    if "instrument" not in frame.columns:
        return None
    ids = sorted({str(v) for v in frame["instrument"].dropna().tolist()})
    if len(ids) > 1:
        raise checks.refuse(
            "frame", f"holds results of several instruments ({', '.join(ids)}): plot one at a time"
        )
    return _builtin(ids[0]) if ids else None


def _builtin(ident: str) -> Instrument | None:
    try:
        return load_instrument(ident)
    except RiskScoringError:  # a definition that is not built in: ids stand for titles
        return None


def _levels(
    observed: Sequence[str], categories: Sequence[str] | None, inst: Instrument | None, lang: str
) -> _Levels:
    if inst is not None and set(observed) <= set(inst.levels):
        titles = {lv.id: lv.title.get(lang) for lv in inst.level_definitions}
        return _Levels(list(inst.levels), titles, inst)
    order = list(categories) if categories is not None else sorted(set(observed))
    order += sorted(set(observed) - set(order))
    return _Levels(order, {}, None)


def _level_column(frame: pd.DataFrame, argument: str) -> tuple[list[str | None], list[str] | None]:
    """The `level` cells (None where there is none) and the column's categories if any."""
    pd = _pandas()
    column = frame["level"]
    categories = (
        [str(c) for c in column.cat.categories]
        if isinstance(column.dtype, pd.CategoricalDtype)
        else None
    )
    cells: list[str | None] = []
    for value in column.astype(object).where(column.notna(), None).tolist():
        if value is None or isinstance(value, str):
            cells.append(value)
        else:
            raise checks.refuse(
                f"{argument}.level", f"expected level ids, found a {type(value).__name__}"
            )
    return cells, categories


def _group_cells(frame: pd.DataFrame, by: str, lang: str) -> tuple[list[str], list[str]]:
    """Each row's group as text (a missing value has a name too), and the groups in order."""
    pd = _pandas()
    column = frame[by]
    missing = _w(lang, "missing_group")
    if isinstance(column.dtype, pd.CategoricalDtype):
        order = [_cell_text(c) for c in column.cat.categories]
    else:
        values = list(dict.fromkeys(column.dropna().tolist()))
        try:
            values.sort()
        except TypeError:  # values of several kinds: sorted as text
            values.sort(key=str)
        order = [_cell_text(v) for v in values]
    missing_rows = column.isna().tolist()
    cells = [
        missing if gone else _cell_text(value)
        for value, gone in zip(column.tolist(), missing_rows, strict=True)
    ]
    if any(missing_rows):
        order.append(missing)
    return cells, list(dict.fromkeys(order))


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a year stored as float beside missing values
    return str(value)


def _to_date(value: object) -> dt.date | None:
    """A cell as a date; None when missing; raises ValueError when it is not a date."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.datetime):  # pandas' Timestamp too
        return None if value != value else value.date()  # NaT is not equal to itself
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return dt.datetime.fromisoformat(value).date()
    if type(value).__name__ in ("NaTType", "NAType"):
        return None
    if type(value).__name__ == "datetime64":
        return _pandas().Timestamp(value).date()  # type: ignore[no-any-return]
    raise ValueError(value)


def _dates(frame: pd.DataFrame, column: str, argument: str) -> list[dt.date | None]:
    found: list[dt.date | None] = []
    bad: list[str] = []
    for label, value in zip(frame.index.tolist(), frame[column].tolist(), strict=True):
        try:
            found.append(_to_date(value))
        except ValueError:
            bad.append(str(label))
            found.append(None)
    if bad:
        rows = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        raise checks.refuse(f"{argument}.{column}", f"rows {rows}: not a date (YYYY-MM-DD)")
    return found


def _share_axis(axis: Any, lang: str) -> None:
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    axis.set_major_locator(MultipleLocator(0.25))
    axis.set_major_formatter(FuncFormatter(lambda x, _pos: _percent(x, lang)))


def _count_axis(axis: Any, lang: str) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(FuncFormatter(lambda x, _pos: _num(x, lang)))


def _tally(
    groups: list[str], levels: list[str | None], order: list[str]
) -> dict[str, dict[str | None, int]]:
    table: dict[str, dict[str | None, int]] = {g: {} for g in order}
    for group, level in zip(groups, levels, strict=True):
        row = table[group]
        row[level] = row.get(level, 0) + 1
    return table


def _level_legend(ax: Any, shown: _Levels, with_none: bool, lang: str, **where: Any) -> None:
    from matplotlib.patches import Patch

    colours = level_colours(len(shown.ids))
    handles = [
        Patch(color=c, label=shown.title(lv)) for lv, c in zip(shown.ids, colours, strict=True)
    ]
    if with_none:
        handles.append(Patch(color=NO_LEVEL_COLOUR, label=_w(lang, "no_level")))
    ax.legend(handles=handles, title=_w(lang, "level"), **where)


# --------------------------------------------------------------------------- plots


def level_distribution(
    frame: pd.DataFrame,
    by: str,
    *,
    normalize: bool = True,
    instrument: Instrument | str | None = None,
    lang: str = "nb",
    ax: Axes | None = None,
) -> Axes:
    """Stacked bars: for each value of column `by`, the share (or count) of each level.

    Bars are labelled with the group and its number of assessments, segments with the
    level titles of the frame's instrument (its `instrument` column, or `instrument=`).
    Rows without a level (incomplete or refused) are their own "no level" segment, and
    rows without a group value their own bar, so nothing silently disappears.
    """
    lang = _lang(lang)
    frame = _frame(frame, "frame", "make a result frame with to_frame(results) or score_frame")
    by = _column_name(by, "by")
    normalize = checks.flag(normalize, "normalize")
    checks.columns(frame, [by, "level"])
    inst = _frame_instrument(frame, instrument)
    cells, categories = _level_column(frame, "frame")
    shown = _levels([c for c in cells if c is not None], categories, inst, lang)
    groups, order = _group_cells(frame, by, lang)
    table = _tally(groups, cells, order)
    with_none = any(None in row for row in table.values())
    segments: list[str | None] = [*shown.ids, *([None] if with_none else [])]
    colours = [*level_colours(len(shown.ids)), NO_LEVEL_COLOUR]
    with _style():
        ax = _axes(ax, (7.5, 1.3 + 0.42 * max(len(order), 1)))
        labels = [f"{g} (n = {_num(sum(table[g].values()), lang)})" for g in order]
        left = [0.0] * len(order)
        for i, level in enumerate(segments):
            values = [float(table[g].get(level, 0)) for g in order]
            if normalize:
                values = [
                    v / (sum(table[g].values()) or 1) for v, g in zip(values, order, strict=True)
                ]
            colour = colours[-1] if level is None else colours[i]
            ax.barh(labels, values, left=left, color=colour, edgecolor="white", linewidth=0.5)
            left = [a + b for a, b in zip(left, values, strict=True)]
        if normalize:
            _share_axis(ax.xaxis, lang)
            ax.set_xlim(0, 1)
        else:
            _count_axis(ax.xaxis, lang)
        ax.set_xlabel(_w(lang, "share" if normalize else "count"))
        ax.invert_yaxis()
        title = _w(lang, "distribution", group=_group_title(by, lang))
        what = f"{_short_title(inst, lang)}, " if inst is not None else ""
        ax.set_title(f"{title}\n{what}{_count(len(frame), lang)}")
        _level_legend(ax, shown, with_none, lang, bbox_to_anchor=(1.01, 1), loc="upper left")
    return ax


def level_trend(
    frame: pd.DataFrame,
    by: str = "district",
    *,
    date: str = "assessed_on",
    normalize: bool = True,
    instrument: Instrument | str | None = None,
    lang: str = "nb",
    columns: int = 3,
) -> Figure:
    """One panel per value of `by` (a district): for each year, the share of each level.

    The year is taken from the `date` column (ISO dates, or dates and timestamps); every
    panel shows every year, each bar labelled with its number of assessments. Rows
    without a level are a "no level" segment; rows without a date are left out and
    counted in a note under the panels. Returns the Figure (its Axes are the panels).
    """
    lang = _lang(lang)
    frame = _frame(frame, "frame", "make a result frame with to_frame(results) or score_frame")
    by = _column_name(by, "by")
    date = _column_name(date, "date")
    normalize = checks.flag(normalize, "normalize")
    if isinstance(columns, bool) or not isinstance(columns, int) or columns < 1:
        raise checks.refuse("columns", f"expected a whole number of at least 1, not {columns!r}")
    checks.columns(frame, [by, date, "level"])
    inst = _frame_instrument(frame, instrument)
    cells, categories = _level_column(frame, "frame")
    shown = _levels([c for c in cells if c is not None], categories, inst, lang)
    groups, order = _group_cells(frame, by, lang)
    days = _dates(frame, date, "frame")
    dated = [i for i, day in enumerate(days) if day is not None]
    years = sorted({d.year for d in days if d is not None})
    table: dict[tuple[str, int], dict[str | None, int]] = {}
    for i in dated:
        day = days[i]
        assert day is not None
        row = table.setdefault((groups[i], day.year), {})
        row[cells[i]] = row.get(cells[i], 0) + 1
    panels = [g for g in order if any((g, y) in table for y in years)] or order[:1]
    with_none = any(None in row for row in table.values())
    segments: list[str | None] = [*shown.ids, *([None] if with_none else [])]
    colours = [*level_colours(len(shown.ids)), NO_LEVEL_COLOUR]
    across = max(1, min(columns, len(panels)))
    down = max(1, math.ceil(len(panels) / across))
    plt = _pyplot()
    with _style():
        width = max(2.4, 0.42 * len(years) + 0.7)
        fig, grid = plt.subplots(
            down,
            across,
            figsize=(width * across + 1.4, 2.5 * down + 1.0),
            sharey=True,
            squeeze=False,
            layout="constrained",
        )
        positions = list(range(len(years)))
        for k, ax in enumerate(grid.flat):
            if k >= len(panels):
                ax.set_axis_off()
                continue
            group = panels[k]
            rows = [table.get((group, y), {}) for y in years]
            totals = [sum(r.values()) for r in rows]
            bottom = [0.0] * len(years)
            for i, level in enumerate(segments):
                values = [float(r.get(level, 0)) for r in rows]
                if normalize:
                    values = [v / (t or 1) for v, t in zip(values, totals, strict=True)]
                colour = colours[-1] if level is None else colours[i]
                ax.bar(
                    positions,
                    values,
                    bottom=bottom,
                    color=colour,
                    width=0.8,
                    edgecolor="white",
                    linewidth=0.5,
                )
                bottom = [a + b for a, b in zip(bottom, values, strict=True)]
            ticks = [f"{y}\nn={_num(t, lang)}" for y, t in zip(years, totals, strict=True)]
            ax.set_xticks(positions, ticks, fontsize=7.5)
            ax.set_title(f"{group} (n = {_num(sum(totals), lang)})")
            if normalize:
                _share_axis(ax.yaxis, lang)
                ax.set_ylim(0, 1)
            else:
                _count_axis(ax.yaxis, lang)
            if k % across == 0:
                ax.set_ylabel(_w(lang, "share" if normalize else "count"))
        title = _w(lang, "trend", group=_group_title(by, lang))
        what = f"{_short_title(inst, lang)}, " if inst is not None else ""
        fig.suptitle(f"{title}\n{what}{_count(len(dated), lang)}", x=0.0, ha="left", fontsize=11)
        _level_legend(fig, shown, with_none, lang, loc="outside right upper")
        undated = len(frame) - len(dated)
        if undated:
            fig.supxlabel(
                _w(lang, "undated", count=_num(undated, lang)), x=0.0, ha="left", fontsize=8.5
            )
    return fig  # type: ignore[no-any-return]


def factor_prevalence(
    instrument: Instrument | str,
    frame: pd.DataFrame,
    *,
    present: Sequence[str] | str | None = None,
    lang: str = "nb",
    ax: Axes | None = None,
) -> Axes:
    """Horizontal bars: the share of rows where each item is present, coloured by domain.

    `present` are the primary values that count as present; by default every value
    worth points (P and Y on the SARA-V3 scale, yes on DASH), stacked from the highest
    (solid) to the lowest (hatched). Missing and unknown answers count in the
    denominator: the bar is the share of all rows. Labels are in `lang`.
    """
    lang = _lang(lang)
    inst = checks.instrument(instrument)
    frame = _frame(
        frame,
        "frame",
        "for answer mappings, make a frame with answers_to_frame(instrument, answers)",
    )
    scales = {item.id: inst.scale_for(item, inst.primary) for item in inst.items}
    chosen: list[str] | None = None
    if present is not None:
        chosen = [present] if isinstance(present, str) else _values(present)
        known = list(dict.fromkeys(v.id for s in scales.values() for v in s.values))
        wrong = [v for v in chosen if v not in known]
        if wrong:
            raise checks.refuse(
                "present", f"{wrong[0]!r} is no value of {inst.id}; expected some of {known}"
            )
    checks.columns(frame, [item.id for item in inst.items])
    colours_of = domain_colours(inst)
    labels: list[str] = []
    shares: list[list[float]] = []
    colours: list[str] = []
    layers: list[list[str]] = []  # value labels, highest first
    n = len(frame)
    for item in inst.items:
        scale = scales[item.id]
        values = (
            [v for v in scale.values if v.id in chosen]
            if chosen is not None
            else [v for v in scale.values if (v.points or 0) > 0 and not v.unknown]
        )
        counts = frame[item.id].astype(object).value_counts()
        labels.append(f"{item.id} {item.title.get(lang)}")
        shares.append([float(counts.get(v.id, 0)) / (n or 1) for v in reversed(values)])
        colours.append(colours_of[item.domain])
        layers.append([v.label.get(lang) for v in reversed(values)])
    from matplotlib.patches import Patch

    with _style():
        own = ax is None
        ax = _axes(ax, (9.0, 2.4 + 0.24 * len(inst.items) + 0.2 * len(inst.domains)))
        positions = list(range(len(labels)))
        depth = max((len(s) for s in shares), default=0)
        left = [0.0] * len(labels)
        for layer in range(depth):
            widths = [s[layer] if layer < len(s) else 0.0 for s in shares]
            ax.barh(
                positions,
                widths,
                left=left,
                color=colours,
                edgecolor="white",
                linewidth=0.5,
                hatch="//" if layer else None,
            )
            left = [a + b for a, b in zip(left, widths, strict=True)]
        ax.set_yticks(positions, labels)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        _share_axis(ax.xaxis, lang)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        names = _layer_names(layers)
        marks = [_w(lang, "solid" if i == 0 else "hatched", value=v) for i, v in enumerate(names)]
        shown = f" ({', '.join(marks)})" if len(marks) > 1 else ""
        ax.set_xlabel(_w(lang, "present_share") + shown)
        ax.set_title(f"{_w(lang, 'prevalence')}\n{_short_title(inst, lang)}, {_count(n, lang)}")
        handles = [Patch(color=colours_of[d.id], label=d.title.get(lang)) for d in inst.domains]
        where: dict[str, Any] = {"bbox_to_anchor": (1.01, 1), "loc": "upper left"}
        if own:  # below the bars, where the long item labels leave room
            where = {"loc": "outside lower left"}
        (ax.figure if own else ax).legend(handles=handles, title=_w(lang, "domain"), **where)
    return ax


def _values(present: object) -> list[str]:
    if not isinstance(present, Sequence) or not all(isinstance(v, str) for v in present):
        raise checks.refuse("present", "expected a list of value ids, such as ['Y', 'P']")
    return list(present)


def _layer_names(layers: list[list[str]]) -> list[str]:
    """What each layer of bars means: the value label it holds on every item."""
    depth = max((len(x) for x in layers), default=0)
    names = []
    for k in range(depth):
        found = list(dict.fromkeys(x[k] for x in layers if k < len(x)))
        names.append(" / ".join(found))
    return names


def level_over_time(
    results: Sequence[Result] | pd.DataFrame,
    *,
    case_ref: str | None = None,
    instrument: Instrument | str | None = None,
    lang: str = "nb",
    ax: Axes | None = None,
) -> Axes:
    """A step line of one case's level at each assessment date.

    `results` are Results (or a result frame with `assessed_on` and `level`, and
    `case_ref` when `case_ref=` is given); with `case_ref`, only that case's rows are
    drawn, and without it they must all be one case. Assessments without a date or a
    level are left out. Levels are shown by their titles in `lang`.
    """
    lang = _lang(lang)
    if case_ref is not None and not isinstance(case_ref, str):
        raise checks.refuse(
            "case_ref", f"expected a case reference (text), not a {type(case_ref).__name__}"
        )
    points: list[tuple[dt.date, str]] = []
    refs: set[str] = set()
    ids: set[str] = set()
    categories: list[str] | None = None
    if _is_frame(results):
        frame = _frame(results, "results")
        checks.columns(
            frame, ["assessed_on", "level"] + (["case_ref"] if case_ref else []), "results"
        )
        if case_ref is not None:
            frame = frame[frame["case_ref"] == case_ref]
        elif "case_ref" in frame.columns:
            refs = {str(r) for r in frame["case_ref"].dropna().tolist()}
        cells, categories = _level_column(frame, "results")
        days = _dates(frame, "assessed_on", "results")
        points = [(d, lv) for d, lv in zip(days, cells, strict=True) if d is not None and lv]
        inst = _frame_instrument(frame, instrument)
    else:
        found = checks.results(results)
        for result in found:
            ids.add(result.instrument)
            if case_ref is not None and result.case_ref != case_ref:
                continue
            if result.case_ref:
                refs.add(result.case_ref)
            if result.assessed_on and result.level:
                points.append((dt.date.fromisoformat(result.assessed_on), result.level))
        if len(ids) > 1:
            raise checks.refuse(
                "results", f"are from several instruments ({', '.join(sorted(ids))})"
            )
        inst = checks.instrument(instrument) if instrument is not None else None
        if inst is None and ids:
            inst = _builtin(next(iter(ids)))
    if case_ref is None and len(refs) > 1:
        raise checks.refuse(
            "results",
            f"hold {len(refs)} cases: choose one with case_ref= (a line follows one case)",
        )
    shown = _levels([lv for _, lv in points], categories, inst, lang)
    points.sort()
    with _style():
        ax = _axes(ax, (7.5, 1.6 + 0.35 * len(shown.ids)))
        ranks = [shown.ids.index(level) for _, level in points]
        dates: Any = [d for d, _ in points]
        ax.step(dates, ranks, where="post", color="#444444", linewidth=1.2)
        colours = level_colours(len(shown.ids))
        ax.scatter(
            dates, ranks, c=[colours[r] for r in ranks], s=48, edgecolors="#444444", zorder=3
        )
        _date_axis(ax, [d for d, _ in points], lang)
        ax.set_yticks(range(len(shown.ids)), [shown.title(lv) for lv in shown.ids])
        ax.set_ylim(-0.5, max(len(shown.ids), 1) - 0.5)
        ax.set_xlabel(_w(lang, "assessed_on"))
        ax.set_ylabel(_w(lang, "level"))
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        what = f"{_short_title(inst, lang)}, " if inst is not None else ""
        ax.set_title(f"{_w(lang, 'over_time')}\n{what}{_count(len(points), lang)}")
    return ax


def _is_frame(value: object) -> bool:
    module = type(value).__module__
    return module.startswith(("pandas", "polars", "pyarrow")) or hasattr(value, "columns")


def _date_axis(ax: Any, days: list[dt.date], lang: str) -> None:
    """Dates written as `lang` writes them: at each assessment when there are few."""
    from babel.dates import format_date
    from matplotlib.dates import AutoDateLocator, date2num, num2date
    from matplotlib.ticker import FixedLocator, FuncFormatter

    locale = BABEL_LOCALES[lang]
    unique = sorted(set(days))
    if 0 < len(unique) <= 8:
        ticks = [float(date2num(d)) for d in unique]  # type: ignore[no-untyped-call]
        ax.xaxis.set_major_locator(FixedLocator(ticks))
        pattern = "medium"
    else:
        ax.xaxis.set_major_locator(AutoDateLocator(maxticks=8))  # type: ignore[no-untyped-call]
        pattern = "MMM y"

    def label(x: float, _pos: int) -> str:
        day = num2date(x).date()  # type: ignore[no-untyped-call]
        return str(format_date(day, pattern, locale=locale))

    ax.xaxis.set_major_formatter(FuncFormatter(label))
    if unique:
        span = max((unique[-1] - unique[0]).days, 1)
        pad = dt.timedelta(days=max(1, round(span * 0.06)))
        ax.set_xlim(unique[0] - pad, unique[-1] + pad)


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
