"""An answer frame as small integer codes, checked by the answer validator's own checks.

Every distinct value of a column is checked once with the function `assess` uses for
one value (`risk_scoring.engine.answers.scale_value`, `risk_scoring.engine.checks`), and
every distinct pattern of given and missing cells of an item with the function that
checks one item's answer (`item_rating`), so a frame refuses what `assess` refuses,
with the same messages. A refused cell makes its row refused (`Encoded.bad`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from ..definition.bounds import CONTROL
from ..engine.answers import item_rating, scale_value
from ..engine.checks import (
    BAD,
    MAX_TEXT,
    check_context,
    check_date,
    check_line,
    check_text,
    value_problem,
)
from ..engine.plan import ItemPlan, Plan
from ..errors import Problem
from .columns import META, Column, Layout, as_int, column_name, factorize, recode, spread

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from numpy.typing import NDArray

    BoolArray = NDArray[np.bool_]
    ObjArray = NDArray[np.object_]

__all__ = ["Encoded", "Problems", "encode"]


@dataclass(slots=True)
class Encoded:
    """An answer frame as codes, plus the rows that were refused.

    `codes[(item, dimension)]` indexes the scale's values (-1 where not given; every
    item's primary dimension is there, defaults filled in); `context[field]` is (codes,
    the distinct checked values); `judgements[id]` is a level judgement's rank.
    """

    n: int
    codes: dict[tuple[str, str], NDArray[np.int8]]
    context: dict[str, tuple[NDArray[np.intp], list[Any]]]
    judgements: dict[str, NDArray[np.int8]]
    justified: BoolArray
    meta: dict[str, ObjArray]
    bad: BoolArray


class Problems:
    """Collects per-column problems, each naming some of the rows it affects.

    Rows are named by position (0 for the first), never by index label: a frame indexed
    by case reference would otherwise put a name and birth date in the message.
    """

    def __init__(self) -> None:
        self.found: list[Problem] = []

    def add_rows(self, column: str, problem: Problem, rows: BoolArray) -> None:
        """`add`, if any row is affected (a category need not occur in its column)."""
        if rows.any():
            self.add(column, problem, rows)

    def add(self, column: str, problem: Problem, rows: BoolArray | None = None) -> None:
        if rows is None:
            self.found.append(Problem(column, problem.message, code=problem.code))
            return
        import numpy as np

        where = np.flatnonzero(rows)
        shown = ", ".join(str(position) for position in where[:5].tolist())
        more = f" and {len(where) - 5} more" if len(where) > 5 else ""
        noun = "row" if len(where) == 1 else "rows"
        message = f"{noun} {shown}{more}: {problem.message}"
        self.found.append(Problem(column, message, code=problem.code))


def encode(plan: Plan, lay: Layout, df: pd.DataFrame, problems: Problems) -> Encoded:
    import numpy as np

    n = len(df)
    bad = np.zeros(n, dtype=bool)
    codes: dict[tuple[str, str], NDArray[np.int8]] = {}
    names = set(df.columns)
    for ident, item in plan.items.items():
        given = [c for c in lay.by_item[ident] if c.name in names]
        bad |= _item(plan, item, given, df, codes, problems)
    context = {}
    for name, ident in lay.context.items():
        field = plan.context[ident]
        if name in names:
            raw, uniques = factorize(df[name])
            checked = []
            for j, value in enumerate(uniques):
                found: list[Problem] = []
                value = as_int(value) if field.type == "int" else value
                kept = check_context(field.field, field.choices, name, value, found)
                if found:
                    problems.add_rows(name, found[0], raw == j)
                checked.append(kept)
            if any(v is BAD for v in checked):
                bad |= spread([v is BAD for v in checked], raw, False, bool)
        else:
            raw, checked = np.full(n, -1, dtype=np.intp), []
        values = [None if v is BAD else v for v in checked]
        context[ident] = (raw, values)
        found = []
        check_context(field.field, field.choices, name, None, found)  # is it required?
        if found:  # required: rows without a value are refused
            lacking = spread([v is None for v in checked], raw, True, bool)
            if lacking.any():
                problems.add(name, found[0], lacking)
                bad |= lacking
    judgements: dict[str, NDArray[np.int8]] = {}
    for name, ident in lay.judgements.items():
        kind = plan.judgements[ident]
        if name not in names:
            if kind == "level":
                judgements[ident] = np.full(n, -1, dtype=np.int8)
            continue
        raw, uniques = factorize(df[name])
        table = []
        for j, value in enumerate(uniques):
            found = []
            code = -1
            if value is not None and kind == "text":
                check_text(name, value, found)
            elif value is not None:
                level = scale_value(plan.level_set, value)
                if level is BAD:
                    found.append(value_problem(name, value, plan.level_set))
                else:
                    code = plan.level_rank[level]
            if found:
                code = -2
                problems.add_rows(name, found[0], raw == j)
            table.append(code)
        encoded = spread(table, raw, -1, np.int8)
        refused = encoded == -2
        bad |= refused
        encoded[refused] = -1
        if kind == "level":
            judgements[ident] = encoded
    meta, justified = _meta(df, names, n, problems, bad)
    return Encoded(n, codes, context, judgements, justified, meta, bad)


def _item(
    plan: Plan,
    item: ItemPlan,
    given: list[Column],
    df: pd.DataFrame,
    codes: dict[tuple[str, str], NDArray[np.int8]],
    problems: Problems,
) -> BoolArray:
    """Encode one item's columns; the rows it refuses."""
    import numpy as np

    n = len(df)
    bad = np.zeros(n, dtype=bool)
    as_mapping = any(not c.primary for c in given)
    present: list[BoolArray] = []
    for col in given:
        raw, uniques = factorize(df[col.name])
        allowed = item.allowed[col.dim]
        position = {v: k for k, v in enumerate(col.values)}
        table = []
        for j, value in enumerate(uniques):
            checked = scale_value(allowed, value) if value is not None else None
            if checked is BAD:
                table.append(-2)
                problem = value_problem(col.name, value, allowed)
                problems.add_rows(col.name, problem, raw == j)
            else:
                table.append(-1 if checked is None else position[checked])
        encoded = recode(table, raw)
        present.append(raw >= 0)
        refused = encoded == -2
        if refused.any():
            bad |= refused
            encoded[refused] = -1
        codes[(item.id, col.dim)] = encoded
    primary = codes.get((item.id, plan.primary))
    if primary is None:
        primary = codes[(item.id, plan.primary)] = np.full(n, -1, dtype=np.int8)
    # Each distinct pattern of given and missing cells, checked as `assess` checks it.
    where = {item.path: column_name(item.id, plan.primary, True)}
    for dim in plan.dimensions:
        where[f"{item.path}.{dim}"] = column_name(item.id, dim, dim == plan.primary)
    for pattern, rows in _patterns(present, n):
        answer: Any = None
        if as_mapping:
            answer = {c.dim: c.values[0] for c, bit in zip(given, pattern, strict=True) if bit}
            answer = answer or None
        elif pattern and pattern[0]:
            answer = given[0].values[0]
        found: list[Problem] = []
        rating = item_rating(plan, item, answer, {}, found)
        for problem in found:
            problems.add(where.get(problem.path, where[item.path]), problem, rows)
            bad |= rows
        if answer is None and rating is not None and plan.primary in rating:
            primary[rows] = item.values[plan.primary].index(rating[plan.primary])
    return bad


def _patterns(present: list[BoolArray], n: int) -> list[tuple[tuple[bool, ...], BoolArray]]:
    """The distinct patterns of given cells over an item's columns, with their rows."""
    import numpy as np

    if n == 0:
        return []
    if all(p.all() for p in present):
        return [((True,) * len(present), np.ones(n, dtype=bool))]
    key = np.zeros(n, dtype=np.int64)
    for bit, column in enumerate(present):
        key |= column.astype(np.int64) << bit
    out = []
    for value in np.flatnonzero(np.bincount(key, minlength=1 << len(present))):
        pattern = tuple(bool(value >> bit & 1) for bit in range(len(present)))
        out.append((pattern, key == value))
    return out


_META_CHECKS = {"case_ref": check_line, "assessed_on": check_date, "justification": check_text}


def _arrow_strings(series: pd.Series[Any]) -> bool:
    import pandas as pd

    dtype = series.dtype
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


def _meta(
    df: pd.DataFrame, names: set[str], n: int, problems: Problems, bad: BoolArray
) -> tuple[dict[str, ObjArray], BoolArray]:
    import numpy as np

    meta: dict[str, ObjArray] = {}
    justified = np.zeros(n, dtype=bool)
    for name in META:
        if name not in names:
            meta[name] = np.full(n, None, dtype=object)
            continue
        series = df[name]
        if name != "assessed_on" and _arrow_strings(series):
            # Strings of an Arrow string column are valid Unicode (Arrow refuses lone
            # surrogates); if none is too long, and a case reference has no control
            # character, every one is text the checks keep as it is.
            length = series.str.len()
            one_line = name != "case_ref" or not series.str.contains(CONTROL.pattern).any()
            if one_line and not (length > MAX_TEXT).any():
                meta[name] = cast(Any, series).to_numpy(dtype=object, na_value=None)
                if name == "justification":
                    justified = (length > 0).fillna(False).to_numpy(dtype=bool)
                continue
        raw, uniques = factorize(series)
        cells: list[Any] = []
        for j, value in enumerate(uniques):
            found: list[Problem] = []
            check = _META_CHECKS[name]
            kept = check(name, value, found)
            if found:
                rows = raw == j
                problems.add_rows(name, found[0], rows)
                bad |= rows
            cells.append(None if found else kept)
        meta[name] = spread(cells, raw, None, object)
        if name == "justification":
            justified = spread([bool(v) for v in cells], raw, False, bool)
    return meta, justified
