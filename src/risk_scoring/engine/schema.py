"""JSON Schemas (Draft 2020-12) for other systems: one instrument's answers, and results.

`answers_schema(instrument)` describes exactly the answer format `validate_answers`
accepts (SPEC §3): each item's allowed values per dimension, the bare-value and mapping
forms, notes, required items, context fields with their types and bounds, judgements,
and the top-level keys. A system that cannot run Python validates its answers with it
before sending them; the library refuses what the schema refuses.

The schema is the structural contract and the library is the final word. Two
differences are known and documented in `docs/cli.md`: JSON Schema cannot tell `3.0`
from `3` (the library wants a whole number, not a float), and the date check needs a
validator that asserts `format: date` (the pattern already refuses most bad dates).

The SPJ case record (`docs/record.md`) is described too, with the checks that relate
one part to another left to the library: a recommended measure rejected or deferred
without a reason (what is recommended depends on the rules), a measure decided twice,
and `raters` keyed by a role no assessor has, or by a role two assessors share.

`result_schema()` describes `Result.model_dump_json()`.
"""

from __future__ import annotations

from typing import Any

from ..definition.catalogue import Catalogue
from ..definition.instrument import ContextField, Instrument, Item
from ..definition.loading import catalogue_for, load_instrument
from ..definition.record import DECISIONS, RATINGS, SCENARIO_TYPES, STRATEGIES
from ..definition.result import Result
from .checks import MAX_ASSESSORS, MAX_TEXT
from .record_shapes import (
    MAX_CONSIDERATIONS,
    MAX_MANAGEMENT,
    MAX_SCENARIOS,
    MAX_SOURCES,
    MAX_TRIGGERS,
    MAX_WARNING_SIGNS,
)

__all__ = ["DRAFT", "answers_schema", "result_schema"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
_DATE = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
_NULL: dict[str, Any] = {"type": "null"}


def _nullable(schema: dict[str, Any], nullable: bool) -> dict[str, Any]:
    return {"anyOf": [schema, _NULL]} if nullable else schema


def _text(description: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "maxLength": MAX_TEXT}
    if description:
        schema["description"] = description
    return schema


def _date() -> dict[str, Any]:
    return {"type": "string", "format": "date", "pattern": _DATE}


# What `record.py` refuses in a single-line field, as an ECMA-262 character class.
_ONE_LINE = (
    "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u061c\\u200e\\u200f"
    "\\u202a-\\u202e\\u2066-\\u2069]*$"
)


def _line(description: str = "") -> dict[str, Any]:
    return {**_text(description), "pattern": _ONE_LINE}


def _texts(limit: int) -> dict[str, Any]:
    return {"type": "array", "items": _text(), "maxItems": limit}


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": required or [],
        "additionalProperties": False,
    }


def _enum(values: Any, nullable: bool = True) -> dict[str, Any]:
    return _nullable({"enum": list(values)}, nullable)


def _record(inst: Instrument, catalogue: Catalogue) -> dict[str, Any]:
    """The schemas of the record's top-level keys (`docs/record.md`)."""
    dims = {d.id: _enum(v.id for v in inst.scale_by_id[d.scale].values) for d in inst.dimensions}
    consideration = _object(
        {
            "title": {**_text(), "pattern": "\\S"},
            **dims,
            "note": _nullable(_text(), True),
        },
        ["title"],
    )
    scenario = _object(
        {
            "type": {"enum": list(SCENARIO_TYPES)},
            "description": _nullable(_text(), True),
            "victims": _nullable(_text(), True),
            **{key: _enum(RATINGS) for key in ("likelihood", "severity", "imminence")},
            "warning_signs": _nullable(_texts(MAX_WARNING_SIGNS), True),
        },
        ["type"],
    )
    decision = _object(
        {
            "measure": {"enum": [m.id for m in catalogue.measures]},
            "strategy": {"enum": list(STRATEGIES)},
            "decision": {"enum": list(DECISIONS)},
            "responsible": _nullable(_text(), True),
            "due": _nullable(_date(), True),
            "reason": _nullable(_text(), True),
            "consent": {"type": ["boolean", "null"]},
        },
        ["measure", "strategy", "decision"],
    )
    review = _object(
        {
            "due": _nullable(_date(), True),
            "triggers": _nullable(_texts(MAX_TRIGGERS), True),
        }
    )
    primary = inst.primary.id
    rated: dict[str, Any] = {}
    for item in inst.items:
        values = {d.id: [v.id for v in inst.scale_for(item, d).values] for d in inst.dimensions}
        mapping = {
            "type": "object",
            "properties": {d: _enum(v) for d, v in values.items()},
            "additionalProperties": _NULL,
        }
        rated[item.id] = {"anyOf": [{"enum": values[primary]}, mapping, _NULL]}
    judgements = {j.id: _NULL if j.type == "text" else _enum(inst.levels) for j in inst.judgements}
    rater = _object(
        {
            "items": _nullable(_object(rated), True),
            "judgements": _nullable(_object(judgements), True),
        }
    )
    return {
        "sources": _nullable(_texts(MAX_SOURCES), True),
        "other_considerations": _nullable(
            {"type": "array", "items": consideration, "maxItems": MAX_CONSIDERATIONS},
            True,
        ),
        "scenarios": _nullable(
            {"type": "array", "items": scenario, "maxItems": MAX_SCENARIOS}, True
        ),
        "management": _nullable(
            {"type": "array", "items": decision, "maxItems": MAX_MANAGEMENT}, True
        ),
        "review": _nullable(review, True),
        "raters": _nullable(
            {
                "type": "object",
                "description": "Each rater's own ratings, keyed by an assessor's role.",
                "additionalProperties": rater,
                "maxProperties": MAX_ASSESSORS,
            },
            True,
        ),
    }


def _item(inst: Instrument, item: Item) -> dict[str, Any]:
    """An item's answer: a bare primary value, or a mapping of dimensions and a note."""
    primary = inst.primary
    values = {dim.id: [v.id for v in inst.scale_for(item, dim).values] for dim in inst.dimensions}
    dimensions: dict[str, Any] = {}
    for dim in inst.dimensions:
        enum = {"enum": values[dim.id], "description": dim.title.en}
        required = dim.required or dim.id == primary.id
        dimensions[dim.id] = _nullable(enum, not required)
    dimensions["note"] = _nullable(_text("Free text; personal data."), True)
    mapping = {
        "type": "object",
        "properties": dimensions,
        "required": [d.id for d in inst.dimensions if d.required or d.id == primary.id],
        # An unknown key is refused unless it is null, as in the library.
        "additionalProperties": _NULL,
    }
    forms: list[dict[str, Any]] = [{"enum": values[primary.id]}, mapping]
    if not item.required or item.default is not None:
        forms.append(_NULL)
    return {"title": item.title.en, "anyOf": forms}


def _context(field: ContextField) -> dict[str, Any]:
    schema: dict[str, Any]
    if field.type == "bool":
        schema = {"type": "boolean"}
    elif field.type == "int":
        schema = {"type": "integer"}
        if field.min is not None:
            schema["minimum"] = field.min
        if field.max is not None:
            schema["maximum"] = field.max
    elif field.type == "choice":
        schema = {"enum": [choice.id for choice in field.choices]}
    elif field.type == "date":
        schema = _date()
    else:
        schema = _text()
    return {"title": field.title.en, **_nullable(schema, not field.required)}


def answers_schema(instrument: Instrument | str, *, instrument_key: bool = False) -> dict[str, Any]:
    """The JSON Schema (Draft 2020-12) of answers to `instrument`.

    With `instrument_key`, the schema also allows the ``instrument`` key that answer
    files for the command line carry (``instrument: dash``); the library's `assess`
    itself does not take that key.

    >>> answers_schema("dash")["properties"]["items"]["properties"]["1"]["anyOf"][0]
    {'enum': ['no', 'yes', 'unknown']}
    """
    inst = load_instrument(instrument) if isinstance(instrument, str) else instrument
    required_items = [i.id for i in inst.items if i.required and i.default is None]
    required_context = [f.id for f in inst.context if f.required]
    items: dict[str, Any] = {
        "type": "object",
        "description": "Item id to answer: a bare value fills the primary dimension "
        f"({inst.primary.id!r}); a mapping gives dimensions and a note.",
        "properties": {item.id: _item(inst, item) for item in inst.items},
        "required": required_items,
        "additionalProperties": False,
    }
    context: dict[str, Any] = {
        "type": "object",
        "properties": {f.id: _context(f) for f in inst.context},
        "required": required_context,
        "additionalProperties": False,
    }
    judgements: dict[str, Any] = {
        "type": "object",
        "properties": {
            j.id: {
                "title": j.title.en,
                **_nullable(
                    _text("Free text; personal data.")
                    if j.type == "text"
                    else {"enum": list(inst.levels)},
                    True,
                ),
            }
            for j in inst.judgements
        },
        "additionalProperties": False,
    }
    assessor = _object(
        {
            "role": _line(),
            "id": _nullable(_line(), True),
            "name": _nullable(_line("For the report's sign-off; personal data."), True),
            "signed_on": _nullable(_date(), True),
        },
        ["role"],
    )
    properties: dict[str, Any] = {
        "items": _nullable(items, not required_items),
        "context": _nullable(context, not required_context),
        "judgements": _nullable(judgements, True),
        "justification": _nullable(_text("Why the judgements are what they are."), True),
        "assessors": _nullable(
            {"type": "array", "items": assessor, "maxItems": MAX_ASSESSORS}, True
        ),
        "assessed_on": _nullable(_date(), True),
        "case_ref": _nullable(_line("A pseudonymous case reference."), True),
        **_record(inst, catalogue_for(inst)),
    }
    if instrument_key:
        properties = {"instrument": {"const": inst.id}, **properties}
    required = [
        key for key, needed in (("items", required_items), ("context", required_context)) if needed
    ]
    return {
        "$schema": DRAFT,
        "$id": f"urn:risk-scoring:answers:{inst.id}:{inst.version}",
        "title": f"Answers for {inst.title.en} ({inst.id} {inst.version})",
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def result_schema() -> dict[str, Any]:
    """The JSON Schema (Draft 2020-12) of a result as `Result.model_dump_json()` writes it."""
    schema = Result.model_json_schema(mode="serialization")
    return {
        "$schema": DRAFT,
        "$id": "urn:risk-scoring:result",
        **schema,
        "title": "risk_scoring result",
    }
