"""The pair's own ratings before the consensus (`raters`, SPEC §2): keyed by the role of
an assessor, rating only items, dimensions, values and level judgements the instrument
has. Each problem is located and has its stable code; a role is never quoted unless it
is a code.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..definition.record import RaterRatings
from ..errors import Problem
from .checks import _CODE, MAX_ASSESSORS, MAX_LISTED, expected, key_shown, unknown, value_problem
from .plan import Plan
from .record_shapes import choice, mapping

__all__ = ["raters"]

RATER_KEYS = ("items", "judgements")


def raters(
    plan: Plan, raw: object, roles: list[str] | None, problems: list[Problem]
) -> dict[str, RaterRatings]:
    """Each rater's ratings; `roles` are the assessors' (None when they are refused)."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        message = "must be a mapping of an assessor's role to {items: ..., judgements: ...}"
        problems.append(Problem("raters", message, code="not_mapping"))
        return {}
    if len(raw) > MAX_ASSESSORS:
        message = f"at most {MAX_ASSESSORS} raters, one per assessor of the pair"
        problems.append(Problem("raters", message, code="too_many"))
        return {}
    out = {}
    for role, entry in raw.items():
        path = f"raters.{key_shown(role)}"
        if roles is not None:
            if role not in roles:
                codes = [r for r in roles if _CODE.fullmatch(r)]
                wanted = f"; {expected(codes)}" if codes else ""
                message = f"is not the role of an assessor{wanted}"
                problems.append(Problem(path, message, code="unknown_rater"))
                continue
            if roles.count(role) > 1:
                message = "two assessors have this role: raters are keyed by role"
                problems.append(Problem(path, message, code="duplicate_role"))
                continue
        given = mapping(path, entry, RATER_KEYS, "items and judgements", problems)
        if given is None:
            continue
        before = len(problems)
        items = _items(plan, path, given.get("items"), problems)
        judgements = _judgements(plan, path, given.get("judgements"), problems)
        if len(problems) == before and isinstance(role, str):
            out[str.__str__(role)] = RaterRatings(items, judgements)
    return out


def _items(
    plan: Plan, path: str, raw: object, problems: list[Problem]
) -> dict[str, dict[str, str]]:
    if raw is None:
        return {}
    path = f"{path}.items"
    if not isinstance(raw, Mapping):
        message = "must be a mapping of item id to rating"
        problems.append(Problem(path, message, code="not_mapping"))
        return {}
    items = plan.items
    if len(raw) > len(items) or any(key not in items for key in raw):
        unknown(path, raw, plan.item_ids, list(items), "item", "unknown_item", problems)
    primary = plan.primary
    out = {}
    for ident, item in items.items():  # instrument order
        given = raw.get(ident)
        if given is None:
            continue
        where = f"{path}.{ident}"
        values = item.values
        if isinstance(given, str):
            value = choice(where, given, values[primary], problems, False)
            if value is not None:
                out[ident] = {primary: value}
            continue
        if not isinstance(given, Mapping):
            problems.append(value_problem(where, given, values[primary]))
            continue
        extra = [k for k in given if k not in values and given[k] is not None]
        for key in extra[:MAX_LISTED]:
            message = f"unknown dimension; expected one of {', '.join(map(repr, plan.dimensions))}"
            code = "unknown_dimension"
            if key == "note":
                message = "raters record ratings only; the note belongs in items"
                code = "unknown_key"
            problems.append(Problem(f"{where}.{key_shown(key)}", message, code=code))
        rating = {}
        for dim in plan.dimensions:
            value = choice(f"{where}.{dim}", given.get(dim), values[dim], problems, False)
            if value is not None:
                rating[dim] = value
        if rating:
            out[ident] = rating
    return out


def _judgements(plan: Plan, path: str, raw: object, problems: list[Problem]) -> dict[str, str]:
    if raw is None:
        return {}
    path = f"{path}.judgements"
    if not isinstance(raw, Mapping):
        message = "must be a mapping of judgement id to level"
        problems.append(Problem(path, message, code="not_mapping"))
        return {}
    record = plan.record
    known = [*record.level_judgements, *record.text_judgements]
    if len(raw) > len(known) or any(key not in known for key in raw):
        names = frozenset(known)
        unknown(path, raw, names, known, "judgement", "unknown_judgement", problems)
    out = {}
    levels = sorted(plan.levels)
    for ident in record.level_judgements:
        value = choice(f"{path}.{ident}", raw.get(ident), levels, problems, False)
        if value is not None:
            out[ident] = value
    for ident in record.text_judgements:
        if raw.get(ident) is not None:
            message = "is a text judgement; raters record level judgements only"
            problems.append(Problem(f"{path}.{ident}", message, code="unknown_judgement"))
    return out
