"""Hypothesis strategies for property-testing code that uses risk_scoring.

>>> from hypothesis import given
>>> from risk_scoring.testing import answers
>>> inst = load_instrument("dash")          # doctest: +SKIP
>>> @given(answers(inst))                   # doctest: +SKIP
... def test_always_scores(a): inst.assess(a)

Needs the `testing` extra (Hypothesis); importing `risk_scoring` alone never imports it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from .instrument import ContextField, Instrument

__all__ = ["answers", "invalid_answers"]


def _context_value(field: ContextField) -> st.SearchStrategy[Any]:
    if field.type == "bool":
        return st.booleans()
    if field.type == "int":
        low = field.min if field.min is not None else 0
        return st.integers(low, field.max if field.max is not None else low + 50)
    if field.type == "choice":
        return st.sampled_from([ch.id for ch in field.choices])
    if field.type == "date":
        return st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat)
    return st.text(max_size=40)


@st.composite
def _item(draw: st.DrawFn, inst: Instrument, item_id: str, known_only: bool) -> Any:
    item = inst.item_by_id[item_id]
    rating: dict[str, Any] = {}
    for i, dim in enumerate(inst.dimensions):
        values = [v.id for v in inst.scale_for(item, dim).values if not (known_only and v.unknown)]
        if i == 0 or dim.required or draw(st.booleans()):
            rating[dim.id] = draw(st.sampled_from(values))
    if draw(st.booleans()):
        rating["note"] = draw(st.text(max_size=30))
    if len(rating) == 1 and inst.primary.id in rating and draw(st.booleans()):
        return rating[inst.primary.id]
    return rating


@st.composite
def answers(
    draw: st.DrawFn,
    instrument: Instrument,
    *,
    complete: bool = True,
    unknowns: bool = True,
    judgements: bool = True,
) -> dict[str, Any]:
    """Valid answer sets for `instrument`.

    `complete=False` may leave out optional items and context; `unknowns=False` never
    draws unknown/omitted values; `judgements=False` never fills summary judgements.
    """
    items = {}
    for item in instrument.items:
        if not complete and not item.required and draw(st.booleans()):
            continue
        items[item.id] = draw(_item(instrument, item.id, known_only=not unknowns))
    out: dict[str, Any] = {"items": items}
    context = {}
    for field in instrument.context:
        if field.required or complete or draw(st.booleans()):
            context[field.id] = draw(_context_value(field))
    out["context"] = context
    if judgements and instrument.judgements:
        chosen = {}
        for j in instrument.judgements:
            if j.type == "text":
                value = draw(st.text(max_size=40))
            else:
                value = draw(st.sampled_from(instrument.levels))
            if complete or draw(st.booleans()):
                chosen[j.id] = value
        out["judgements"] = chosen
    if draw(st.booleans()):
        out["justification"] = draw(st.text(max_size=60))
    return out


@st.composite
def invalid_answers(draw: st.DrawFn, instrument: Instrument) -> dict[str, Any]:
    """Answer sets with at least one defect the library must refuse."""
    base = draw(answers(instrument))
    defect = draw(st.sampled_from(["unknown_item", "bad_value", "missing_item", "bad_context"]))
    items = dict(base["items"])
    required = [i.id for i in instrument.items if i.required]
    if defect == "unknown_item":
        items["no-such-item"] = instrument.primary.scale
    elif defect == "bad_value":
        items[draw(st.sampled_from(required))] = "not-a-value"
    elif defect == "missing_item":
        items.pop(draw(st.sampled_from(required)), None)
    else:
        base["context"] = {**base.get("context", {}), "no_such_field": 1}
    base["items"] = items
    return base
