"""Base classes shared by the definition models: frozen, strict about unknown keys."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

LANGUAGES = ("nb", "en")

MAX_NUMBER = 1_000_000
"""The largest magnitude of a number in a definition (points, weights, bounds).

Finite and this small, so every total of up to `MAX_ITEMS` items stays far below 2**53:
scores of whole points and weights are exact, and no sum can overflow to infinity.
"""
Number = Annotated[float, Field(allow_inf_nan=False, ge=-MAX_NUMBER, le=MAX_NUMBER)]
"""A finite number of at most `MAX_NUMBER` in magnitude (``.nan`` and ``.inf`` refused)."""


class Model(BaseModel):
    """A frozen model that refuses unknown keys, so a misspelt YAML key is an error."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, defer_build=True)


class Text(Model):
    """A user-facing string in Norwegian bokmål and English; both are required."""

    nb: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        """The text in `lang` (`nb` or `en`)."""
        return self.en if lang == "en" else self.nb


Verified = Literal[True, False, "secondary"]
"""How far a value is confirmed: `true` against a primary source (the form, the law, a
government text), `"secondary"` by a strong secondary source only, `false` not at all."""

GRADES: dict[object, str] = {True: "primary", "secondary": "secondary", False: "unverified"}
"""The word for each `verified` value, as listings show it."""


class Verifiable(Model):
    """A value that may not yet be confirmed against the published source.

    `verified: true` (the default) means confirmed against a primary source;
    `verified: secondary` confirmed by a strong secondary source only; `verified: false`
    not confirmed. Anything but `true` must say in `source` where the value came from,
    so that a maintainer with the licensed manual can confirm or correct it with one edit.
    """

    verified: Verified = True
    source: str | None = None

    @model_validator(mode="after")
    def _unverified_needs_source(self) -> Verifiable:
        if self.verified is not True and not self.source:
            shown = "false" if self.verified is False else self.verified
            raise ValueError(
                f"'verified: {shown}' needs a 'source' saying where the value came from"
            )
        return self

    @property
    def grade(self) -> str:
        """``"primary"``, ``"secondary"`` or ``"unverified"``."""
        return GRADES[self.verified]


def verifiables(
    model: BaseModel, loc: tuple[Any, ...] = ()
) -> Iterator[tuple[tuple[Any, ...], Verifiable]]:
    """Every `Verifiable` inside `model`, with its YAML path (keys as written in YAML)."""
    if isinstance(model, Verifiable):
        yield loc, model
    for name, info in type(model).model_fields.items():
        key = info.alias or name
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            yield from verifiables(value, (*loc, key))
        elif isinstance(value, tuple):
            for index, part in enumerate(value):
                if isinstance(part, BaseModel):
                    yield from verifiables(part, (*loc, key, index))


_NOUNS = {
    "Item": "item",
    "ScaleValue": "scale value",
    "Level": "level",
    "MissingPolicy": "missing-item policy",
    "HighRisk": "high-risk rule",
    "Escalation": "escalation",
    "WarningRule": "warning rule",
    "MeasureRule": "measure rule",
    "Measure": "measure",
    "Dimension": "dimension",
    "Domain": "domain",
    "Judgement": "judgement",
}


def noun(value: Verifiable) -> str:
    """What kind of value this is, in words (``"warning rule"``), for listings."""
    name = type(value).__name__
    return _NOUNS.get(name, name.lower())
