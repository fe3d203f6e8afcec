"""`build_view`: a Result as a `ReportView` in one language, the one input of the templates.

It puts together the static part (`static`), the explanation (`explain`), the items by
domain, the judgements, the provenance, the case record (`record_view`) and the page
margins (`running`), with every free text cleaned (`cleaning`) and none escaped.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from .cleaning import block, line
from .explain import (
    NOT_GIVEN,
    NOT_RATED,
    basis,
    context_value,
    domain_summary,
    measure_views,
    missing_title,
    warning_views,
)
from .i18n import N_, format_date, format_datetime, format_number, translate
from .outcome import decided_lines, research_fields
from .record_view import (
    Words,
    build_record,
    build_running,
)
from .static import PRIORITY_LABELS, ROLE_LABELS, static_view
from .view import (
    AssessorView,
    DomainView,
    Field,
    ItemView,
    JudgementView,
    LevelView,
    ReportView,
)

if TYPE_CHECKING:
    from ..definition.catalogue import Catalogue
    from ..definition.instrument import Instrument
    from ..definition.result import OverlayProvenance, Result


def _overlay_fields(lang: str, overlay: OverlayProvenance | None) -> tuple[Field, ...]:
    """The provenance rows of a district overlay: its id and version, and its digest."""
    if overlay is None:
        return ()
    return (
        Field(translate(lang, N_("District overlay")), line(f"{overlay.id} {overlay.version}")),
        Field(translate(lang, N_("Overlay digest (SHA-256)")), line(overlay.digest), code=True),
    )


def _assessor(lang: str, role: str, ident: str | None) -> AssessorView:
    known = ROLE_LABELS.get(role)
    shown = translate(lang, known) if known else line(role).replace("_", " ")
    return AssessorView(shown, line(ident) if ident else None)


_WORDS = Words(line, block, ROLE_LABELS, PRIORITY_LABELS)


def build_view(
    result: Result,
    inst: Instrument,
    catalogue: Catalogue,
    lang: str,
    rendered_at: dt.datetime | dt.date | None,
) -> ReportView:
    """The localized content of `result`'s report (`inst` is what it was computed with)."""
    s = static_view(inst, catalogue, lang)
    t = lang
    level = None
    levels = s.levels
    if result.level is not None and result.level in s.level_index:
        index = s.level_index[result.level]
        current = s.levels[index]
        level = LevelView(
            current.id,
            current.title,
            current.description,
            current.rank,
            current.of,
            current.severity,
            True,
        )
        levels = (*s.levels[:index], level, *s.levels[index + 1 :])
    judgements = []
    for ident, title, sets_level in s.judgements:
        if ident in result.judgements:
            value = result.judgements[ident]
            shown: str | None = (
                s.levels[s.level_index[value]].title if value in s.level_index else line(value)
            )
            judgements.append(JudgementView(ident, title, shown, False, sets_level))
        elif ident in result.judgement_texts:
            text = block(result.judgement_texts[ident])
            judgements.append(JudgementView(ident, title, text, True, sets_level))
        else:
            judgements.append(JudgementView(ident, title, None, False, sets_level))
    domains = []
    summaries = {d.domain: d for d in result.domains}
    for domain, ids in s.domain_items.items():
        items = []
        for ident in ids:
            rating = result.ratings.get(ident, {})
            labels = s.labels[ident]
            note = result.notes.get(ident)
            items.append(
                ItemView(
                    ident,
                    s.item_titles[ident],
                    tuple(
                        labels[dim].get(rating[dim]) or line(rating[dim])
                        if dim in rating
                        else NOT_RATED
                        for dim in s.dimension_ids
                    ),
                    block(note) if note else None,
                    s.item_sub[ident],
                )
            )
        summary = summaries.get(domain)
        domains.append(
            DomainView(
                domain,
                s.domain_titles[domain],
                domain_summary(s, result, summary.counts, summary.points) if summary else "",
                tuple(items),
            )
        )
    if isinstance(rendered_at, dt.datetime):
        rendered = format_datetime(rendered_at, t)
    elif isinstance(rendered_at, dt.date):
        rendered = format_date(rendered_at, t)
    else:
        rendered = None
    provenance = result.provenance
    case_ref = line(result.case_ref) if result.case_ref else None
    return ReportView(
        lang=lang,
        instrument=s.instrument,
        case_ref=case_ref,
        assessed_on=format_date(result.assessed_on, t) if result.assessed_on else None,
        assessors=tuple(_assessor(t, a.role, a.id) for a in result.assessors),
        level=level,
        levels=levels,
        score=format_number(result.score, t) if result.score is not None else None,
        score_is_research_only=result.score_is_research_only,
        basis=(*basis(s, result), *decided_lines(s, result)),
        judgements=tuple(judgements),
        justification=block(result.justification) if result.justification else None,
        complete=result.complete,
        missing=tuple(missing_title(s, m) for m in result.missing),
        context=tuple(
            Field(title, context_value(s, field, result.context.get(field)))
            for field, (title, _kind, _choices) in s.context.items()
        ),
        measures=tuple(measure_views(s, result)),
        warnings=tuple(warning_views(s, result)),
        dimensions=tuple(s.dimension_titles[d] for d in s.dimension_ids),
        domains=tuple(domains),
        provenance=(
            Field(
                translate(t, N_("Instrument")),
                line(f"{provenance.instrument} {provenance.version}"),
            ),
            Field(
                translate(t, N_("Instrument digest (SHA-256)")), line(provenance.digest), code=True
            ),
            *_overlay_fields(t, provenance.overlay),
            Field(translate(t, N_("Measures catalogue")), s.catalogue_version),
            Field(translate(t, N_("Library")), line(f"risk_scoring {provenance.library}")),
            Field(
                translate(t, N_("Rendered")),
                rendered if rendered is not None else translate(t, NOT_GIVEN),
            ),
            Field(translate(t, N_("Source")), s.instrument.citation),
        ),
        rendered_at=rendered,
        record=build_record(result, s, inst, catalogue, _WORDS),
        running=build_running(result, s, case_ref),
        research=tuple(Field(label, value) for label, value in research_fields(s, result)),
    )
