"""District overlays: a small definition that adds rules to a built-in instrument.

A district that wants one more measure rule writes an overlay instead of copying the
instrument (which would change its id and digest) and the whole catalogue::

    id: oslo-sara-v3                       # the overlay's own id (not the base's)
    version: "2026.1"
    title: {nb: "...", en: "..."}
    description: {nb: "...", en: "..."}
    extends:
      instrument: sara-v3                  # a built-in instrument
      version: "2015.2"                    # the version the overlay was written for
      digest: "3f9c..."                    # optional: the exact content it was written for
    measures: [...]                        # measure rules, as in an instrument
    warnings: [...]                        # warning rules, as in an instrument
    catalogue: [...]                       # measures, as in measures.yaml
    labels:                                # new titles and guidance (both languages)
      items: {N2: {title: {...}, guidance: {...}}}
      levels: {high: {title: {...}, description: {...}}}
      judgements: {...}
      domains: {...}
    references: [...]                      # the overlay's own bibliography entries

`load_instrument(path)` of an overlay gives the merged definition (see `merge`): the
base's id, version, items, scales, dimensions, levels and scoring, its rules followed by
the overlay's, its texts with the overlay's labels, and the catalogue with the overlay's
measures after the built-in ones. Its `overlay` (an `AppliedOverlay`) names the base and
the overlay, and results computed with it record both digests in their provenance.

An overlay may not change what is scored: the keys of an instrument that do (`items`,
`scales`, `dimensions`, `levels`, `scoring`, `escalations`, ...) are refused where they
stand (`refused`), and so are the keys of a label other than its texts (an item's
`weight`). The loader refuses an overlay whose base changed under it: a built-in whose
version is no longer `extends.version`, or whose digest is no longer `extends.digest`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, model_validator

from ..errors import Problem
from . import reader as _yaml, references
from .catalogue import Catalogue, Measure
from .instrument import Instrument, MeasureRule, WarningRule
from .model import Model, Text
from .sources import Reference

__all__ = [
    "AppliedOverlay",
    "Extends",
    "ItemLabel",
    "Labels",
    "Overlay",
    "PartLabel",
    "check",
    "is_overlay",
    "merge",
    "merged_catalogue",
    "refused",
    "without_refused",
]

_DIGEST = r"^[0-9a-f]{64}$"
Loc = tuple[Any, ...]

REFUSED: Mapping[str, str] = {
    "kind": "how the level is reached ('kind')",
    "source": "the instrument's source and licence",
    "scales": "the scales",
    "dimensions": "the dimensions",
    "domains": "the domains",
    "items": "the items",
    "context": "the case facts ('context')",
    "judgements": "the judgements",
    "scoring": "the scoring",
    "levels": "the levels",
    "escalations": "the escalations (they change the level)",
}
"""The instrument keys an overlay may not have, and what each would change."""

_RELABELLED = {"domains", "items", "judgements", "levels"}
_LABEL_TEXTS: Mapping[str, tuple[str, ...]] = {
    "items": ("title", "guidance"),
    "levels": ("title", "description"),
    "judgements": ("title", "description"),
    "domains": ("title", "description"),
}
_NOUN = {
    "items": "an item",
    "levels": "a level",
    "judgements": "a judgement",
    "domains": "a domain",
}
_PART_KEYS: Mapping[str, tuple[str, ...]] = {
    "items": ("id", "domain", "scale", "weight", "required", "default", "parent"),
    "levels": ("id", "min_score"),
    "judgements": ("id", "type"),
    "domains": ("id",),
}
"""The keys of an instrument's part that a label may not carry (besides verified/source)."""


def _decimal(value: object) -> object:
    """An integer key is the id with that decimal spelling (``1:`` names item ``"1"``)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


LabelId = Annotated[str, BeforeValidator(_decimal)]


class Extends(Model):
    """The built-in instrument an overlay extends, and the version (and content) it was
    written for."""

    instrument: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)
    version: str = Field(min_length=1)
    digest: str | None = Field(default=None, pattern=_DIGEST)


class _Label(Model):
    @model_validator(mode="after")
    def _some_text(self) -> _Label:
        if all(getattr(self, name) is None for name in type(self).model_fields):
            keys = " or ".join(f"'{name}'" for name in type(self).model_fields)
            raise ValueError(f"a label gives {keys}")
        return self


class ItemLabel(_Label):
    """New texts for an item: its title, its guidance, or both."""

    title: Text | None = None
    guidance: Text | None = None


class PartLabel(_Label):
    """New texts for a level, judgement or domain: its title, description, or both."""

    title: Text | None = None
    description: Text | None = None


class Labels(Model):
    """New texts for the base's parts, by id."""

    items: dict[LabelId, ItemLabel] = Field(default_factory=dict)
    levels: dict[LabelId, PartLabel] = Field(default_factory=dict)
    judgements: dict[LabelId, PartLabel] = Field(default_factory=dict)
    domains: dict[LabelId, PartLabel] = Field(default_factory=dict)


class Overlay(Model):
    """A district's additions to a built-in instrument, as its YAML file gives them."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    version: str = Field(min_length=1)
    title: Text
    description: Text
    extends: Extends
    labels: Labels = Field(default_factory=Labels)
    warning_rules: tuple[WarningRule, ...] = Field(default=(), alias="warnings")
    measure_rules: tuple[MeasureRule, ...] = Field(default=(), alias="measures")
    catalogue: tuple[Measure, ...] = ()
    references: tuple[Reference, ...] = ()


@dataclass(frozen=True, eq=False)
class AppliedOverlay:
    """What a merged definition was made of: the overlay and the base it extends.

    `digest` is the overlay's own content digest (its canonical JSON, as an instrument's);
    `origin` its file; `base` the built-in instrument and `base_catalogue` its catalogue,
    as they were when the overlay was merged; `catalogue` the merged catalogue (None only
    in a `check` reading whose base catalogue does not load).
    """

    definition: Overlay
    digest: str
    origin: str
    base: Instrument
    base_catalogue: Catalogue | None
    catalogue: Catalogue | None

    @property
    def id(self) -> str:
        return self.definition.id

    @property
    def version(self) -> str:
        return self.definition.version

    @property
    def title(self) -> Text:
        return self.definition.title


def is_overlay(data: object) -> bool:
    """Whether parsed YAML is an overlay: a mapping with an `extends` key."""
    return isinstance(data, dict) and "extends" in data


# --- refused keys -----------------------------------------------------------------------


def refused(doc: _yaml.Document, base: str | None = None) -> list[Problem]:
    """A problem at every key of `doc` that would change what the base scores.

    That is every top-level key in `REFUSED`, and every key of a label that is not one of
    its texts but is a key of the part it labels (an item's `weight`, a level's
    `min_score`). Other unknown keys are left to the schema ("unknown key").
    """
    data = doc.data
    if not isinstance(data, dict):
        return []
    name = base or "the base"
    problems = []
    for key, what in REFUSED.items():
        if key not in data:
            continue
        hint = (
            f"; to retitle them, use 'labels.{key}'"
            if key in _RELABELLED
            else "; to change it, write an instrument of its own (with its own id)"
        )
        message = (
            f"an overlay may not change {what}: it adds measure rules, warnings and "
            f"catalogue measures to {name}, and may relabel{hint}"
        )
        problems.append(doc.problem((key,), message, at_key=True))
    labels = data.get("labels")
    if isinstance(labels, dict):
        for section, parts in labels.items():
            if section not in _PART_KEYS or not isinstance(parts, dict):
                continue
            texts = " and ".join(_LABEL_TEXTS[section])
            for ident, label in parts.items():
                if not isinstance(label, dict):
                    continue
                for key in label:
                    if key in _PART_KEYS[section] or key in ("verified", "source"):
                        message = (
                            f"an overlay may relabel {_NOUN[section]}'s {texts} only; "
                            f"it may not change its {key!r}"
                        )
                        loc = ("labels", section, ident, key)
                        problems.append(doc.problem(loc, message, at_key=True))
    return problems


def without_refused(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of `data` without the keys `refused` reports, so the schema checks the rest."""
    out = {k: v for k, v in data.items() if k not in REFUSED}
    labels = out.get("labels")
    if isinstance(labels, dict):
        labels = copy.copy(labels)
        for section, parts in labels.items():
            if section in _PART_KEYS and isinstance(parts, dict):
                drop = {*_PART_KEYS[section], "verified", "source"}
                labels[section] = {
                    ident: (
                        {k: v for k, v in label.items() if k not in drop}
                        if isinstance(label, dict)
                        else label
                    )
                    for ident, label in parts.items()
                }
        out["labels"] = labels
    return out


# --- merging ----------------------------------------------------------------------------


def _relabelled(parts: Iterable[Any], table: Mapping[str, Any], texts: tuple[str, ...]) -> Any:
    out = []
    for part in parts:
        label = table.get(part.id)
        if label is not None:
            update = {name: getattr(label, name) for name in texts if getattr(label, name)}
            part = part.model_copy(update=update)
        out.append(part)
    return tuple(out)


def merge(overlay: Overlay, base: Instrument) -> Instrument:
    """The base with the overlay's labels, and its rules followed by the overlay's.

    The result is a new, unloaded `Instrument` (no digest, origin or overlay yet: the
    loader sets them); `base` is not changed.
    """
    labels = overlay.labels
    fields = {name: getattr(base, name) for name in Instrument.model_fields}
    fields.update(
        items=_relabelled(base.items, labels.items, _LABEL_TEXTS["items"]),
        level_definitions=_relabelled(
            base.level_definitions, labels.levels, _LABEL_TEXTS["levels"]
        ),
        judgements=_relabelled(base.judgements, labels.judgements, _LABEL_TEXTS["judgements"]),
        domains=_relabelled(base.domains, labels.domains, _LABEL_TEXTS["domains"]),
        warning_rules=base.warning_rules + overlay.warning_rules,
        measure_rules=base.measure_rules + overlay.measure_rules,
    )
    return Instrument.model_validate(fields)


def merged_catalogue(overlay: Overlay, base: Catalogue) -> Catalogue:
    """The base catalogue with the overlay's measures after its own."""
    if not overlay.catalogue:
        return base
    return Catalogue.model_validate(
        {
            "version": f"{base.version} + {overlay.id} {overlay.version}",
            "measures": base.measures + overlay.catalogue,
        }
    )


# --- cross-references -------------------------------------------------------------------


def check(
    overlay: Overlay, base: Instrument, merged: Instrument, base_measures: Iterable[str]
) -> list[tuple[Loc, str, bool]]:
    """Every reference problem of `overlay` over `base`: `(location, message, at_key)`.

    Its rules are checked as the merged instrument's (`references.check`: items,
    dimensions, values, levels, judgements, context fields of the base; measures in the
    merged catalogue), located in the overlay; then its labels' ids, its rule ids against
    the base's, and its catalogue ids against the base catalogue's. `base_measures` is
    the base catalogue's measure ids.
    """
    found: list[tuple[Loc, str, bool]] = []
    if overlay.id == base.id:
        found.append(
            (("id",), f"an overlay needs an id of its own, not the base's {base.id!r}", False)
        )
    known = list(base_measures)
    catalogue = [*known, *(m.id for m in overlay.catalogue)]
    offsets = {"measures": len(base.measure_rules), "warnings": len(base.warning_rules)}
    for loc, message in references.check(merged, catalogue):
        key = loc[0] if loc else None
        if key in offsets and len(loc) > 1 and isinstance(loc[1], int) and loc[1] >= offsets[key]:
            if message.startswith("duplicate id"):
                continue  # said below, with what the id collides with
            found.append(((key, loc[1] - offsets[key], *loc[2:]), message, False))
        else:  # the base is valid; nothing else can be wrong in the merge, but never hide it
            found.append(
                (
                    ("extends",),
                    f"in the merged definition, {'.'.join(map(str, loc))}: {message}",
                    False,
                )
            )
    rule_ids: tuple[tuple[str, list[str], list[str], str], ...] = (
        (
            "measures",
            [r.id for r in overlay.measure_rules],
            [r.id for r in base.measure_rules],
            "measure rule",
        ),
        (
            "warnings",
            [r.id for r in overlay.warning_rules],
            [r.id for r in base.warning_rules],
            "warning rule",
        ),
    )
    for key, own, theirs, noun in rule_ids:
        seen: set[str] = set()
        for i, ident in enumerate(own):
            if ident in theirs:
                message = (
                    f"{base.id} already has a {noun} {ident!r}: give the overlay's rule an "
                    "id of its own (an overlay adds rules; it cannot replace one)"
                )
                found.append(((key, i, "id"), message, False))
            elif ident in seen:
                found.append(((key, i, "id"), f"duplicate id {ident!r}", False))
            seen.add(ident)
    seen = set()
    for i, measure in enumerate(overlay.catalogue):
        if measure.id in known:
            message = (
                f"the catalogue already has a measure {measure.id!r}: recommend it by its id, "
                "or give the district's measure an id of its own"
            )
            found.append((("catalogue", i, "id"), message, False))
        elif measure.id in seen:
            found.append((("catalogue", i, "id"), f"duplicate id {measure.id!r}", False))
        seen.add(measure.id)
    parts: Mapping[str, list[str]] = {
        "items": [item.id for item in base.items],
        "levels": base.levels,
        "judgements": [j.id for j in base.judgements],
        "domains": [d.id for d in base.domains],
    }
    for section, ids in parts.items():
        what = _NOUN[section].split(" ", 1)[1]
        for ident in getattr(overlay.labels, section):
            if ident not in ids:
                near = references.did_you_mean(ident, ids)
                hint = (
                    f"did you mean {near!r}?"
                    if near is not None
                    else "expected one of " + ", ".join(map(repr, ids))
                )
                message = f"{base.id} has no {what} {ident!r}; {hint}"
                found.append((("labels", section, ident), message, True))
    return found
