"""The management plan in the report: chosen measures by strategy, the rest apart.

`plan_view` merges what the rules recommended and what the pair decided (the result's
`plan`; for a result made before plans existed, its recommendations and decisions) into
rows that say where each measure came from, what was decided, who decides it (from the
catalogue), who is responsible, by when, the victim's consent and the reason. Rows and
whole plans are kept by what determines them, since results repeat the same few.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .i18n import N_, date_text

if TYPE_CHECKING:
    from ..definition.result import PlanEntry, Result
    from .record_view import RecordStatic, Words
    from .static import Static

NOT_SET = "—"
_MEMO_LIMIT = 1024

STRATEGY_LABELS = {
    "monitoring": N_("Monitoring"),
    "supervision": N_("Supervision (restrictions)"),
    "treatment": N_("Treatment"),
    "victim_safety_planning": N_("Victim safety planning"),
}
STATUS_LABELS = {
    "chosen": N_("Chosen"),
    "rejected": N_("Rejected"),
    "deferred": N_("Deferred"),
    "undecided": N_("Undecided"),
}
CONSENT_LABELS = {True: N_("Yes"), False: N_("No")}
PAIR_OWN = N_("the pair's own measure")
RECOMMENDED = N_("recommended: %(priority)s")


@dataclass(frozen=True, slots=True)
class PlanRowView:
    """One measure of the plan: what it is, where it came from, and what the pair decided."""

    measure: str
    name: str
    origin: str
    origin_label: str
    priority: str | None
    priority_label: str | None
    status: str
    status_label: str
    strategy: str | None
    strategy_label: str | None
    decided_by: str
    responsible: str | None
    due: str | None
    consent: str
    reason: str | None


@dataclass(frozen=True, slots=True)
class StrategyView:
    """The measures chosen under one management strategy (none is a finding too)."""

    id: str
    title: str
    rows: tuple[PlanRowView, ...]


@dataclass(frozen=True, slots=True)
class PlanView:
    """The management plan: chosen measures by strategy, then the rest apart.

    `decided` is False while the pair has decided nothing (every entry undecided)."""

    strategies: tuple[StrategyView, ...]
    not_followed: tuple[PlanRowView, ...]
    undecided: tuple[PlanRowView, ...]
    counts: str
    empty: bool
    decided: bool


def _plan_entries(result: Result) -> list[PlanEntry]:
    """The result's plan; for a result made before plans existed, its recommendations
    (undecided unless the record decides them) and the pair's own decisions."""
    if result.plan or not (result.measures or result.management):
        return result.plan
    from ..definition.result import PlanEntry

    decided = {d.measure: d for d in result.management}
    entries = []
    for m in result.measures:
        decision = decided.pop(m.id, None)
        status = decision.decision if decision is not None else "undecided"
        entries.append(PlanEntry(m.id, "rules", status, m, decision))
    for d in decided.values():
        entries.append(PlanEntry(d.measure, "pair", d.decision, None, d))
    return entries


def plan_view(s: Static, r: RecordStatic, result: Result, words: Words) -> PlanView:
    """The plan, from a cache keyed by everything it shows."""
    if result.plan:
        key: object = tuple(
            (e.measure, e.origin, e.status, e.recommendation and e.recommendation.priority,
             e.decision)
            for e in result.plan
        )  # fmt: skip
    else:
        key = (tuple((m.id, m.priority) for m in result.measures), tuple(result.management))
    found = r.plans.get(key)
    if found is None:
        found = _make_plan(s, r, result, words)
        if len(r.plans) >= _MEMO_LIMIT:
            r.plans.clear()
        r.plans[key] = found
    return found


def _make_plan(s: Static, r: RecordStatic, result: Result, words: Words) -> PlanView:
    rows: list[PlanRowView] = []
    memo = r.rows
    for entry in _plan_entries(result):
        rec = entry.recommendation
        key = (entry.measure, entry.origin, entry.status, rec and rec.priority, entry.decision)
        row = memo.get(key)
        if row is None:
            row = _plan_row(s, r, entry, words)
            if len(memo) >= _MEMO_LIMIT:
                memo.clear()
            memo[key] = row
        rows.append(row)
    labels = r.labels
    strategies = tuple(
        StrategyView(
            ident,
            labels[label],
            tuple(row for row in rows if row.status == "chosen" and row.strategy == ident),
        )
        for ident, label in STRATEGY_LABELS.items()
    )
    counts = dict.fromkeys(STATUS_LABELS, 0)
    for row in rows:
        counts[row.status] += 1
    summary = ", ".join(
        f"{n} {labels[STATUS_LABELS[status]].lower()}" for status, n in counts.items() if n
    )
    return PlanView(
        strategies=strategies,
        not_followed=tuple(row for row in rows if row.status in ("rejected", "deferred")),
        undecided=tuple(row for row in rows if row.status == "undecided"),
        counts=summary,
        empty=not rows,
        decided=counts["undecided"] < len(rows),
    )


def _plan_row(s: Static, r: RecordStatic, entry: PlanEntry, words: Words) -> PlanRowView:
    labels = r.labels
    name, _legal, decided_by, _description = s.measures.get(
        entry.measure, (entry.measure, None, NOT_SET, "")
    )
    rec = entry.recommendation
    priority = rec.priority if rec is not None else None
    priority_label = r.priority_labels[priority] if priority else None
    if priority_label is not None:
        origin_label = labels[RECOMMENDED] % {"priority": priority_label.lower()}
    else:
        origin_label = labels[PAIR_OWN]
    d = entry.decision
    strategy = d.strategy if d is not None else None
    return PlanRowView(
        measure=entry.measure,
        name=name,
        origin=entry.origin,
        origin_label=origin_label,
        priority=priority,
        priority_label=priority_label,
        status=entry.status,
        status_label=labels[STATUS_LABELS[entry.status]],
        strategy=strategy,
        strategy_label=labels[STRATEGY_LABELS[strategy]] if strategy else None,
        decided_by=decided_by,
        responsible=words.line(d.responsible) if d is not None and d.responsible else None,
        due=date_text(d.due, s.lang, words.line) if d is not None else None,
        consent=(
            labels[CONSENT_LABELS[d.consent]]
            if d is not None and d.consent is not None
            else NOT_SET
        ),
        reason=words.block(d.reason) if d is not None and d.reason else None,
    )
