"""How the result came about, in the report's words: the basis, the warnings, the measures.

These read the trace's steps, their evidence and outcome records field by field (never
their text forms) and say what each decided: the band the score fell in, the unknown
items, an escalation, the judgements the level comes from; the warnings with what made
them hold; each recommended measure with the rules and answers behind it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..definition.evidence import (
    ContextEvidence,
    Evidence,
    ItemEvidence,
    JudgementEvidence,
    LevelEvidence,
    MissingEvidence,
    ScoreEvidence,
)
from .cleaning import line
from .i18n import N_, format_date, format_number, translate
from .static import PRIORITY_LABELS, Static
from .view import MeasureView, ReasonView, WarningView

if TYPE_CHECKING:
    from ..definition.result import RecommendedMeasure, Result

YES, NO = N_("Yes"), N_("No")
NOT_GIVEN = N_("not given")
LEVEL, SCORE, POINTS = N_("Level"), N_("Score"), N_("Points")
NOT_RATED = "—"


def lower_first(title: str) -> str:
    """A title inside a sentence: ``Case prioritization`` → ``case prioritization``, not ``IPV``."""
    if len(title) > 1 and title[1].isupper():
        return title
    return title[:1].lower() + title[1:]


def context_value(s: Static, field: str, value: object) -> str:
    """A context field's value in words (not given, yes or no, a number, a choice, a date)."""
    t = s.lang
    if value is None:
        return translate(t, NOT_GIVEN)
    _title, kind, choices = s.context[field]
    if isinstance(value, bool):
        return translate(t, YES if value else NO)
    if isinstance(value, int):
        return format_number(value, t)
    if kind == "choice":
        return choices.get(str(value)) or line(str(value))
    if kind == "date":
        try:
            return format_date(str(value), t)
        except ValueError:
            return line(str(value))
    return line(str(value))


def evidence_text(s: Static, result: Result, evidence: Evidence) -> str:
    """One piece of evidence (``N5.recent=Y``, ``score=14``) in words."""
    t = s.lang
    if isinstance(evidence, LevelEvidence):
        level = s.levels[s.level_index[result.level]].title if result.level else NOT_RATED
        return f"{translate(t, LEVEL)}: {level}"
    if isinstance(evidence, ScoreEvidence):
        return f"{translate(t, SCORE)}: {format_number(evidence.score, t)}"
    if isinstance(evidence, JudgementEvidence) and evidence.judgement in s.judgement_titles:
        value = evidence.value
        shown = s.levels[s.level_index[value]].title if value in s.level_index else line(value)
        return f"{s.judgement_titles[evidence.judgement]}: {shown}"
    if isinstance(evidence, ContextEvidence) and evidence.field in s.context:
        field = evidence.field
        raw = result.context.get(field)
        return f"{s.context[field][0]}: {context_value(s, field, raw)}"
    if isinstance(evidence, ItemEvidence):
        item, dim = evidence.item, evidence.dimension
        if item in s.labels and dim in s.labels[item]:
            label = s.labels[item][dim].get(evidence.value) or line(evidence.value)
            where = f"{item} {s.item_titles[item]}"
            if len(s.dimension_ids) > 1:
                return f"{where}, {lower_first(s.dimension_titles[dim])}: {label}"
            return f"{where}: {label}"
    return line(str(evidence))


def _ids(evidence: tuple[Evidence, ...]) -> list[str]:
    """The ids a `missing` step names (unknown items, absent judgements)."""
    return [e.id if isinstance(e, MissingEvidence) else str(e) for e in evidence]


def missing_title(s: Static, path: str) -> str:
    """What a path of `result.missing` names: an item, a judgement, a context field."""
    head, _dot, ident = path.partition(".")
    if head == "items" and ident in s.item_titles:
        return f"{ident} {s.item_titles[ident]}"
    if head == "judgements" and ident in s.judgement_titles:
        return s.judgement_titles[ident]
    if head == "context" and ident in s.context:
        return s.context[ident][0]
    if path == "justification":
        return translate(s.lang, N_("Justification"))
    return line(path)


def basis(s: Static, result: Result) -> list[str]:
    """How the level was reached, one sentence per step of the trace."""
    t = s.lang
    lines: list[str] = []
    for step in result.trace:
        outcome = step.outcome
        if step.kind == "band" and outcome.level in s.level_index:
            lines.append(
                translate(t, N_("The score %(score)s falls in the band for %(level)s."))
                % {
                    "score": format_number(result.score or 0, t),
                    "level": s.levels[s.level_index[outcome.level]].title,
                }
            )
        elif step.kind == "missing" and outcome.code in ("unknown", "omitted"):
            # Other missing steps (no judgements, too many unknown) say why there is no
            # level, below and among the warnings; they list no unknown items.
            unknown = line(", ".join(_ids(step.evidence)))
            lines.append(
                translate(t, N_("Unknown or omitted items: %(items)s; %(policy)s."))
                % {"items": unknown, "policy": s.unknown_total}
            )
        elif step.kind == "escalation":
            target = outcome.level or ""
            title = (
                s.levels[s.level_index[target]].title if target in s.level_index else line(target)
            )
            raised = outcome.code == "raised"
            template = (
                N_("Raised to %(level)s: %(rationale)s")
                if raised
                else N_(
                    "Escalation route to %(level)s holds, but the level is already there: "
                    "%(rationale)s"
                )
            )
            lines.append(
                translate(t, template)
                % {"level": title, "rationale": s.rationale.get(step.rule, step.rule)}
            )
        elif step.kind == "judgement":
            titles = [s.judgement_titles.get(name, name) for name in s.level_from]
            if len(titles) == 1:
                text = translate(t, N_("The level is the analysts' judgement of %(judgement)s."))
                lines.append(text % {"judgement": lower_first(titles[0])})
            else:
                text = translate(
                    t, N_("The level is the highest of the analysts' judgements: %(judgements)s.")
                )
                lines.append(text % {"judgements": ", ".join(map(lower_first, titles))})
    if result.level is None and not result.complete:
        if any(step.outcome.code == "no_judgements" for step in result.trace):
            lines.append(translate(t, N_("No level: the summary judgements are not recorded.")))
        else:
            lines.append(translate(t, N_("No level: too many answers are unknown.")))
    return lines


def warning_views(s: Static, result: Result) -> list[WarningView]:
    """The engine's own warnings (why there is no level), then the warning rules' ones."""
    t = s.lang
    views: list[WarningView] = []
    # The engine's own warnings (no level) are explained by "missing" steps in the trace.
    for step in result.trace:
        if step.kind != "missing":
            continue
        code = step.outcome.code
        if code == "no_judgements":
            titles = [s.judgement_titles.get(j, j) for j in _ids(step.evidence)]
            message = translate(
                t, N_("No level without the summary judgements: %(judgements)s.")
            ) % {"judgements": ", ".join(titles)}
        elif code == "too_many_unknown":
            message = translate(
                t,
                N_(
                    "%(count)s items are unknown (%(items)s); at most %(limit)s may be, "
                    "so no level is given."
                ),
            ) % {
                "count": len(step.evidence),
                "items": line(", ".join(_ids(step.evidence))),
                "limit": s.max_unknown,
            }
        else:
            continue
        views.append(WarningView(None, message, (), False))
    for step in result.trace:
        if step.kind != "warning":
            continue
        message, needs = s.warning_rules.get(step.rule) or (line(str(step.outcome)), False)
        evidence = tuple(evidence_text(s, result, e) for e in step.evidence)
        views.append(WarningView(step.rule, message, evidence, needs))
    return views


def domain_summary(s: Static, result: Result, counts: dict[str, int], points: float) -> str:
    """A domain's counts by primary value, and its points unless the instrument is spj."""
    t = s.lang
    parts = [
        f"{s.primary_labels.get(value) or line(value)}: {format_number(n, t)}"
        for value, n in sorted(counts.items(), key=lambda kv: s.primary_order.get(kv[0], 99))
    ]
    if result.kind != "spj":
        parts.append(f"{translate(t, POINTS)}: {format_number(points, t)}")
    return " · ".join(parts)


_MEMO_LIMIT = 4096


def measure_views(s: Static, result: Result) -> list[MeasureView]:
    """The recommended measures, each with its rules and evidence (kept by what
    determines it: results repeat the same few)."""
    views = []
    for measure in result.measures:
        key = (
            measure.id,
            measure.priority,
            tuple((reason.rule, *reason.evidence) for reason in measure.reasons),
            result.level,
        )
        view = s.memo.get(key)
        if view is None:
            view = _measure(s, result, measure)
            if len(s.memo) >= _MEMO_LIMIT:
                s.memo.clear()
            s.memo[key] = view
        views.append(view)
    return views


def _measure(s: Static, result: Result, measure: RecommendedMeasure) -> MeasureView:
    t = s.lang
    name, legal, decided, description = s.measures.get(
        measure.id, (line(measure.id), None, translate(t, NOT_GIVEN), "")
    )
    reasons = tuple(
        ReasonView(
            rule=reason.rule,
            rationale=s.rationale.get(reason.rule, reason.rule),
            evidence=tuple(evidence_text(s, result, e) for e in reason.evidence),
        )
        for reason in measure.reasons
    )
    return MeasureView(
        id=measure.id,
        name=name,
        priority=measure.priority,
        priority_label=translate(t, PRIORITY_LABELS[measure.priority]),
        legal_basis=legal,
        decided_by=decided,
        description=description,
        reasons=reasons,
    )
