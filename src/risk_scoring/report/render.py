"""Render a Result as a report an analyst can file: HTML, Markdown or plain text.

A report shows, in this order: the header (case reference, instrument, date, assessors),
the summary (level and what it means, score, judgements, justification, completeness),
the recommended measures with their reasons, legal basis and who decides, the warnings,
every item's ratings by domain with notes, the provenance, and a decision-support
disclaimer. Fixed strings are in Norwegian bokmål (`nb`) and English (`en`); dates and
numbers follow the language.

Templates run in Jinja2's immutable sandbox with strict undefined variables; HTML is
autoescaped and Markdown escaped, so free text typed by analysts cannot inject markup.
Custom templates (``template=``) run in the same sandbox and may extend ours::

    {% extends "risk_scoring/report.html.j2" %}
    {% block letterhead %}<p>Oslo politidistrikt</p>{% endblock %}

Reports are reproducible: the time of rendering is whatever the caller passes as
`rendered_at`; nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from ..definition.catalogue import Catalogue
from ..definition.instrument import Instrument
from ..definition.loading import CATALOGUE_FILE, builtin_dir, catalogue_for
from ..definition.lookup import instrument_of
from ..definition.model import LANGUAGES
from ..definition.result import Result
from ..errors import ReportError

__all__ = ["FORMATS", "LANGUAGES", "render_report", "report_context"]

FORMATS = ("html", "markdown", "text")
"""The output formats of `render_report`."""

TemplateRef = str | os.PathLike[str]
RenderedAt = dt.datetime | dt.date | str | None


def _check(
    result: Result, fmt: str, lang: str, instrument: Instrument | str | None
) -> tuple[Instrument, Catalogue]:
    if fmt not in FORMATS:
        raise ReportError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if lang not in LANGUAGES:
        raise ReportError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    if not isinstance(result, Result):
        raise ReportError(f"expected a Result, not a {type(result).__name__}")
    inst = instrument_of(result, instrument, error=ReportError)
    return inst, _catalogue(inst)


_catalogues: dict[tuple[str, str], tuple[Path, tuple[int, int], Catalogue]] = {}
"""The catalogue each definition (by digest and origin) was last rendered with."""


def _catalogue(inst: Instrument) -> Catalogue:
    """`catalogue_for(inst)`, re-read only when the catalogue file has changed."""
    key = (inst.digest, inst.origin)
    cached = _catalogues.get(key)
    if cached is not None:
        path, stamp, catalogue = cached
        try:
            stat = os.stat(path)
        except OSError:
            stat = None
        if stat is not None and (stat.st_mtime_ns, stat.st_size) == stamp:
            assert isinstance(catalogue, Catalogue)
            return catalogue
    catalogue = catalogue_for(inst)
    beside = Path(inst.origin).parent / CATALOGUE_FILE if inst.origin else None
    path = beside if beside is not None and beside.is_file() else builtin_dir() / CATALOGUE_FILE
    try:
        stat = os.stat(path)
        if len(_catalogues) > 256:
            _catalogues.clear()
        _catalogues[key] = (path, (stat.st_mtime_ns, stat.st_size), catalogue)
    except OSError:
        pass
    return catalogue


def _rendered_at(value: RenderedAt) -> dt.datetime | dt.date | None:
    if value is None or isinstance(value, (dt.datetime, dt.date)):
        return value
    if isinstance(value, str):
        try:
            return (
                dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
            )
        except ValueError:
            pass
    raise ReportError("rendered_at must be a datetime, a date or an ISO 8601 string")


def report_context(
    result: Result,
    lang: str = "nb",
    *,
    instrument: Instrument | str | None = None,
    rendered_at: RenderedAt = None,
) -> dict[str, Any]:
    """What templates receive: ``{"report": ReportView}``, the localized content.

    Useful for writing a custom template: every name a template can use is a field of
    the view (see `risk_scoring.report.view.ReportView`).
    """
    from .build import build_view

    inst, catalogue = _check(result, "html", lang, instrument)
    return {"report": build_view(result, inst, catalogue, lang, _rendered_at(rendered_at))}


def render_report(
    result: Result,
    format: str = "html",
    lang: str = "nb",
    *,
    instrument: Instrument | str | None = None,
    template: TemplateRef | None = None,
    rendered_at: RenderedAt = None,
) -> str:
    """Render `result` as an `html`, `markdown` or `text` report in `nb` or `en`.

    `instrument` is the definition the result was computed with, needed when it is not
    a built-in one. `template` is a template file, or a folder whose templates override
    ours by name (``report.html.j2``, ``report.md.j2``, ``report.txt.j2``); either may
    extend ``risk_scoring/report.<ext>.j2`` and override its blocks. `rendered_at` is
    printed as the time of rendering (a datetime, a date or an ISO string); it is never
    taken from the clock, so the same call gives the same bytes.

    Raises `ReportError` for an unknown format or language, a result that does not
    match its instrument, and any failure inside a template, including the sandbox
    refusing access to Python internals.

    >>> import risk_scoring as rs
    >>> result = rs.assess("odara", {"items": {str(n): "no" for n in range(1, 14)}})
    >>> render_report(result, "text", "en").splitlines()[2]
    'Risk assessment'
    """
    from .build import build_view
    from .environment import render

    inst, catalogue = _check(result, format, lang, instrument)
    view = build_view(result, inst, catalogue, lang, _rendered_at(rendered_at))
    return render(format, lang, {"report": view}, template)
