"""Check a plain answers mapping against an instrument and normalise it.

The answer format is SPEC §3: `items` (a bare value fills the primary dimension, a
mapping gives dimensions and a `note`), `context`, `judgements`, `justification`,
`assessors`, `assessed_on` and `case_ref`. Every problem is collected and raised at
once as an `AnswerError`. Free text (notes, justification, text judgements, case
reference) is never quoted in a message, nor is a key that is not a code. The caller's
mapping is never changed.

Limits (docs/security.md): text fields hold at most `MAX_TEXT` characters and must be
valid Unicode (no lone surrogates, which JSON cannot carry); whole numbers lie within
±`MAX_INT` (exact in JSON and JavaScript); at most `MAX_LISTED` unknown keys or
assessor entries are reported one by one, the rest in one summary problem, so a huge
hostile mapping costs linear time and a bounded message.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..definition.instrument import ContextField, Instrument
from ..errors import AnswerError, Problem

MAX_TEXT = 20_000
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CODE = re.compile(r"[A-Za-z0-9_.+-]{1,24}")
MAX_ASSESSORS = 2
MAX_INT = 2**53 - 1
MAX_LISTED = 20
TOP_LEVEL = (
    "items",
    "context",
    "judgements",
    "justification",
    "assessors",
    "assessed_on",
    "case_ref",
)
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


@dataclass(frozen=True, slots=True)
class _ItemPlan:
    id: str
    path: str
    allowed: dict[str, frozenset[str]]
    required: bool
    default: str | None


@dataclass(frozen=True, slots=True)
class _Plan:
    items: dict[str, _ItemPlan]
    primary: str
    required: frozenset[str]


def _plan(inst: Instrument) -> _Plan:
    plan = inst._cache.get("answers")
    if plan is None:
        items = {}
        for item in inst.items:
            allowed = {
                dim.id: frozenset(v.id for v in inst.scale_for(item, dim).values)
                for dim in inst.dimensions
            }
            items[item.id] = _ItemPlan(
                item.id, f"items.{item.id}", allowed, item.required, item.default
            )
        plan = _Plan(
            items,
            inst.primary.id,
            frozenset(d.id for d in inst.dimensions if d.required or d is inst.primary),
        )
        inst._cache["answers"] = plan
    assert isinstance(plan, _Plan)
    return plan


def _expected(values: frozenset[str] | Sequence[str]) -> str:
    return "expected one of " + ", ".join(repr(v) for v in sorted(values))


def _hint(name: object, known: Sequence[str]) -> str:
    """A close known name (never the input itself) for a short text `name`."""
    if not isinstance(name, str) or len(name) > 64:
        return ""
    match = difflib.get_close_matches(name, known, n=1)
    return f"; did you mean {match[0]!r}?" if match else ""


def _number(value: object) -> bool:
    return isinstance(value, (bool, float)) or (
        isinstance(value, int) and -MAX_INT <= value <= MAX_INT
    )


def _shown(value: object) -> str:
    """How a wrong value appears in a message: code-like values only, never free text."""
    if _number(value) or (isinstance(value, str) and _CODE.fullmatch(value)):
        return repr(value)
    if isinstance(value, int):
        return "a very large number"
    return f"a {type(value).__name__}" if not isinstance(value, str) else "this text"


def _key(key: object) -> str:
    """How an unknown key appears in a problem's path: a code as it is, else a stand-in."""
    if isinstance(key, str):
        return key if _CODE.fullmatch(key) else f"<text of {len(key)} characters>"
    return repr(key) if _number(key) else f"<{type(key).__name__}>"


def _unknown(
    prefix: str, keys: Iterable[object], known: Sequence[str], what: str, problems: list[Problem]
) -> None:
    """One problem for each of the first `MAX_LISTED` unknown keys, then a count."""
    extra = 0
    names = frozenset(known)
    for key in keys:
        if key in names:
            continue
        extra += 1
        if extra <= MAX_LISTED:
            path = f"{prefix}.{_key(key)}" if prefix else _key(key)
            problems.append(Problem(path, f"unknown {what}{_hint(key, known)}"))
    if extra > MAX_LISTED:
        more = extra - MAX_LISTED
        problems.append(Problem(prefix, f"{more} more unknown {what} keys not listed"))


def _value_problem(path: str, value: object, allowed: frozenset[str]) -> Problem:
    tip = ""
    if isinstance(value, bool):
        tip = " (a YAML 1.1 reader turns yes/no into true/false: quote the value)"
    return Problem(path, f"{_shown(value)} is not allowed; {_expected(allowed)}{tip}")


def validate_answers(inst: Instrument, raw: Mapping[str, Any]) -> Answers:
    """Check `raw` against `inst` and return normalised `Answers`.

    Raises `AnswerError` whose `problems` name every item or field that is wrong.
    """
    problems: list[Problem] = []
    if not isinstance(raw, Mapping):
        raise AnswerError([Problem("", "answers must be a mapping")], inst.id)
    _unknown("", raw, TOP_LEVEL, "key", problems)
    ratings, notes = _items(inst, raw.get("items"), problems)
    context = _context(inst, raw.get("context"), problems)
    judgements, texts = _judgements(inst, raw.get("judgements"), problems)
    justification = _text("justification", raw.get("justification"), problems)
    case_ref = _text("case_ref", raw.get("case_ref"), problems)
    assessors = _assessors(raw.get("assessors"), problems)
    assessed_on = _date("assessed_on", raw.get("assessed_on"), problems)
    if problems:
        raise AnswerError(problems, inst.id)
    return Answers(
        ratings, notes, context, judgements, texts, justification, assessors, assessed_on, case_ref
    )


def _items(
    inst: Instrument, raw: object, problems: list[Problem]
) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    plan = _plan(inst)
    ratings: dict[str, dict[str, str]] = {}
    notes: dict[str, str] = {}
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        problems.append(Problem("items", "must be a mapping of item id to answer"))
        raw = {}
    if len(raw) > len(plan.items):
        _unknown("items", raw, list(plan.items), "item", problems)
    else:  # the common case, without building a list
        for key in raw:
            if key not in plan.items:
                _unknown("items", raw, list(plan.items), "item", problems)
                break
    primary = plan.primary
    for ident, item in plan.items.items():
        given = raw.get(ident)
        if given is None:
            path = f"items.{ident}"
            if item.default is not None:
                ratings[ident] = {primary: item.default}
            elif item.required:
                problems.append(Problem(path, f"missing; {_expected(item.allowed[primary])}"))
            else:  # pragma: no cover - references.py requires a default for optional items
                ratings[ident] = {}
            continue
        if type(given) is str or isinstance(given, str):
            if given in item.allowed[primary]:
                ratings[ident] = {primary: given}
            else:
                problems.append(_value_problem(f"items.{ident}", given, item.allowed[primary]))
        elif type(given) is dict or isinstance(given, Mapping):
            ratings[ident] = _rating(plan, item, given, notes, problems)
        else:
            problems.append(_value_problem(f"items.{ident}", given, item.allowed[primary]))
    return ratings, notes


def _rating(
    plan: _Plan,
    item: _ItemPlan,
    given: Mapping[str, object],
    notes: dict[str, str],
    problems: list[Problem],
) -> dict[str, str]:
    """One item given as a mapping of dimensions (and perhaps a note), in dimension order."""
    rating: dict[str, str] = {}
    seen = 0
    path = item.path
    for dim, allowed in item.allowed.items():
        value = given.get(dim)
        if value is None:
            if dim in plan.required:
                problems.append(Problem(f"{path}.{dim}", f"missing; {_expected(allowed)}"))
            continue
        seen += 1
        if value.__class__ is str and value in allowed:
            rating[dim] = value
        elif isinstance(value, str) and value in allowed:
            rating[dim] = str(value)
        else:
            problems.append(_value_problem(f"{path}.{dim}", value, allowed))
    note = given.get("note")
    if note is not None:
        seen += 1
        text = _text(f"{path}.note", note, problems)
        if text is not None:
            notes[item.id] = text
    if seen != len(given):
        dims = ", ".join(repr(d) for d in [*item.allowed, "note"])
        extra = [k for k, v in given.items() if k not in item.allowed and k != "note"]
        extra = [k for k in extra if given[k] is not None]
        for key in extra[:MAX_LISTED]:
            message = f"unknown dimension; expected one of {dims}"
            problems.append(Problem(f"{path}.{_key(key)}", message))
        if len(extra) > MAX_LISTED:
            more = len(extra) - MAX_LISTED
            problems.append(Problem(path, f"{more} more unknown dimensions not listed"))
    return rating


def _context(inst: Instrument, raw: object, problems: list[Problem]) -> dict[str, ContextValue]:
    out: dict[str, ContextValue] = {}
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        problems.append(Problem("context", "must be a mapping of field id to value"))
        raw = {}
    _unknown("context", raw, [f.id for f in inst.context], "field", problems)
    for field in inst.context:
        path = f"context.{field.id}"
        value = raw.get(field.id)
        if value is None:
            if field.required:
                problems.append(Problem(path, f"missing; a {field.type} value is required"))
            out[field.id] = None
            continue
        if field.type == "date":
            out[field.id] = _date(path, value, problems)
            continue
        if field.type == "text":
            out[field.id] = _text(path, value, problems)
            continue
        if not _context_ok(field, value):
            expected = _context_expected(field)
            if isinstance(value, int) and not _number(value):
                expected = f"a whole number from {-MAX_INT} to {MAX_INT}"
            problems.append(Problem(path, f"{_shown(value)} is not allowed; expected {expected}"))
            continue
        out[field.id] = value
    return out


def _context_ok(field: ContextField, value: object) -> bool:
    if field.type == "bool":
        return isinstance(value, bool)
    if field.type == "choice":
        return isinstance(value, str) and value in {ch.id for ch in field.choices}
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and -MAX_INT <= value <= MAX_INT
        and (field.min is None or value >= field.min)
        and (field.max is None or value <= field.max)
    )


def _context_expected(field: ContextField) -> str:
    if field.type == "bool":
        return "true or false"
    if field.type == "choice":
        return _expected([ch.id for ch in field.choices]).removeprefix("expected ")
    bounds = [
        f">= {field.min}" if field.min is not None else "",
        f"<= {field.max}" if field.max is not None else "",
    ]
    return " ".join(["a whole number", " and ".join(b for b in bounds if b)]).strip()


def _judgements(
    inst: Instrument, raw: object, problems: list[Problem]
) -> tuple[dict[str, str], dict[str, str]]:
    levels: dict[str, str] = {}
    texts: dict[str, str] = {}
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        problems.append(Problem("judgements", "must be a mapping of judgement id to value"))
        return levels, texts
    known = {j.id: j for j in inst.judgements}
    _unknown("judgements", raw, list(known), "judgement", problems)
    for key, value in raw.items():
        judgement = known.get(key)
        if judgement is None or value is None:
            continue
        path = f"judgements.{judgement.id}"
        if judgement.type == "text":
            text = _text(path, value, problems)
            if text is not None:
                texts[key] = text
        elif isinstance(value, str) and value in inst.level_by_id:
            levels[key] = value
        else:
            problems.append(_value_problem(path, value, frozenset(inst.levels)))
    ordered = {j.id: levels[j.id] for j in inst.judgements if j.id in levels}
    return ordered, {j.id: texts[j.id] for j in inst.judgements if j.id in texts}


def _text(path: str, value: object, problems: list[Problem]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        problems.append(Problem(path, f"must be text, not a {type(value).__name__}"))
        return None
    if len(value) > MAX_TEXT:
        problems.append(Problem(path, f"is {len(value)} characters; the limit is {MAX_TEXT}"))
        return None
    try:
        value.encode()
    except UnicodeEncodeError:
        problems.append(Problem(path, "is not valid Unicode text (it holds a lone surrogate)"))
        return None
    # A str subclass (markupsafe.Markup, say) could carry behaviour; keep plain text.
    return value if type(value) is str else str.__str__(value)


def _date(path: str, value: object, problems: list[Problem]) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    # fromisoformat alone would also take 20261122 and week dates on Python 3.11+.
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    problems.append(Problem(path, "must be a date written YYYY-MM-DD"))
    return None


def _assessors(raw: object, problems: list[Problem]) -> list[dict[str, str]]:
    if raw is None:
        return []
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        problems.append(Problem("assessors", "must be a list of {role: ..., id: ...}"))
        return []
    if len(raw) > MAX_ASSESSORS:
        problems.append(Problem("assessors", f"at most {MAX_ASSESSORS} assessors (a pair)"))
    out = []
    for i, person in enumerate(raw):
        if i == MAX_LISTED:  # the count above already refuses the list
            break
        path = f"assessors.{i}"
        if not isinstance(person, Mapping) or not isinstance(person.get("role"), str):
            problems.append(Problem(path, "must be a mapping with a 'role' (text)"))
            continue
        extra = sorted(_key(k) for k in person if k not in ("role", "id"))
        if extra:
            shown = extra[:MAX_LISTED]
            problems.append(Problem(path, f"unknown keys {shown}; expected 'role' and 'id'"))
        role = _text(f"{path}.role", person["role"], problems)
        if role is None:
            continue
        entry = {"role": role}
        if person.get("id") is not None:
            ident = _text(f"{path}.id", person["id"], problems)
            if ident is not None:
                entry["id"] = ident
        out.append(entry)
    return out
