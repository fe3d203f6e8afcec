"""The fast reader: regular answers validated, normalised and tallied in one pass.

`read` accepts only answers in the regular form, the form nearly every caller sends:
plain dicts, exact `str` values from the scales, known keys only, text within limits.
It walks the items once, domain by domain, checking each answer and tallying the
domain summaries and the total as it goes. It never reports a problem: for anything
irregular it returns None, and `read_precisely` runs the precise validator
(`risk_scoring.engine.answers`), which either raises `AnswerError` naming every problem
or returns normalised answers, which are regular and are then read here. So both paths
give the same result, and the tallies are written once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from ..definition.result import DomainSummary, maker
from .answers import TOP_LEVEL, validate_answers
from .checks import MAX_TEXT, assessors, check_context, check_date
from .plan import ItemPlan, Plan
from .research_plan import research_code

__all__ = ["Read", "read", "read_precisely"]

_TOP = frozenset(TOP_LEVEL)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
new_domain = maker(DomainSummary)


class Read(NamedTuple):
    """Validated, normalised answers and their tallies (`Answers` plus the domains)."""

    ratings: dict[str, dict[str, str]]
    notes: dict[str, str]
    context: dict[str, Any]
    judgements: dict[str, str]
    texts: dict[str, str]
    justification: str | None
    assessors: list[dict[str, str]]
    assessed_on: str | None
    case_ref: str | None
    domains: list[DomainSummary]
    counts: dict[str, dict[str, int]]
    total: float
    unknown: list[str]
    """Items answered with an unknown value, domain by domain."""
    research: int
    """The sum of the items' packed research codes (`Research.packed`; else 0)."""


def _text(value: Any) -> bool:
    """Whether `value` is free text the precise validator keeps as it is."""
    if value.__class__ is not str or len(value) > MAX_TEXT:
        return False
    if value.isascii():
        return True
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def _rating(item: ItemPlan, given: dict[Any, Any], primary: str, notes: dict[str, str]) -> Any:
    """An item given as a mapping, when regular: its rating, else None."""
    value = given.get(primary)
    if value.__class__ is not str or value not in item.primary:
        return None
    rating = {primary: value}
    seen = 1
    for dim, allowed, required in item.others:
        other = given.get(dim)
        if other is None:
            if required:
                return None
            continue
        if other.__class__ is not str or other not in allowed:
            return None
        rating[dim] = other
        seen += 1
    if seen != len(given):
        note = given.get("note")
        if note is None or seen + 1 != len(given) or not _text(note):
            return None
        notes[item.id] = note
    return rating


def read(plan: Plan, raw: Mapping[str, Any]) -> Read | None:
    """`raw` read in one pass if it is regular; None if it needs the precise validator."""
    try:
        return _read(plan, raw)
    except Exception:  # an unhashable or strange value: the precise validator decides
        return None


def _read(plan: Plan, raw: Mapping[str, Any]) -> Read | None:
    if raw.__class__ is not dict or not raw.keys() <= _TOP:
        return None
    items = raw.get("items")
    if items is None:
        items = {}
    elif items.__class__ is not dict or not items.keys() <= plan.item_ids:
        return None
    primary = plan.primary
    width = len(plan.dimensions)
    key_of = plan.rating_key
    ratings: dict[str, dict[str, str]] = {}
    notes: dict[str, str] = {}
    total = 0.0
    research = 0
    unknown: list[str] = []
    domains = []
    tallies = {}
    get: Any = items.get
    for domain, members, uniform in plan.walk:
        counts: dict[str, int] = {}
        subtotal = 0.0
        omitted = 0
        allowed = members[0][4].primary if uniform is not None else ()
        for ident, full, tally_of, default, item in members:
            given = get(ident)
            kind = given.__class__
            if kind is str and given in allowed:  # alike items, a bare value: the usual
                ratings[ident] = {primary: given}
                counts[given] = counts.get(given, 0) + 1
                continue
            if kind is dict:
                entry = None
                if full is not None and len(given) == width:
                    try:  # every dimension given, and nothing else
                        entry = full.get(key_of(given))
                    except KeyError:  # contextlib.suppress would cost a call per item
                        entry = None
                if entry is not None:
                    template, tally, code = entry
                    ratings[ident] = template.copy()
                    research += code
                else:
                    rating = _rating(item, given, primary, notes)
                    if rating is None:
                        return None
                    ratings[ident] = rating
                    tally = tally_of[rating[primary]]
                    if len(rating) > 1 and (study := plan.research) is not None:
                        research += research_code(study, study.points[ident], rating)
            elif kind is str:
                bare = tally_of.get(given)
                if bare is None:
                    return None
                tally = bare
                ratings[ident] = {primary: given}
            elif given is None and default is not None:
                tally = tally_of[default]
                ratings[ident] = {primary: default}
            else:
                return None
            value, points, gone = tally
            counts[value] = counts.get(value, 0) + 1
            if uniform is not None:
                continue  # the domain's points are its counts times the points, below
            if points is not None:
                subtotal += points
            elif gone:
                omitted += 1
                unknown.append(ident)
        if uniform is not None:
            worth, unknown_values = uniform
            for value, points in worth:
                if value in counts:
                    subtotal += counts[value] * points
            for value in unknown_values:
                omitted += counts.get(value, 0)
            if omitted:
                unknown += [m[0] for m in members if ratings[m[0]][primary] in unknown_values]
        total += subtotal
        tallies[domain] = counts
        domains.append(new_domain(domain, len(members), counts, subtotal, omitted, ()))
    if not plan.in_domain_order:
        ratings = {ident: ratings[ident] for ident in plan.items}
        notes = {ident: notes[ident] for ident in plan.items if ident in notes}
    context = _context(plan, raw.get("context"))
    if context is None:
        return None
    judgements: dict[str, str] = {}
    texts: dict[str, str] = {}
    given_judgements: Any = raw.get("judgements")
    if given_judgements is not None:
        if given_judgements.__class__ is not dict:
            return None
        if not given_judgements.keys() <= plan.judgement_ids:
            return None
        levels = plan.level_set
        for ident, kind_of in plan.judgements.items():
            judged = given_judgements.get(ident)
            if judged is None:
                continue
            if kind_of == "text":
                if not _text(judged):
                    return None
                texts[ident] = judged
            elif judged.__class__ is str and judged in levels:
                judgements[ident] = judged
            else:
                return None
    justification = raw.get("justification")
    if justification is not None and not _text(justification):
        return None
    case_ref = raw.get("case_ref")
    if case_ref is not None and not _text(case_ref):
        return None
    people: list[dict[str, str]] = []
    if (given_people := raw.get("assessors")) is not None:
        problems: list[Any] = []
        people = assessors(given_people, problems)
        if problems:
            return None
    assessed_on: Any = raw.get("assessed_on")
    if assessed_on is not None:
        problems = []
        assessed_on = check_date("assessed_on", assessed_on, problems)
        if problems:
            return None
    return Read(
        ratings,
        notes,
        context,
        judgements,
        texts,
        justification,
        people,
        assessed_on,
        case_ref,
        domains,
        tallies,
        total,
        unknown,
        research,
    )


def _context(plan: Plan, raw: Any) -> dict[str, Any] | None:
    """Every context field (None when not given), checking only the fields given."""
    out = dict(plan.context_template)
    if raw is None:
        raw = {}
    elif raw.__class__ is not dict or not raw.keys() <= plan.context_ids:
        return None
    fields = plan.context
    for ident, value in raw.items():
        if value is None:
            continue
        field = fields[ident]
        kind = field.type
        if kind == "bool":
            if value.__class__ is not bool:
                return None
        elif kind == "int":
            if value.__class__ is not int or not field.low <= value <= field.high:
                return None
        elif kind == "choice":
            if value.__class__ is not str or value not in field.choices:
                return None
        else:
            problems: list[Any] = []
            value = check_context(field.field, field.choices, field.path, value, problems)
            if problems:
                return None
        out[ident] = value
    for ident in plan.required_context:
        if out[ident] is None:
            return None
    return out


def read_precisely(plan: Plan, raw: Mapping[str, Any]) -> Read:
    """The precise validator (raising `AnswerError`), then `read` of its normalised output."""
    valid = validate_answers(plan, raw)
    found = read(plan, valid.as_mapping())
    if found is None:  # pragma: no cover - normalised answers are always regular
        raise RuntimeError("internal error: normalised answers were not read")
    return found
