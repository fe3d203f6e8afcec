"""The columns of answer and result frames, and the array helpers the frame modules share.

`layout(plan)` names every column for an instrument (see `risk_scoring.analysis.frames`
for what each holds). Needs numpy and pandas, imported when a function runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..definition.evidence import encode
from ..definition.instrument import PRIORITIES, Instrument
from ..engine.plan import Plan, plan_of
from . import checks

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from numpy.typing import NDArray

    BoolArray = NDArray[np.bool_]
    ObjArray = NDArray[np.object_]

META = ("case_ref", "assessed_on", "justification")
PROVENANCE = ("instrument", "version", "digest", "library")
#: The categories of the `measure.<id>` columns, least urgent first.
PRIORITY_ORDER = tuple(reversed(PRIORITIES))


def require_pandas() -> None:
    """Import pandas, or raise `ExtraNotInstalledError` naming the frames extra."""
    checks.module("pandas", "frames", "DataFrames need pandas")


def instrument(ref: object, argument: str = "instrument") -> Instrument:
    """A loaded Instrument, a built-in id or a path, loaded (`checks.instrument`)."""
    return checks.instrument(ref, argument)


@dataclass(frozen=True, slots=True)
class Column:
    """One answer column: an item's dimension, and the values its scale allows."""

    name: str
    item: str
    dim: str
    values: tuple[str, ...]
    primary: bool


@dataclass(frozen=True, slots=True)
class Layout:
    """Every column of an instrument's answer and result frames."""

    items: dict[str, Column]
    by_item: dict[str, tuple[Column, ...]]
    column_of: dict[tuple[str, str], str]
    """(item, dimension) → its column name."""
    context: dict[str, str]
    """Column name → context field id."""
    judgements: dict[str, str]
    """Column name → judgement id."""
    domain_values: dict[str, tuple[str, ...]]
    output: tuple[str, ...]
    answers: tuple[str, ...]
    decided: tuple[str, ...] = ()
    """The categories of the `decided_by` column: what can set the level."""
    research: tuple[tuple[str | None, str, str], ...] = ()
    """spj research totals: (dimension, None for lifetime; its column; its rated column)."""


_RESERVED = frozenset({"context", "judgements", *META})
_SUMMARY = frozenset({"points", "omitted"})
_LIFETIME = frozenset({"lifetime"})
#: The categories of the `route` column.
ROUTES = ("rules", "judgement")


def _part(text: str, reserved: frozenset[str]) -> str:
    """`text` percent-encoded (``%``, ``.``, ``=``), its first letter too if reserved."""
    shown = encode(text)
    return f"%{ord(shown[0]):02X}{shown[1:]}" if shown in reserved else shown


def column_name(item: str, dim: str, primary: bool) -> str:
    """An item's column: its id for the primary dimension, ``<id>.<dimension>`` else.

    Ids are percent-encoded as in evidence (``A.x`` is ``A%2Ex``), and an item named
    ``context``, ``judgements`` or like a case column has its first letter encoded, so
    no two columns share a name.
    """
    head = _part(item, _RESERVED)
    return head if primary else f"{head}.{encode(dim)}"


def domain_column(domain: str, value: str, *, summary: bool = False) -> str:
    """A result column of a domain: ``domain.<domain>.<value>`` for how many items took
    `value`, or with ``summary=True`` ``domain.<domain>.points`` / ``.omitted`` (a value
    of that name has its first letter encoded)."""
    shown = value if summary else _part(value, _SUMMARY)
    return f"domain.{encode(domain)}.{shown}"


def research_column(dimension: str | None, *, rated: bool = False) -> str:
    """A research total's column: ``research.<dimension>``, ``research.lifetime`` for the
    lifetime total (a dimension of that name has its first letter encoded), and
    ``.rated`` after it for how many items were rated on it."""
    name = "research." + ("lifetime" if dimension is None else _part(dimension, _LIFETIME))
    return f"{name}.rated" if rated else name


def decided_categories(plan: Plan) -> tuple[str, ...]:
    """What can set the level of `plan`'s instrument, as `decided_by` names it."""
    if plan.kind == "spj":
        return ("judgement",)
    return tuple(dict.fromkeys(["band", *(e.rule.id for e in plan.escalations)]))


@lru_cache(maxsize=64)
def layout(plan: Plan) -> Layout:
    """The columns of `plan`'s instrument (cached by plan)."""
    items: dict[str, Column] = {}
    by_item: dict[str, tuple[Column, ...]] = {}
    column_of = {}
    for ident, item in plan.items.items():
        cols = []
        for i, dim in enumerate(plan.dimensions):
            col = Column(column_name(ident, dim, i == 0), ident, dim, item.values[dim], i == 0)
            items[col.name] = col
            column_of[(ident, dim)] = col.name
            cols.append(col)
        by_item[ident] = tuple(cols)
    domain_values: dict[str, tuple[str, ...]] = {}
    for domain, ids in plan.domains.items():
        seen: dict[str, None] = {}
        for ident in ids:
            seen.update(dict.fromkeys(plan.items[ident].values[plan.primary]))
        domain_values[domain] = tuple(seen)
    output = [*META[:2], *PROVENANCE, "level", "score", "complete"]
    output += ["missing", "warnings", "measures", *(f"measure.{m}" for m in plan.measure_ids)]
    for domain, values in domain_values.items():
        output += [domain_column(domain, v) for v in values]
        output += [
            domain_column(domain, "points", summary=True),
            domain_column(domain, "omitted", summary=True),
        ]
    research: list[tuple[str | None, str, str]] = []
    if plan.research is not None:
        for over in (*plan.research.dimensions, None):
            research.append((over, research_column(over), research_column(over, rated=True)))
    output += ["decided_by", "route"]
    for _, total, rated in research:
        output += [total, rated]
    context = {f"context.{f}": f for f in plan.context}
    judgements = {f"judgements.{j}": j for j in plan.judgements}
    return Layout(
        items,
        by_item,
        column_of,
        context,
        judgements,
        domain_values,
        tuple(output),
        (*items, *context, *judgements, *META),
        decided_categories(plan),
        tuple(research),
    )


def layout_of(ref: Instrument | str) -> Layout:
    return layout(plan_of(instrument(ref)))


# ------------------------------------------------------------ plain cell values


def plain(value: Any) -> Any:
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


def as_int(value: Any) -> Any:
    """Integral floats in an integer column are integers that pandas stored as floats."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def factorize(series: pd.Series[Any]) -> tuple[NDArray[Any], list[Any]]:
    """Codes (-1 for missing) and the distinct values, as plain values.

    A categorical's codes are its own (do not write to them); some categories may not
    occur in the column.
    """
    import pandas as pd

    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        uniques = list(series.cat.categories)
    elif series.dtype == bool or (series.dtype.kind in "iu" and len(series)):
        return _small(series.to_numpy())
    else:
        try:
            codes, found = pd.factorize(series, use_na_sentinel=True)
        except TypeError:  # an unhashable cell (a list, a dict): the checks refuse it
            return _typed(series)
        uniques = list(found)
        if series.dtype == object and any(_ambiguous(u) for u in uniques):
            return _typed(series)
    return codes, [plain(u) for u in uniques]


def _small(values: NDArray[Any]) -> tuple[NDArray[Any], list[Any]]:
    """`factorize` of a numpy bool or integer column without a hash table: by counting,
    when its values span a small range (else pandas' factorize)."""
    import numpy as np
    import pandas as pd

    if values.dtype == bool:
        return values.astype(np.int8), [False, True]
    low, high = int(values.min()), int(values.max())
    if high - low >= 1 << 15:
        codes, found = pd.factorize(values)
        return codes, [plain(u) for u in found]
    shifted = values - low if low else values
    seen = np.flatnonzero(np.bincount(shifted, minlength=high - low + 1))
    lookup = np.zeros(high - low + 1, dtype=np.int8 if len(seen) < 127 else np.int16)
    lookup[seen] = np.arange(len(seen))
    return lookup[shifted], [int(low + v) for v in seen]


def _ambiguous(value: object) -> bool:
    """Whether factorizing may have merged `value` with a value of another type: True
    equals 1 and False equals 0 (and 1.0), but they are different answers."""
    import numpy as np

    if isinstance(value, (bool, np.bool_)):
        return True
    return isinstance(value, (int, float, np.number)) and value in (0, 1)


def _typed(series: pd.Series[Any]) -> tuple[NDArray[Any], list[Any]]:
    """`factorize`, telling values of different types apart, and taking cells that
    cannot be hashed (each its own value, for the checks to refuse): a slower, exact path."""
    import numpy as np

    missing = series.isna().to_numpy()
    codes = np.full(len(series), -1, dtype=np.intp)
    seen: dict[tuple[type, Any], int] = {}
    uniques: list[Any] = []
    for i, value in enumerate(series.tolist()):
        if missing[i]:
            continue
        key: tuple[type, Any] = (value.__class__, value)
        try:
            code = seen.setdefault(key, len(uniques))
        except TypeError:
            key, code = (value.__class__, id(value)), len(uniques)
            seen[key] = code
        if code == len(uniques):
            uniques.append(value)
        codes[i] = code
    return codes, [plain(value) for value in uniques]


def recode(table: Sequence[int], codes: NDArray[Any]) -> NDArray[Any]:
    """`table[code]` as int8 for every row (-1 where the code is -1), as a new array."""
    import numpy as np

    if list(table) == list(range(len(table))) and len(table) < 128:
        return codes.astype(np.int8, copy=True)
    return spread(table, codes, -1, np.int8)  # type: ignore[no-any-return]


def spread(table: Sequence[Any], codes: NDArray[Any], missing: Any, dtype: Any) -> Any:
    """`table[code]` for every row, and `missing` where the code is -1."""
    import numpy as np

    lookup = np.array([*table, missing], dtype=dtype)
    return lookup[codes]


def objects(values: Sequence[Any], inverse: NDArray[np.intp]) -> ObjArray:
    """An object column holding `values[inverse[i]]` (shared objects, cheap to build)."""
    return object_array(values)[inverse]


def object_array(values: Sequence[Any]) -> ObjArray:
    import numpy as np

    out = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        out[i] = value
    return out


def groups(columns: Sequence[NDArray[Any]], n: int) -> tuple[NDArray[np.intp], NDArray[np.int64]]:
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
        if r > 1:
            key += column.astype(np.int64) * stride
        stride *= r
    if size <= 1 << 16:
        seen = np.flatnonzero(np.bincount(key, minlength=size))
        lookup = np.zeros(size, dtype=np.intp)
        lookup[seen] = np.arange(len(seen))
        inverse = lookup[key]
    else:
        import pandas as pd

        inverse, seen = pd.factorize(key, sort=True)
        seen = np.asarray(seen)
    rows = (seen[:, None] // np.array(strides)) % np.array(radix)
    return inverse.reshape(-1).astype(np.intp, copy=False), rows.astype(np.int64)


@dataclass(slots=True)
class Cat:
    """A categorical column given as codes (-1 missing) and its categories."""

    codes: Any
    categories: Sequence[str]
    ordered: bool = False


def categorical(codes: Any, categories: Sequence[str], ordered: bool = False) -> Any:
    """A categorical from codes (-1 missing); the categories in the order given."""
    import pandas as pd

    return pd.Categorical.from_codes(codes, categories=pd.Index(list(categories)), ordered=ordered)


def finish(columns: dict[str, Any], index: Any, order: Sequence[str]) -> pd.DataFrame:
    import pandas as pd

    data = {}
    for name in [*order, *(c for c in columns if c not in order)]:
        column = columns[name]
        if isinstance(column, Cat):
            data[name] = categorical(
                column.codes, categories=list(column.categories), ordered=column.ordered
            )
        elif column.dtype == object:  # kept as Python objects: no string inference
            data[name] = pd.Series(column, index=index, dtype=object, copy=False)
        else:
            data[name] = column
    frame: pd.DataFrame = pd.DataFrame(data, index=index, copy=False)
    return frame


def mark_personal(frame: pd.DataFrame, plan: Plan, lay: Layout) -> pd.DataFrame:
    """`frame`, with the names of its columns that hold free text (personal data: the
    case reference, text context fields) in ``frame.attrs["personal_data"]``, in column
    order, so an export can drop them: ``frame.drop(columns=frame.attrs["personal_data"])``."""
    text = {n for n, f in lay.context.items() if plan.context[f].type == "text"}
    frame.attrs["personal_data"] = [c for c in frame.columns if c == "case_ref" or c in text]
    return frame


def blank(columns: dict[str, Any], i: int, problems: tuple[str, ...]) -> None:
    """Make row `i` a refused row: no level, no score, nothing recommended."""
    import numpy as np

    for name, column in columns.items():
        if name in PROVENANCE:
            continue
        if isinstance(column, Cat):
            column.codes[i] = -1
        elif name in ("case_ref", "assessed_on"):
            column[i] = None
        elif name in ("missing", "warnings", "measures"):
            column[i] = ()
        elif name == "problems":
            column[i] = problems
        elif name == "complete":
            column[i] = False
        elif column.dtype == object:  # a context column of to_frame(items=True): bool, text
            column[i] = None
        else:
            if column.dtype != np.float64:
                columns[name] = column = column.astype(np.float64)
            column[i] = np.nan
