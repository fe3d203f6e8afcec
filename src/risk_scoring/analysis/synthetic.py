"""Seeded frames of made-up answers, for demonstrations and benchmarks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..definition.instrument import Instrument
from ..engine.plan import plan_of
from .columns import categorical, instrument as _instrument, layout, require_pandas

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["synthetic_frame"]


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
    require_pandas()
    import numpy as np
    import pandas as pd

    inst = _instrument(instrument)
    lay = layout(plan_of(inst))
    fields = {f.id: f for f in inst.context}
    kinds = {j.id: j.type for j in inst.judgements}
    rng = np.random.default_rng(seed)
    risk = rng.beta(2.0, 4.0, size=rows)
    data: dict[str, Any] = {}
    for ident, cols in lay.by_item.items():
        lean = rng.uniform(0.4, 1.4)
        for col in cols:
            scale = inst.scale_for(inst.item_by_id[ident], inst.dimensions[cols.index(col)])
            known = [i for i, v in enumerate(scale.values) if not v.unknown]
            unknown = [i for i, v in enumerate(scale.values) if v.unknown]
            p = np.clip(risk * lean * (1.2 if col.primary else 1.0), 0.0, 1.0)
            codes = np.array(known)[rng.binomial(len(known) - 1, p)]
            if unknown and missing > 0:
                codes[rng.random(rows) < missing] = unknown[0]
            data[col.name] = categorical(codes, categories=list(col.values))
    for name, ident in lay.context.items():
        field = fields[ident]
        if field.type == "bool":
            data[name] = rng.random(rows) < 0.15 + 0.5 * risk
        elif field.type == "int":
            low = field.min if field.min is not None else 0
            high = field.max if field.max is not None else low + 20
            data[name] = np.clip(low + rng.poisson(1 + 5 * risk), low, high)
        elif field.type == "choice":
            choices = [ch.id for ch in field.choices]
            data[name] = categorical(rng.integers(0, len(choices), rows), categories=choices)
        elif field.type == "date":
            start = np.datetime64("2019-01-01")
            data[name] = start + rng.integers(0, 7 * 365, rows).astype("timedelta64[D]")
    levels = len(inst.levels)
    for name, ident in lay.judgements.items():
        if kinds[ident] != "level":
            continue
        noisy = np.clip(risk * 1.8 + rng.normal(0.0, 0.12, rows), 0.0, 0.999)
        codes = (noisy * levels).astype(np.int8)
        if inst.kind == "spj":
            codes[rng.random(rows) < missing] = -1
        else:
            codes[rng.random(rows) > 0.1] = -1  # an optional override, seldom used
        data[name] = categorical(codes, categories=inst.levels, ordered=True)
    data["case_ref"] = [f"synthetic-{i:07d}" for i in range(rows)]
    start = np.datetime64("2019-01-01")
    data["assessed_on"] = start + rng.integers(0, 7 * 365, rows).astype("timedelta64[D]")
    justification = np.full(rows, None, dtype=object)
    justification[rng.random(rows) < 0.8] = "synthetic justification"
    data["justification"] = justification
    return pd.DataFrame(data)  # type: ignore[no-any-return]
