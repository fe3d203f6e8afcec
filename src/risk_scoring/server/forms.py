"""Entry forms built from the definition: every item, context field, judgement and the
case record, filled in without JavaScript and read back as answers.

The form is laid out from `interop.fields` (the same tree the FHIR Questionnaire is
built from), so a new part of the answer format appears in the form with no template
work. A form field's `name` is its answers path (``items.N3.recent``,
``context.children_in_household``, ``scenarios.1.likelihood``), which is also the path
of any `Problem` about it: a refused post shows each problem beside its field, with
every entered value kept. Lists of short texts (sources, warning signs, triggers) are
one textarea, a line an entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..definition.instrument import Instrument
from ..definition.loading import catalogue_for
from ..errors import Problem
from ..interop.fields import Field, Group, Node, fields

SLOTS = {
    "assessors": 2,
    "other_considerations": 2,
    "scenarios": 4,
    "management": 6,
    "raters": 2,
}
"""Blank entries a repeating group offers (more appear when a post had more)."""
MAX_SLOTS = 50


@dataclass(frozen=True, slots=True)
class Input:
    """One control of the form, with the value to show and the problems beside it."""

    name: str
    label: str
    type: str
    value: str
    options: tuple[tuple[str, str], ...] = ()
    required: bool = False
    help: str = ""
    problems: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    lines: bool = False


@dataclass(frozen=True, slots=True)
class Section:
    """A fieldset: a title and its controls, or its nested sections."""

    key: str
    title: str
    inputs: tuple[Input, ...] = ()
    sections: tuple[Section, ...] = ()
    collapsed: bool = False


@dataclass(slots=True)
class Posted:
    """A posted form read back: the answers, the values as typed, and what was wrong."""

    answers: dict[str, Any]
    values: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    slots: dict[str, list[int]] = field(default_factory=dict)
    """Per repeating group, the form slot of each answers entry (blank slots dropped)."""


def _text(node: Node, lang: str) -> str:
    return node.en if lang == "en" else node.nb


def _help(node: Field, lang: str) -> str:
    return node.help_en if lang == "en" else node.help_nb


def layout(
    inst: Instrument,
    lang: str,
    values: Mapping[str, str] | None = None,
    problems: Mapping[str, Sequence[str]] | None = None,
) -> tuple[Section, ...]:
    """The form's sections for `inst` in `lang`, filled with `values` and `problems`."""
    values = values or {}
    problems = problems or {}
    tree = fields(inst, catalogue_for(inst))
    return tuple(
        _section(inst, node, (), lang, values, problems) for node in tree if isinstance(node, Group)
    )


def _slots(name: str, key: str, values: Mapping[str, str]) -> int:
    prefix = f"{name}."
    heads = [k[len(prefix) :].split(".")[0] for k in values if k.startswith(prefix)]
    used = [int(h) for h in heads if h.isdigit() and len(h) < 4]
    return min(MAX_SLOTS, max([SLOTS.get(key, 2), *(u + 1 for u in used)]))


def _section(
    inst: Instrument,
    group: Group,
    prefix: tuple[str, ...],
    lang: str,
    values: Mapping[str, str],
    problems: Mapping[str, Sequence[str]],
) -> Section:
    base = (*prefix, *group.path)
    if group.repeats:
        name = ".".join(base)
        count = _slots(name, group.path[-1], values)
        if group.max_repeats is not None:
            count = min(count, group.max_repeats)
        entries = tuple(
            Section(
                f"{name}.{i}",
                f"{_text(group, lang)} {i + 1}",
                tuple(_inputs(inst, group.children, (*base, str(i)), lang, values, problems)),
            )
            for i in range(count)
        )
        collapsed = group.key == "record:raters"
        return Section(group.key, _text(group, lang), sections=entries, collapsed=collapsed)
    inputs = tuple(_inputs(inst, group.children, base, lang, values, problems))
    nested = tuple(
        _section(inst, child, base, lang, values, problems)
        for child in group.children
        if isinstance(child, Group)
    )
    return Section(group.key, _text(group, lang), inputs, nested)


def _inputs(
    inst: Instrument,
    nodes: Sequence[Node],
    base: tuple[str, ...],
    lang: str,
    values: Mapping[str, str],
    problems: Mapping[str, Sequence[str]],
) -> Iterator[Input]:
    yes, no = ("Yes", "No") if lang == "en" else ("Ja", "Nei")
    for node in nodes:
        if isinstance(node, Group):
            continue
        name = ".".join((*base, *node.path))
        if node.type == "choice":
            options = tuple((o.code, o.en if lang == "en" else o.nb) for o in node.options)
        elif node.type == "boolean":
            options = (("true", yes), ("false", no))
        else:
            options = ()
        kind = "select" if options else {"integer": "number", "date": "date"}.get(node.type, "")
        if not kind:
            kind = "textarea" if node.type == "text" or node.repeats else "text"
        yield Input(
            name,
            _text(node, lang),
            kind,
            values.get(name, ""),
            options,
            node.required,
            _help(node, lang),
            tuple(problems.get(name, ())),
            node.minimum,
            node.maximum,
            node.repeats,
        )


# --- reading a post -------------------------------------------------------------------


def read(inst: Instrument, form: Sequence[tuple[str, str]]) -> Posted:
    """The answers a posted form holds; malformed values become located problems."""
    values: dict[str, str] = {}
    for name, value in form:
        if name not in values:
            values[name] = value
    posted = Posted({}, values)
    tree = fields(inst, catalogue_for(inst))
    for node in tree:
        if isinstance(node, Group):
            _read_group(node, (), posted.answers, values, posted)
    raters = posted.answers.pop("raters", None)
    if isinstance(raters, list):
        posted.answers["raters"] = {
            entry.pop("role"): entry for entry in raters if isinstance(entry.get("role"), str)
        }
    return posted


def _read_group(
    group: Group,
    form_base: tuple[str, ...],
    target: dict[str, Any],
    values: Mapping[str, str],
    posted: Posted,
) -> None:
    base = (*form_base, *group.path)
    if group.repeats:
        name = ".".join(base)
        entries: list[dict[str, Any]] = []
        slots: list[int] = []
        for i in range(_slots(name, group.path[-1], values)):
            entry: dict[str, Any] = {}
            _read_fields(group.children, (*base, str(i)), entry, values, posted)
            if entry:
                slots.append(i)
                entries.append(entry)
        if entries:
            _put(target, group.path, entries)
            posted.slots[name] = slots
        return
    inner: dict[str, Any] = target
    for part in group.path:
        inner = inner.setdefault(part, {})
    _read_fields(group.children, base, inner, values, posted)
    for child in group.children:
        if isinstance(child, Group):
            _read_group(child, base, inner, values, posted)
    if group.path and not inner:
        _drop(target, group.path)


def _read_fields(
    nodes: Sequence[Node],
    base: tuple[str, ...],
    target: dict[str, Any],
    values: Mapping[str, str],
    posted: Posted,
) -> None:
    for node in nodes:
        if isinstance(node, Group):
            continue
        name = ".".join((*base, *node.path))
        raw = values.get(name, "")
        if node.repeats:
            entries = [line.strip() for line in raw.splitlines() if line.strip()]
            if entries:
                _put(target, node.path, entries)
            continue
        if raw.strip() == "":
            continue
        value: object = raw if node.type in ("text", "string") else raw.strip()
        if node.type == "integer":
            try:
                value = int(raw.strip())
            except ValueError:
                message = "must be a whole number"
                posted.problems.append(Problem(name, message, code="not_a_number"))
                continue
        elif node.type == "boolean":
            if raw not in ("true", "false"):
                posted.problems.append(Problem(name, "must be yes or no", code="value_not_allowed"))
                continue
            value = raw == "true"
        elif node.type == "date":
            try:
                value = dt.date.fromisoformat(raw.strip()).isoformat()
            except ValueError:
                message = "must be a date written YYYY-MM-DD"
                posted.problems.append(Problem(name, message, code="bad_date"))
                continue
        _put(target, node.path, value)


def _put(target: dict[str, Any], path: Sequence[str], value: object) -> None:
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value


def _drop(target: dict[str, Any], path: Sequence[str]) -> None:
    for key in path[:-1]:
        target = target[key]
    target.pop(path[-1], None)


def problem_places(
    names: Sequence[str], posted: Posted, problems: Sequence[Problem]
) -> dict[str, list[str]]:
    """Each problem under the form control it is about: the control named by its path,
    or the first control inside that path; ``""`` for the form as a whole.

    Problem paths are answers paths: entries of a repeating group are renumbered back to
    their form slots (blank slots were dropped), and a rater's role back to its slot.
    """
    raters, slots = list(posted.answers.get("raters", {})), posted.slots.get("raters", [])
    roles = dict(zip(raters, slots, strict=False))
    places: dict[str, list[str]] = {}
    for problem in problems:
        parts = problem.path.split(".") if problem.path else []
        if len(parts) >= 2 and parts[0] in SLOTS:
            slots = posted.slots.get(parts[0], [])
            if parts[0] == "raters" and parts[1] in roles:
                parts[1] = str(roles[parts[1]])
            elif parts[1].isdigit() and int(parts[1]) < len(slots):
                parts[1] = str(slots[int(parts[1])])
        path = ".".join(parts)
        target = next((n for n in names if n == path or n.startswith(path + ".")), "")
        places.setdefault(target if path else "", []).append(problem.message)
    return places


def control_names(sections: Sequence[Section]) -> list[str]:
    """Every control's name, in form order."""
    names: list[str] = []
    for section in sections:
        names += [i.name for i in section.inputs]
        names += control_names(section.sections)
    return names
