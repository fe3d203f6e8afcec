"""Render a Result as a report from the Jinja2 templates shipped in the package.

Templates run in Jinja2's immutable sandbox with strict undefined variables, and HTML
autoescaping, so free text typed by analysts cannot inject markup.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .errors import ReportError
from .instrument import Instrument
from .loading import catalogue_for, load_instrument
from .result import Result

FORMATS = {"html": "report.html.j2", "markdown": "report.md.j2", "text": "report.txt.j2"}
LANGUAGES = ("nb", "en")

_env = ImmutableSandboxedEnvironment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def instrument_of(result: Result) -> Instrument:
    """The built-in instrument a result was computed with; its digest must match."""
    inst = load_instrument(result.instrument)
    if inst.digest != result.provenance.digest:
        raise ReportError(
            f"result was computed with {result.instrument} {result.provenance.version} "
            f"(digest {result.provenance.digest[:12]}), which is not the built-in definition; "
            "pass instrument= the definition it was computed with"
        )
    return inst


def render_report(
    result: Result,
    format: str = "html",
    lang: str = "nb",
    *,
    instrument: Instrument | None = None,
) -> str:
    """Render `result` as an `html`, `markdown` or `text` report in `nb` or `en`.

    Raises `ReportError` for an unknown format or language or a template failure.
    """
    if format not in FORMATS:
        raise ReportError(f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")
    if lang not in LANGUAGES:
        raise ReportError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    inst = instrument if instrument is not None else instrument_of(result)
    context: dict[str, Any] = {
        "result": result,
        "inst": inst,
        "catalogue": catalogue_for(inst),
        "lang": lang,
    }
    try:
        return _env.get_template(FORMATS[format]).render(context)
    except jinja2.TemplateError as exc:
        raise ReportError(f"template {FORMATS[format]} failed: {exc.message}") from None
