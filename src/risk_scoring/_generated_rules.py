"""The draft of a generated definition, and its rules over the condition language.

`_generated.py` draws the parts of a definition into a `Draft`; the escalations,
warnings and measure rules drawn here name only what the draft holds, so every
reference resolves. Conditions nest at most three deep and use every kind the draft
allows (no `score` in spj). A `monotone` condition only holds more as primary answers
rise: no `not`, and item and count tests on the primary dimension take a value set
that holds every higher value of each item's scale too.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from .definition.instrument import PRIORITIES, Kind

# Ids with a pattern (`^[A-Za-z0-9][A-Za-z0-9_.-]*$`): plain, numeric, dotted, words that
# YAML 1.1 reads as something else; now and then anything else the pattern allows.
_IDS = (
    *("A", "B", "C", "D", "A1", "A2", "B1", "N5", "N", "R1", "1", "2", "3", "10", "12", "3a"),
    *("x_y", "r-1", "recent", "past", "low", "high", "harm", "Y", "P"),
    *("true", "null", "yes", "NO", "on", "1e5", "1_000", "2026-01-01", "0x1F"),
    *("imm.inent", "N.5", "1.5", "a.b.c", "x.", "0.0", "A.1", "v1.2-b_c", "R.1.past"),
)
_ALNUM = "ABNXYabnxyz0123456789"
_ID = st.one_of(
    st.sampled_from(_IDS),
    st.sampled_from(_IDS),
    st.sampled_from(_IDS),  # three in four ids from the list: drawing them costs less
    st.builds(str.__add__, st.sampled_from(_ALNUM), st.text(_ALNUM + "_.-", max_size=7)),
)
# Texts do not change scoring (a warning's English message becomes its text): a fixed
# set, with YAML's special characters, Unicode and leading or trailing spaces.
_WORDS = ("Lav", "Høy", "Trusler", "Fysisk vold", "Ønsker", "ja: nei", "§ 222 a", "名前")
_ODD = ("- x", "#1", "a # b", "'q'", '"q"', "{x}", "[y]", "!tag", "%p", "&a", "*b", "?", "|", ">")
_TEXTS = (*_WORDS, *_ODD, " space ", "null", "yes")


@dataclass
class Draft:
    """What has been drawn so far, for the later parts to refer to."""

    kind: Kind
    monotone: bool
    rnd: random.Random
    scales: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    dims: list[dict[str, Any]] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    context: list[dict[str, Any]] = field(default_factory=list)
    level_judgements: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)

    def text(self) -> dict[str, str]:
        """A text: what it says does not change scoring, so it is not shrunk."""
        return {"nb": self.rnd.choice(_TEXTS), "en": self.rnd.choice(_TEXTS)}

    def unverified(self, part: dict[str, Any]) -> dict[str, Any]:
        """`part`, one time in ten marked `verified: false` with a source."""
        if self.rnd.random() < 0.1:
            part["verified"] = False
            part["source"] = "generated [U]"
        return part

    def values(self, item: dict[str, Any], dim: dict[str, Any]) -> list[dict[str, Any]]:
        """The scale values `item` is rated on in `dim` (as `Instrument.scale_for`)."""
        if dim is self.dims[0] and "scale" in item:
            return self.scales[item["scale"]]
        return self.scales[dim["scale"]]

    def in_domain(self, domain: str) -> list[dict[str, Any]]:
        return [item for item in self.items if item["domain"] == domain]


_LISTS: dict[tuple[int, int], st.SearchStrategy[list[str]]] = {}


def unique_ids(draw: st.DrawFn, n_min: int, n_max: int) -> list[str]:
    """`n_min` to `n_max` distinct ids."""
    found = _LISTS.get((n_min, n_max))
    if found is None:
        found = _LISTS[n_min, n_max] = st.lists(_ID, min_size=n_min, max_size=n_max, unique=True)
    return draw(found)


def subset(draw: st.DrawFn, values: Sequence[str]) -> list[str]:
    return draw(st.lists(st.sampled_from(values), min_size=1, max_size=len(values), unique=True))


def _upward(draw: st.DrawFn, draft: Draft, items: Sequence[dict[str, Any]]) -> list[str]:
    """Primary values that, once one item holds them, every higher value of its scale is in."""
    scales = [[v for v in draft.values(i, draft.dims[0]) if not v.get("unknown")] for i in items]
    known = [v["id"] for v in scales[0]]
    chosen = set(known[draw(st.integers(0, len(known) - 1)) :])
    changed = True
    while changed:
        changed = False
        for scale in scales:
            ids = [v["id"] for v in scale]
            hits = [k for k, v in enumerate(ids) if v in chosen]
            if hits and not chosen.issuperset(ids[hits[0] :]):
                chosen.update(ids[hits[0] :])
                changed = True
    order = [v["id"] for scale in scales for v in scale]
    return sorted(chosen, key=order.index)


def _dimension(draw: st.DrawFn, draft: Draft) -> dict[str, Any] | None:
    """A dimension for an item or count condition: none (the primary one), or any."""
    if draw(st.booleans()):
        return None
    dim: dict[str, Any] = draw(st.sampled_from(draft.dims))
    return dim


def _item_condition(draw: st.DrawFn, draft: Draft, monotone: bool) -> dict[str, Any]:
    item = draw(st.sampled_from(draft.items))
    dim = _dimension(draw, draft)
    test: dict[str, Any] = {"id": item["id"]}
    values = draft.values(item, dim or draft.dims[0])
    if monotone and (dim is None or dim is draft.dims[0]):
        test["in"] = _upward(draw, draft, [item])
    else:
        test["in"] = subset(draw, [v["id"] for v in values])
    if dim is not None:
        test["dimension"] = dim["id"]
    return {"item": test}


def _count_condition(draw: st.DrawFn, draft: Draft, monotone: bool) -> dict[str, Any]:
    selector = draw(st.sampled_from(["items", "domain", "neither"]))
    test: dict[str, Any] = {}
    if selector == "items":
        chosen = draw(st.lists(st.sampled_from(draft.items), min_size=1, unique_by=id))
        test["items"] = [i["id"] for i in chosen]
    elif selector == "domain":
        test["domain"] = draw(st.sampled_from(draft.domains))
        chosen = draft.in_domain(test["domain"])
    else:
        chosen = draft.items
    dim = _dimension(draw, draft)
    if dim is not None:
        test["dimension"] = dim["id"]
    if monotone and chosen and (dim is None or dim is draft.dims[0]):
        test["in"] = _upward(draw, draft, chosen)
    else:
        pool = chosen or draft.items  # an empty domain: no value is checked against it
        values = {v["id"]: None for i in pool for v in draft.values(i, dim or draft.dims[0])}
        test["in"] = subset(draw, list(values))
    test["at_least"] = draw(st.integers(1, max(1, len(chosen)) + 1))
    return {"count": test}


def _context_condition(draw: st.DrawFn, draft: Draft) -> dict[str, Any]:
    ints = [f for f in draft.context if f["type"] == "int"]
    choices = [f for f in draft.context if f["type"] == "choice"]
    ways = ["equals", *(["at_least"] if ints else []), *(["in"] if choices else [])]
    way = draw(st.sampled_from(ways))
    if way == "at_least":
        fld = draw(st.sampled_from(ints))
        low, high = fld.get("min", -5), fld.get("max", 60)
        return {"context": {"id": fld["id"], "at_least": draw(st.integers(low, high + 1))}}
    if way == "in":
        fld = draw(st.sampled_from(choices))
        return {"context": {"id": fld["id"], "in": subset(draw, [c["id"] for c in fld["choices"]])}}
    fld = draw(st.sampled_from(draft.context))
    kind = fld["type"]
    if kind == "bool":
        value: Any = draw(st.booleans())
    elif kind == "int":
        value = draw(st.integers(fld.get("min", -5), fld.get("max", 60)))
    elif kind == "choice":
        value = draw(st.sampled_from([c["id"] for c in fld["choices"]]))
    elif kind == "date":
        value = draw(st.sampled_from(["2020-02-29", "2000-01-01", "2030-12-31"]))
    else:
        value = draw(st.sampled_from(["", "x", "fåre"]))
    return {"context": {"id": fld["id"], "equals": value}}


def _leaf(draw: st.DrawFn, draft: Draft, monotone: bool) -> dict[str, Any]:
    kinds = ["item", "count", "level"]
    if draft.kind != "spj":
        kinds.append("score")
    if draft.context:  # twice: a context test has three forms
        kinds += ["context", "context"]
    if draft.level_judgements:
        kinds.append("judgement")
    kind = draw(st.sampled_from(kinds))
    if kind == "item":
        return _item_condition(draw, draft, monotone)
    if kind == "count":
        return _count_condition(draw, draft, monotone)
    if kind == "level":
        return {"level": {"at_least": draw(st.sampled_from(draft.levels))}}
    if kind == "score":
        return {"score": {"at_least": draw(st.sampled_from(draft.scores))}}
    if kind == "context":
        return _context_condition(draw, draft)
    test: dict[str, Any] = {"id": draw(st.sampled_from(draft.level_judgements))}
    if draw(st.booleans()):
        test["at_least"] = draw(st.sampled_from(draft.levels))
    else:
        test["in"] = subset(draw, draft.levels)
    return {"judgement": test}


def _condition(draw: st.DrawFn, draft: Draft, monotone: bool, depth: int = 0) -> dict[str, Any]:
    """A condition, nested at most three deep; `monotone` ones only hold more as items rise."""
    shape = draw(st.integers(0, 9)) if depth < 3 else 0
    if shape <= 5:
        return _leaf(draw, draft, monotone)
    if shape == 9 and not monotone:
        return {"not": _condition(draw, draft, monotone, depth + 1)}
    parts = [_condition(draw, draft, monotone, depth + 1) for _ in range(draw(st.integers(1, 3)))]
    return {"all" if shape <= 7 else "any": parts}


def rules(
    draw: st.DrawFn, draft: Draft, measures: Sequence[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    escalations = []
    if draft.kind != "spj":
        for ident in unique_ids(draw, 0, 3):
            escalation: dict[str, Any] = {
                "id": ident,
                "when": _condition(draw, draft, draft.monotone),
            }
            if draft.level_judgements and draw(st.integers(0, 2)) == 0:
                escalation["to_judgement"] = draw(st.sampled_from(draft.level_judgements))
            else:
                escalation["to"] = draw(st.sampled_from(draft.levels))
            escalation["rationale"] = draft.text()
            escalations.append(draft.unverified(escalation))
    warnings = []
    for ident in unique_ids(draw, 0, 3):
        warning: dict[str, Any] = {
            "id": ident,
            "when": _condition(draw, draft, False),
            "message": draft.text(),
        }
        justify = draw(st.sampled_from([None, False, True, True]))
        if justify is not None:
            warning["requires_justification"] = justify
        warnings.append(draft.unverified(warning))
    measure_rules = []
    for ident in unique_ids(draw, 0, 4) if measures else []:
        rule = {
            "id": ident,
            "measure": draw(st.sampled_from(measures)),
            "priority": draw(st.sampled_from(PRIORITIES)),
            "when": _condition(draw, draft, False),
            "rationale": draft.text(),
        }
        measure_rules.append(draft.unverified(rule))
    return escalations, warnings, measure_rules
