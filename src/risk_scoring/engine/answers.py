"""Check a plain answers mapping against an instrument and normalise it: the precise path.

The answer format is SPEC §3: `items` (a bare value fills the primary dimension, a
mapping gives dimensions and a `note`), `context`, `judgements`, `justification`,
`assessors`, `assessed_on` and `case_ref`; the rest of the SPJ case record is checked
by `record.py`. Every problem is collected and raised at once as an `AnswerError`, each
with a stable code (`risk_scoring.errors.PROBLEM_CODES`). Free text (notes,
justification, text judgements, case reference) is never quoted in a message, nor is a
key that is not a code. The caller's mapping is never changed.

`assess` first tries the fast reader (`risk_scoring.engine.read`), which accepts only
regular input and never reports; anything it declines comes here.

Limits (docs/security.md): text fields hold at most `MAX_TEXT` characters and must be
valid Unicode (no lone surrogates, which JSON cannot carry); whole numbers lie within
±`MAX_INT` (exact in JSON and JavaScript); at most `MAX_LISTED` unknown keys or
assessor entries are reported one by one, the rest in one summary problem, so a huge
hostile mapping costs linear time and a bounded message.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..definition.instrument import Instrument
from ..errors import AnswerError, Problem
from .checks import (
    BAD,
    MAX_INT,
    MAX_LISTED,
    MAX_TEXT,
    assessors,
    check_context,
    check_date,
    check_text,
    key_is,
    key_shown,
    missing_item,
    unknown,
    value_problem,
)
from .plan import ItemPlan, Plan, plan_of

__all__ = [
    "MAX_INT",
    "MAX_LISTED",
    "MAX_TEXT",
    "TOP_LEVEL",
    "Answers",
    "item_rating",
    "validate_answers",
]

TOP_LEVEL = (
    "items",
    "context",
    "judgements",
    "justification",
    "assessors",
    "assessed_on",
    "case_ref",
    # The rest of the SPJ case record, checked by engine/record.py.
    "sources",
    "other_considerations",
    "scenarios",
    "management",
    "review",
    "raters",
)
_TOP = frozenset(TOP_LEVEL)
ContextValue = bool | int | str | None


@dataclass(frozen=True, slots=True)
class Answers:
    """Validated answers: every item rated (defaults filled in), in instrument order.

    Fields that can hold free text (personal data) are left out of the repr.
    """

    ratings: dict[str, dict[str, str]]
    notes: dict[str, str] = dataclasses.field(repr=False)
    context: dict[str, ContextValue] = dataclasses.field(repr=False)
    judgements: dict[str, str]
    texts: dict[str, str] = dataclasses.field(repr=False)
    justification: str | None = dataclasses.field(repr=False)
    assessors: list[dict[str, str]] = dataclasses.field(repr=False)
    assessed_on: str | None
    case_ref: str | None = dataclasses.field(repr=False)

    def as_mapping(self) -> dict[str, Any]:
        """These answers as an answers mapping again (in the regular form)."""
        items: dict[str, Any] = {}
        for ident, rating in self.ratings.items():
            note = self.notes.get(ident)
            items[ident] = {**rating, "note": note} if note is not None else rating
        return {
            "items": items,
            "context": self.context,
            "judgements": {**self.judgements, **self.texts},
            "justification": self.justification,
            "assessors": self.assessors,
            "assessed_on": self.assessed_on,
            "case_ref": self.case_ref,
        }


def validate_answers(inst: Instrument | Plan, raw: Mapping[str, Any]) -> Answers:
    """Check `raw` against `inst` and return normalised `Answers`.

    Raises `AnswerError` whose `problems` name every item or field that is wrong.
    """
    plan = inst if isinstance(inst, Plan) else plan_of(inst)
    problems: list[Problem] = []
    if not isinstance(raw, Mapping):
        raise AnswerError([Problem("", "answers must be a mapping", code="not_mapping")], plan.id)
    if "items" not in raw and isinstance(raw.get("answers"), Mapping):
        message = (
            "this looks like a golden case (answers with the expected result): "
            "assess the mapping under 'answers:'"
        )
        raise AnswerError([Problem("answers", message, code="golden_case")], plan.id)
    unknown("", raw, _TOP, TOP_LEVEL, "key", "unknown_key", problems)
    ratings, notes = _items(plan, raw.get("items"), problems)
    context = _context(plan, raw.get("context"), problems)
    judgements, texts = _judgements(plan, raw.get("judgements"), problems)
    justification = check_text("justification", raw.get("justification"), problems)
    case_ref = check_text("case_ref", raw.get("case_ref"), problems)
    people = assessors(raw.get("assessors"), problems)
    assessed_on = check_date("assessed_on", raw.get("assessed_on"), problems)
    if problems:
        raise AnswerError(problems, plan.id)
    return Answers(
        ratings, notes, context, judgements, texts, justification, people, assessed_on, case_ref
    )


def _items(
    plan: Plan, raw: object, problems: list[Problem]
) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    ratings: dict[str, dict[str, str]] = {}
    notes: dict[str, str] = {}
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        message = "must be a mapping of item id to answer"
        problems.append(Problem("items", message, code="not_mapping"))
        raw = {}
    raw = decimal_keys("items", raw, problems)
    if len(raw) > len(plan.items) or any(key not in plan.item_ids for key in raw):
        unknown("items", raw, plan.item_ids, list(plan.items), "item", "unknown_item", problems)
    for ident, item in plan.items.items():
        rating = item_rating(plan, item, raw.get(ident), notes, problems)
        if rating is not None:
            ratings[ident] = rating
    return ratings, notes


def decimal_keys(path: str, raw: Mapping[Any, Any], problems: list[Problem]) -> Mapping[Any, Any]:
    """`raw` with each integer key as its decimal text: ``1: yes`` unquoted in YAML, or
    ``{1: "yes"}`` from Python, names item ``"1"`` (SPEC §3). A key given both ways is a
    problem."""
    if all(type(key) is str for key in raw):
        return raw
    out: dict[Any, Any] = {}
    for key, value in raw.items():
        if isinstance(key, int) and not isinstance(key, bool) and abs(key) < 10**18:
            text = str(int(key))
            if text in raw or text in out:
                message = f"item {text!r} is given twice, as text and as a number"
                problems.append(Problem(f"{path}.{text}", message, code="duplicate_key"))
            out[text] = value
        else:
            out[key] = value
    return out


def scale_value(allowed: frozenset[str], value: object) -> Any:
    """`value` as a plain str if it is one of `allowed`, else `BAD`: the check of one
    item value, in any dimension, and of one level judgement."""
    if isinstance(value, str) and value in allowed:
        return value if type(value) is str else str.__str__(value)
    return BAD


def item_rating(
    plan: Plan,
    item: ItemPlan,
    given: object,
    notes: dict[str, str],
    problems: list[Problem],
) -> dict[str, str] | None:
    """One item's answer (None if not given), normalised; None and problems if refused."""
    primary = plan.primary
    path = item.path
    if given is None:
        if item.default is not None:
            return {primary: item.default}
        if item.required:
            problems.append(missing_item(path, item.primary))
            return None
        return {}  # pragma: no cover - references.py requires a default for optional items
    if not isinstance(given, Mapping):
        value = scale_value(item.primary, given)
        if value is BAD:
            problems.append(value_problem(path, given, item.primary))
            return None
        return {primary: value}
    before = len(problems)
    rating: dict[str, str] = {}
    seen = 0
    for dim, allowed in item.allowed.items():
        value = given.get(dim)
        if value is None:
            if dim in plan.required_dims:
                problems.append(missing_item(f"{path}.{dim}", allowed))
            continue
        seen += 1
        checked = scale_value(allowed, value)
        if checked is BAD:
            problems.append(value_problem(f"{path}.{dim}", value, allowed))
        else:
            rating[dim] = checked
    note = given.get("note")
    if note is not None:
        seen += 1
        text = check_text(f"{path}.note", note, problems)
        if text is not None:
            notes[item.id] = text
    if seen != len(given):
        dims = ", ".join(repr(d) for d in [*item.allowed, "note"])
        extra = [k for k in given if k not in item.allowed and not key_is(k, "note")]
        extra = [k for k in extra if given[k] is not None]
        for key in extra[:MAX_LISTED]:
            message = f"unknown dimension; expected one of {dims}"
            problems.append(Problem(f"{path}.{key_shown(key)}", message, code="unknown_dimension"))
        if len(extra) > MAX_LISTED:
            more = len(extra) - MAX_LISTED
            message = f"{more} more unknown dimensions not listed"
            problems.append(Problem(path, message, code="unknown_dimension"))
    return rating if len(problems) == before else None


def _context(plan: Plan, raw: object, problems: list[Problem]) -> dict[str, ContextValue]:
    out: dict[str, ContextValue] = {}
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        message = "must be a mapping of field id to value"
        problems.append(Problem("context", message, code="not_mapping"))
        raw = {}
    unknown(
        "context", raw, plan.context_ids, list(plan.context), "field", "unknown_field", problems
    )
    for ident, field in plan.context.items():
        value = check_context(field.field, field.choices, field.path, raw.get(ident), problems)
        if value is not BAD:
            out[ident] = value
    return out


def _judgements(
    plan: Plan, raw: object, problems: list[Problem]
) -> tuple[dict[str, str], dict[str, str]]:
    levels: dict[str, str] = {}
    texts: dict[str, str] = {}
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        message = "must be a mapping of judgement id to value"
        problems.append(Problem("judgements", message, code="not_mapping"))
        return levels, texts
    known = plan.judgements
    names = list(known)
    unknown(
        "judgements", raw, plan.judgement_ids, names, "judgement", "unknown_judgement", problems
    )
    for key, value in raw.items():
        kind = known.get(key) if isinstance(key, str) else None
        if kind is None or value is None:
            continue
        path = f"judgements.{key}"
        if kind == "text":
            text = check_text(path, value, problems)
            if text is not None:
                texts[key] = text
        elif (level := scale_value(plan.level_set, value)) is not BAD:
            levels[key] = level
        else:
            problems.append(value_problem(path, value, plan.level_set))
    ordered = {j: levels[j] for j in known if j in levels}
    return ordered, {j: texts[j] for j in known if j in texts}
