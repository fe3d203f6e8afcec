"""The report's appendix: the values behind *this* result not confirmed against a primary source.

The definition and the catalogue are walked once per language (`candidates`) for every
value that is not `verified: true`; a result then lists those it rests on: the scale
values its ratings use, the judgements, levels, rules and measures behind it, and the
dimensions, domains and items every result rests on. Entries of one kind that share a
source are joined, and a grade weaker than a primary source is named.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from ..definition.model import verifiables
from .i18n import N_, translate

if TYPE_CHECKING:
    from ..definition.catalogue import Catalogue
    from ..definition.instrument import Instrument
    from ..definition.result import Result
    from .record_view import RecordStatic

_MEMO_LIMIT = 1024

SECONDARY = N_("secondary source only")
KIND_LABELS = {
    "item": N_("Item"),
    "value": N_("Rating value"),
    "dimension": N_("Rating dimension"),
    "domain": N_("Domain"),
    "judgement": N_("Judgement"),
    "level": N_("Level"),
    "policy": N_("Missing-item policy"),
    "escalation": N_("Escalation route"),
    "warning": N_("Warning rule"),
    "rule": N_("Measure rule"),
    "measure": N_("Measure (catalogue)"),
    "high_risk": N_("High-risk rule"),
    "other": N_("Other part of the definition"),
}
AT_MOST_UNKNOWN = N_("at most %(count)s unknown items")
HIGH_RISK_RULE = N_("%(judgements)s at %(level)s or above")


class UnverifiedView(NamedTuple):
    """The values of one kind behind this result that are not confirmed against a
    primary source. Each entry reads ``value: source``; values with the same source
    share an entry, and a grade weaker than a primary source is named after the value.

    `text` is the entries as one text, a line each, for a template to show as one block
    (``white-space: pre-line``): a long appendix renders much faster that way. A named
    tuple, so a template may unpack it:
    ``{% for kind, entries, text in report.record.unverified %}``."""

    kind: str
    entries: tuple[str, ...]
    text: str


Key = tuple[str, ...]
Candidate = tuple[Key, str, str, str]
"""An unverified value: its key, its kind and its label (in words), and its source."""


def _grade(lang: str, verified: object) -> str | None:
    """None for a plain ``verified: false``; the grade's label for a weaker confirmation."""
    return None if verified is False else translate(lang, SECONDARY)


def _describe(
    inst: Instrument, loc: tuple[Any, ...], value: Any, t: str, names: Mapping[str, str]
) -> tuple[Key, str, str]:
    """What a verifiable value is, for the appendix: the key that says when a result rests
    on it, its kind, and the value in words. A kind this module does not know is keyed
    by its path and always listed."""
    kind = type(value).__name__
    if kind == "ScaleValue":
        scale = inst.scales[loc[1]]
        return ("value", scale.id, value.id), "value", f"{scale.title.get(t)}: {value.label.get(t)}"
    if kind == "Item":
        return ("item", value.id), "item", f"{value.id} {value.title.get(t)}"
    if kind in ("Dimension", "Domain", "Judgement", "Level"):
        return (kind.lower(), value.id), kind.lower(), value.title.get(t)
    if kind == "MissingPolicy":
        return ("policy",), "policy", translate(t, AT_MOST_UNKNOWN) % {"count": value.max_unknown}
    if kind == "HighRisk":
        titles = {j.id: j.title.get(t) for j in inst.judgements}
        level = inst.level_by_id.get(value.at_least)
        what = translate(t, HIGH_RISK_RULE) % {
            "judgements": ", ".join(titles.get(j, j) for j in value.judgements),
            "level": level.title.get(t) if level is not None else value.at_least,
        }
        return ("high_risk",), "high_risk", what
    if kind == "Escalation":
        return ("escalation", value.id), "escalation", value.id
    if kind == "WarningRule":
        return ("warning", value.id), "warning", value.id
    if kind == "MeasureRule":
        return ("rule", value.id), "rule", f"{value.id} ({names.get(value.measure, value.measure)})"
    if kind == "Measure":
        return ("measure", value.id), "measure", names.get(value.id, value.id)
    path = ".".join(map(str, loc))
    ident = getattr(value, "id", None)
    return ("other", path), "other", f"{path} ({ident})" if isinstance(ident, str) else path


def _values_used(result: Result, r: RecordStatic) -> frozenset[Key]:
    """The unverified scale values this result's ratings use."""
    unverified = r.unverified_values
    if not unverified:
        return frozenset()
    keys = r.value_keys
    if keys is not None:
        pairs: set[tuple[str, str]] = set()
        for rating in result.ratings.values():
            pairs.update(rating.items())
        return frozenset([keys[pair] for pair in pairs if pair in keys])
    found = {
        ("value", r.scale_of[item, dim], value)
        for item, rating in result.ratings.items()
        for dim, value in rating.items()
        if (item, dim) in r.scale_of
    }
    return frozenset(found & unverified)


def _others_used(result: Result) -> frozenset[Key]:
    """The judgements, levels, rules and measures (recommended or decided) behind this
    result."""
    used: set[Key] = set()
    add = used.add
    for ident, value in result.judgements.items():
        add(("judgement", ident))
        add(("level", value))
    for ident in result.judgement_texts:
        add(("judgement", ident))
    if result.level is not None:
        add(("level", result.level))
    if result.high_risk_case is not None:
        add(("high_risk",))
    for step in result.trace:
        kind = step.kind
        if kind == "escalation":
            add(("escalation", step.rule))
        elif kind == "warning":
            add(("warning", step.rule))
        elif kind == "missing" and step.outcome.code in ("unknown", "too_many_unknown", "omitted"):
            add(("policy",))
    for measure in result.measures:
        add(("measure", measure.id))
        for reason in measure.reasons:
            add(("rule", reason.rule))
    for decision in result.management:
        add(("measure", decision.measure))
    return frozenset(used)


def _unverified_group(kind: str, entries: list[str]) -> UnverifiedView:
    return UnverifiedView(kind, tuple(entries), "\n".join(f"• {e}" for e in entries))


def _group(candidates: Iterable[Candidate]) -> list[UnverifiedView]:
    """Candidates as the appendix lists them: by kind, values sharing a source together."""
    groups: list[UnverifiedView] = []
    kind: str | None = None
    source: str | None = None
    entries: list[str] = []
    values: list[str] = []
    for _key, this_kind, label, this_source in candidates:
        if this_kind != kind or this_source != source:
            if values:
                entries.append(f"{'; '.join(values)}: {source}")
                values = []
            if this_kind != kind:
                if kind is not None:
                    groups.append(_unverified_group(kind, entries))
                kind, entries = this_kind, []
            source = this_source
        values.append(label)
    if values and kind is not None:
        entries.append(f"{'; '.join(values)}: {source}")
        groups.append(_unverified_group(kind, entries))
    return groups


def unverified_list(r: RecordStatic, result: Result) -> tuple[tuple[UnverifiedView, ...], int]:
    """The appendix: every unverified value behind this result, and how many there are."""
    values = _values_used(result, r)
    others = _others_used(result) if r.others else frozenset()
    key = (values, others)
    found = r.lists.get(key)
    if found is None:
        chosen = [
            *(c for c in r.values if c[0] in values),
            *r.always,
            *(c for c in r.others if c[0] in others),
        ]
        found = (tuple(_group(chosen)), len(chosen))
        if len(r.lists) >= _MEMO_LIMIT:
            r.lists.clear()
        r.lists[key] = found
    return found


def unverified_candidates(inst: Instrument, catalogue: Catalogue, t: str) -> list[Candidate]:
    """Every value of `inst` and `catalogue` not confirmed against a primary source, in
    the definitions' order, described in language `t`."""
    kinds = {k: translate(t, v) for k, v in KIND_LABELS.items()}
    names = {m.id: m.name.get(t) for m in catalogue.measures}
    candidates: list[Candidate] = []
    for definition in (inst, catalogue):
        for loc, value in verifiables(definition):
            if value.verified is True:
                continue
            found_key, kind, what = _describe(inst, loc, value, t, names)
            grade = _grade(t, value.verified)
            shown = f"{what} ({grade})" if grade else what
            candidates.append((found_key, kinds[kind], shown, value.source or ""))
    return candidates
