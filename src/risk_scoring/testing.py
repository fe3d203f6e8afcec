"""Hypothesis strategies for property-testing code that uses risk_scoring.

>>> from hypothesis import given
>>> from risk_scoring.testing import answers
>>> inst = load_instrument("dash")          # doctest: +SKIP
>>> @given(answers(inst))                   # doctest: +SKIP
... def test_always_scores(a): inst.assess(a)

`instruments()` draws valid definitions themselves (the mapping a YAML file holds), and
`instrument_from` loads one, so the same properties can run over generated instruments:

>>> @given(st.data())                       # doctest: +SKIP
... def test_any_instrument(data):
...     inst = instrument_from(data.draw(instruments()))
...     inst.assess(data.draw(answers(inst)))

Needs the `testing` extra (Hypothesis); importing `risk_scoring` alone never imports it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from ._generated import instrument_from, instruments
from .definition.instrument import ContextField, Instrument
from .definition.loading import catalogue_for
from .definition.record import DECISIONS, RATINGS, SCENARIO_TYPES, STRATEGIES

__all__ = ["answers", "higher_answer", "instrument_from", "instruments", "invalid_answers"]


def _context_value(field: ContextField) -> st.SearchStrategy[Any]:
    if field.type == "bool":
        return st.booleans()
    if field.type == "int":
        if field.min is not None:
            low = field.min
        else:  # no lower bound: from 0, or from 50 below an upper bound under 0
            low = 0 if field.max is None or field.max >= 0 else field.max - 50
        return st.integers(low, field.max if field.max is not None else low + 50)
    if field.type == "choice":
        return st.sampled_from([ch.id for ch in field.choices])
    if field.type == "date":
        return st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat)
    return st.text(max_size=40)


@st.composite
def _item(draw: st.DrawFn, inst: Instrument, item_id: str, known_only: bool) -> Any:
    item = inst.item_by_id[item_id]
    rating: dict[str, Any] = {}
    for i, dim in enumerate(inst.dimensions):
        values = [v.id for v in inst.scale_for(item, dim).values if not (known_only and v.unknown)]
        if i == 0 or dim.required or draw(st.booleans()):
            rating[dim.id] = draw(st.sampled_from(values))
    if draw(st.booleans()):
        rating["note"] = draw(st.text(max_size=30))
    if len(rating) == 1 and inst.primary.id in rating and draw(st.booleans()):
        return rating[inst.primary.id]
    return rating


@st.composite
def answers(
    draw: st.DrawFn,
    instrument: Instrument,
    *,
    complete: bool = True,
    unknowns: bool = True,
    judgements: bool = True,
    record: bool = False,
) -> dict[str, Any]:
    """Valid answer sets for `instrument`.

    `complete=False` may leave out optional items and context; `unknowns=False` never
    draws unknown/omitted values; `judgements=False` never fills summary judgements.
    `record=True` also draws the SPJ case record (docs/record.md): assessors with names
    and signing dates, an assessment date, sources, other considerations, scenarios, a
    management plan over the catalogue, a review and each rater's own ratings. Its
    rejected and deferred measures always carry a reason, so the answers are valid
    whatever the rules recommend.
    """
    items = {}
    for item in instrument.items:
        if not complete and not item.required and draw(st.booleans()):
            continue
        items[item.id] = draw(_item(instrument, item.id, known_only=not unknowns))
    out: dict[str, Any] = {"items": items}
    context = {}
    for field in instrument.context:
        if field.required or complete or draw(st.booleans()):
            context[field.id] = draw(_context_value(field))
    out["context"] = context
    if judgements and instrument.judgements:
        chosen = {}
        for j in instrument.judgements:
            if j.type == "text":
                value = draw(st.text(max_size=40))
            else:
                value = draw(st.sampled_from(instrument.levels))
            if complete or draw(st.booleans()):
                chosen[j.id] = value
        out["judgements"] = chosen
    if draw(st.booleans()):
        out["justification"] = draw(st.text(max_size=60))
    if record:
        out.update(draw(_record(instrument)))
    return out


# What a single-line field (an assessor's role, id and name; case_ref) accepts.
_LINE = st.text(
    st.characters(
        exclude_categories=("Cc", "Cs", "Zl", "Zp"),
        exclude_characters="\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
        "\u2066\u2067\u2068\u2069",
    ),
    max_size=30,
)
_TEXT = st.text(max_size=40)
# A text that is not blank: a letter or digit, then anything.
_FILLED = st.builds(str.__add__, st.characters(categories=("L", "N")), st.text(max_size=30))
_DATES = st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat)
_ROLES = ("risk_analyst", "clinician", "psychologist", "social_worker")


@st.composite
def _record(draw: st.DrawFn, inst: Instrument) -> dict[str, Any]:
    """The SPJ case record for `answers(record=True)`."""
    out: dict[str, Any] = {}
    roles = draw(st.lists(st.sampled_from(_ROLES), unique=True, max_size=2))
    people = []
    for role in roles:
        person: dict[str, Any] = {"role": role}
        for key, strategy in (("id", _LINE), ("name", _LINE), ("signed_on", _DATES)):
            if draw(st.booleans()):
                person[key] = draw(strategy)
        people.append(person)
    out["assessors"] = people
    if draw(st.booleans()):
        out["assessed_on"] = draw(_DATES)
    out["sources"] = draw(st.lists(_TEXT, max_size=3))
    considerations = []
    for _ in range(draw(st.integers(0, 2))):
        entry: dict[str, Any] = {"title": draw(_FILLED)}
        for dim in inst.dimensions:
            if draw(st.booleans()):
                entry[dim.id] = draw(
                    st.sampled_from([v.id for v in inst.scale_by_id[dim.scale].values])
                )
        if draw(st.booleans()):
            entry["note"] = draw(_TEXT)
        considerations.append(entry)
    out["other_considerations"] = considerations
    scenarios = []
    for _ in range(draw(st.integers(0, 3))):
        scenario: dict[str, Any] = {"type": draw(st.sampled_from(SCENARIO_TYPES))}
        for key in ("description", "victims"):
            if draw(st.booleans()):
                scenario[key] = draw(_TEXT)
        for key in ("likelihood", "severity", "imminence"):
            if draw(st.booleans()):
                scenario[key] = draw(st.sampled_from(RATINGS))
        if draw(st.booleans()):
            scenario["warning_signs"] = draw(st.lists(_TEXT, max_size=3))
        scenarios.append(scenario)
    out["scenarios"] = scenarios
    measures = [m.id for m in catalogue_for(inst).measures]
    plan = []
    for measure in draw(st.lists(st.sampled_from(measures), unique=True, max_size=4)):
        decision = draw(st.sampled_from(DECISIONS))
        entry = {
            "measure": measure,
            "strategy": draw(st.sampled_from(STRATEGIES)),
            "decision": decision,
        }
        if decision != "chosen" or draw(st.booleans()):
            entry["reason"] = draw(_FILLED)
        for key, strategy in (("responsible", _TEXT), ("due", _DATES)):
            if draw(st.booleans()):
                entry[key] = draw(strategy)
        if draw(st.booleans()):
            entry["consent"] = draw(st.sampled_from([True, False, None]))
        plan.append(entry)
    out["management"] = plan
    if draw(st.booleans()):
        out["review"] = {"due": draw(_DATES), "triggers": draw(st.lists(_TEXT, max_size=3))}
    levels = [j.id for j in inst.judgements if j.type == "level"]
    raters = {}
    for role in roles:
        if not draw(st.booleans()):
            continue
        items = {}
        for item in draw(
            st.lists(st.sampled_from(inst.items), unique_by=lambda i: i.id, max_size=4)
        ):
            rating = {}
            for dim in inst.dimensions:
                if draw(st.booleans()):
                    rating[dim.id] = draw(
                        st.sampled_from([v.id for v in inst.scale_for(item, dim).values])
                    )
            if rating:
                items[item.id] = rating
        rated = {j: draw(st.sampled_from(inst.levels)) for j in levels if draw(st.booleans())}
        raters[role] = {"items": items, "judgements": rated}
    out["raters"] = raters
    return out


_DEFECTS = (
    "unknown_item",
    "bad_value",
    "missing_item",
    "unknown_dimension",
    "bad_dimension_value",
    "unknown_context",
    "bad_context_value",
    "bad_judgement",
    "unknown_key",
    "bad_date",
    "too_many_assessors",
)


def _defects(instrument: Instrument) -> list[str]:
    """The defects `invalid_answers` can give this instrument."""
    out = list(_DEFECTS)
    if not any(i.required and i.default is None for i in instrument.items):
        out.remove("missing_item")
    if not [f for f in instrument.context if f.type in ("bool", "int", "choice")]:
        out.remove("bad_context_value")
    if not [j for j in instrument.judgements if j.type == "level"]:
        out.remove("bad_judgement")
    return out


def _bad_context_value(field: ContextField) -> st.SearchStrategy[Any]:
    if field.type == "bool":
        return st.sampled_from(["yes", "true", 1])
    if field.type == "choice":
        return st.just("not-a-choice")
    wrong: list[Any] = ["3", 2.5, True]
    if field.min is not None:
        wrong.append(field.min - 1)
    if field.max is not None:
        wrong.append(field.max + 1)
    return st.sampled_from(wrong)


@st.composite
def invalid_answers(draw: st.DrawFn, instrument: Instrument) -> dict[str, Any]:
    """Answer sets with exactly one defect that the library must refuse.

    The defects: an unknown item, dimension, context field or top-level key; a value
    outside an item's scale or a context field's type or bounds; a required item left
    out; a judgement that is not a level; a date not written YYYY-MM-DD; three assessors.
    """
    base = draw(answers(instrument, judgements=False))
    defect = draw(st.sampled_from(_defects(instrument)))
    items = dict(base["items"])
    primary = instrument.primary.id
    item = draw(st.sampled_from(instrument.items))
    known = [v.id for v in instrument.scale_for(item, instrument.primary).values]
    if defect == "unknown_item":
        items["no-such-item"] = known[0]
    elif defect == "bad_value":
        items[item.id] = "not-a-value"
    elif defect == "missing_item":
        required = [i.id for i in instrument.items if i.required and i.default is None]
        del items[draw(st.sampled_from(required))]
    elif defect == "unknown_dimension":
        items[item.id] = {primary: known[0], "no-such-dimension": known[0]}
    elif defect == "bad_dimension_value":
        dimension = draw(st.sampled_from(instrument.dimensions))
        items[item.id] = {primary: known[0], dimension.id: "not-a-value"}
    elif defect == "unknown_context":
        base["context"] = {**base["context"], "no_such_field": 1}
    elif defect == "bad_context_value":
        fields = [f for f in instrument.context if f.type in ("bool", "int", "choice")]
        field = draw(st.sampled_from(fields))
        base["context"] = {**base["context"], field.id: draw(_bad_context_value(field))}
    elif defect == "bad_judgement":
        level_judgements = [j.id for j in instrument.judgements if j.type == "level"]
        base["judgements"] = {draw(st.sampled_from(level_judgements)): "not-a-level"}
    elif defect == "unknown_key":
        base["surprise"] = True
    elif defect == "bad_date":
        base["assessed_on"] = draw(st.sampled_from(["22.11.2026", "2026-13-01", "yesterday"]))
    else:
        base["assessors"] = [{"role": "risk_analyst"}] * 3
    base["items"] = items
    return base


def higher_answer(
    instrument: Instrument, answers: dict[str, Any]
) -> st.SearchStrategy[tuple[str, str] | None]:
    """One way to raise one item's primary answer in `answers`: `(item id, higher value)`.

    Only items with a non-negative weight and a known (not unknown) answer are raised,
    to any higher known value of their scale; `None` when no item can be raised. Use it
    to test that raising an answer never lowers the level of a scored instrument.
    """
    primary = instrument.primary.id
    choices: list[tuple[str, str]] = []
    for item in instrument.items:
        given = answers.get("items", {}).get(item.id)
        if item.weight < 0 or given is None:
            continue
        current = given if isinstance(given, str) else given.get(primary)
        values = [
            v.id for v in instrument.scale_for(item, instrument.primary).values if not v.unknown
        ]
        if current not in values:
            continue
        choices += [(item.id, higher) for higher in values[values.index(current) + 1 :]]
    if not choices:
        return st.none()
    return st.sampled_from(choices)
