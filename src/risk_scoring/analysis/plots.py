"""Plots for analysts (matplotlib; the `plots` extra). Each returns the Axes it drew on.

- `level_distribution(frame, by)`: the share of each level per group (district, year).
- `factor_prevalence(instrument, frame)`: how often each item is present, by domain.
- `level_over_time(results)`: one case's level at each assessment.

`frame` is a result frame from `score_frame`/`to_frame` (for levels) or an answer frame
(for factor prevalence: `score_frame`'s input, or ``to_frame(..., items=True)``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ..definition.instrument import Instrument
from ..definition.loading import load_instrument
from ..definition.result import Result
from ..errors import AnswerError, Problem

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

__all__ = ["factor_prevalence", "level_distribution", "level_over_time"]


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    try:
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - exercised only without the extra
        raise ImportError("plots need matplotlib: pip install 'risk_scoring[plots]'") from None
    _, new = plt.subplots(figsize=size)
    return new


def _colours(n: int, name: str = "YlOrRd") -> list[Any]:
    from matplotlib import colormaps

    cmap = colormaps[name]
    return [cmap(0.25 + 0.7 * i / max(n - 1, 1)) for i in range(n)]


def _need(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    lacking = [c for c in columns if c not in frame.columns]
    if lacking:
        raise AnswerError([Problem(c, "no such column in the frame") for c in lacking])


def level_distribution(
    frame: pd.DataFrame,
    by: str,
    *,
    normalize: bool = True,
    ax: Axes | None = None,
) -> Axes:
    """Stacked bars: for each value of column `by`, the share (or count) of each level.

    Rows without a level (incomplete or refused) are shown as their own "no level" bar
    segment, so nothing silently disappears.
    """
    import pandas as pd

    _need(frame, [by, "level"])
    level = frame["level"]
    order = (
        list(level.cat.categories)
        if isinstance(level.dtype, pd.CategoricalDtype)
        else sorted(level.dropna().unique())
    )
    labels = level.astype(object).where(level.notna(), "no level")
    table = pd.crosstab(frame[by], labels)
    columns = [c for c in [*order, "no level"] if c in table.columns]
    table = table[columns]
    if normalize:
        table = table.div(table.sum(axis=1), axis=0)
    ax = _axes(ax, (7, 0.5 + 0.4 * len(table)))
    colours = [*_colours(len(order)), "#bbbbbb"]
    left = [0.0] * len(table)
    for column in columns:
        colour = colours[-1] if column == "no level" else colours[order.index(column)]
        values = table[column].tolist()
        ax.barh([str(i) for i in table.index], values, left=left, color=colour, label=column)
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_xlabel("share of assessments" if normalize else "assessments")
    ax.set_ylabel(by)
    ax.invert_yaxis()
    ax.legend(title="level", bbox_to_anchor=(1.01, 1), loc="upper left", frameon=False)
    return ax


def factor_prevalence(
    instrument: Instrument | str,
    frame: pd.DataFrame,
    *,
    present: Sequence[str] | None = None,
    lang: str = "en",
    ax: Axes | None = None,
) -> Axes:
    """Horizontal bars: the share of rows where each item is present, grouped by domain.

    `present` are the primary values that count as present; by default every value
    worth points (P and Y on the SARA-V3 scale, yes on DASH), stacked from the highest.
    Missing and unknown answers count in the denominator: the bar is the share of all
    rows. Item titles are in `lang` (``en`` or ``nb``).
    """
    inst = load_instrument(instrument) if isinstance(instrument, str) else instrument
    _need(frame, [item.id for item in inst.items])
    ax = _axes(ax, (7, 0.6 + 0.22 * len(inst.items)))
    domain_colours = dict(
        zip([d.id for d in inst.domains], _colours(len(inst.domains), "tab10"), strict=True)
    )
    labels: list[str] = []
    shares: list[list[float]] = []
    colours: list[Any] = []
    hatches: list[list[str]] = []
    n = max(len(frame), 1)
    for item in inst.items:
        scale = inst.scale_for(item, inst.primary)
        values = (
            [v.id for v in scale.values if v.id in present]
            if present is not None
            else [v.id for v in scale.values if (v.points or 0) > 0 and not v.unknown]
        )
        counts = frame[item.id].astype(object).value_counts()
        labels.append(f"{item.id} {item.title.get(lang)}")
        shares.append([float(counts.get(v, 0)) / n for v in reversed(values)])
        colours.append(domain_colours[item.domain])
        hatches.append([""] + ["//"] * (len(values) - 1))
    positions = list(range(len(labels)))
    width = max((len(s) for s in shares), default=0)
    left = [0.0] * len(labels)
    for layer in range(width):
        widths = [s[layer] if layer < len(s) else 0.0 for s in shares]
        bars = ax.barh(positions, widths, left=left, color=colours, edgecolor="white")
        for bar, marks in zip(bars, hatches, strict=True):
            bar.set_hatch(marks[layer] if layer < len(marks) else "")
        left = [a + b for a, b in zip(left, widths, strict=True)]
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of assessments where present (hatched: partly)")
    from matplotlib.patches import Patch

    handles = [Patch(color=c, label=d) for d, c in domain_colours.items()]
    ax.legend(handles=handles, title="domain", bbox_to_anchor=(1.01, 1), loc="upper left")
    return ax


def level_over_time(
    results: Iterable[Result] | pd.DataFrame,
    *,
    case_ref: str | None = None,
    instrument: Instrument | str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """A step line of one case's level at each assessment date.

    `results` are Results (or a result frame with `case_ref`, `assessed_on` and
    `level`); with `case_ref`, only that case's rows are drawn. Assessments without a
    date or a level are left out.
    """
    points: list[tuple[dt.date, str]] = []
    levels: list[str] | None = None
    if hasattr(results, "columns"):
        frame: Any = results
        _need(frame, ["assessed_on", "level"] + (["case_ref"] if case_ref else []))
        rows = frame if case_ref is None else frame[frame["case_ref"] == case_ref]
        if hasattr(frame["level"], "cat"):
            levels = list(frame["level"].cat.categories)
        for day, level in zip(rows["assessed_on"], rows["level"], strict=True):
            if isinstance(day, str) and isinstance(level, str):
                points.append((dt.date.fromisoformat(day), level))
    else:
        for result in results:
            if case_ref is not None and result.case_ref != case_ref:
                continue
            if result.assessed_on and result.level:
                points.append((dt.date.fromisoformat(result.assessed_on), result.level))
                if levels is None and instrument is None:
                    levels = load_instrument(result.instrument).levels
    if instrument is not None:
        levels = (load_instrument(instrument) if isinstance(instrument, str) else instrument).levels
    if levels is None:
        levels = sorted({level for _, level in points})
    points.sort()
    ax = _axes(ax, (7, 2.5))
    ranks = [levels.index(level) for _, level in points]
    dates: Any = [d for d, _ in points]
    ax.step(dates, ranks, where="post", marker="o")
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    locator = AutoDateLocator()  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    ax.set_yticks(range(len(levels)), levels)
    ax.set_ylim(-0.5, len(levels) - 0.5)
    ax.set_xlabel("assessed on")
    ax.set_ylabel("level")
    ax.grid(axis="y", alpha=0.3)
    return ax
