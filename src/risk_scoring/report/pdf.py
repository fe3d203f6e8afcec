"""Render a report as PDF (the optional ``pdf`` extra, see docs/installation.md).

The PDF is the HTML report laid out for A4 by WeasyPrint, a PyPI library that needs
no browser, only the Pango text libraries most Linux systems have (Debian:
``libpango-1.0-0``). It fetches nothing: a custom template may use ``data:`` URIs
(an embedded logo), and any other URL stops the rendering with a `ReportError` that
names neither the URL nor anything else from the report (a template may build a URL
from free text), so it is not logged either.
"""

from __future__ import annotations

import importlib
from typing import Any

from ..definition.instrument import Instrument
from ..definition.result import Result
from ..errors import ReportError
from .render import RenderedAt, TemplateRef, render_report

__all__ = ["pdf_available", "render_pdf"]

_INSTALL = "PDF reports need the pdf extra: pip install '.[pdf]' (docs/installation.md)"


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


class _Refused(ValueError):
    """A URL other than ``data:``; raised by our fetchers, never shown with the URL."""


def _refuse_remote(url: str, *args: Any, **kwargs: Any) -> Any:
    """The fetcher function of WeasyPrint before 70: only ``data:`` URIs are fetched."""
    if url.startswith("data:"):
        return _weasyprint().default_url_fetcher(url, *args, **kwargs)
    raise _Refused("a report fetches nothing but data: URIs")


def _fetcher(weasyprint: Any) -> Any:
    """A URL fetcher that fetches ``data:`` URIs only, for this WeasyPrint.

    WeasyPrint 70 takes a `URLFetcher` object (it reads ``_fail_on_errors`` from it);
    earlier versions take a function. The object fails on every refused URL, so
    rendering stops instead of logging the URL (a template may build it from free text).
    """
    fetcher_class = getattr(weasyprint, "URLFetcher", None)
    if fetcher_class is None:
        return _refuse_remote

    class DataOnly(fetcher_class):  # type: ignore[misc, valid-type]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith("data:"):
                raise _Refused("a report fetches nothing but data: URIs")
            return super().fetch(url, headers)

    return DataOnly(allowed_protocols={"data"}, fail_on_errors=True, allow_redirects=False)


def _fatal(weasyprint: Any) -> tuple[type[BaseException], ...]:
    """WeasyPrint's own exception that stops rendering (a BaseException), if it has one."""
    urls = getattr(weasyprint, "urls", None)
    fatal = getattr(urls, "FatalURLFetchingError", None)
    return (fatal,) if isinstance(fatal, type) and issubclass(fatal, BaseException) else ()


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
    fetcher = _fetcher(weasyprint)
    fatal = _fatal(weasyprint)
    caught: tuple[type[BaseException], ...] = (Exception, *fatal)
    stage = "reading the HTML"
    try:
        document = weasyprint.HTML(string=html, url_fetcher=fetcher)
        stage = "laying out the pages"
        rendered = document.render()
        stage = "writing the PDF"
        pdf = rendered.write_pdf()
    except caught as exc:  # a layout failure must not escape as a foreign error
        # Never the exception's text: it can quote the HTML, a URL or a value.
        failure = ReportError(f"PDF layout failed while {stage}: {_why(exc, fatal)}")
    else:
        if isinstance(pdf, bytes):
            return pdf
        failure = ReportError(f"PDF layout failed while {stage}: WeasyPrint returned no bytes")
    raise failure


def _why(exc: BaseException, fatal: tuple[type[BaseException], ...]) -> str:
    if isinstance(exc, _Refused) or (fatal and isinstance(exc, fatal)):
        return "the template links to a resource other than a data: URI (nothing is fetched)"
    if isinstance(exc, MemoryError):
        return "out of memory"
    return f"{type(exc).__name__} inside WeasyPrint"
