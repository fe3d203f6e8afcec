"""What made a rule hold, and what each step of the explanation decided, as small records.

Evidence is the answer (or score, or level) that made a condition hold. Each record's
`str()` is its text form, the one results have always carried::

    ItemEvidence("N5", "recent", "Y")            N5.recent=Y
    ContextEvidence("children", "true")          context.children=true
    JudgementEvidence("serious_harm", "high")    judgements.serious_harm=high
    ScoreEvidence(14.0)                          score=14
    LEVEL                                        level
    MissingEvidence("items", "N5")               items.N5   (an unknown or absent answer)
    FieldEvidence("review.due", "2026-11-01")    review.due=2026-11-01   (the case record)

So that the text form stays unambiguous for any id, ``%``, ``.`` and ``=`` inside an id
or value are percent-encoded (``imm.inent`` is written ``imm%2Einent``), and an item
whose id is ``context``, ``judgements``, ``management`` or ``review`` has its first letter
encoded. The built-in
instruments' ids contain none of these, so their text is unchanged. `parse_evidence`
reads the text form back into the record.

An `Outcome` is what one trace step decided: a stable `code` from a fixed vocabulary
(`OUTCOME_CODES`), with the level, number or message it concerns as fields.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, ClassVar, Literal

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema

__all__ = [
    "LEVEL",
    "OUTCOME_CODES",
    "ContextEvidence",
    "Evidence",
    "EvidenceText",
    "FieldEvidence",
    "ItemEvidence",
    "JudgementEvidence",
    "LevelEvidence",
    "MissingEvidence",
    "Outcome",
    "ScoreEvidence",
    "encode",
    "no_judgements_message",
    "parse_evidence",
    "show_context",
    "too_many_unknown_message",
]

_SPECIAL = re.compile(r"[%.=]")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_RESERVED_HEADS = frozenset({"context", "judgements", "management", "review"})
_FIELD_HEADS = frozenset({"assessed_on", "management", "review"})


def encode(part: str) -> str:
    """One id or value of the text form: ``%``, ``.`` and ``=`` percent-encoded."""
    if "%" in part or "." in part or "=" in part:
        return _SPECIAL.sub(lambda m: f"%{ord(m.group()):02X}", part)
    return part


def decode(part: str) -> str:
    """The inverse of `encode`."""
    if "%" not in part:
        return part
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), part)


def _item_head(item: str) -> str:
    text = encode(item)
    if text in _RESERVED_HEADS:  # else item `context`, dimension `x` reads as a context field
        return f"%{ord(text[0]):02X}{text[1:]}"
    return text


def show_context(value: object) -> str:
    """A context value as evidence shows it: ``true``/``false``, digits, or the text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


_set = object.__setattr__


class Evidence:
    """Base of the evidence records: immutable, compared and hashed by kind and fields.

    In JSON each is its text form (a string). (Plain classes with slots rather than
    dataclasses: defining six dataclasses costs more import time than all of this.)
    """

    __slots__: tuple[str, ...] = ()
    __match_args__: tuple[str, ...] = ()
    kind: ClassVar[str]

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__match_args__)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Evidence):
            return NotImplemented
        return type(other) is type(self) and other._values() == self._values()

    def __hash__(self) -> int:
        return hash((self.kind, self._values()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__match_args__)
        return f"{type(self).__name__}({shown})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __reduce__(self) -> tuple[type[Evidence], tuple[object, ...]]:
        return type(self), self._values()


class ItemEvidence(Evidence):
    """An item's value in one dimension: ``N5.recent=Y``."""

    __slots__ = ("dimension", "item", "value")
    __match_args__ = ("item", "dimension", "value")
    kind = "item"
    item: str
    dimension: str
    value: str

    def __init__(self, item: str, dimension: str, value: str) -> None:
        _set(self, "item", item)
        _set(self, "dimension", dimension)
        _set(self, "value", value)

    def __str__(self) -> str:
        return f"{_item_head(self.item)}.{encode(self.dimension)}={encode(self.value)}"


class ContextEvidence(Evidence):
    """A context field's value, as text (see `show_context`): ``context.children=true``."""

    __slots__ = ("field", "value")
    __match_args__ = ("field", "value")
    kind = "context"
    field: str
    value: str

    def __init__(self, field: str, value: str) -> None:
        _set(self, "field", field)
        _set(self, "value", value)

    def __str__(self) -> str:
        return f"context.{encode(self.field)}={encode(self.value)}"


class JudgementEvidence(Evidence):
    """A summary judgement's value: ``judgements.serious_harm=high``."""

    __slots__ = ("judgement", "value")
    __match_args__ = ("judgement", "value")
    kind = "judgement"
    judgement: str
    value: str

    def __init__(self, judgement: str, value: str) -> None:
        _set(self, "judgement", judgement)
        _set(self, "value", value)

    def __str__(self) -> str:
        return f"judgements.{encode(self.judgement)}={encode(self.value)}"


class ScoreEvidence(Evidence):
    """The total a score condition compared: ``score=14`` (six significant digits)."""

    __slots__ = ("score",)
    __match_args__ = ("score",)
    kind = "score"
    score: float

    def __init__(self, score: float) -> None:
        _set(self, "score", score)

    def __str__(self) -> str:
        return f"score={self.score:g}"


class LevelEvidence(Evidence):
    """A level condition held: ``level``. Use the one instance, `LEVEL`."""

    __slots__ = ()
    kind = "level"

    def __str__(self) -> str:
        return "level"


class MissingEvidence(Evidence):
    """An item answered unknown or omitted, or a judgement not given: ``items.N5``."""

    __slots__ = ("id", "section")
    __match_args__ = ("section", "id")
    kind = "missing"
    section: Literal["items", "judgements"]
    id: str

    def __init__(self, section: Literal["items", "judgements"], id: str) -> None:
        _set(self, "section", section)
        _set(self, "id", id)

    def __str__(self) -> str:
        return f"{self.section}.{encode(self.id)}"


class FieldEvidence(Evidence):
    """A date of the case record a warning compares: ``management.0.due=2026-11-25``,
    ``review.due=...``, ``assessed_on=...`` (`path` is the answers' dotted path)."""

    __slots__ = ("path", "value")
    __match_args__ = ("path", "value")
    kind = "field"
    path: str
    value: str

    def __init__(self, path: str, value: str) -> None:
        _set(self, "path", path)
        _set(self, "value", value)

    def __str__(self) -> str:
        return f"{self.path}={encode(self.value)}"


LEVEL = LevelEvidence()


def parse_evidence(text: str) -> Evidence:
    """The record whose text form is `text`; raises ValueError for anything else."""
    if text == "level":
        return LEVEL
    name, sep, value = text.partition("=")
    parts = name.split(".")
    if not sep:
        if len(parts) == 2 and parts[0] in ("items", "judgements") and parts[1]:
            section: Literal["items", "judgements"] = (
                "items" if parts[0] == "items" else "judgements"
            )
            return MissingEvidence(section, decode(parts[1]))
        raise ValueError("not an evidence text")
    if parts[0] in _FIELD_HEADS and all(parts):
        return FieldEvidence(name, decode(value))
    if parts == ["score"]:
        try:
            return ScoreEvidence(float(value))
        except ValueError:
            raise ValueError("score evidence needs a number") from None
    if len(parts) < 2 or not all(parts):
        raise ValueError("not an evidence text")
    if len(parts) == 2 and parts[0] == "context":
        return ContextEvidence(decode(parts[1]), decode(value))
    if len(parts) == 2 and parts[0] == "judgements":
        return JudgementEvidence(decode(parts[1]), decode(value))
    # More than two parts only in text written before ids were encoded: the last part
    # is the dimension (dotted item ids were written as they are).
    item = ".".join(parts[:-1]) if len(parts) > 2 else decode(parts[0])
    return ItemEvidence(item, decode(parts[-1]), decode(value))


def _validate(value: object) -> Evidence:
    if isinstance(value, Evidence):
        return value
    if isinstance(value, str):
        return parse_evidence(value)
    raise ValueError("evidence must be text")


EvidenceText = Annotated[
    Evidence,
    PlainValidator(_validate),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "description": "evidence: item.dimension=value, context.field=value, "
            "judgements.id=value, score=N, level, items.id / judgements.id, or a "
            "date of the case record (review.due=..., management.0.due=..., assessed_on=...)",
        }
    ),
]
"""An evidence record, written as its text form in JSON and read back from it."""


# --- outcomes ---------------------------------------------------------------------------


def too_many_unknown_message(unknown: Sequence[str], limit: int) -> str:
    """The engine's warning when more items are unknown than the missing-item policy allows."""
    return (
        f"{len(unknown)} items are unknown ({', '.join(unknown)}); at most "
        f"{limit} may be, so no level is given"
    )


def no_judgements_message(absent: Sequence[str]) -> str:
    """The engine's warning when an spj case lacks judgements its level comes from."""
    return "no level without the summary judgements: " + ", ".join(absent)


OUTCOME_CODES = (
    "total",
    "research_total",
    "prorated",
    "unknown",
    "omitted",
    "too_many_unknown",
    "no_judgements",
    "band",
    "judgement",
    "raised",
    "no_change",
    "warning",
)
"""Every code a trace step's outcome can have; see `Outcome`."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one step of the explanation decided.

    ===================  ==========================================================
    code                 fields
    ===================  ==========================================================
    total                `value`: the sum of points (actuarial, checklist)
    research_total       `value`: the research total (spj)
    prorated             `value`: the total prorated over the known items
    unknown, omitted     `value`: how many items were answered unknown / omitted
    too_many_unknown     `value`: the limit; `message`: the warning given
    no_judgements        `message`: the warning given
    band                 `level`: the band the total falls in
    judgement            `level`: the level the judgements give
    raised               `level`: what an escalation raised the level to
    no_change            `level`: an escalation's target, already reached
    warning              `message`: the warning rule's message (English)
    ===================  ==========================================================

    `str()` gives the text results carried before outcomes were records
    (``raised to high``, ``standard; no change``, ``at most 2``, ...).
    """

    code: str
    level: str | None = None
    value: int | float | None = None
    message: str | None = None

    def __str__(self) -> str:
        code = self.code
        if code in ("total", "research_total", "prorated"):
            return f"{self.value:g}"
        if code in ("unknown", "omitted"):
            return str(self.value)
        if code == "too_many_unknown":
            return f"at most {self.value}"
        if code == "no_judgements":
            return "no level"
        if code == "raised":
            return f"raised to {self.level}"
        if code == "no_change":
            return f"{self.level}; no change"
        if code in ("band", "judgement"):
            return str(self.level)
        return self.message or code
