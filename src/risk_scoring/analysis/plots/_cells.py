"""Reading a frame's cells for a plot: levels, groups, dates and the instrument."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...definition.instrument import Instrument
from ...definition.loading import load_instrument
from ...errors import RiskScoringError
from .. import checks
from ._look import (
    EXTRA,
    NEEDS,
    _pandas,
    _w,
)

if TYPE_CHECKING:
    import pandas as pd


def _frame(value: object, argument: str, hint: str = "") -> pd.DataFrame:
    return checks.data_frame(value, argument, extra=EXTRA, needs=NEEDS, hint=hint)


def _column_name(value: object, argument: str) -> str:
    if not isinstance(value, str):
        raise checks.refuse(argument, f"expected a column name, not a {type(value).__name__}")
    return value


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
    """The `column` cells as dates; bad rows are named by position, since an index label
    may be a case reference (personal data)."""
    found: list[dt.date | None] = []
    bad: list[str] = []
    for position, value in enumerate(frame[column].tolist()):
        try:
            found.append(_to_date(value))
        except ValueError:
            bad.append(str(position))
            found.append(None)
    if bad:
        rows = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        raise checks.refuse(f"{argument}.{column}", f"rows {rows}: not a date (YYYY-MM-DD)")
    return found


def _tally(
    groups: list[str], levels: list[str | None], order: list[str]
) -> dict[str, dict[str | None, int]]:
    table: dict[str, dict[str | None, int]] = {g: {} for g in order}
    for group, level in zip(groups, levels, strict=True):
        row = table[group]
        row[level] = row.get(level, 0) + 1
    return table


def _is_frame(value: object) -> bool:
    module = type(value).__module__
    return module.startswith(("pandas", "polars", "pyarrow")) or hasattr(value, "columns")
