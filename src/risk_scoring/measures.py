"""Recommend protective measures from the instrument's declared measure rules.

Each measure appears once, at the most urgent priority any rule gave it, with every
rule that fired as a reason; the order is priority, then catalogue order.
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalogue import Catalogue
from .conditions import Compiled, Facts, compile_condition
from .instrument import PRIORITIES, Instrument, Priority
from .result import Reason, RecommendedMeasure, Step
from .scoring import vocabulary

_URGENCY = {p: i for i, p in enumerate(PRIORITIES)}


@dataclass(frozen=True, slots=True)
class _Rule:
    id: str
    measure: str
    priority: Priority
    when: Compiled


def _rules(inst: Instrument) -> list[_Rule]:
    rules = inst._cache.get("measures")
    if rules is None:
        vocab = vocabulary(inst)
        rules = [
            _Rule(r.id, r.measure, r.priority, compile_condition(r.when, vocab))
            for r in inst.measure_rules
        ]
        inst._cache["measures"] = rules
    assert isinstance(rules, list)
    return rules


def recommend(
    inst: Instrument, facts: Facts, catalogue: Catalogue
) -> tuple[list[RecommendedMeasure], list[Step]]:
    """The recommended measures for `facts`, and a trace step for each rule that fired."""
    fired: dict[str, tuple[Priority, list[Reason]]] = {}
    steps = []
    for rule in _rules(inst):
        evidence = rule.when(facts)
        if evidence is None:
            continue
        reason = Reason.model_construct(rule=rule.id, evidence=list(evidence))
        steps.append(
            Step.model_construct(
                kind="measure", rule=rule.id, outcome=rule.measure, evidence=list(evidence)
            )
        )
        if rule.measure in fired:
            priority, reasons = fired[rule.measure]
            reasons.append(reason)
            if _URGENCY[rule.priority] < _URGENCY[priority]:
                fired[rule.measure] = (rule.priority, reasons)
        else:
            fired[rule.measure] = (rule.priority, [reason])
    order = catalogue.order
    measures = [
        RecommendedMeasure.model_construct(id=measure, priority=priority, reasons=reasons)
        for measure, (priority, reasons) in sorted(
            fired.items(), key=lambda kv: (_URGENCY[kv[1][0]], order[kv[0]])
        )
    ]
    return measures, steps
