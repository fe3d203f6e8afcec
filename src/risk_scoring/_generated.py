"""Generated instrument definitions: the `instruments()` strategy of `risk_scoring.testing`.

A definition is drawn part by part, each part naming only what the parts before it
defined, so that every one loads: scales (with unknown values, points that may be
missing, negative or fractional), dimensions, domains, items (own scale, weight,
optional with a default, parent), context fields of every type, judgements, levels with
bands that `definition.references` accepts, the missing-item policy or `level_from`, and
escalations, warnings and measure rules over the whole condition language, nested.

Ids use dots and digits wherever the id pattern allows; the pattern is ASCII, so Unicode
appears only where no pattern applies: scale value ids, choice ids and texts.
"""

from __future__ import annotations

import atexit
import hashlib
import math
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from ._generated_rules import Draft, rules, subset, unique_ids
from .definition.instrument import Instrument, Kind

KINDS: tuple[Kind, ...] = ("actuarial", "checklist", "spj")

# Value ids have no pattern (scale values, choices): codes, words YAML 1.1 reads as
# something else, dots, Unicode (also a decomposed "å").
_FREE = (
    *("N", "P", "Y", "O", "yes", "no", "0", "1", "2.5", "~", "null", "false", "P.1", "N/A"),
    *("fåre", "ø1", "høy", "Æ", "å", "a\u030a", "ünknown", "δ", "名", "-1", "ja.nei"),
)
_VALUE = st.one_of(
    st.sampled_from(_FREE),
    st.sampled_from(_FREE),
    st.sampled_from(_FREE),
    st.text(alphabet="abNYæøåÅØé0129._-", min_size=1, max_size=5),
)
_LOWER = "abcxyz0123456789"
_INSTRUMENT_ID = st.builds(str.__add__, st.sampled_from(_LOWER), st.text(_LOWER + "-", max_size=11))
_POINTS = (0, 1, 2, 3, 5, 0.5, 0.25, 1.5, 0.1, 0.2, -1, -0.5)
_WEIGHTS = (1, 1, 1, 2, 3, 0.5, 0.25, 1.5, 0.1, 0, -1, -2, -0.5)


def _scale(draw: st.DrawFn, draft: Draft, ident: str) -> dict[str, Any]:
    ids = draw(st.lists(_VALUE, min_size=2, max_size=5, unique=True))
    unknown = draw(st.sets(st.integers(0, len(ids) - 1), max_size=min(2, len(ids) - 1)))
    scored = draw(st.integers(0, 4)) > 0  # some scales (relevance) have no points at all
    known = [i for i in range(len(ids)) if i not in unknown]
    points: dict[int, Any] = {}
    if scored and draft.monotone:
        drawn = draw(st.lists(st.sampled_from(_POINTS), min_size=len(known), max_size=len(known)))
        points = dict(zip(known, sorted(drawn), strict=True))
    elif scored:
        for i in known:
            if draw(st.integers(0, 5)) > 0:
                points[i] = draw(st.sampled_from(_POINTS))
    values = []
    for i, value_id in enumerate(ids):
        value: dict[str, Any] = {"id": value_id, "label": draft.text()}
        if i in points:
            value["points"] = points[i]
        if i in unknown:
            value["unknown"] = True
            if draw(st.integers(0, 4)) == 0:
                value["points"] = 1  # an unknown value's points count for nothing
        values.append(draft.unverified(value))
    return {"id": ident, "title": draft.text(), "values": values}


def _item_points(draft: Draft, item: dict[str, Any]) -> list[tuple[float, bool]]:
    """(points times weight, unknown) of each primary value of `item`, as the engine has them."""
    weight = float(item.get("weight", 1))
    out = []
    for value in draft.values(item, draft.dims[0]):
        unknown = bool(value.get("unknown", False))
        points = value.get("points")
        out.append((0.0 if points is None or unknown else float(points) * weight, unknown))
    return out


def _score_range(draft: Draft) -> tuple[float, float]:
    """The lowest and highest total, computed as `definition.references.score_range` does."""
    low = high = 0.0
    for item in draft.items:
        weight = float(item.get("weight", 1))
        points = [
            float(v["points"]) * weight
            for v in draft.values(item, draft.dims[0])
            if v.get("points") is not None and not v.get("unknown", False)
        ]
        if points:
            low += min(points)
            high += max(points)
    return low, high


def _totals(draft: Draft, prorate: bool) -> list[float]:
    """Totals some answer sets reach, summed in the engine's order (domain by domain)."""
    found = []
    n = len(draft.items)
    for _ in range(6):
        total = 0.0
        unknown = 0
        for domain in draft.domains:
            subtotal = 0.0
            for item in draft.in_domain(domain):
                points, is_unknown = draft.rnd.choice(_item_points(draft, item))
                subtotal += points
                unknown += is_unknown
            total += subtotal
        found.append(total)
        if prorate and 0 < unknown < n:
            found.append(round(total * n / (n - unknown), 2))
    return found


def _levels(draw: st.DrawFn, draft: Draft) -> list[dict[str, Any]]:
    ids = unique_ids(draw, 2, 4)
    levels = [
        draft.unverified({"id": i, "title": draft.text(), "description": draft.text()}) for i in ids
    ]
    draft.levels = ids
    if draft.kind == "spj":
        return levels
    low, high = _score_range(draft)
    pool = sorted({t for t in draft.scores if t <= high} | {low, high})
    bound = st.one_of(
        st.sampled_from(pool),
        st.floats(low - 3, high, allow_nan=False).map(lambda x: round(x, 2)),
        st.integers(math.floor(low) - 3, math.floor(high)).map(float),
    ).filter(lambda x: x <= high)
    bounds = sorted(
        draw(st.lists(bound, min_size=len(ids) - 1, max_size=len(ids) - 1, unique=True))
    )
    for level, value in zip(levels[1:], bounds, strict=True):
        level["min_score"] = value
    if draw(st.integers(0, 4)) == 0:  # a first band that starts at (or below) the lowest total
        first = min(low, bounds[0] - 1)
        levels[0]["min_score"] = draw(st.sampled_from([first, first - 0.5]))
    draft.scores = [*pool, *bounds]
    return levels


def _context(draw: st.DrawFn, draft: Draft) -> list[dict[str, Any]]:
    fields = []
    for ident in unique_ids(draw, 0, 5):
        kind = draw(st.sampled_from(["bool", "int", "choice", "date", "text"]))
        fld: dict[str, Any] = {"id": ident, "title": draft.text(), "type": kind}
        if draw(st.booleans()):
            fld["required"] = draw(st.booleans())
        if kind == "int":
            low = draw(st.none() | st.integers(-5, 5))
            high = draw(st.none() | st.integers(-5 if low is None else max(low, -5), 60))
            if low is not None:
                fld["min"] = low
            if high is not None:
                fld["max"] = high
        elif kind == "choice":
            ids = draw(st.lists(_VALUE, min_size=1, max_size=4, unique=True))
            fld["choices"] = [{"id": c, "label": draft.text()} for c in ids]
        fields.append(fld)
    draft.context = fields
    return fields


def _items(draw: st.DrawFn, draft: Draft, max_items: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    primary = draft.scales[draft.dims[0]["scale"]]
    ids = unique_ids(draw, 1, max_items)
    if len(ids) > 1 and len(draft.dims) > 1 and draw(st.integers(0, 7)) == 0:
        # An item named like another item's dimension ("A" rated "past", and "A.past").
        twin = f"{ids[0]}.{draw(st.sampled_from(draft.dims[1:]))['id']}"
        if twin not in ids:
            ids[1] = twin
    for ident in ids:
        item: dict[str, Any] = {
            "id": ident,
            "domain": draw(st.sampled_from(draft.domains)),
            "title": draft.text(),
            "guidance": draft.text(),
        }
        if draw(st.integers(0, 3)) == 0:
            item["scale"] = draw(st.sampled_from(list(draft.scales)))
        if draw(st.booleans()):
            item["weight"] = draw(st.sampled_from(_WEIGHTS))
        if draw(st.integers(0, 3)) == 0:
            item["required"] = False
            scale = draft.scales[item["scale"]] if "scale" in item else primary
            item["default"] = draw(st.sampled_from([v["id"] for v in scale]))
        if items and draw(st.integers(0, 4)) == 0:
            item["parent"] = draw(st.sampled_from(items))["id"]
        items.append(draft.unverified(item))
    draft.items = items
    return items


def _judgements(draw: st.DrawFn, draft: Draft) -> list[dict[str, Any]]:
    ids = unique_ids(draw, 1 if draft.kind == "spj" else 0, 4)
    out = []
    for k, ident in enumerate(ids):
        judgement: dict[str, Any] = {"id": ident, "title": draft.text()}
        if draw(st.booleans()):
            judgement["description"] = draft.text()
        if k > 0 and draw(st.integers(0, 2)) == 0:  # the first is a level judgement
            judgement["type"] = "text"
        elif draw(st.booleans()):
            judgement["type"] = "level"
        out.append(draft.unverified(judgement))
    draft.level_judgements = [j["id"] for j in out if j.get("type", "level") == "level"]
    return out


def _scoring(draw: st.DrawFn, draft: Draft) -> dict[str, Any]:
    if draft.kind == "spj":
        chosen = subset(draw, draft.level_judgements)
        return {"level_from": chosen}
    if draw(st.booleans()):
        return {}
    policy: dict[str, Any] = {"max_unknown": draw(st.integers(0, len(draft.items)))}
    total = draw(st.sampled_from([None, "zero", "prorate", "prorate"]))
    if total is not None:
        policy["total"] = total
    return {"missing": draft.unverified(policy)}


@st.composite
def _definition(
    draw: st.DrawFn,
    kinds: tuple[Kind, ...],
    monotone: bool,
    max_items: int,
    measures: tuple[str, ...],
) -> dict[str, Any]:
    kind = draw(st.sampled_from(kinds))
    draft = Draft(kind, monotone, draw(st.randoms(use_true_random=True)))
    for ident in unique_ids(draw, 1, 3):
        draft.scales[ident] = _scale(draw, draft, ident)["values"]
    scales = [
        {"id": ident, "title": draft.text(), "values": values}
        for ident, values in draft.scales.items()
    ]
    # An item answer's "note" key is not a dimension (engine/answers.py reads it as the note).
    dim_ids = [i for i in unique_ids(draw, 1, 3 if kind == "spj" else 2) if i != "note"] or ["d"]
    for ident in dim_ids:
        dim: dict[str, Any] = {
            "id": ident,
            "title": draft.text(),
            "scale": draw(st.sampled_from(list(draft.scales))),
        }
        if draw(st.booleans()):
            dim["required"] = draw(st.booleans())  # the primary one is required anyway
        draft.dims.append(draft.unverified(dim))
    domain_ids = unique_ids(draw, 1, 3)
    domains = []
    for ident in domain_ids:
        domain = {"id": ident, "title": draft.text()}
        if draw(st.booleans()):
            domain["description"] = draft.text()
        domains.append(draft.unverified(domain))
    draft.domains = domain_ids
    items = _items(draw, draft, max_items)
    context = _context(draw, draft)
    judgements = _judgements(draw, draft)
    scoring = _scoring(draw, draft)
    policy = scoring.get("missing", {})
    if kind != "spj":
        draft.scores = _totals(draft, policy.get("total") == "prorate")
    levels = _levels(draw, draft)
    escalations, warnings, measure_rules = rules(draw, draft, measures)
    definition: dict[str, Any] = {
        "id": draw(_INSTRUMENT_ID),
        "version": draw(st.sampled_from(["1", "2026.1", "0.1-ø", "v2"])),
        "kind": kind,
        "title": draft.text(),
        "description": draft.text(),
        "source": {"citation": "Generated by risk_scoring.testing", "licence": draft.text()},
        "scales": scales,
        "dimensions": draft.dims,
        "domains": domains,
        "items": items,
        "context": context,
        "judgements": judgements,
        "scoring": scoring,
        "levels": levels,
        "escalations": escalations,
        "warnings": warnings,
        "measures": measure_rules,
    }
    # Keys that hold their default are sometimes left out, as an author would.
    for key in ("context", "judgements", "scoring", "escalations", "warnings", "measures"):
        if not definition[key] and draw(st.booleans()):
            del definition[key]
    return definition


_BUILTIN_MEASURES: list[str] = []


def _builtin_measures() -> tuple[str, ...]:
    if not _BUILTIN_MEASURES:
        from .definition.loading import load_catalogue

        _BUILTIN_MEASURES.extend(m.id for m in load_catalogue().measures)
    return tuple(_BUILTIN_MEASURES)


def instruments(
    *,
    kinds: Sequence[Kind] = KINDS,
    monotone: bool = False,
    max_items: int = 8,
    measures: Sequence[str] | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    """Valid instrument definitions, as the plain mapping a YAML file holds.

    Every definition passes `Instrument.model_validate` and the cross-reference checks
    that `load_instrument` runs; `instrument_from` loads one. `kinds` limits the kinds
    drawn; `max_items` bounds the items. Measure rules name `measures` (by default the
    built-in catalogue's ids; pass your catalogue's when you load beside it).

    With `monotone=True`, scored instruments are drawn so that raising an answer never
    lowers the level: points never fall along a scale, and escalations have no `not`
    and test primary values only with sets that hold every higher value too.
    """
    chosen = tuple(kinds)
    if not chosen or any(k not in KINDS for k in chosen):
        raise ValueError(f"kinds must be some of {', '.join(KINDS)}; got {chosen!r}")
    if max_items < 1:
        raise ValueError("max_items must be at least 1")
    ids = tuple(measures) if measures is not None else _builtin_measures()
    return _definition(chosen, monotone, max_items, ids)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """`yaml.safe_dump`, without anchors for shared parts (the reader refuses them)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


_FOLDER: list[Path] = []


def _folder() -> Path:
    if not _FOLDER:
        path = Path(tempfile.mkdtemp(prefix="risk-scoring-generated-"))
        atexit.register(shutil.rmtree, path, True)
        _FOLDER.append(path)
    return _FOLDER[0]


def instrument_from(definition: dict[str, Any], folder: str | Path | None = None) -> Instrument:
    """Load a definition (from `instruments()`) the way a file is loaded, digest and all.

    The definition is written with `yaml.safe_dump` to `folder` (by default a temporary
    folder removed when the process exits), named by its content, and read back with
    `load_instrument`. Measure rules are checked against the `measures.yaml` in `folder`
    if there is one, else against the built-in catalogue.
    """
    from .definition.loading import load_instrument

    text = yaml.dump(definition, Dumper=_Dumper, allow_unicode=True, sort_keys=False)
    name = f"{definition.get('id', 'generated')}-{hashlib.sha256(text.encode()).hexdigest()[:16]}"
    path = Path(folder) if folder is not None else _folder()
    target = path / f"{name}.yaml"
    if not target.is_file():
        target.write_text(text, encoding="utf-8")
    return load_instrument(target)
