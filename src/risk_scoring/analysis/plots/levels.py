"""Plots of levels: their distribution per group, their trend per year, one case over time."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ...definition.instrument import Instrument
from ...definition.result import Result
from ...report.i18n import BABEL_LOCALES
from .. import checks
from ._cells import (
    _builtin,
    _column_name,
    _dates,
    _frame,
    _frame_instrument,
    _group_cells,
    _is_frame,
    _level_column,
    _levels,
    _tally,
)
from ._look import (
    NO_LEVEL_COLOUR,
    _axes,
    _count,
    _count_axis,
    _group_title,
    _lang,
    _level_legend,
    _num,
    _pyplot,
    _share_axis,
    _short_title,
    _style,
    _w,
    level_colours,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


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
