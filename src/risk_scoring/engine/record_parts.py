"""The SPJ case record's parts that the pair writes after the judgements: other
considerations, scenarios, the management decisions and the review.

Each function checks one part of the answers and returns it normalised, adding a
located problem with its stable code for everything wrong (`risk_scoring.engine.record`
says what the record is and its limits).
"""

from __future__ import annotations

from ..definition.record import (
    DECISIONS,
    RATINGS,
    SCENARIO_TYPES,
    STRATEGIES,
    Consideration,
    Decision,
    DecisionKind,
    Rating,
    Review,
    Scenario,
    ScenarioType,
    Strategy,
)
from ..errors import Problem
from .checks import check_date, check_text, expected, hint, shown
from .record_plan import RecordPlan
from .record_shapes import (
    MAX_CONSIDERATIONS,
    MAX_MANAGEMENT,
    MAX_SCENARIOS,
    MAX_TRIGGERS,
    MAX_WARNING_SIGNS,
    choice,
    listed,
    mapping,
    required_text,
    texts,
)

__all__ = ["considerations", "management", "review", "scenarios"]

SCENARIO_KEYS = (
    "type",
    "description",
    "victims",
    "likelihood",
    "severity",
    "imminence",
    "warning_signs",
)
DECISION_KEYS = ("measure", "strategy", "decision", "responsible", "due", "reason", "consent")
REVIEW_KEYS = ("due", "triggers")


def considerations(plan: RecordPlan, raw: object, problems: list[Problem]) -> list[Consideration]:
    """Case-specific factors outside the item list, rated on the instrument's dimensions."""
    out = []
    keys = plan.consideration_keys
    entries = listed("other_considerations", raw, MAX_CONSIDERATIONS, "considerations", problems)
    for i, entry in enumerate(entries):
        path = f"other_considerations.{i}"
        given = mapping(path, entry, keys, "a title, ratings and a note", problems)
        if given is None:
            continue
        before = len(problems)
        title = required_text(f"{path}.title", given.get("title"), problems)
        ratings = {}
        for dim, allowed in plan.considerations:
            value = choice(f"{path}.{dim}", given.get(dim), allowed, problems, False)
            if value is not None:
                ratings[dim] = value
        note = check_text(f"{path}.note", given.get("note"), problems)
        if title is not None and len(problems) == before:
            out.append(Consideration(title, ratings, note))
    return out


def scenarios(raw: object, problems: list[Problem]) -> list[Scenario]:
    """The risk scenarios: a type, texts and three ratings each."""
    out = []
    for i, entry in enumerate(listed("scenarios", raw, MAX_SCENARIOS, "scenarios", problems)):
        path = f"scenarios.{i}"
        given = mapping(path, entry, SCENARIO_KEYS, "a type, texts and ratings", problems)
        if given is None:
            continue
        before = len(problems)
        kind: ScenarioType | None = choice(
            f"{path}.type", given.get("type"), SCENARIO_TYPES, problems, True
        )
        likelihood: Rating | None = choice(
            f"{path}.likelihood", given.get("likelihood"), RATINGS, problems, False
        )
        severity: Rating | None = choice(
            f"{path}.severity", given.get("severity"), RATINGS, problems, False
        )
        imminence: Rating | None = choice(
            f"{path}.imminence", given.get("imminence"), RATINGS, problems, False
        )
        description = check_text(f"{path}.description", given.get("description"), problems)
        victims = check_text(f"{path}.victims", given.get("victims"), problems)
        signs = texts(
            f"{path}.warning_signs", given.get("warning_signs"), MAX_WARNING_SIGNS, problems
        )
        if kind is not None and len(problems) == before:
            out.append(Scenario(kind, description, victims, likelihood, severity, imminence, signs))
    return out


def management(
    plan: RecordPlan,
    raw: object,
    unexplained: list[tuple[int, str, str]],
    problems: list[Problem],
) -> list[Decision]:
    """The pair's decisions on measures of the catalogue.

    Each entry that rejects or defers a measure without a reason is added to
    `unexplained` (index, measure, decision): whether it needs one depends on what the
    rules recommend, which is known only later (`record.reason_problems`).
    """
    out = []
    seen: dict[str, int] = {}
    entries = listed("management", raw, MAX_MANAGEMENT, "decisions", problems)
    for i, entry in enumerate(entries):
        path = f"management.{i}"
        what = "a measure, a strategy and a decision"
        given = mapping(path, entry, DECISION_KEYS, what, problems)
        if given is None:
            continue
        before = len(problems)
        measure = _measure(plan, f"{path}.measure", given.get("measure"), problems)
        if measure is not None:
            if measure in seen:
                message = f"{measure!r} is already decided in management.{seen[measure]}"
                problems.append(Problem(f"{path}.measure", message, code="duplicate_measure"))
            else:
                seen[measure] = i
        strategy: Strategy | None = choice(
            f"{path}.strategy", given.get("strategy"), STRATEGIES, problems, True
        )
        decision: DecisionKind | None = choice(
            f"{path}.decision", given.get("decision"), DECISIONS, problems, True
        )
        responsible = check_text(f"{path}.responsible", given.get("responsible"), problems)
        due = check_date(f"{path}.due", given.get("due"), problems)
        reason = check_text(f"{path}.reason", given.get("reason"), problems)
        consent = given.get("consent")
        if consent is not None and not isinstance(consent, bool):
            message = f"{shown(consent)} is not allowed; expected true, false or null (not asked)"
            problems.append(Problem(f"{path}.consent", message, code="value_not_allowed"))
            consent = None
        given_reason = given.get("reason")
        blank = given_reason is None or (isinstance(given_reason, str) and not given_reason.strip())
        if measure is not None and decision in ("rejected", "deferred") and blank:
            unexplained.append((i, measure, decision))
        if measure is None or strategy is None or decision is None or len(problems) > before:
            continue
        out.append(Decision(measure, strategy, decision, responsible, due, reason, consent))
    return out


def _measure(plan: RecordPlan, path: str, value: object, problems: list[Problem]) -> str | None:
    if value is None:
        message = "missing; a measure id from the catalogue"
        problems.append(Problem(path, message, code="missing"))
        return None
    if isinstance(value, str) and value in plan.measure_set:
        return str.__str__(value)
    known = plan.measures
    message = (
        f"{shown(value)} is not a measure of the catalogue{hint(value, known)}; {expected(known)}"
    )
    problems.append(Problem(path, message, code="unknown_measure"))
    return None


def review(raw: object, problems: list[Problem]) -> Review | None:
    """When the case is reviewed, and the events that call for an earlier review."""
    if raw is None:
        return None
    given = mapping("review", raw, REVIEW_KEYS, "a due date and triggers", problems)
    if given is None:
        return None
    before = len(problems)
    due = check_date("review.due", given.get("due"), problems)
    triggers = texts("review.triggers", given.get("triggers"), MAX_TRIGGERS, problems)
    return Review(due, triggers) if len(problems) == before else None
