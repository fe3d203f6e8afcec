"""Render a report as PDF (optional extra: ``pip install 'risk_scoring[pdf]'``).

The PDF is the HTML report laid out for A4 by WeasyPrint, a PyPI library that needs
no browser, only the Pango text libraries most Linux systems have (Debian:
``libpango-1.0-0``). It fetches nothing: any URL other than a ``data:`` URI in a
custom template is refused.
"""

from __future__ import annotations

import importlib
from typing import Any

from ..definition.instrument import Instrument
from ..definition.result import Result
from ..errors import ReportError
from .render import RenderedAt, TemplateRef, render_report

__all__ = ["pdf_available", "render_pdf"]

_INSTALL = "PDF reports need the optional extra: pip install 'risk_scoring[pdf]'"


def _weasyprint() -> Any:
    try:
        return importlib.import_module("weasyprint")
    except ImportError:
        raise ReportError(_INSTALL) from None
    except OSError as exc:  # WeasyPrint is installed but Pango is not
        raise ReportError(
            f"WeasyPrint cannot load its system libraries (Pango, HarfBuzz): {exc}"
        ) from None


def pdf_available() -> str | None:
    """None if PDF reports can be made here, else the reason they cannot."""
    try:
        _weasyprint()
    except ReportError as exc:
        return str(exc)
    return None


def _refuse_remote(url: str, *args: Any, **kwargs: Any) -> Any:
    if url.startswith("data:"):
        return _weasyprint().default_url_fetcher(url, *args, **kwargs)
    raise ValueError("a report fetches nothing but data: URIs")


def render_pdf(
    result: Result,
    lang: str = "nb",
    *,
    instrument: Instrument | str | None = None,
    template: TemplateRef | None = None,
    rendered_at: RenderedAt = None,
) -> bytes:
    """The HTML report of `result` as an A4 PDF document (bytes).

    Takes the same arguments as `render_report`. Raises `ReportError` when WeasyPrint
    or its system libraries are missing, and for everything `render_report` refuses.
    """
    weasyprint = _weasyprint()
    html = render_report(
        result, "html", lang, instrument=instrument, template=template, rendered_at=rendered_at
    )
    try:
        document = weasyprint.HTML(string=html, url_fetcher=_refuse_remote)
        pdf = document.write_pdf()
    except Exception as exc:  # a layout failure must not escape as a foreign error
        raise ReportError(f"PDF layout failed: {type(exc).__name__}") from None
    assert isinstance(pdf, bytes)
    return pdf
