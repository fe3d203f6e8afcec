"""The Jinja2 environments reports are rendered in: sandboxed, strict, escaped, localized.

- Every template, ours or a caller's, runs in `ImmutableSandboxedEnvironment` with
  `StrictUndefined`: a template cannot reach Python internals or change data, and a
  misspelt name fails instead of printing nothing.
- HTML is always autoescaped (whatever the template's file name). Markdown output
  passes every ``{{ ... }}`` through `markdown_escape`, so free text cannot form links,
  tables, HTML or block structure. Text output drops control characters.
- ``_("...")`` with a literal string is translated when the template is compiled, so a
  fixed string costs nothing at render time; each language has its own environment.
- Anything that goes wrong inside Jinja comes out as `ReportError` naming the template
  and line, without the values involved (they may be personal data).

This module imports Jinja2; `report.py` imports it only when a report is rendered.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..errors import ReportError
from .i18n import TEMPLATE_DIR, messages

FORMATS = {"html": "report.html.j2", "markdown": "report.md.j2", "text": "report.txt.j2"}
BUILTIN_PREFIX = "risk_scoring"
"""Custom templates extend ours by this prefix: ``{% extends "risk_scoring/report.html.j2" %}``."""

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_MD_INLINE = str.maketrans(
    {
        "\\": "\\\\",
        "`": "\\`",
        "*": "\\*",
        "_": "\\_",
        "[": "\\[",
        "]": "\\]",
        "(": "\\(",
        ")": "\\)",
        "{": "\\{",
        "}": "\\}",
        "!": "\\!",
        "~": "\\~",
        "<": "&lt;",
        ">": "&gt;",
        "|": "&#124;",
    }
)
_MD_LINE_START = re.compile(
    r"^(?:(#{1,6}|[-+]|\d{1,9}(?=[.)]))(?=[.)]?(?:\s|$))|([-=])(?=[-=\s]*$))"
)


class MarkdownSafe(str):
    """Text already escaped for Markdown; `markdown_escape` lets it through unchanged."""

    __slots__ = ()


_MD_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


def _markdown_inline(text: str) -> str:
    return _MD_ENTITY.sub("&amp;", text).translate(_MD_INLINE)


def _markdown_line(line: str) -> str:
    line = _markdown_inline(line.strip())
    # A line may not open a heading, list, or setext underline: escape its first marker.
    match = _MD_LINE_START.match(line)
    if match is None:
        return line
    if line[0].isdigit():
        end = match.end()
        return f"{line[:end]}\\{line[end:]}"
    return "\\" + line


def markdown_escape(value: object) -> str:
    """`value` as inert Markdown: every metacharacter escaped, lines as hard breaks.

    Link, image, emphasis, code and table syntax are backslash-escaped or written as
    entities (``<`` ``>`` ``&`` ``|``), so no renderer sees HTML or a cell boundary; a
    line cannot start a heading, list or quote. Lines are joined by hard breaks with a
    two-space indent, which keeps multi-line text inside the list item it belongs to.
    """
    if isinstance(value, MarkdownSafe):
        return value
    text = _CONTROL.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n"))
    lines = [_markdown_line(line) for line in text.split("\n")]
    return "  \n  ".join(line for line in lines if line)


def markdown_inline(value: object) -> MarkdownSafe:
    """`value` escaped for the middle of a Markdown line (a table cell, after a label).

    Like `markdown_escape`, but on one line, and without the line-start escapes that
    only matter where a line begins.
    """
    if isinstance(value, MarkdownSafe):
        return value
    text = _CONTROL.sub("", " ".join(str(value).split()))
    return MarkdownSafe(_markdown_inline(text))


def plain_text(value: object) -> str:
    """`value` for a text report: control characters (terminal escapes) removed."""
    return _CONTROL.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n"))


class CompileTimeGettext(Extension):
    """Replace ``_("literal")`` by its translation while the template is compiled.

    Calls with anything but one string literal are left to the runtime ``_`` global.
    """

    def filter_stream(self, stream: TokenStream) -> Iterable[Token]:
        table: Mapping[str, str] = getattr(self.environment, "messages", {})
        tokens = list(stream)
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if (
                tok.type == "name"
                and tok.value in ("_", "gettext")
                and (i == 0 or tokens[i - 1].type != "dot")
                and i + 3 < len(tokens)
                and tokens[i + 1].type == "lparen"
                and tokens[i + 2].type == "string"
                and tokens[i + 3].type == "rparen"
            ):
                text = tokens[i + 2].value
                yield Token(tok.lineno, "string", table.get(text, text))
                i += 4
                continue
            yield tok
            i += 1


def _view_fields() -> dict[type, frozenset[str]]:
    from . import view as _report_view

    fields: dict[type, frozenset[str]] = {}
    for cls in vars(_report_view).values():
        if not isinstance(cls, type) or cls.__name__.startswith("_"):
            continue
        if dataclasses.is_dataclass(cls):
            fields[cls] = frozenset(f.name for f in dataclasses.fields(cls))
        elif issubclass(cls, tuple) and hasattr(cls, "_fields"):
            fields[cls] = frozenset(cls._fields)
    return fields


class ReportEnvironment(ImmutableSandboxedEnvironment):
    """A sandboxed environment for one output format and one language.

    Reading a declared field of a report view (a frozen dataclass of plain data) skips
    the sandbox's general attribute checks, which would otherwise dominate rendering
    time; everything else goes through them.
    """

    messages: Mapping[str, str]
    _fields = _view_fields()

    def getattr(self, obj: Any, attribute: str) -> Any:
        fields = self._fields.get(type(obj))
        if fields is not None and attribute in fields:
            return getattr(obj, attribute)
        return super().getattr(obj, attribute)


def _environment(fmt: str, lang: str, folder: Path | None) -> ReportEnvironment:
    builtin = jinja2.FileSystemLoader(TEMPLATE_DIR)
    loader: jinja2.BaseLoader = builtin
    if folder is not None:
        loader = jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader(folder),
                jinja2.PrefixLoader({BUILTIN_PREFIX: builtin}),
                builtin,
            ]
        )
    else:
        loader = jinja2.ChoiceLoader([jinja2.PrefixLoader({BUILTIN_PREFIX: builtin}), builtin])
    finalize: Callable[[Any], Any] | None = None
    if fmt == "markdown":
        finalize = markdown_escape
    elif fmt == "text":
        finalize = plain_text
    env = ReportEnvironment(
        loader=loader,
        autoescape=fmt == "html",
        undefined=jinja2.StrictUndefined,
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=folder is not None,
        extensions=[CompileTimeGettext],
    )
    table = messages(lang)
    env.messages = table
    env.globals["_"] = env.globals["gettext"] = lambda text: table.get(text, text)
    env.filters["md_inline"] = markdown_inline
    return env


_lock = threading.Lock()
_environments: dict[tuple[str, str, str | None], ReportEnvironment] = {}
_MAX_ENVIRONMENTS = 64


def environment(fmt: str, lang: str, folder: Path | None = None) -> ReportEnvironment:
    """The (cached) environment for `fmt` and `lang`, with `folder`'s templates first."""
    key = (fmt, lang, str(folder.resolve()) if folder is not None else None)
    env = _environments.get(key)
    if env is None:
        env = _environment(fmt, lang, folder)
        with _lock:
            if len(_environments) >= _MAX_ENVIRONMENTS:
                _environments.clear()
            _environments[key] = env
    return env


def _where(tb: TracebackType | None) -> str:
    """``name, line N`` of the innermost template frame in a traceback, if any."""
    found = ""
    while tb is not None:
        frame = tb.tb_frame
        if "__jinja_exception__" in frame.f_globals or frame.f_code.co_filename.endswith(".j2"):
            found = f"{Path(frame.f_code.co_filename).name}, line {tb.tb_lineno}"
        tb = tb.tb_next
    return found


_TEMPLATE_NAME = re.compile(r"[\w./-]{1,120}\.(?:j2|html|md|txt)")
_NAME = re.compile(r"[A-Za-z_][\w.]{0,60}(?: object)?")


def _failure(exc: BaseException, name: str) -> ReportError:
    where = _where(exc.__traceback__) or name
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = f"{Path(exc.filename or exc.name or name).name}, line {exc.lineno}"
        return ReportError(f"template {where}: syntax error: {exc.message}")
    if isinstance(exc, jinja2.TemplateNotFound):
        # A template can name what it includes from free text, so only file-like names
        # are quoted.
        missing = repr(exc.name) if _TEMPLATE_NAME.fullmatch(str(exc.name)) else "a template"
        return ReportError(f"template {where}: {missing} not found (needed by {name})")
    if isinstance(exc, SecurityError):
        return ReportError(f"template {where}: refused by the sandbox: {exc.message}")
    if isinstance(exc, jinja2.UndefinedError):
        # Names a template typed are identifiers; a key looked up from free text may not be.
        quoted = re.findall(r"'([^']*)'", exc.message or "")
        if all(_NAME.fullmatch(part) for part in quoted):
            return ReportError(f"template {where}: undefined: {exc.message}")
        return ReportError(f"template {where}: undefined value (its key is not shown)")
    if isinstance(exc, jinja2.TemplateError):
        return ReportError(f"template {where}: {exc.message}")
    return ReportError(f"template {where}: {type(exc).__name__} while rendering")


def render(fmt: str, lang: str, context: Mapping[str, Any], template: Path | None = None) -> str:
    """Render the report template for `fmt` (or `template`, a file or folder) with `context`.

    Raises `ReportError` for every failure, never a Jinja2 exception.
    """
    folder: Path | None = None
    name = FORMATS[fmt]
    if template is not None:
        if template.is_dir():
            folder = template
        elif template.is_file():
            folder, name = template.parent, template.name
        else:
            raise ReportError(f"no template file or folder at {template}")
    try:
        return environment(fmt, lang, folder).get_template(name).render(context)
    except Exception as exc:  # any failure inside a template becomes our error
        failure = _failure(exc, name)
    # Raised outside the handler, so the Jinja2 exception (which may quote values) is
    # not even attached as __context__.
    raise failure


def template_names() -> Iterator[str]:
    """The names of the templates shipped in the package."""
    for path in sorted(TEMPLATE_DIR.glob("*.j2")):
        yield path.name
