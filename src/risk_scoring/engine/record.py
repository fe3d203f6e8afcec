"""Check the SPJ case record in an answers mapping (SPEC §2, §3) and normalise it.

The record is the part of the answers after the summary judgements: `assessors` (role,
id, name, signed_on), `sources`, `other_considerations`, `scenarios`, `management`,
`review` and `raters`. Every key is optional. The answers' reader checks `assessors`
with the rest of the answers (`checks.assessors`); `validate_record` checks the other
parts, and `assess` raises the problems of both together. As in `answers.py`, a problem
gives the dotted path (`management.2.reason`), the allowed values and a stable code
(`risk_scoring.errors.PROBLEM_CODES`), never the free text that was typed, nor a key
that is not a code. The parts are checked in `record_parts` and `raters`.

Whether a rejected or deferred measure needs a reason depends on what the rules
recommend, so that check (`reason_problems`) runs after the measures are recommended;
`assess` raises its problems together with the record's others.

Limits, besides the answers' own (`MAX_TEXT` characters per text, valid Unicode):

=========================  ======  =====================================================
what                       limit   why
=========================  ======  =====================================================
`assessors`                2       the pair (`MAX_ASSESSORS`)
`sources`                  50      `MAX_SOURCES`
`other_considerations`     50      `MAX_CONSIDERATIONS`
`scenarios`                20      `MAX_SCENARIOS`; the manuals work with three to five
a scenario's warning signs 50      `MAX_WARNING_SIGNS`
`management`               100     `MAX_MANAGEMENT`; one entry per measure of the catalogue
`review.triggers`          50      `MAX_TRIGGERS`
`raters`                   2       one per assessor (`MAX_ASSESSORS`)
=========================  ======  =====================================================

A list over its limit is one problem and its entries are not read, so a hostile
mapping costs time linear in what is read and a bounded message. `role`, `id` and
`name` of an assessor, and `case_ref`, must be single lines: a line break, another
control character or a bidirectional-text control (U+202A to U+202E, U+2066 to U+2069,
U+200E, U+200F, U+061C) is refused, so no caller can write a line of its own into a
text report through them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..definition.record import Consideration, Decision, RaterRatings, Review, Scenario
from ..definition.result import RecommendedMeasure
from ..errors import Problem
from .checks import MAX_ASSESSORS, ONE_LINE, assessors, one_line
from .plan import Plan
from .raters import raters
from .record_parts import considerations, management, review, scenarios
from .record_shapes import (
    MAX_CONSIDERATIONS,
    MAX_MANAGEMENT,
    MAX_SCENARIOS,
    MAX_SOURCES,
    MAX_TRIGGERS,
    MAX_WARNING_SIGNS,
    texts,
)

__all__ = [
    "EMPTY",
    "MAX_ASSESSORS",
    "MAX_CONSIDERATIONS",
    "MAX_MANAGEMENT",
    "MAX_SCENARIOS",
    "MAX_SOURCES",
    "MAX_TRIGGERS",
    "MAX_WARNING_SIGNS",
    "RECORD_KEYS",
    "Record",
    "reason_problems",
    "validate_record",
]

#: The top-level answer keys of the record (besides `assessors`, which answers had).
RECORD_KEYS = ("sources", "other_considerations", "scenarios", "management", "review", "raters")


@dataclass(frozen=True, slots=True)
class Record:
    """The validated case record (besides the assessors): every part normalised, in the
    order given.

    `unexplained` lists, for the reason check after recommending, each management entry
    (its index, measure and decision) that rejects or defers a measure without a reason.
    """

    sources: list[str] = field(repr=False)
    other_considerations: list[Consideration]
    scenarios: list[Scenario]
    management: list[Decision]
    review: Review | None
    raters: dict[str, RaterRatings] = field(repr=False)
    unexplained: tuple[tuple[int, str, str], ...] = ()


EMPTY = Record([], [], [], [], None, {})
"""The record of answers that give none (its lists are never handed out: `record_fields`
gives each Result lists of its own)."""


def validate_record(plan: Plan, raw: Mapping[str, Any], problems: list[Problem]) -> Record:
    """The record in `raw`, with each of its problems added to `problems`."""
    get = raw.get
    case_ref = get("case_ref")
    if isinstance(case_ref, str) and not one_line(case_ref):
        problems.append(Problem("case_ref", ONE_LINE, code="not_one_line"))
    if all(get(key) is None for key in RECORD_KEYS):
        return EMPTY
    given_raters = get("raters")
    roles = None
    if given_raters is not None:
        scratch: list[Problem] = []  # the answers' reader reports the assessors' problems
        people = assessors(get("assessors"), scratch)
        roles = None if scratch else [person["role"] for person in people]
    unexplained: list[tuple[int, str, str]] = []
    record = plan.record
    return Record(
        texts("sources", get("sources"), MAX_SOURCES, problems),
        considerations(record, get("other_considerations"), problems),
        scenarios(get("scenarios"), problems),
        management(record, get("management"), unexplained, problems),
        review(get("review"), problems),
        raters(plan, given_raters, roles, problems),
        tuple(unexplained),
    )


def reason_problems(record: Record, measures: Sequence[RecommendedMeasure]) -> list[Problem]:
    """One problem per recommended measure that the pair rejected or deferred unexplained."""
    if not record.unexplained:
        return []
    recommended = {m.id for m in measures}
    return [
        Problem(
            f"management.{i}.reason",
            f"missing: {measure!r} is recommended by the rules and {decision}; say why",
            code="reason_required",
        )
        for i, measure, decision in record.unexplained
        if measure in recommended
    ]
