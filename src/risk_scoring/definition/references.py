"""Cross-reference checks on a structurally valid instrument.

Each check yields `(location, message)`; the loader turns the location into a file
position. Everything is checked, so a maintainer sees every dangling name at once.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from . import conditions as c
from .instrument import Instrument, Item

Loc = tuple[Any, ...]
Found = Iterator[tuple[Loc, str]]


def check(inst: Instrument, measure_ids: Iterable[str]) -> list[tuple[Loc, str]]:
    """Every cross-reference problem in `inst`, given the catalogue's measure ids."""
    return [
        *_unique_ids(inst),
        *_structure(inst),
        *_levels(inst),
        *_rules(inst, frozenset(measure_ids)),
    ]


def _duplicates(loc: Loc, ids: Sequence[str]) -> Found:
    seen: set[str] = set()
    for index, ident in enumerate(ids):
        if ident in seen:
            yield (*loc, index, "id"), f"duplicate id {ident!r}"
        seen.add(ident)


def _unique_ids(inst: Instrument) -> Found:
    for key, parts in (
        ("scales", inst.scales),
        ("dimensions", inst.dimensions),
        ("domains", inst.domains),
        ("items", inst.items),
        ("context", inst.context),
        ("judgements", inst.judgements),
        ("levels", inst.level_definitions),
        ("escalations", inst.escalations),
        ("warnings", inst.warning_rules),
        ("measures", inst.measure_rules),
    ):
        yield from _duplicates((key,), [p.id for p in parts])
    for i, scale in enumerate(inst.scales):
        yield from _duplicates(("scales", i, "values"), [v.id for v in scale.values])
    for i, field in enumerate(inst.context):
        yield from _duplicates(("context", i, "choices"), [ch.id for ch in field.choices])


def _one_of(loc: Loc, name: str | None, known: Iterable[str], what: str) -> Found:
    options = sorted(known)
    if name is not None and name not in options:
        listed = ", ".join(map(repr, options))
        near = did_you_mean(name, options)
        if near is None:
            yield loc, f"unknown {what} {name!r}; expected one of {listed}"
        else:
            yield loc, f"unknown {what} {name!r}; did you mean {near!r}? (expected one of {listed})"


def did_you_mean(name: str, options: Sequence[str]) -> str | None:
    """The option nearest `name` in spelling or case, if one is near enough."""
    lower = {option.lower(): option for option in options}
    if name.lower() in lower:
        return lower[name.lower()]
    close = difflib.get_close_matches(name.lower(), list(lower), n=1, cutoff=0.75)
    return lower[close[0]] if close else None


def _structure(inst: Instrument) -> Found:
    scales = inst.scale_by_id
    for i, dim in enumerate(inst.dimensions):
        yield from _one_of(("dimensions", i, "scale"), dim.scale, scales, "scale")
    domains = [d.id for d in inst.domains]
    for i, item in enumerate(inst.items):
        yield from _one_of(("items", i, "domain"), item.domain, domains, "domain")
        yield from _one_of(("items", i, "scale"), item.scale, scales, "scale")
        yield from _one_of(("items", i, "parent"), item.parent, inst.item_by_id, "item")
        if item.default is not None:
            scale = scales.get(item.scale or inst.primary.scale)
            if scale is not None:
                allowed = [v.id for v in scale.values]
                yield from _one_of(("items", i, "default"), item.default, allowed, "value")
        if not item.required and item.default is None:
            yield ("items", i, "required"), "an optional item needs a 'default' value"
    for i, field in enumerate(inst.context):
        if field.type == "choice" and not field.choices:
            yield ("context", i, "choices"), "a 'choice' field needs 'choices'"
    if inst.kind == "spj":
        yield from _spj_scoring(inst)
    else:
        for key in ("level_from", "high_risk"):
            if getattr(inst.scoring, key):
                yield ("scoring", key), f"{key!r} is only for spj instruments, not {inst.kind}"


def _spj_scoring(inst: Instrument) -> Found:
    if not inst.scoring.level_from:
        yield (
            ("scoring",),
            "an spj instrument needs 'level_from': the judgements that set the level",
        )
    level_judgements = [j.id for j in inst.judgements if j.type == "level"]
    for i, name in enumerate(inst.scoring.level_from):
        yield from _one_of(("scoring", "level_from", i), name, level_judgements, "judgement")
    if inst.scoring.missing is not None:
        yield ("scoring", "missing"), "spj instruments have no missing-item policy"
    high_risk = inst.scoring.high_risk
    if high_risk is not None:
        loc = ("scoring", "high_risk")
        for i, name in enumerate(high_risk.judgements):
            yield from _one_of((*loc, "judgements", i), name, level_judgements, "judgement")
            if name in high_risk.judgements[:i]:
                yield (*loc, "judgements", i), f"{name!r} is listed twice"
        yield from _one_of((*loc, "at_least"), high_risk.at_least, inst.levels, "level")


def score_range(inst: Instrument) -> tuple[float, float]:
    """The lowest and highest total the items can add up to."""
    low = high = 0.0
    for item in inst.items:
        points = _points(inst, item)
        if points:
            low += min(points)
            high += max(points)
    return low, high


def _points(inst: Instrument, item: Item) -> list[float]:
    scale = inst.scale_by_id.get(item.scale or inst.primary.scale)
    if scale is None:
        return []
    return [v.points * item.weight for v in scale.values if v.points is not None and not v.unknown]


def _levels(inst: Instrument) -> Found:
    levels = inst.level_definitions
    if inst.kind == "spj":
        for i, level in enumerate(levels):
            if level.min_score is not None:
                yield ("levels", i, "min_score"), "spj levels come from judgements, not scores"
        return
    low, high = score_range(inst)
    previous: float | None = None
    for i, level in enumerate(levels):
        bound = level.min_score
        if bound is None:
            if i > 0:
                yield ("levels", i), "every level after the first needs 'min_score'"
            continue
        if i == 0 and bound > low:
            yield (
                ("levels", 0, "min_score"),
                f"scores from {low:g} to {bound:g} fall below every band; "
                "leave out 'min_score' on the first level or lower it",
            )
        if previous is not None and bound <= previous:
            yield (
                ("levels", i, "min_score"),
                f"bands overlap: min_score {bound:g} is not above the previous band's {previous:g}",
            )
        if bound > high:
            yield (
                ("levels", i, "min_score"),
                f"level {level.id!r} can never be reached: the highest total is {high:g}",
            )
        previous = bound


def _rules(inst: Instrument, measure_ids: frozenset[str]) -> Found:
    levels = inst.levels
    judgements = [j.id for j in inst.judgements]
    for i, esc in enumerate(inst.escalations):
        loc: Loc = ("escalations", i)
        if (esc.to is None) == (esc.to_judgement is None):
            yield loc, "give exactly one of 'to' (a level) or 'to_judgement' (a judgement)"
        yield from _one_of((*loc, "to"), esc.to, levels, "level")
        yield from _one_of((*loc, "to_judgement"), esc.to_judgement, judgements, "judgement")
        yield from _condition(inst, (*loc, "when"), esc.when)
    for i, warning in enumerate(inst.warning_rules):
        yield from _condition(inst, ("warnings", i, "when"), warning.when)
    for i, rule in enumerate(inst.measure_rules):
        yield from _one_of(("measures", i, "measure"), rule.measure, measure_ids, "measure")
        yield from _condition(inst, ("measures", i, "when"), rule.when)


def _condition(inst: Instrument, loc: Loc, cond: c.AnyCondition) -> Found:
    if isinstance(cond, (c.AllOf, c.AnyOf)):
        key, parts = ("all", cond.all) if isinstance(cond, c.AllOf) else ("any", cond.any)
        for i, part in enumerate(parts):
            yield from _condition(inst, (*loc, key, i), part)
    elif isinstance(cond, c.Not):
        yield from _condition(inst, (*loc, "not"), cond.not_)
    elif isinstance(cond, c.ItemIs):
        yield from _item_values(
            inst, (*loc, "item"), [cond.item.id], cond.item.dimension, cond.item.in_
        )
    elif isinstance(cond, c.Count):
        test = cond.count
        ids: list[str] = list(test.items) if test.items is not None else [i.id for i in inst.items]
        if test.domain is not None:
            domains = [d.id for d in inst.domains]
            yield from _one_of((*loc, "count", "domain"), test.domain, domains, "domain")
            ids = [item.id for item in inst.items if item.domain == test.domain]
        yield from _item_values(inst, (*loc, "count"), ids, test.dimension, test.in_)
    elif isinstance(cond, c.ScoreAtLeast) and inst.kind == "spj":
        yield (
            (*loc, "score"),
            "spj totals are for research only; a rule may not depend on them",
        )
    elif isinstance(cond, c.LevelAtLeast):
        yield from _one_of((*loc, "level", "at_least"), cond.level.at_least, inst.levels, "level")
    elif isinstance(cond, c.ContextIs):
        yield from _context(inst, (*loc, "context"), cond.context)
    elif isinstance(cond, c.JudgementIs):
        yield from _judgement(inst, (*loc, "judgement"), cond.judgement)


def _item_values(
    inst: Instrument, loc: Loc, ids: Sequence[str], dimension: str | None, values: Sequence[str]
) -> Found:
    dims = {d.id: d for d in inst.dimensions}
    yield from _one_of((*loc, "dimension"), dimension, dims, "dimension")
    dim = dims.get(dimension or inst.primary.id)
    allowed: set[str] = set()
    for ident in ids:
        item = inst.item_by_id.get(ident)
        if item is None:
            yield (*loc, "id" if len(ids) == 1 else "items"), f"unknown item {ident!r}"
        elif dim is not None:
            scale = inst.scale_by_id.get(
                item.scale if dim is inst.primary and item.scale else dim.scale
            )
            if scale is not None:  # an unknown scale is reported by _structure
                allowed.update(v.id for v in scale.values)
    if dim is not None and allowed:
        for value in values:
            if value not in allowed:
                yield (
                    (*loc, "in"),
                    f"{value!r} is not a value of these items; expected one of "
                    + ", ".join(map(repr, sorted(allowed))),
                )


def _context(inst: Instrument, loc: Loc, test: c.ContextTest) -> Found:
    fields = {f.id: f for f in inst.context}
    yield from _one_of((*loc, "id"), test.id, fields, "context field")
    field = fields.get(test.id)
    if field is None:
        return
    if test.at_least is not None and field.type != "int":
        yield (*loc, "at_least"), f"'at_least' needs an int field; {test.id!r} is {field.type}"
    if test.in_ is not None:
        if field.type != "choice":
            yield (*loc, "in"), f"'in' needs a choice field; {test.id!r} is {field.type}"
        for value in test.in_:
            yield from _one_of((*loc, "in"), value, [ch.id for ch in field.choices], "choice")
    if test.equals is not None and field.type == "bool" and not isinstance(test.equals, bool):
        yield (*loc, "equals"), f"{test.id!r} is a bool field; compare with true or false"


def _judgement(inst: Instrument, loc: Loc, test: c.JudgementTest) -> Found:
    level_judgements = [j.id for j in inst.judgements if j.type == "level"]
    yield from _one_of((*loc, "id"), test.id, level_judgements, "judgement")
    yield from _one_of((*loc, "at_least"), test.at_least, inst.levels, "level")
    for value in test.in_ or ():
        yield from _one_of((*loc, "in"), value, inst.levels, "level")
