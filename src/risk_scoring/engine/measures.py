"""Recommend protective measures from the instrument's declared measure rules.

Each measure appears once, at the most urgent priority any rule gave it, with every
rule that fired as a reason; the order is priority, then catalogue order.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..definition.catalogue import Catalogue
from ..definition.conditions import Compiled, Facts, compile_condition
from ..definition.instrument import PRIORITIES, Instrument, Priority
from ..definition.result import Reason, RecommendedMeasure
from .scoring import vocabulary

_URGENCY = {p: i for i, p in enumerate(PRIORITIES)}


@dataclass(frozen=True, slots=True)
class _Rule:
    id: str
    measure: str
    priority: Priority
    urgency: int
    when: Compiled


def _rules(inst: Instrument) -> list[_Rule]:
    rules = inst._cache.get("measures")
    if rules is None:
        vocab = vocabulary(inst)
        rules = [
            _Rule(
                r.id, r.measure, r.priority, _URGENCY[r.priority], compile_condition(r.when, vocab)
            )
            for r in inst.measure_rules
        ]
        inst._cache["measures"] = rules
    assert isinstance(rules, list)
    return rules


def recommend(inst: Instrument, facts: Facts, catalogue: Catalogue) -> list[RecommendedMeasure]:
    """The recommended measures for `facts`, each with the rules that fired for it."""
    fired: dict[str, tuple[_Rule, list[Reason]]] = {}
    for rule in _rules(inst):
        evidence = rule.when(facts)
        if evidence is None:
            continue
        reason = Reason(rule.id, evidence)
        found = fired.get(rule.measure)
        if found is None:
            fired[rule.measure] = (rule, [reason])
        else:
            found[1].append(reason)
            if rule.urgency < found[0].urgency:
                fired[rule.measure] = (rule, found[1])
    order = catalogue.order
    ranked = sorted(fired.items(), key=lambda kv: (kv[1][0].urgency, order[kv[0]]))
    return [
        RecommendedMeasure(measure, rule.priority, reasons) for measure, (rule, reasons) in ranked
    ]
