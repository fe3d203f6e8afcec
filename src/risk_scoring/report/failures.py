"""Jinja2's failures as our `ReportError`: the template and line, never a value.

Messages are built from the error's type and position, and name a variable, attribute
or key only when that name is written in a template's own source (a key looked up from
free text is never shown); a template file's name is quoted only when it looks like
one.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import TracebackType

import jinja2
from jinja2.exceptions import SecurityError

from ..errors import ReportError
from . import limits
from .template_files import TEMPLATE_SUFFIXES, Refused


def _where(tb: TracebackType | None) -> str:
    """``name, line N`` of the innermost template frame in a traceback, if any."""
    found = ""
    while tb is not None:
        frame = tb.tb_frame
        if "__jinja_exception__" in frame.f_globals or frame.f_code.co_filename.endswith(
            tuple(TEMPLATE_SUFFIXES)
        ):
            found = f"{Path(frame.f_code.co_filename).name}, line {tb.tb_lineno}"
        tb = tb.tb_next
    return found


_TEMPLATE_NAME = re.compile(r"[\w./-]{1,120}\.(?:j2|jinja2?|html?|md|txt)")
_OWN_MESSAGE = re.compile(
    r"(?:access to (?:attribute '\w+'|an attribute \(its name is not shown\))"
    r"(?: of '[\w. ]+' is unsafe)?"
    r"|Range too big\. The sandbox blocks ranges larger than MAX_RANGE \(\d+\)\.)"
)
_RUNTIME = "an unknown filter or test named at render time, or a construct used wrongly"


def report_error(exc: BaseException, name: str) -> ReportError:
    """Our error for `exc`, from its type and position: never a value of the report."""
    where = _where(exc.__traceback__) or name
    if isinstance(exc, jinja2.TemplateSyntaxError):
        # The message is about the template's own source, never about the report.
        where = f"{Path(exc.filename or exc.name or name).name}, line {exc.lineno}"
        return ReportError(f"template {where}: syntax error: {exc.message}")
    if isinstance(exc, jinja2.TemplateNotFound):
        # A template can name what it includes from free text, so only file-like names
        # are quoted.
        missing = repr(exc.name) if _TEMPLATE_NAME.fullmatch(str(exc.name)) else "a template"
        return ReportError(f"template {where}: {missing} not found (needed by {name})")
    if isinstance(exc, Refused):
        return ReportError(f"template {where}: a template file was refused: {exc.message}")
    if isinstance(exc, limits.LimitExceeded):
        return ReportError(f"template {where}: refused: {exc.message}")
    if isinstance(exc, SecurityError):
        shown = exc.message if _OWN_MESSAGE.fullmatch(exc.message or "") else "an unsafe operation"
        return ReportError(f"template {where}: refused by the sandbox: {shown}")
    if isinstance(exc, jinja2.UndefinedError):
        # _Undefined built the message; only names from the templates' source are in it.
        return ReportError(f"template {where}: undefined: {exc.message}")
    if isinstance(exc, jinja2.TemplateRuntimeError):
        return ReportError(f"template {where}: {type(exc).__name__} ({_RUNTIME})")
    if isinstance(exc, RecursionError):
        return ReportError(f"template {where}: refused: recursion too deep")
    if isinstance(exc, OverflowError):
        return ReportError(
            f"template {where}: refused: a range of more than 100,000 items or a number too large"
        )
    return ReportError(f"template {where}: {type(exc).__name__} while rendering")
