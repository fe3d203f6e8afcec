"""Results as DataFrames, and column-wise scoring of whole frames of answers.

Needs the `frames` extra (pandas, numpy); `import risk_scoring` never imports them.

**Answer frames.** One row per assessment; the columns are named like this:

==========================  ===============================================================
column                      holds
==========================  ===============================================================
``N3`` (an item id)         the item's primary value (``recent`` for SARA-V3, ``answer``
                            for DASH)
``N3.past``                 another dimension of the item
``context.<field>``         a context field
``judgements.<id>``         a summary judgement (a level id, or text)
``case_ref``, ``assessed_on``, ``justification``   as in an answers mapping
==========================  ===============================================================

A missing cell (None, NaN, NA) means "not given". A row means exactly the answers
mapping `frame_to_answers` builds from it: an item with any dimension column in the
frame is answered as a mapping of its non-missing cells, otherwise as a bare value; an
item whose cells are all missing is left out (so it takes its default, or is missing).
Integral floats in an integer context column are read as integers (pandas stores
integers with gaps as floats); numpy scalars and timestamps at midnight are read as
their plain Python values. Any other column is refused unless it is named in `keep`,
which carries it through to the result.

**Result frames.** `to_frame` (from Results) and `score_frame` (from an answer frame)
give the same columns, so the two can be compared cell by cell:

- `case_ref`, `assessed_on`; provenance: `instrument`, `version`, `digest`, `library`
- `level` (an ordered categorical, lowest level first), `score`, `complete`
- `missing`, `warnings`, `measures`: tuples, in the Result's order
- `measure.<id>`: the priority of each measure the rules can recommend (an ordered
  categorical ``consider < high < urgent``; missing when not recommended)
- `domain.<domain>.<value>`: how many items took each primary value;
  `domain.<domain>.points` and `domain.<domain>.omitted` as in `DomainSummary`
- `problems` (only with ``on_error="collect"``, or when `to_frame` is given `RowError`
  records): the refused row's problems; such a row has no level and no score

`score_frame` reimplements scoring column-wise from the instrument definition (bands,
the missing-item policy, escalations, judgements, the condition language, warning and
measure rules with the most-urgent-priority merge). Condition leaves are evaluated by
running the engine's own compiled conditions once per distinct value and spreading the
answer over the rows, so the semantics cannot drift apart; a property test checks that
every built-in instrument gives the same frame as assessing row by row.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, cast

from ..definition.conditions import (
    AllOf,
    AnyCondition,
    AnyOf,
    ContextIs,
    Count,
    Facts,
    ItemIs,
    JudgementIs,
    LevelAtLeast,
    Not,
    ScoreAtLeast,
    compile_condition,
)
from ..definition.instrument import PRIORITIES, ContextField, Instrument, Judgement
from ..definition.loading import catalogue_for, load_instrument
from ..definition.lookup import instrument_of
from ..definition.result import Result
from ..engine import answers as _answers, scoring as _scoring
from ..engine.assessment import assess
from ..engine.batch import RowError
from ..errors import AnswerError, Problem

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from numpy.typing import NDArray

    BoolArray = NDArray[np.bool_]
    IntArray = NDArray[np.int64]
    ObjArray = NDArray[np.object_]

__all__ = [
    "answer_columns",
    "answers_to_frame",
    "frame_to_answers",
    "result_columns",
    "score_frame",
    "score_partition",
    "synthetic_frame",
    "to_frame",
]

META = ("case_ref", "assessed_on", "justification")
PROVENANCE = ("instrument", "version", "digest", "library")
#: The categories of the `measure.<id>` columns, least urgent first.
PRIORITY_ORDER = tuple(reversed(PRIORITIES))
_URGENCY = {p: i for i, p in enumerate(PRIORITIES)}
_NONE = len(PRIORITIES)  # urgency code of a measure that was not recommended
OnError = Literal["raise", "collect"]


_PANDAS: list[bool] = []


def _require_pandas() -> None:
    """Import pandas once, with an ImportError naming the extra when it is missing."""
    if not _PANDAS:
        try:
            import pandas  # noqa: F401
        except ImportError:  # pragma: no cover - exercised only without the extra
            message = "DataFrames need pandas: pip install 'risk_scoring[frames]'"
            raise ImportError(message) from None
        _PANDAS.append(True)


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True, slots=True)
class _Column:
    """One answer column: an item's dimension, and the values its scale allows."""

    name: str
    item: str
    dim: str
    values: tuple[str, ...]
    primary: bool


@dataclass(frozen=True, slots=True)
class _Plan:
    items: dict[str, _Column]
    by_item: dict[str, tuple[_Column, ...]]
    context: dict[str, ContextField]
    judgements: dict[str, Judgement]
    measures: tuple[str, ...]
    domain_values: dict[str, tuple[str, ...]]
    output: tuple[str, ...]
    levels: tuple[str, ...]


def _column_name(item: str, dim: str, primary: bool) -> str:
    return item if primary else f"{item}.{dim}"


def _plan(inst: Instrument) -> _Plan:
    plan = inst._cache.get("frames")
    if plan is None:
        items: dict[str, _Column] = {}
        by_item: dict[str, tuple[_Column, ...]] = {}
        for item in inst.items:
            cols = []
            for i, dim in enumerate(inst.dimensions):
                values = tuple(v.id for v in inst.scale_for(item, dim).values)
                col = _Column(
                    _column_name(item.id, dim.id, i == 0), item.id, dim.id, values, i == 0
                )
                items[col.name] = col
                cols.append(col)
            by_item[item.id] = tuple(cols)
        order = catalogue_for(inst).order
        measures = tuple(sorted({r.measure for r in inst.measure_rules}, key=order.__getitem__))
        domain_values: dict[str, tuple[str, ...]] = {}
        for domain, ids in _scoring.vocabulary(inst).items_by_domain.items():
            seen: dict[str, None] = {}
            for ident in ids:
                for col in by_item[ident][:1]:
                    seen.update(dict.fromkeys(col.values))
            domain_values[domain] = tuple(seen)
        output = [*META[:2], *PROVENANCE, "level", "score", "complete"]
        output += ["missing", "warnings", "measures", *(f"measure.{m}" for m in measures)]
        for domain, values in domain_values.items():
            output += [f"domain.{domain}.{v}" for v in values]
            output += [f"domain.{domain}.points", f"domain.{domain}.omitted"]
        plan = _Plan(
            items,
            by_item,
            {f"context.{f.id}": f for f in inst.context},
            {f"judgements.{j.id}": j for j in inst.judgements},
            measures,
            domain_values,
            tuple(output),
            tuple(inst.levels),
        )
        inst._cache["frames"] = plan
    assert isinstance(plan, _Plan)
    return plan


def result_columns(instrument: Instrument | str) -> list[str]:
    """The columns `to_frame` and `score_frame` give for `instrument`, in order."""
    return list(_plan(_instrument(instrument)).output)


def _instrument(ref: Instrument | str) -> Instrument:
    return load_instrument(ref) if isinstance(ref, str) else ref


# ------------------------------------------------------------ plain cell values


def _plain(value: Any) -> Any:
    """A cell as the plain Python value an answers mapping would carry; None if missing."""
    import numpy as np
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, pd.Timestamp):
        if value.tzinfo is None and value == value.normalize():
            return value.date()
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def _as_int(value: Any) -> Any:
    """Integral floats in an integer column are integers that pandas stored as floats."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def frame_to_answers(
    instrument: Instrument | str, df: pd.DataFrame, *, chunk: int = 10_000
) -> Iterator[dict[str, Any]]:
    """The answers mapping each row of `df` stands for (see the module docstring).

    A generator reading `chunk` rows at a time; columns outside the answer format are
    ignored here (`score_frame` refuses them unless they are kept).
    """
    inst = _instrument(instrument)
    plan = _plan(inst)
    names = [c for c in df.columns if c in plan.items or c in plan.context]
    names += [c for c in df.columns if c in plan.judgements or c in META]
    items = [
        (ident, [c for c in cols if c.name in df.columns]) for ident, cols in plan.by_item.items()
    ]
    for start in range(0, len(df), chunk):
        part = df.iloc[start : start + chunk]
        columns = {name: _plain_column(part[name]) for name in names}
        for i in range(len(part)):
            yield _row_answers(plan, items, columns, i)


def _plain_column(series: pd.Series[Any]) -> list[Any]:
    """The column's cells as plain values (None where missing); text passes straight."""
    missing = series.isna().tolist()
    return [
        None if gone else value if value.__class__ is str else _plain(value)
        for value, gone in zip(series.tolist(), missing, strict=True)
    ]


def _row_answers(
    plan: _Plan,
    items: list[tuple[str, list[_Column]]],
    columns: dict[str, list[Any]],
    i: int,
) -> dict[str, Any]:
    answered: dict[str, Any] = {}
    for ident, cols in items:
        if not cols:
            continue
        if any(not c.primary for c in cols):
            rating = {c.dim: v for c in cols if (v := columns[c.name][i]) is not None}
            if rating:
                answered[ident] = rating
        elif (value := columns[cols[0].name][i]) is not None:
            answered[ident] = value
    out: dict[str, Any] = {"items": answered}
    context = {}
    for name, field in plan.context.items():
        if name in columns and (value := columns[name][i]) is not None:
            context[field.id] = _as_int(value) if field.type == "int" else value
    if context:
        out["context"] = context
    judgements = {}
    for name, judgement in plan.judgements.items():
        if name in columns and (value := columns[name][i]) is not None:
            judgements[judgement.id] = value
    if judgements:
        out["judgements"] = judgements
    for name in META:
        if name in columns and (value := columns[name][i]) is not None:
            out[name] = value
    return out


def answers_to_frame(
    instrument: Instrument | str, rows: Iterable[Mapping[str, Any]]
) -> pd.DataFrame:
    """A frame of answers, one row per answers mapping; notes and assessors are left out.

    Every answer column of the instrument is present (missing cells are None), so
    `score_frame` reads each row back as the same answers.
    """
    _require_pandas()
    import pandas as pd

    inst = _instrument(instrument)
    plan = _plan(inst)
    names = [*plan.items, *plan.context, *plan.judgements, *META]
    data: dict[str, list[Any]] = {name: [] for name in names}
    primary = inst.primary.id
    for row in rows:
        items = row.get("items") or {}
        for name, col in plan.items.items():
            given = items.get(col.item)
            if isinstance(given, Mapping):
                data[name].append(given.get(col.dim))
            else:
                data[name].append(given if col.dim == primary else None)
        for name, field in plan.context.items():
            data[name].append((row.get("context") or {}).get(field.id))
        for name, judgement in plan.judgements.items():
            data[name].append((row.get("judgements") or {}).get(judgement.id))
        for name in META:
            data[name].append(row.get(name))
    frame: pd.DataFrame = pd.DataFrame(
        {name: pd.Series(v, dtype=object) for name, v in data.items()}
    )
    return frame


# ------------------------------------------------------------------ encoding


@dataclass(slots=True)
class _Encoded:
    """An answer frame as small integer codes, plus the rows that were refused."""

    n: int
    codes: dict[tuple[str, str], NDArray[np.int8]]
    context: dict[str, tuple[NDArray[np.intp], list[Any]]]
    judgements: dict[str, NDArray[np.int8]]
    justified: BoolArray
    meta: dict[str, ObjArray]
    bad: BoolArray


class _Problems:
    """Collects per-column problems, each naming some of the rows it affects."""

    def __init__(self, index: pd.Index[Any]) -> None:
        self.index = index
        self.found: list[Problem] = []

    def add(self, column: str, message: str, rows: BoolArray | None = None) -> None:
        if rows is None:
            self.found.append(Problem(column, message))
            return
        import numpy as np

        where = np.flatnonzero(rows)
        shown = ", ".join(str(label) for label in self.index[where[:5]].tolist())
        more = f" and {len(where) - 5} more" if len(where) > 5 else ""
        noun = "row" if len(where) == 1 else "rows"
        self.found.append(Problem(column, f"{noun} {shown}{more}: {message}"))


def _factorize(series: pd.Series[Any]) -> tuple[NDArray[np.intp], list[Any], BoolArray]:
    """Codes (-1 for missing), the distinct values, and which of them occur."""
    import numpy as np
    import pandas as pd

    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        uniques = list(series.cat.categories)
        seen = np.zeros(len(uniques) + 1, dtype=bool)
        seen[codes] = True
        used = seen[:-1]
    else:
        codes, found = pd.factorize(series, use_na_sentinel=True)
        uniques = list(found)
        used = np.ones(len(uniques), dtype=bool)
    return codes, [_plain(u) for u in uniques], used


def _spread(table: Sequence[Any], codes: NDArray[np.intp], missing: Any, dtype: Any) -> Any:
    """`table[code]` for every row, and `missing` where the code is -1."""
    import numpy as np

    lookup = np.array([*table, missing], dtype=dtype)
    return lookup[codes]


def _encode(inst: Instrument, df: pd.DataFrame, problems: _Problems) -> _Encoded:
    import numpy as np

    plan = _plan(inst)
    n = len(df)
    bad = np.zeros(n, dtype=bool)
    codes: dict[tuple[str, str], NDArray[np.int8]] = {}
    present: dict[str, BoolArray] = {}
    for name in df.columns:
        col = plan.items.get(name)
        if col is None:
            continue
        raw, uniques, used = _factorize(df[name])
        allowed = col.values
        position = {v: k for k, v in enumerate(allowed)}
        table = []
        for j, value in enumerate(uniques):
            if value is None:
                table.append(-1)
            elif isinstance(value, str) and value in position:
                table.append(position[value])
            else:
                table.append(-2)
                if used[j]:
                    problem = _answers._value_problem(name, value, frozenset(allowed))
                    problems.add(name, problem.message, raw == j)
        encoded = _spread(table, raw, -1, np.int8)
        present[name] = encoded != -1
        refused = encoded == -2
        bad |= refused
        encoded[refused] = -1
        codes[(col.item, col.dim)] = encoded
    primary = inst.primary.id
    required_dims = [d.id for d in inst.dimensions[1:] if d.required]
    for ident, cols in plan.by_item.items():
        item = inst.item_by_id[ident]
        first = cols[0]
        given = [c for c in cols if c.name in df.columns]
        prim = codes.get((ident, primary))
        if prim is None:
            prim = np.full(n, -1, dtype=np.int8)
            codes[(ident, primary)] = prim
        if any(not c.primary for c in given):
            answered = np.zeros(n, dtype=bool)
            for c in given:
                answered |= present[c.name]
            for dim in (primary, *required_dims):
                name = _column_name(ident, dim, dim == primary)
                lacking = answered & ~present[name] if name in present else answered
                if lacking.any():
                    message = "missing; " + _answers._expected(plan.items[name].values)
                    problems.add(name, message, lacking)
                    bad |= lacking
            omitted = ~answered
        else:
            omitted = ~present[first.name] if first.name in present else np.ones(n, bool)
        if item.default is not None:
            prim[omitted] = first.values.index(item.default)
        elif item.required:
            lacking = omitted & (prim < 0)
            if lacking.any():
                message = "missing; " + _answers._expected(first.values)
                problems.add(first.name, message, lacking)
                bad |= lacking
    context = {}
    for name, field in plan.context.items():
        if name in df.columns:
            raw, uniques, used = _factorize(df[name])
            checked = [
                _context_value(field, v, name, (raw, j) if used[j] else None, problems)
                for j, v in enumerate(uniques)
            ]
            bad |= _spread([v is _BAD for v in checked], raw, False, bool)
        else:
            raw, checked = np.full(n, -1, dtype=np.intp), []
        context[field.id] = (raw, [None if v is _BAD else v for v in checked])
        if field.required:
            lacking = _spread([v is None for v in checked], raw, True, bool)
            if lacking.any():
                problems.add(name, f"missing; a {field.type} value is required", lacking)
                bad |= lacking
    judgements: dict[str, NDArray[np.int8]] = {}
    rank = {level: i for i, level in enumerate(inst.levels)}
    for name, judgement in plan.judgements.items():
        if name not in df.columns:
            if judgement.type == "level":
                judgements[judgement.id] = np.full(n, -1, dtype=np.int8)
            continue
        raw, uniques, used = _factorize(df[name])
        table = []
        for j, value in enumerate(uniques):
            code = -1
            if value is not None and judgement.type == "text":
                found: list[Problem] = []
                _answers._text(name, value, found)
                code = -2 if found else -1
                message = found[0].message if found else ""
            elif value is not None:
                code = rank.get(value, -2) if isinstance(value, str) else -2
                message = _answers._value_problem(name, value, frozenset(inst.levels)).message
            if code == -2 and used[j]:
                problems.add(name, message, raw == j)
            table.append(code)
        encoded = _spread(table, raw, -1, np.int8)
        bad |= encoded == -2
        encoded[encoded == -2] = -1
        if judgement.type == "level":
            judgements[judgement.id] = encoded
    meta: dict[str, ObjArray] = {}
    justified = np.zeros(n, dtype=bool)
    import pandas as pd

    for name in META:
        if name not in df.columns:
            meta[name] = np.full(n, None, dtype=object)
            continue
        series = df[name]
        if name != "assessed_on" and isinstance(series.dtype, pd.StringDtype):
            length = series.str.len()
            if not (length > _answers.MAX_TEXT).any():
                meta[name] = cast(Any, series).to_numpy(dtype=object, na_value=None)
                if name == "justification":
                    justified = (length > 0).fillna(False).to_numpy(dtype=bool)
                continue
        raw, uniques, used = _factorize(series)
        cells: list[Any] = []
        for j, value in enumerate(uniques):
            found = []
            if name == "assessed_on":
                value = _answers._date(name, value, found)
            else:
                value = _answers._text(name, value, found)
            if found and used[j]:
                problems.add(name, found[0].message, raw == j)
                bad |= raw == j
            cells.append(None if found else value)
        meta[name] = _spread(cells, raw, None, object)
        if name == "justification":
            justified = _spread([bool(v) for v in cells], raw, False, bool)
    return _Encoded(n, codes, context, judgements, justified, meta, bad)


class _Bad:
    def __repr__(self) -> str:
        return "<refused>"


_BAD: Any = _Bad()


def _context_value(
    field: ContextField,
    value: Any,
    name: str,
    where: tuple[NDArray[np.intp], int] | None,
    problems: _Problems,
) -> Any:
    """The checked value of one distinct context cell, or `_BAD` (and a problem).

    `where` is (the column's codes, this value's code), or None if no row holds it.
    """
    if value is None:
        return None
    found: list[Problem] = []
    if field.type == "date":
        checked = _answers._date(name, value, found)
    elif field.type == "text":
        checked = _answers._text(name, value, found)
    else:
        checked = _as_int(value) if field.type == "int" else value
        if not _answers._context_ok(field, checked):
            expected = _answers._context_expected(field)
            found.append(
                Problem(name, f"{_answers._shown(checked)} is not allowed; expected {expected}")
            )
    if found:
        if where is not None:
            problems.add(name, found[0].message, where[0] == where[1])
        return _BAD
    return checked


# -------------------------------------------------------------- conditions


class _Env:
    """What conditions see for every row: encoded answers, score and level rank."""

    def __init__(
        self,
        inst: Instrument,
        enc: _Encoded,
        score: NDArray[np.float64],
        level_rank: NDArray[np.int8],
    ) -> None:
        self.inst = inst
        self.vocab = _scoring.vocabulary(inst)
        self.plan = _plan(inst)
        self.enc = enc
        self.score = score
        self.level_rank = level_rank
        self.dims = [d.id for d in inst.dimensions]

    def codes(self, item: str, dim: str) -> NDArray[np.intp]:
        """The value codes of `item` in `dim` (-1 where not given)."""
        import numpy as np

        found = self.enc.codes.get((item, dim))
        if found is None:
            return np.full(self.enc.n, -1, dtype=np.intp)
        return found.astype(np.intp)

    def values(self, item: str, dim: str) -> tuple[str, ...]:
        return self.plan.by_item[item][self.dims.index(dim)].values

    def holds(self, cond: AnyCondition) -> BoolArray:
        import numpy as np

        if isinstance(cond, AllOf):
            out = np.ones(self.enc.n, dtype=bool)
            for part in cond.all:
                out &= self.holds(part)
            return out
        if isinstance(cond, AnyOf):
            out = np.zeros(self.enc.n, dtype=bool)
            for part in cond.any:
                out |= self.holds(part)
            return out
        if isinstance(cond, Not):
            return ~self.holds(cond.not_)
        if isinstance(cond, ScoreAtLeast):
            return self.score >= cond.score.at_least
        if isinstance(cond, Count):
            return self._count(cond)
        check = compile_condition(cond, self.vocab)
        if isinstance(cond, ItemIs):
            dim = cond.item.dimension or self.vocab.primary
            item = cond.item.id
            values = self.values(item, dim)
            table = [check(Facts({item: {dim: v}}, {}, {})) is not None for v in values]
            none = check(Facts({item: {}}, {}, {})) is not None
            return _spread(table, self.codes(item, dim), none, bool)  # type: ignore[no-any-return]
        if isinstance(cond, LevelAtLeast):
            ranks = range(len(self.inst.levels))
            table = [check(Facts({}, {}, {}, level_rank=r)) is not None for r in ranks]
            none = check(Facts({}, {}, {})) is not None
            return _spread(table, self.level_rank.astype(np.intp), none, bool)  # type: ignore[no-any-return]
        if isinstance(cond, JudgementIs):
            name = cond.judgement.id
            table = [check(Facts({}, {}, {name: lv})) is not None for lv in self.inst.levels]
            none = check(Facts({}, {}, {})) is not None
            return _spread(table, self.enc.judgements[name].astype(np.intp), none, bool)  # type: ignore[no-any-return]
        assert isinstance(cond, ContextIs)
        field = cond.context.id
        raw, distinct = self.enc.context[field]
        table = [check(Facts({}, {field: v}, {})) is not None for v in distinct]
        none = check(Facts({}, {field: None}, {})) is not None
        return _spread(table, raw, none, bool)  # type: ignore[no-any-return]

    def _count(self, cond: Count) -> BoolArray:
        import numpy as np

        test = cond.count
        if test.items is not None:
            ids: Sequence[str] = test.items
        elif test.domain is not None:
            ids = self.vocab.items_by_domain[test.domain]
        else:  # no selector: every item
            ids = [i for items in self.vocab.items_by_domain.values() for i in items]
        dim = test.dimension or self.vocab.primary
        allowed = frozenset(test.in_)
        hits = np.zeros(self.enc.n, dtype=np.int16)
        for item in ids:
            table = [v in allowed for v in self.values(item, dim)]
            hits += _spread(table, self.codes(item, dim), False, bool)
        return hits >= test.at_least


def _groups(columns: Sequence[NDArray[Any]], n: int) -> tuple[NDArray[np.intp], IntArray]:
    """Which distinct combination of `columns` (small non-negative ints) each row has.

    Returns (row → combination, combination → its value in each column).
    """
    import numpy as np

    k = len(columns)
    if k == 0 or n == 0:
        return np.zeros(n, dtype=np.intp), np.zeros((1, k), dtype=np.int64)
    radix = [int(c.max()) + 1 for c in columns]
    size = 1
    for r in radix:
        size *= r
    if size >= 1 << 62:
        stacked = np.stack([c.astype(np.int64) for c in columns], axis=1)
        rows, inverse = np.unique(stacked, axis=0, return_inverse=True)
        return inverse.reshape(-1), rows
    key = np.zeros(n, dtype=np.int64)
    strides = []
    stride = 1
    for column, r in zip(columns, radix, strict=True):
        strides.append(stride)
        key += column.astype(np.int64) * stride
        stride *= r
    if size <= 1 << 20:
        seen = np.flatnonzero(np.bincount(key, minlength=size))
        lookup = np.zeros(size, dtype=np.intp)
        lookup[seen] = np.arange(len(seen))
        inverse = lookup[key]
    else:
        seen, inverse = np.unique(key, return_inverse=True)
    rows = (seen[:, None] // np.array(strides)) % np.array(radix)
    return inverse.reshape(-1), rows.astype(np.int64)


def _objects(values: Sequence[Any], inverse: NDArray[np.intp]) -> ObjArray:
    """An object column holding `values[inverse[i]]` (shared objects, cheap to build)."""
    import numpy as np

    table = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        table[i] = value
    return table[inverse]


# ------------------------------------------------------------------ scoring


@dataclass(slots=True)
class _Cat:
    """A categorical column given as codes (-1 missing) and its categories."""

    codes: Any
    categories: Sequence[str]
    ordered: bool = False


Prefix = tuple[tuple[str, ...], tuple[str, ...]]  # (missing, warnings) before warning rules


def _score(inst: Instrument, enc: _Encoded) -> tuple[dict[str, Any], BoolArray]:
    """The result columns for every row, and the rows that need the row-by-row engine."""
    import numpy as np

    plan = _scoring._plan(inst)
    fplan = _plan(inst)
    n = enc.n
    primary = inst.primary.id
    total = np.zeros(n)
    unknown_bits: list[tuple[str, BoolArray]] = []
    domain_cols: dict[str, Any] = {}
    for domain, ids in plan.domains.items():
        subtotal = np.zeros(n)
        omitted = np.zeros(n, dtype=np.int64)
        counts = {v: np.zeros(n, dtype=np.int64) for v in fplan.domain_values[domain]}
        for ident in ids:
            raw = enc.codes[(ident, primary)].astype(np.intp)
            values = fplan.by_item[ident][0].values
            points = [plan.points[ident][v] or 0.0 for v in values]
            subtotal += _spread(points, raw, 0.0, np.float64)
            unknown = _spread([v in plan.unknown[ident] for v in values], raw, False, bool)
            omitted += unknown
            unknown_bits.append((ident, unknown))
            for k, v in enumerate(values):
                counts[v] += raw == k
        total += subtotal
        for v, count in counts.items():
            domain_cols[f"domain.{domain}.{v}"] = count
        domain_cols[f"domain.{domain}.points"] = subtotal
        domain_cols[f"domain.{domain}.omitted"] = omitted
    if inst.kind == "spj":
        rank, incomplete, prefix_code, prefixes = _by_judgement(inst, enc)
        fallback = np.zeros(n, dtype=bool)
    else:
        rank, incomplete, prefix_code, prefixes, fallback = _by_bands(
            inst, plan, enc, total, unknown_bits
        )
    env = _Env(inst, enc, total, rank)
    warn_bits = [env.holds(w.when) for w in inst.warning_rules]
    needs = np.zeros(n, dtype=bool)
    for rule, fired in zip(inst.warning_rules, warn_bits, strict=True):
        if rule.requires_justification:
            needs |= fired
    needs &= ~enc.justified
    messages = [w.message.en for w in inst.warning_rules]
    combo, rows = _groups([prefix_code, *warn_bits], n)
    warnings = [
        prefixes[row[0]][1] + tuple(m for m, b in zip(messages, row[1:], strict=True) if b)
        for row in rows
    ]
    missing_combo, rows = _groups([prefix_code, needs], n)
    missing = [prefixes[row[0]][0] + (("justification",) if row[1] else ()) for row in rows]
    rule_bits = [env.holds(r.when) for r in inst.measure_rules]
    measure_combo, rows = _groups(rule_bits, n)
    order = catalogue_for(inst).order
    measures = []
    for row in rows:
        best: dict[str, int] = {}
        for measure_rule, fired in zip(inst.measure_rules, row, strict=True):
            if fired:
                level = _URGENCY[measure_rule.priority]
                best[measure_rule.measure] = min(level, best.get(measure_rule.measure, level))
        measures.append(tuple(sorted(best, key=lambda m: (best[m], order[m]))))
    out: dict[str, Any] = {
        "level": _Cat(rank, inst.levels, True),
        "score": total,
        "complete": ~incomplete & ~needs,
        "missing": _objects(missing, missing_combo),
        "warnings": _objects(warnings, combo),
        "measures": _objects(measures, measure_combo),
    }
    urgency = {m: np.full(n, _NONE, dtype=np.int8) for m in fplan.measures}
    for measure_rule, fired in zip(inst.measure_rules, rule_bits, strict=True):
        found = urgency[measure_rule.measure]
        found[fired & (found > _URGENCY[measure_rule.priority])] = _URGENCY[measure_rule.priority]
    for m, most in urgency.items():
        codes = np.where(most == _NONE, -1, len(PRIORITIES) - 1 - most.astype(np.int64))
        out[f"measure.{m}"] = _Cat(codes.astype(np.int8), PRIORITY_ORDER, True)
    out.update(domain_cols)
    return out, fallback


def _by_judgement(
    inst: Instrument, enc: _Encoded
) -> tuple[NDArray[np.int8], BoolArray, NDArray[np.intp], list[Prefix]]:
    """SPJ: the level is the highest `level_from` judgement; without them, no level."""
    import numpy as np

    n = enc.n
    names = inst.scoring.level_from
    absent = [enc.judgements[name] < 0 for name in names]
    incomplete = np.logical_or.reduce(absent) if absent else np.zeros(n, dtype=bool)
    if names:
        rank = np.max(np.stack([enc.judgements[name] for name in names]), axis=0)
    else:  # pragma: no cover - references.py requires level_from for spj instruments
        rank = np.full(n, -1, dtype=np.int8)
    rank[incomplete] = -1
    code, rows = _groups(absent, n)
    prefixes: list[Prefix] = []
    for row in rows:
        gone = [name for name, b in zip(names, row, strict=True) if b]
        message = "no level without the summary judgements: " + ", ".join(gone)
        prefixes.append((tuple(f"judgements.{g}" for g in gone), (message,) if gone else ()))
    return rank.astype(np.int8), incomplete, code, prefixes


def _by_bands(
    inst: Instrument,
    plan: Any,
    enc: _Encoded,
    total: NDArray[np.float64],
    unknown_bits: list[tuple[str, BoolArray]],
) -> tuple[NDArray[np.int8], BoolArray, NDArray[np.intp], list[Prefix], BoolArray]:
    """Actuarial and checklist: bands over the total, the missing policy, escalations."""
    import numpy as np

    n = enc.n
    policy = inst.scoring.missing
    unknown_count = np.zeros(n, dtype=np.int64)
    for _, bits in unknown_bits:
        unknown_count += bits
    too_many = unknown_count > policy.max_unknown if policy is not None else np.zeros(n, dtype=bool)
    if policy is not None and policy.total == "prorate":
        scaled_rows = ~too_many & (unknown_count > 0)
        if scaled_rows.any():
            size = len(inst.items)
            known = size - unknown_count[scaled_rows]
            scaled = total[scaled_rows] * size / np.maximum(known, 1)
            distinct, inverse = np.unique(scaled, return_inverse=True)
            rounded = np.array([round(float(x), 2) for x in distinct])
            total[scaled_rows] = np.where(known > 0, rounded[inverse.reshape(-1)], 0.0)
    total[too_many] = np.nan  # past the missing-item limit there is no score either
    rank = np.searchsorted(np.array(plan.bounds), total, side="right") - 1
    # Python would index levels[-1] below the lowest band; the engine does that, we don't
    # guess: such rows (impossible for the built-in instruments) go row by row.
    fallback = ~too_many & (rank < 0)
    rank[too_many | fallback] = -1
    env = _Env(inst, enc, total, rank.astype(np.int8))
    for escalation in inst.escalations:
        fired = env.holds(escalation.when) & ~too_many & ~fallback
        if escalation.to is not None:
            target = np.full(n, plan.rank[escalation.to], dtype=np.int64)
        else:
            target = enc.judgements[escalation.to_judgement or ""].astype(np.int64)
        rank = np.where(fired & (target >= 0) & (target > rank), target, rank)
    ids = [ident for ident, _ in unknown_bits]
    code = np.zeros(n, dtype=np.intp)
    prefixes: list[Prefix] = [((), ())]
    if too_many.any():
        sub, rows = _groups([b[too_many] for _, b in unknown_bits], int(too_many.sum()))
        code[too_many] = sub + 1
        limit = policy.max_unknown if policy is not None else 0
        for row in rows:
            gone = [ident for ident, b in zip(ids, row, strict=True) if b]
            message = (
                f"{len(gone)} items are unknown ({', '.join(gone)}); at most "
                f"{limit} may be, so no level is given"
            )
            prefixes.append((tuple(f"items.{g}" for g in gone), (message,)))
    return rank.astype(np.int8), too_many, code, prefixes, fallback


# ------------------------------------------------------------- public functions


def score_frame(
    instrument: Instrument | str,
    df: pd.DataFrame,
    *,
    keep: Sequence[str] = (),
    on_error: OnError = "raise",
) -> pd.DataFrame:
    """Score every row of an answer frame at once; one result row per input row.

    The result has the input's index, the `keep` columns first, then the columns
    `result_columns(instrument)` lists; it equals `to_frame` of assessing each row (see
    `frame_to_answers`) with `assess`. Values outside an item's scale, unknown columns
    and missing required answers raise one `AnswerError` naming each column, some of
    the rows and the allowed values. With ``on_error="collect"`` refused rows get no
    level or score and their problems in a `problems` column instead (a column that is
    unknown or absent altogether still raises).
    """
    _require_pandas()
    import pandas as pd

    inst = _instrument(instrument)
    if not isinstance(df, pd.DataFrame) and hasattr(df, "to_pandas"):
        df = df.to_pandas()  # a polars (or pyarrow) frame
    if not isinstance(df, pd.DataFrame):
        raise AnswerError([Problem("", "expected a pandas DataFrame of answers")], inst.id)
    if on_error not in ("raise", "collect"):
        message = f"{on_error!r} is not allowed; expected 'raise' or 'collect'"
        raise AnswerError([Problem("on_error", message)], inst.id)
    structural = _check_columns(inst, df, keep, on_error)
    if structural:
        raise AnswerError(structural, inst.id)
    problems = _Problems(df.index)
    enc = _encode(inst, df, problems)
    if problems.found and on_error == "raise":
        raise AnswerError(problems.found, inst.id)
    columns, fallback = _score(inst, enc)
    columns = {**_meta_columns(inst, enc), **columns}
    if on_error == "collect":
        columns["problems"] = _objects([()], _zeros(enc.n))
    plan = _plan(inst)
    import numpy as np

    bad_rows = [int(i) for i in np.flatnonzero(enc.bad)]
    redo = [int(i) for i in np.flatnonzero(fallback & ~enc.bad)]
    for position, answers in zip(bad_rows, frame_to_answers(inst, df.iloc[bad_rows]), strict=True):
        try:
            _answers.validate_answers(inst, answers)
        except AnswerError as exc:
            _blank(columns, position, tuple(str(p) for p in exc.problems))
        else:  # pragma: no cover - the column checks are never stricter than assess
            redo.append(position)
    redo.sort()
    for position, answers in zip(redo, frame_to_answers(inst, df.iloc[redo]), strict=True):
        _write(plan, columns, position, assess(inst, answers))
    out = _finish(columns, df.index, plan.output)
    if keep:
        out = pd.concat([df[list(keep)], out], axis=1)
    return out


def _zeros(n: int) -> NDArray[np.intp]:
    import numpy as np

    return np.zeros(n, dtype=np.intp)


def score_partition(
    df: pd.DataFrame,
    instrument: Instrument | str,
    *,
    keep: Sequence[str] = (),
    on_error: OnError = "raise",
) -> pd.DataFrame:
    """`score_frame` with the frame first, as Dask's ``map_partitions`` calls it.

    Pass the instrument as its id (or path) when partitions may run in other processes:
    a string travels to any worker, and each worker loads and caches the definition.
    """
    return score_frame(instrument, df, keep=keep, on_error=on_error)


def _check_columns(
    inst: Instrument, df: pd.DataFrame, keep: Sequence[str], on_error: OnError
) -> list[Problem]:
    plan = _plan(inst)
    known = [*plan.items, *plan.context, *plan.judgements, *META]
    names = [str(c) for c in df.columns]
    problems = []
    if isinstance(keep, str):
        problems.append(Problem("keep", "must be a list of column names, not one string"))
        keep = ()
    for name in sorted({c for c in names if names.count(c) > 1}):
        problems.append(Problem(name, "the column appears more than once"))
    output = {*plan.output, "problems"} if on_error == "collect" else set(plan.output)
    for name in keep:
        if name not in names:
            problems.append(Problem(name, "a kept column that is not in the frame"))
        elif name in output:
            problems.append(Problem(name, "a kept column with the name of a result column"))
    for name in names:
        if name not in known and name not in keep:
            match = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {match[0]!r}?" if match else ""
            message = f"unknown column{hint} (name it in keep=[...] to carry it through)"
            problems.append(Problem(name, message))
    for ident, cols in plan.by_item.items():
        item = inst.item_by_id[ident]
        if item.required and item.default is None and not any(c.name in names for c in cols):
            expected = _answers._expected(cols[0].values)
            problems.append(Problem(ident, f"no such column; every row needs it, {expected}"))
    for name, field in plan.context.items():
        if field.required and name not in names:
            problems.append(Problem(name, f"no such column; a {field.type} value is required"))
    return problems


def _meta_columns(inst: Instrument, enc: _Encoded) -> dict[str, Any]:
    from ..engine.assessment import _provenance

    provenance = _provenance(inst)
    zeros = _zeros(enc.n).astype("int8")
    out: dict[str, Any] = {"case_ref": enc.meta["case_ref"], "assessed_on": enc.meta["assessed_on"]}
    for name in PROVENANCE:
        out[name] = _Cat(zeros, [getattr(provenance, name)])
    return out


def _blank(columns: dict[str, Any], i: int, problems: tuple[str, ...]) -> None:
    """Make row `i` a refused row: no level, no score, nothing recommended."""
    import numpy as np

    for name, column in columns.items():
        if name in PROVENANCE:
            continue
        if isinstance(column, _Cat):
            column.codes[i] = -1
        elif name in ("case_ref", "assessed_on"):
            column[i] = None
        elif name in ("missing", "warnings", "measures"):
            column[i] = ()
        elif name == "problems":
            column[i] = problems
        elif name == "complete":
            column[i] = False
        else:
            if column.dtype != np.float64:
                columns[name] = column = column.astype(np.float64)
            column[i] = np.nan


def _values(plan: _Plan, result: Result) -> dict[str, Any]:
    """The result columns of one Result, as `_finish` expects them."""
    out: dict[str, Any] = {
        "case_ref": result.case_ref,
        "assessed_on": result.assessed_on,
        "instrument": result.provenance.instrument,
        "version": result.provenance.version,
        "digest": result.provenance.digest,
        "library": result.provenance.library,
        "level": -1 if result.level is None else plan.levels.index(result.level),
        "score": float("nan") if result.score is None else float(result.score),
        "complete": result.complete,
        "missing": tuple(result.missing),
        "warnings": tuple(result.warnings),
        "measures": tuple(m.id for m in result.measures),
    }
    given = {m.id: m.priority for m in result.measures}
    for m in plan.measures:
        out[f"measure.{m}"] = PRIORITY_ORDER.index(given[m]) if m in given else -1
    summaries = {d.domain: d for d in result.domains}
    for domain, values in plan.domain_values.items():
        summary = summaries[domain]
        for v in values:
            out[f"domain.{domain}.{v}"] = summary.counts.get(v, 0)
        out[f"domain.{domain}.points"] = float(summary.points)
        out[f"domain.{domain}.omitted"] = summary.omitted
    return out


def _write(plan: _Plan, columns: dict[str, Any], i: int, result: Result) -> None:
    """Put one Result computed row by row into row `i` of the column arrays."""
    for name, value in _values(plan, result).items():
        column = columns[name]
        if isinstance(column, _Cat):
            if name in PROVENANCE:
                continue
            column.codes[i] = value
        else:
            column[i] = value


def _categorical(codes: Any, categories: Sequence[str], ordered: bool = False) -> Any:
    """A categorical from codes (-1 missing); the categories in the order given."""
    import pandas as pd

    return pd.Categorical.from_codes(codes, categories=pd.Index(list(categories)), ordered=ordered)


def _finish(columns: dict[str, Any], index: Any, order: Sequence[str]) -> pd.DataFrame:
    import pandas as pd

    data = {}
    for name in [*order, *(c for c in columns if c not in order)]:
        column = columns[name]
        if isinstance(column, _Cat):
            data[name] = _categorical(
                column.codes, categories=list(column.categories), ordered=column.ordered
            )
        elif column.dtype == object:  # kept as Python objects: no string inference
            data[name] = pd.Series(column, index=index, dtype=object, copy=False)
        else:
            data[name] = column
    frame: pd.DataFrame = pd.DataFrame(data, index=index, copy=False)
    return frame


def answer_columns(instrument: Instrument | str) -> list[str]:
    """Every answer column `score_frame` reads for `instrument`, in order."""
    plan = _plan(_instrument(instrument))
    return [*plan.items, *plan.context, *plan.judgements, *META]


class _Error:
    """Placeholder for a refused row while `to_frame` collects its columns."""


_ERROR: Any = _Error()


def to_frame(
    results: Iterable[Result | RowError],
    *,
    instrument: Instrument | str | None = None,
    items: bool = False,
) -> pd.DataFrame:
    """A flat table of results, one row each, with the columns `result_columns` lists.

    `results` may be any iterable, such as `assess_many(...)`; `RowError` records
    become rows with no level and their problems in a `problems` column. All results
    must come from one instrument: `instrument`, or the built-in one with their id.
    ``items=True`` adds the answers as well (item, ``context.*`` and level
    ``judgements.*`` columns, named as `score_frame` reads them); free text is never
    included.
    """
    _require_pandas()
    inst = _instrument(instrument) if instrument is not None else None
    columns: dict[str, list[Any]] | None = None
    plan: _Plan | None = None
    pending = 0
    problems: list[tuple[str, ...]] = []
    for i, record in enumerate(results):
        if isinstance(record, RowError):
            problems.append(tuple(str(p) for p in record.problems))
            if columns is None:
                pending += 1
            else:
                for column in columns.values():
                    column.append(_ERROR)
            continue
        if not isinstance(record, Result):
            raise AnswerError([Problem(f"results.{i}", "is not a Result or a RowError")])
        if inst is None:
            inst = _instrument_of(record)
        if record.instrument != inst.id:
            message = f"is from {record.instrument}, not {inst.id}: make one frame per instrument"
            raise AnswerError([Problem(f"results.{i}.instrument", message)], inst.id)
        if columns is None or plan is None:
            plan = _plan(inst)
            names = [*plan.output, *(_answer_names(plan) if items else ())]
            columns = {name: [_ERROR] * pending for name in names}
        try:
            values = _values(plan, record)
        except (KeyError, ValueError):
            message = (
                f"does not fit {inst.id} {inst.version}: pass instrument= the definition "
                "it was computed with"
            )
            raise AnswerError([Problem(f"results.{i}", message)], inst.id) from None
        if items:
            values.update(_answer_values(plan, record))
        for name, column in columns.items():
            column.append(values[name])
        problems.append(())
    import pandas as pd

    if inst is None or columns is None or plan is None:
        if inst is None:
            frame = pd.DataFrame(index=pd.RangeIndex(len(problems)))
            if problems:
                frame["problems"] = _object_array(problems)
            return frame  # type: ignore[no-any-return]
        plan = _plan(inst)
        names = [*plan.output, *(_answer_names(plan) if items else ())]
        columns = {name: [_ERROR] * pending for name in names}
    arrays = _arrays(inst, plan, columns)
    if any(problems):
        arrays["problems"] = _object_array(problems)
        for i, found in enumerate(problems):
            if found:
                _blank(arrays, i, found)
    return _finish(arrays, pd.RangeIndex(len(problems)), list(arrays))


def _instrument_of(result: Result) -> Instrument:
    return instrument_of(result, error=AnswerError)


def _answer_names(plan: _Plan) -> list[str]:
    levels = [n for n, j in plan.judgements.items() if j.type == "level"]
    return [*plan.items, *plan.context, *levels]


def _answer_values(plan: _Plan, result: Result) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, col in plan.items.items():
        value = result.ratings.get(col.item, {}).get(col.dim)
        out[name] = -1 if value is None else col.values.index(value)
    for name, field in plan.context.items():
        out[name] = result.context.get(field.id)
    for name, judgement in plan.judgements.items():
        if judgement.type == "level":
            value = result.judgements.get(judgement.id)
            out[name] = -1 if value is None else plan.levels.index(value)
    return out


def _object_array(values: Sequence[Any]) -> ObjArray:
    import numpy as np

    out = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        out[i] = value
    return out


def _arrays(inst: Instrument, plan: _Plan, columns: dict[str, list[Any]]) -> dict[str, Any]:
    """Column lists (with `_ERROR` placeholders) as the arrays `_finish` expects."""
    import numpy as np

    from ..engine.assessment import _provenance

    provenance = _provenance(inst)
    out: dict[str, Any] = {}
    for name, values in columns.items():
        if name in PROVENANCE:
            default = getattr(provenance, name)
            filled = [default if v is _ERROR else v for v in values]
            categories = sorted(set(filled))
            position = {c: i for i, c in enumerate(categories)}
            codes = np.array([position[v] for v in filled], dtype=np.int8)
            out[name] = _Cat(codes, categories)
            continue
        if name == "level" or name.startswith("measure."):
            codes = np.array([-1 if v is _ERROR else v for v in values], dtype=np.int8)
            order = plan.levels if name == "level" else PRIORITY_ORDER
            out[name] = _Cat(codes, order, True)
        elif name in plan.items:
            codes = np.array([-1 if v is _ERROR else v for v in values], dtype=np.int8)
            out[name] = _Cat(codes, plan.items[name].values)
        elif name in plan.judgements:
            codes = np.array([-1 if v is _ERROR else v for v in values], dtype=np.int8)
            out[name] = _Cat(codes, plan.levels, True)
        elif name in ("missing", "warnings", "measures"):
            out[name] = _object_array([() if v is _ERROR else v for v in values])
        elif name in ("case_ref", "assessed_on") or name in plan.context:
            out[name] = _object_array([None if v is _ERROR else v for v in values])
        elif name == "complete":
            out[name] = np.array([False if v is _ERROR else v for v in values], dtype=bool)
        elif name == "score" or name.endswith(".points"):
            out[name] = np.array([0.0 if v is _ERROR else v for v in values], dtype=np.float64)
        else:
            out[name] = np.array([0 if v is _ERROR else v for v in values], dtype=np.int64)
    return out


def synthetic_frame(
    instrument: Instrument | str, rows: int, *, seed: int = 0, missing: float = 0.02
) -> pd.DataFrame:
    """A seeded frame of made-up answers for demonstrations and benchmarks.

    No row describes a real person: every value is drawn from a random generator seeded
    with `seed`, so the same call gives the same frame. A hidden risk per row makes
    item presence and the summary judgements go together, so analyses have something to
    find. About `missing` of the rows lack a summary judgement or rate an item unknown.
    Item and judgement columns are categoricals; `case_ref` is ``synthetic-<n>``.
    """
    _require_pandas()
    import numpy as np
    import pandas as pd

    inst = _instrument(instrument)
    plan = _plan(inst)
    rng = np.random.default_rng(seed)
    risk = rng.beta(2.0, 4.0, size=rows)
    data: dict[str, Any] = {}
    for ident, cols in plan.by_item.items():
        lean = rng.uniform(0.4, 1.4)
        for col in cols:
            scale = inst.scale_for(inst.item_by_id[ident], inst.dimensions[cols.index(col)])
            known = [i for i, v in enumerate(scale.values) if not v.unknown]
            unknown = [i for i, v in enumerate(scale.values) if v.unknown]
            p = np.clip(risk * lean * (1.2 if col.primary else 1.0), 0.0, 1.0)
            codes = np.array(known)[rng.binomial(len(known) - 1, p)]
            if unknown and missing > 0:
                codes[rng.random(rows) < missing] = unknown[0]
            data[col.name] = _categorical(codes, categories=list(col.values))
    for name, field in plan.context.items():
        if field.type == "bool":
            data[name] = rng.random(rows) < 0.15 + 0.5 * risk
        elif field.type == "int":
            low = field.min if field.min is not None else 0
            high = field.max if field.max is not None else low + 20
            data[name] = np.clip(low + rng.poisson(1 + 5 * risk), low, high)
        elif field.type == "choice":
            choices = [ch.id for ch in field.choices]
            data[name] = _categorical(rng.integers(0, len(choices), rows), categories=choices)
        elif field.type == "date":
            start = np.datetime64("2019-01-01")
            data[name] = start + rng.integers(0, 7 * 365, rows).astype("timedelta64[D]")
    levels = len(inst.levels)
    for name, judgement in plan.judgements.items():
        if judgement.type != "level":
            continue
        noisy = np.clip(risk * 1.8 + rng.normal(0.0, 0.12, rows), 0.0, 0.999)
        codes = (noisy * levels).astype(np.int8)
        if inst.kind == "spj":
            codes[rng.random(rows) < missing] = -1
        else:
            codes[rng.random(rows) > 0.1] = -1  # an optional override, seldom used
        data[name] = _categorical(codes, categories=inst.levels, ordered=True)
    data["case_ref"] = [f"synthetic-{i:07d}" for i in range(rows)]
    start = np.datetime64("2019-01-01")
    data["assessed_on"] = start + rng.integers(0, 7 * 365, rows).astype("timedelta64[D]")
    justification = np.full(rows, None, dtype=object)
    justification[rng.random(rows) < 0.8] = "synthetic justification"
    data["justification"] = justification
    return pd.DataFrame(data)  # type: ignore[no-any-return]
