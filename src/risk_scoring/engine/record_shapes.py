"""The shapes the SPJ case record's parts share: lists within limits, mappings with known
keys, texts, and values from a fixed vocabulary, each problem with its stable code.

`risk_scoring.engine.record` documents the limits and why; `record_parts` and `raters`
check the parts with these.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import Problem
from .checks import check_text, expected, unknown, value_problem

__all__ = [
    "MAX_CONSIDERATIONS",
    "MAX_MANAGEMENT",
    "MAX_SCENARIOS",
    "MAX_SOURCES",
    "MAX_TRIGGERS",
    "MAX_WARNING_SIGNS",
    "choice",
    "entry_text",
    "listed",
    "mapping",
    "required_text",
    "texts",
]

MAX_SOURCES = 50
MAX_CONSIDERATIONS = 50
MAX_SCENARIOS = 20
MAX_WARNING_SIGNS = 50
MAX_MANAGEMENT = 100
MAX_TRIGGERS = 50


def listed(path: str, raw: object, limit: int, what: str, problems: list[Problem]) -> Sequence[Any]:
    """`raw` as a list of at most `limit` entries, or empty (with a problem) if it is not."""
    if raw is None:
        return ()
    if not isinstance(raw, Sequence) or isinstance(raw, (str, bytes, bytearray)):
        problems.append(Problem(path, f"must be a list of {what}", code="not_list"))
        return ()
    if len(raw) > limit:
        message = f"at most {limit} {what}; {len(raw)} are given"
        problems.append(Problem(path, message, code="too_many"))
        return ()
    return raw


def mapping(
    path: str, raw: object, keys: Sequence[str], what: str, problems: list[Problem]
) -> Mapping[str, Any] | None:
    """`raw` if it is a mapping, with a problem for each unknown key; else None."""
    if not isinstance(raw, Mapping):
        problems.append(Problem(path, f"must be a mapping ({what})", code="not_mapping"))
        return None
    if len(raw) > len(keys) or any(key not in keys for key in raw):
        unknown(path, raw, frozenset(keys), keys, "key", "unknown_key", problems)
    return raw


def entry_text(path: str, value: object, problems: list[Problem]) -> str | None:
    """A text in a list: null is a problem there, not an absent value."""
    if value is None:
        problems.append(Problem(path, "must be text, not null", code="not_text"))
        return None
    return check_text(path, value, problems)


def texts(path: str, raw: object, limit: int, problems: list[Problem]) -> list[str]:
    """A list of at most `limit` texts."""
    out = []
    for i, value in enumerate(listed(path, raw, limit, "texts", problems)):
        text = entry_text(f"{path}.{i}", value, problems)
        if text is not None:
            out.append(text)
    return out


def required_text(path: str, value: object, problems: list[Problem]) -> str | None:
    """Text that must be given and not blank."""
    if value is None:
        problems.append(Problem(path, "missing; text is required", code="missing"))
        return None
    text = check_text(path, value, problems)
    if text is not None and not text.strip():
        problems.append(Problem(path, "must not be empty", code="missing"))
        return None
    return text


def choice(
    path: str, value: object, allowed: Sequence[str], problems: list[Problem], required: bool
) -> Any:
    """`value` if it is one of `allowed`; None (with a problem, if wrong or required) if not."""
    if value is None:
        if required:
            problems.append(Problem(path, f"missing; {expected(allowed)}", code="missing"))
        return None
    if isinstance(value, str) and value in allowed:
        return str.__str__(value)
    problems.append(value_problem(path, value, allowed))
    return None
