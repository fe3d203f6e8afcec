"""Whether a Result fits the instrument it names: every value one its definition allows.

A stored Result carries ids (its level, its ratings, its judgements, its context) that
only mean something against its definition. `misfits` lists every one the definition
does not have, with its path and the allowed values, never the value itself (a
tampered level may be free text). `Result.model_validate_json` runs it when the
definition is a built-in with the result's digest; `instrument_of` runs it for every
consumer, so a Result that does not fit is our error, never a `KeyError` in a report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from ..errors import Problem
from .bounds import MAX_INT, is_date, shown_key
from .instrument import Instrument

if TYPE_CHECKING:
    from .result import Result

__all__ = ["misfits"]

_Add = Callable[[str, str], None]


def _expected(values: Iterable[str]) -> str:
    return "expected one of " + ", ".join(repr(v) for v in sorted(values))


def misfits(result: Result, inst: Instrument) -> list[Problem]:
    """Every value of `result` that `inst` does not allow, each a `Problem` with its path."""
    found: list[Problem] = []

    def add(path: str, message: str) -> None:
        found.append(Problem(path, message, code="value_not_allowed"))

    if result.kind != inst.kind:
        add("kind", f"{inst.id} is {inst.kind}")
    levels = inst.levels
    if result.level is not None and result.level not in levels:
        add("level", f"not a level of {inst.id}; {_expected(levels)}")
    scales = _scales(inst)
    for ident, rating in result.ratings.items():
        item = scales.get(ident)
        if item is None:
            add(f"ratings.{shown_key(ident)}", f"not an item of {inst.id}")
            continue
        for dim, value in rating.items():
            allowed = item.get(dim)
            if allowed is None:
                path = f"ratings.{ident}.{shown_key(dim)}"
                add(path, f"not a dimension of {inst.id}; {_expected(item)}")
            elif value not in allowed:
                add(f"ratings.{ident}.{dim}", f"not a value of its scale; {_expected(allowed)}")
    kinds = {j.id: j.type for j in inst.judgements}
    for ident in result.judgements:
        if kinds.get(ident) != "level":
            add(f"judgements.{shown_key(ident)}", f"not a level judgement of {inst.id}")
        elif result.judgements[ident] not in levels:
            add(f"judgements.{ident}", f"not a level of {inst.id}; {_expected(levels)}")
    for ident in result.judgement_texts:
        if kinds.get(ident) != "text":
            add(f"judgement_texts.{shown_key(ident)}", f"not a text judgement of {inst.id}")
    _context(result.context, inst, add)
    domains = [d.id for d in inst.domains]
    given = [d.domain for d in result.domains]
    if sorted(given) != sorted(domains):
        add("domains", f"not the domains of {inst.id}; expected {', '.join(map(repr, domains))}")
    return found


_SCALES: dict[tuple[str, str], dict[str, dict[str, frozenset[str]]]] = {}


def _scales(inst: Instrument) -> dict[str, dict[str, frozenset[str]]]:
    """Item → dimension → the values its scale allows, made once per definition (a stored
    result is checked at every read)."""
    key = (inst.id, inst.digest)
    found = _SCALES.get(key)
    if found is None:
        found = {
            item.id: {
                d.id: frozenset(v.id for v in inst.scale_for(item, d).values)
                for d in inst.dimensions
            }
            for item in inst.items
        }
        if len(_SCALES) > 256:
            _SCALES.clear()
        _SCALES[key] = found
    return found


def _context(context: Mapping[str, object], inst: Instrument, add: _Add) -> None:
    fields = {f.id: f for f in inst.context}
    for ident, value in context.items():
        field = fields.get(ident)
        path = f"context.{shown_key(ident)}"
        if field is None:
            add(path, f"not a context field of {inst.id}")
            continue
        if value is None:
            continue
        if field.type == "bool":
            ok = isinstance(value, bool)
        elif field.type == "int":
            ok = (
                isinstance(value, int)
                and not isinstance(value, bool)
                and -MAX_INT <= value <= MAX_INT
                and (field.min is None or value >= field.min)
                and (field.max is None or value <= field.max)
            )
        elif field.type == "choice":
            ok = isinstance(value, str) and value in {c.id for c in field.choices}
        elif field.type == "date":
            ok = isinstance(value, str) and is_date(value)
        else:
            ok = isinstance(value, str)
        if not ok:
            add(path, f"not a {field.type} value this field allows")
