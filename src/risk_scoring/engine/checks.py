"""The answer validator's scalar checks: one value at a time, with a code and a message.

`risk_scoring.engine.answers` calls them for every value of an answers mapping; the
column engine calls the same functions once per distinct value of a frame column, so a
frame accepts exactly what `assess` accepts. Each check appends a `Problem` (with its
stable `code`) to the list it is given. Free text is never quoted in a message, nor is a
key that is not a code.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..definition.bounds import CONTROL, MAX_INT, MAX_TEXT, ONE_LINE, is_date
from ..definition.instrument import ContextField
from ..errors import Problem

__all__ = [
    "BAD",
    "MAX_ASSESSORS",
    "MAX_INT",
    "MAX_LISTED",
    "MAX_TEXT",
    "ONE_LINE",
    "assessors",
    "check_context",
    "check_date",
    "check_line",
    "check_text",
    "context_expected",
    "context_ok",
    "expected",
    "hint",
    "key_shown",
    "missing_item",
    "one_line",
    "shown",
    "unknown",
    "value_problem",
]

MAX_ASSESSORS = 2
MAX_LISTED = 20
_CODE = re.compile(r"[A-Za-z0-9_.+-]{1,24}")


class _Bad:
    """What a check returns for a value it refused (None means "not given")."""

    def __repr__(self) -> str:
        return "<refused>"


BAD: Any = _Bad()


def expected(values: Iterable[str]) -> str:
    return "expected one of " + ", ".join(repr(v) for v in sorted(values))


def hint(name: object, known: Sequence[str]) -> str:
    """A close known name (never the input itself) for a short text `name`."""
    if not isinstance(name, str) or len(name) > 64:
        return ""
    match = difflib.get_close_matches(name, known, n=1)
    return f"; did you mean {match[0]!r}?" if match else ""


def _number(value: object) -> bool:
    return isinstance(value, (bool, float)) or (
        isinstance(value, int) and -MAX_INT <= value <= MAX_INT
    )


def shown(value: object) -> str:
    """How a wrong value appears in a message: code-like values only, never free text."""
    if _number(value) or (isinstance(value, str) and _CODE.fullmatch(value)):
        return repr(value)
    if isinstance(value, int):
        return "a very large number"
    return f"a {type(value).__name__}" if not isinstance(value, str) else "this text"


def key_shown(key: object) -> str:
    """How an unknown key appears in a problem's path: a code as it is, else a stand-in."""
    if isinstance(key, str):
        return key if _CODE.fullmatch(key) else f"<text of {len(key)} characters>"
    return repr(key) if _number(key) else f"<{type(key).__name__}>"


def key_is(key: object, *names: str) -> bool:
    """Whether `key` is one of `names`, asking only a str (``pd.NA == "role"`` is NA,
    whose truth value raises)."""
    return isinstance(key, str) and key in names


def unknown(
    prefix: str,
    keys: Iterable[object],
    known: frozenset[str],
    names: Sequence[str],
    what: str,
    code: str,
    problems: list[Problem],
) -> None:
    """One problem for each of the first `MAX_LISTED` keys not in `known`, then a count."""
    extra = 0
    for key in keys:
        if key in known:
            continue
        extra += 1
        if extra <= MAX_LISTED:
            path = f"{prefix}.{key_shown(key)}" if prefix else key_shown(key)
            problems.append(Problem(path, f"unknown {what}{hint(key, names)}", code=code))
    if extra > MAX_LISTED:
        more = extra - MAX_LISTED
        problems.append(Problem(prefix, f"{more} more unknown {what} keys not listed", code=code))


def value_problem(path: str, value: object, allowed: Iterable[str]) -> Problem:
    allowed = list(allowed)
    tip = ""
    if isinstance(value, bool):
        tip = " (a YAML 1.1 reader turns yes/no into true/false: quote the value)"
    elif isinstance(value, str):
        tip = _case_tip(value, allowed)
    message = f"{shown(value)} is not allowed; {expected(allowed)}{tip}"
    return Problem(path, message, code="value_not_allowed")


def _case_tip(value: str, allowed: list[str]) -> str:
    """A hint when `value` differs from an allowed value only in case (``Yes`` for ``yes``)."""
    if len(value) > 64:
        return ""
    folded = value.casefold()
    for option in allowed:
        if option.casefold() == folded:
            case = "lower" if option.islower() else "upper" if option.isupper() else "mixed"
            return f" (values are {case} case: {shown(option)})"
    return ""


def missing_item(path: str, allowed: Iterable[str]) -> Problem:
    return Problem(path, f"missing; {expected(allowed)}", code="missing")


def check_text(path: str, value: object, problems: list[Problem]) -> str | None:
    """Free text as a plain str, None if not given; a problem (and None) if refused."""
    if value is None:
        return None
    if not isinstance(value, str):
        message = f"must be text, not a {type(value).__name__}"
        problems.append(Problem(path, message, code="not_text"))
        return None
    if len(value) > MAX_TEXT:
        message = f"is {len(value)} characters; the limit is {MAX_TEXT}"
        problems.append(Problem(path, message, code="too_long"))
        return None
    try:
        value.encode()
    except UnicodeEncodeError:
        message = "is not valid Unicode text (it holds a lone surrogate)"
        problems.append(Problem(path, message, code="not_unicode"))
        return None
    # A str subclass (markupsafe.Markup, say) could carry behaviour; keep plain text.
    return value if type(value) is str else str.__str__(value)


def check_date(path: str, value: object, problems: list[Problem]) -> str | None:
    """A date as YYYY-MM-DD, None if not given; a problem (and None) if refused."""
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str) and is_date(value):
        return value if type(value) is str else str.__str__(value)
    problems.append(Problem(path, "must be a date written YYYY-MM-DD", code="bad_date"))
    return None


def context_ok(field: ContextField, value: object, choices: frozenset[str]) -> bool:
    if field.type == "bool":
        return isinstance(value, bool)
    if field.type == "choice":
        return isinstance(value, str) and value in choices
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and -MAX_INT <= value <= MAX_INT
        and (field.min is None or value >= field.min)
        and (field.max is None or value <= field.max)
    )


def context_expected(field: ContextField) -> str:
    if field.type == "bool":
        return "true or false"
    if field.type == "choice":
        return expected([ch.id for ch in field.choices]).removeprefix("expected ")
    bounds = [
        f">= {field.min}" if field.min is not None else "",
        f"<= {field.max}" if field.max is not None else "",
    ]
    return " ".join(["a whole number", " and ".join(b for b in bounds if b)]).strip()


def check_context(
    field: ContextField, choices: frozenset[str], path: str, value: object, problems: list[Problem]
) -> Any:
    """A context value as kept (None if not given), or `BAD` with a problem."""
    if value is None:
        if field.required:
            message = f"missing; a {field.type} value is required"
            problems.append(Problem(path, message, code="missing"))
        return None
    if field.type in ("date", "text"):
        before = len(problems)
        checked = (check_date if field.type == "date" else check_text)(path, value, problems)
        return BAD if len(problems) > before else checked
    if not context_ok(field, value, choices):
        wanted = context_expected(field)
        if isinstance(value, int) and not _number(value):
            wanted = f"a whole number from {-MAX_INT} to {MAX_INT}"
        message = f"{shown(value)} is not allowed; expected {wanted}"
        problems.append(Problem(path, message, code="value_not_allowed"))
        return BAD
    if field.type == "int" and type(value) is not int and isinstance(value, int):
        return int(value)  # an int subclass: keep the number
    if field.type == "choice" and type(value) is not str and isinstance(value, str):
        return str.__str__(value)
    return value


# Line breaks and other C0/C1 controls, the Unicode line and paragraph separators, and
# the bidirectional-text controls that can reorder what a reader sees.
_NOT_ONE_LINE = CONTROL  # one definition, shared with stored results (bounds.Line)
ASSESSOR_KEYS = ("role", "id", "name", "signed_on")


def one_line(text: str) -> bool:
    """Whether `text` is a single line: no line break, control or bidi control in it."""
    return _NOT_ONE_LINE.search(text) is None


def check_line(path: str, value: object, problems: list[Problem]) -> str | None:
    """A single line of text (a role, an id, a name), None if not given or refused."""
    text = check_text(path, value, problems)
    if text is not None and not one_line(text):
        problems.append(Problem(path, ONE_LINE, code="not_one_line"))
        return None
    return text


def assessors(raw: object, problems: list[Problem]) -> list[dict[str, str]]:
    """The assessing pair: role (required), id, name and signed_on, each a single line."""
    if raw is None:
        return []
    if not isinstance(raw, Sequence) or isinstance(raw, (str, bytes, bytearray)):
        message = "must be a list of {role: ..., id: ..., name: ..., signed_on: ...}"
        problems.append(Problem("assessors", message, code="bad_assessor"))
        return []
    if len(raw) > MAX_ASSESSORS:
        message = f"at most {MAX_ASSESSORS} assessors (a pair)"
        problems.append(Problem("assessors", message, code="too_many_assessors"))
    out = []
    for i, person in enumerate(raw):
        if i == MAX_LISTED:  # the count above already refuses the list
            break
        path = f"assessors.{i}"
        if not isinstance(person, Mapping) or not isinstance(person.get("role"), str):
            message = "must be a mapping with a 'role' (text)"
            problems.append(Problem(path, message, code="bad_assessor"))
            continue
        extra = sorted(key_shown(k) for k in person if not key_is(k, *ASSESSOR_KEYS))
        if extra:
            wanted = ", ".join(repr(k) for k in ASSESSOR_KEYS)
            message = f"unknown keys {extra[:MAX_LISTED]}; expected {wanted}"
            problems.append(Problem(path, message, code="unknown_key"))
        role = check_line(f"{path}.role", person["role"], problems)
        entry = {} if role is None else {"role": role}
        for key in ("id", "name"):
            if person.get(key) is not None:
                text = check_line(f"{path}.{key}", person[key], problems)
                if text is not None:
                    entry[key] = text
        if person.get("signed_on") is not None:
            signed_on = check_date(f"{path}.signed_on", person["signed_on"], problems)
            if signed_on is not None:
                entry["signed_on"] = signed_on
        if role is not None:
            out.append(entry)
    return out
