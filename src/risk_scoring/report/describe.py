"""An instrument described in one language: sections of rows that any surface can render.

`describe(inst, lang)` gives a `Description`: a title, the facts line, paragraphs
(description, source, licence) and `Table`s (scales, dimensions, items by domain,
case facts, judgements, levels with their bands, escalations, warnings and measure
rules with the measures' names from the catalogue). Every heading, label and content
string is in `lang`; ids stay as they are. `risk-scoring show` prints it as text, the
notebook card (`report.cards.instrument_html`) as HTML, and `scripts/gen_docs.py`
takes its conditions in words (`condition_text`, from `condition_words`, with Markdown
markup).

Fixed strings are marked with ``N_()`` and translated from the report catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..definition.catalogue import Catalogue
from ..definition.instrument import Instrument
from ..definition.model import LANGUAGES
from ..definition.references import score_range
from .condition_words import MARKDOWN, PLAIN, Markup, Words, condition_text, num
from .i18n import N_

__all__ = ["MARKDOWN", "PLAIN", "Description", "Markup", "Table", "condition_text", "describe"]

UNVERIFIED = "*"
"""Appended to a value not yet verified against the published source."""
SECONDARY = "°"
"""Appended to a value confirmed by a secondary source only."""


@dataclass(frozen=True)
class Table:
    """One section: a heading, column headers and rows of cells (all text)."""

    key: str
    """What the table is: scales, dimensions, domain, context, judgements, levels,
    escalations, warnings or measures (stable, for a renderer to pick sections)."""
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    ident: str = ""
    """The domain id, for a domain table."""
    notes: tuple[str, ...] = ()
    """Lines under the table."""


@dataclass(frozen=True)
class Description:
    """An instrument in one language, as `describe` builds it."""

    lang: str
    title: str
    facts: str
    paragraphs: tuple[str, ...]
    tables: tuple[Table, ...]
    footnote: str

    def table(self, key: str) -> tuple[Table, ...]:
        """The tables of one kind, in order."""
        return tuple(t for t in self.tables if t.key == key)


KIND_NAMES = {
    "actuarial": N_("actuarial"),
    "checklist": N_("checklist"),
    "spj": N_("structured professional judgement"),
}
PRIORITY_NAMES = {"urgent": N_("Urgent"), "high": N_("High"), "consider": N_("Consider")}


def _mark(verified: bool | str) -> str:
    if verified is True:
        return ""
    return SECONDARY if verified == "secondary" else UNVERIFIED


def describe(inst: Instrument, lang: str = "nb", catalogue: Catalogue | None = None) -> Description:
    """`inst` described in `lang` (``nb`` or ``en``); measure names come from `catalogue`
    (by default the catalogue the instrument uses)."""
    if catalogue is None:
        from ..definition.loading import catalogue_for

        catalogue = catalogue_for(inst)
    w = Words(lang, PLAIN)
    applied = inst.overlay
    extra = f" + {applied.id} {applied.version}" if applied is not None else ""
    facts = " · ".join(
        [
            f"{inst.id} {inst.version}{extra}",
            w(KIND_NAMES[inst.kind]),
            w(N_("%(count)s items"), count=len(inst.items)),
            w(N_("languages: %(languages)s"), languages=", ".join(LANGUAGES)),
        ]
    )
    source, licence = w(N_("Source")), w(N_("Licence"))
    paragraphs: tuple[str, ...] = (
        " ".join(inst.description.get(lang).split()),
        f"{source}: {' '.join(inst.source.citation.split())}",
        f"{licence}: {' '.join(inst.source.licence.get(lang).split())}",
    )
    if applied is not None:
        overlay = applied.definition
        text = f"{overlay.title.get(lang)}. {overlay.description.get(lang)}"
        paragraphs += (f"{w(N_('District overlay'))}: {' '.join(text.split())}",)
    tables = [
        _scales(inst, w),
        _dimensions(inst, w),
        *_domains(inst, w),
        *_context(inst, w),
        *_judgements(inst, w),
        _levels(inst, w),
        *_escalations(inst, w),
        *_warnings(inst, w),
        *_measures(inst, w, catalogue),
    ]
    unverified = w(N_("not yet verified against the published source"))
    secondary = w(N_("confirmed by a secondary source only"))
    footnote = f"{UNVERIFIED} {unverified}\n{SECONDARY} {secondary}"
    return Description(lang, inst.title.get(lang), facts, paragraphs, tuple(tables), footnote)


def _scales(inst: Instrument, w: Words) -> Table:
    rows = []
    for scale in inst.scales:
        values = []
        for v in scale.values:
            if v.unknown:
                extra = w(N_("unknown"))
            else:
                extra = num(v.points) if v.points is not None else "-"
            values.append(f"{v.id}{_mark(v.verified)}: {v.label.get(w.lang)} ({extra})")
        rows.append((scale.id, scale.title.get(w.lang), "; ".join(values)))
    headers = (w(N_("Scale")), w(N_("Title")), w(N_("Values (points)")))
    return Table("scales", w(N_("Scales")), headers, tuple(rows))


def _dimensions(inst: Instrument, w: Words) -> Table:
    rows = tuple(
        (
            f"{d.id}{_mark(d.verified)}",
            d.title.get(w.lang),
            d.scale,
            w(N_("required")) if d.required or i == 0 else w(N_("optional")),
        )
        for i, d in enumerate(inst.dimensions)
    )
    headers = (w(N_("Dimension")), w(N_("Title")), w(N_("Scale")), "")
    return Table("dimensions", w(N_("Dimensions (the first takes a bare answer)")), headers, rows)


def _domains(inst: Instrument, w: Words) -> list[Table]:
    weighted = any(item.weight != 1 for item in inst.items)
    scaled = any(item.scale not in (None, inst.primary.scale) for item in inst.items)
    headers = (
        w(N_("Item")),
        w(N_("Title")),
        *([w(N_("Scale"))] if scaled else []),
        *([w(N_("Weight"))] if weighted else []),
        "",
    )
    tables = []
    for domain in inst.domains:
        rows = []
        for item in inst.items:
            if item.domain != domain.id:
                continue
            notes = []
            if not item.required:
                notes.append(w(N_("optional, default %(value)s"), value=item.default))
            elif item.default is not None:
                notes.append(w(N_("default %(value)s"), value=item.default))
            if item.parent:
                notes.append(w(N_("part of %(item)s"), item=item.parent))
            row = [f"{item.id}{_mark(item.verified)}", item.title.get(w.lang)]
            if scaled:
                row.append(item.scale or inst.primary.scale)
            if weighted:
                row.append(num(item.weight))
            row.append(", ".join(notes))
            rows.append(tuple(row))
        title = f"{domain.title.get(w.lang)} ({domain.id})"
        tables.append(Table("domain", title, headers, tuple(rows), ident=domain.id))
    return tables


def _context(inst: Instrument, w: Words) -> list[Table]:
    if not inst.context:
        return []
    rows = []
    for f in inst.context:
        kind: str = f.type
        if f.type == "choice":
            kind += ": " + ", ".join(ch.id for ch in f.choices)
        if f.min is not None or f.max is not None:
            kind += f" [{'' if f.min is None else f.min}..{'' if f.max is None else f.max}]"
        rows.append((f.id, f.title.get(w.lang), kind, w(N_("required")) if f.required else ""))
    headers = (w(N_("Field")), w(N_("Title")), w(N_("Type")), "")
    return [Table("context", w(N_("Case facts")), headers, tuple(rows))]


def _judgements(inst: Instrument, w: Words) -> list[Table]:
    if not inst.judgements:
        return []
    rows = tuple(
        (f"{j.id}{_mark(j.verified)}", j.title.get(w.lang), j.type) for j in inst.judgements
    )
    headers = (w(N_("Judgement")), w(N_("Title")), w(N_("Takes")))
    return [Table("judgements", w(N_("Judgements")), headers, rows)]


def _levels(inst: Instrument, w: Words) -> Table:
    headers = (w(N_("Level")), w(N_("Title")), w(N_("When")))
    levels = inst.level_definitions
    notes: tuple[str, ...] = ()
    if inst.kind == "spj":
        names = inst.scoring.level_from
        if len(names) == 1:
            rule = w(N_("judgement %(judgement)s"), judgement=names[0])
        else:
            rule = w(N_("highest of %(judgements)s"), judgements=", ".join(names))
        rows = tuple((f"{lv.id}{_mark(lv.verified)}", lv.title.get(w.lang), rule) for lv in levels)
        return Table("levels", w(N_("Levels")), headers, rows)
    low, high = score_range(inst)
    whole = all(
        float(x).is_integer()
        for x in [low, high, *(lv.min_score for lv in levels if lv.min_score is not None)]
    ) and all(
        v.points is None or float(v.points * item.weight).is_integer()
        for item in inst.items
        for v in inst.scale_for(item, inst.primary).values
    )
    rows_list = []
    for i, lv in enumerate(levels):
        start = lv.min_score if lv.min_score is not None else low
        following = levels[i + 1].min_score if i + 1 < len(levels) else None
        if following is None:
            band = w(N_("score %(low)s to %(high)s"), low=num(start), high=num(high))
        elif whole:
            band = w(N_("score %(low)s to %(high)s"), low=num(start), high=num(following - 1))
        else:
            band = w(N_("score %(low)s to below %(high)s"), low=num(start), high=num(following))
        rows_list.append((f"{lv.id}{_mark(lv.verified)}", lv.title.get(w.lang), band))
    policy = inst.scoring.missing
    if policy is not None:
        message = (
            N_("Unknown answers: at most %(count)s%(mark)s; the total counts them as zero.")
            if policy.total == "zero"
            else N_("Unknown answers: at most %(count)s%(mark)s; the total is prorated.")
        )
        notes = (w(message, count=policy.max_unknown, mark=_mark(policy.verified)),)
    return Table("levels", w(N_("Levels")), headers, tuple(rows_list), notes=notes)


def _escalations(inst: Instrument, w: Words) -> list[Table]:
    if not inst.escalations:
        return []
    rows = []
    for e in inst.escalations:
        if e.to is not None:
            target = e.to
        else:
            target = w(N_("judgement %(judgement)s"), judgement=e.to_judgement)
        rows.append((f"{e.id}{_mark(e.verified)}", target, condition_text(e.when, inst, w.lang)))
    headers = (w(N_("Rule")), w(N_("To")), w(N_("When")))
    title = w(N_("Escalations (raise the level, never lower it)"))
    return [Table("escalations", title, headers, tuple(rows))]


def _warnings(inst: Instrument, w: Words) -> list[Table]:
    if not inst.warning_rules:
        return []
    rows = []
    for rule in inst.warning_rules:
        message = rule.message.get(w.lang)
        if rule.requires_justification:
            needs = w(N_("needs a justification"))
            message += f" ({needs})"
        when = condition_text(rule.when, inst, w.lang)
        rows.append((f"{rule.id}{_mark(rule.verified)}", when, message))
    headers = (w(N_("Rule")), w(N_("When")), w(N_("Message")))
    return [Table("warnings", w(N_("Warnings")), headers, tuple(rows))]


def _measures(inst: Instrument, w: Words, catalogue: Catalogue) -> list[Table]:
    if not inst.measure_rules:
        return []
    rows = []
    for rule in inst.measure_rules:
        measure = catalogue.by_id.get(rule.measure)
        name = f" ({measure.name.get(w.lang)})" if measure is not None else ""
        rows.append(
            (
                f"{rule.id}{_mark(rule.verified)}",
                w(PRIORITY_NAMES[rule.priority]),
                f"{rule.measure}{name}",
                condition_text(rule.when, inst, w.lang),
            )
        )
    headers = (w(N_("Rule")), w(N_("Priority")), w(N_("Measure")), w(N_("When")))
    return [Table("measures", w(N_("Measure rules")), headers, tuple(rows))]
