"""The Jinja2 environments reports are rendered in: sandboxed, strict, escaped, localized.

- Every template, ours or a caller's, runs in `ImmutableSandboxedEnvironment` with
  `StrictUndefined`: a template cannot reach Python internals or change data, and a
  misspelt name fails instead of printing nothing.
- HTML is always autoescaped (whatever the template's file name). Markdown output
  passes every ``{{ ... }}`` through `markdown_escape`, so free text cannot form links,
  tables, HTML or block structure. Text output drops control characters.
- ``_("...")`` with a literal string is translated when the template is compiled, so a
  fixed string costs nothing at render time; each language has its own environment.
- A custom template (``template=``, a file or a folder) is read only from inside its
  folder (no ``..``, no symlink out of it), only from a regular file with a template
  suffix (`TEMPLATE_SUFFIXES`) of at most `MAX_TEMPLATE_BYTES`, and it is compiled and
  rendered with the limits of `limits.py` (time, output size, amplification).
- Anything that goes wrong inside Jinja comes out as `ReportError` naming the template
  and line, never a value: messages are built from the error's type and position, and
  name a variable, attribute or key only when that name is written in a template's own
  source (a key looked up from free text is never shown).

This module imports Jinja2; `report.py` imports it only when a report is rendered.
"""

from __future__ import annotations

import dataclasses
import os
import re
import stat as _stat
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import missing, object_type_repr

from ..definition import files
from ..errors import InstrumentError, ReportError
from . import limits
from .cleaning import MultiLine
from .i18n import TEMPLATE_DIR, messages

FORMATS = {"html": "report.html.j2", "markdown": "report.md.j2", "text": "report.txt.j2"}
BUILTIN_PREFIX = "risk_scoring"
"""Custom templates extend ours by this prefix: ``{% extends "risk_scoring/report.html.j2" %}``."""

TEMPLATE_SUFFIXES = frozenset((".j2", ".jinja", ".jinja2", ".html", ".htm", ".md", ".txt"))
"""What a template file's name may end in (``template=`` and everything it includes)."""
MAX_TEMPLATE_BYTES = 1_000_000
"""Size of one custom template file."""

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Removed from text and Markdown output: terminal escapes, NUL, other controls, line
separators, and the bidi embedding, override and isolate controls."""
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
_MD_LINE_START = re.compile(r"^(?:#|([-+]|\d{1,9}(?=[.)]))(?=[.)]?(?:\s|$))|([-=])(?=[-=\s]*$))")
"""What may not start a Markdown line: a ``#`` of any kind (Python-Markdown reads ``#0``
as a heading, CommonMark only ``# 0``; found by the long fuzz run), a list marker, or
a setext underline."""


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
    """`value` for a text report: control characters (terminal escapes) removed.

    A `MultiLine` field printed as it is (``{{ report.justification }}`` in a custom
    template) has its continuation lines indented, so it cannot start a line of its own.
    """
    text = _CONTROL.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n"))
    if isinstance(value, MultiLine):
        return text.replace("\n", "\n  ")
    return text


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


class _Undefined(jinja2.StrictUndefined):
    """StrictUndefined whose messages name only what the templates' source spells.

    A template can look a key up from free text (``{{ table[report.case_ref] }}``,
    ``report|attr(report.case_ref)``); Jinja2's own message would quote it, in whichever
    quotes Python's repr picks. Here a name is shown only if it is one of `words`, the
    strings written in the source of the environment's templates.
    """

    __slots__ = ()
    words: frozenset[str] | set[str] = frozenset()

    @property
    def _undefined_message(self) -> str:
        name = self._undefined_name
        shown = isinstance(name, str) and name in self.words
        obj = self._undefined_obj
        owner = object_type_repr(obj) if obj is not missing else None
        if self._undefined_exception is SecurityError:
            what = f"attribute {name!r}" if shown else "an attribute (its name is not shown)"
            return f"access to {what} of {owner!r} is unsafe" if owner else f"access to {what}"
        if owner is None:
            return f"{name!r} is undefined" if shown else "a name is undefined (not shown)"
        if shown:
            return f"{owner!r} has no attribute {name!r}"
        return f"{owner!r} has no attribute or key of that name (not shown)"


def _words(tree: nodes.Node) -> set[str]:
    """Every string in a parsed template: names, attributes, constants, filter names."""
    found: set[str] = set()
    for node in tree.find_all(nodes.Node):
        for _field, value in node.iter_fields():
            if isinstance(value, str) and len(value) <= 200:
                found.add(value)
    return found


class ReportEnvironment(ImmutableSandboxedEnvironment):
    """A sandboxed environment for one output format and one language.

    Reading a declared field of a report view (a frozen dataclass of plain data) skips
    the sandbox's general attribute checks, which would otherwise dominate rendering
    time; everything else goes through them.
    """

    messages: Mapping[str, str]
    words: set[str]
    _fields = _view_fields()

    def getattr(self, obj: Any, attribute: str) -> Any:
        fields = self._fields.get(type(obj))
        if fields is not None and attribute in fields:
            return getattr(obj, attribute)
        return super().getattr(obj, attribute)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        self.words.update(_words(tree))
        return tree


class GuardedEnvironment(ReportEnvironment):
    """The environment of custom templates: every cost bounded (see `limits`)."""

    intercepted_binops = frozenset(("*", "**", "+", "%"))

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        limits.Guard().visit(tree)
        return tree

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        limits.check_binop(operator, left, right)
        return limits.made(super().call_binop(context, operator, left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        limits.tick()
        args = limits.check_call(__obj, args, kwargs)
        return limits.made(super().call(__context, __obj, *args, **kwargs))

    def getitem(self, obj: Any, argument: Any) -> Any:
        value = super().getitem(obj, argument)
        return limits.made(value) if isinstance(argument, slice) else value

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapper = super().wrap_str_format(value)
        if wrapper is None:
            return None
        fmt = value.__self__

        def checked(*args: Any, **kwargs: Any) -> str:
            limits.check_format(fmt)
            return limits.made(wrapper(*args, **kwargs))  # type: ignore[no-any-return]

        return checked


class _Refused(jinja2.TemplateError):
    """A custom template file that may not be read; the message says why."""


def _within(root: str, path: str) -> bool:
    try:
        return os.path.commonpath([root, path]) == root
    except ValueError:  # different drives
        return False


class FolderLoader(jinja2.BaseLoader):
    """Templates from one folder: nothing outside it, regular template files only.

    A name is split as Jinja2 splits it (``..`` refused), joined to the folder and
    resolved; a path that resolves outside the folder (a symlink to ``/etc/passwd`` or
    to another folder) is refused, as is a file that is not regular, is larger than
    `MAX_TEMPLATE_BYTES` or lacks a template suffix. Files are read bounded and without
    blocking (`files.read_bounded`).
    """

    def __init__(self, folder: Path) -> None:
        self.root = os.path.realpath(folder)

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)
        joined = os.path.join(self.root, *pieces)
        if not os.path.lexists(joined):
            raise jinja2.TemplateNotFound(template)
        real = os.path.realpath(joined)
        if not _within(self.root, real):
            raise _Refused("it resolves outside the template folder")
        if os.path.splitext(real)[1].lower() not in TEMPLATE_SUFFIXES:
            raise _Refused(_suffix_rule())
        try:
            raw, stamp = files.read_bounded_with_stamp(real, MAX_TEMPLATE_BYTES)
        except InstrumentError as exc:
            raise _Refused(exc.problems[0].message) from None
        try:
            source = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _Refused("it is not valid UTF-8") from None

        def uptodate() -> bool:
            try:
                return files.stamp(os.stat(real)) == stamp
            except OSError:
                return False

        return source, real, uptodate


def _suffix_rule() -> str:
    return "a template file's name must end in " + ", ".join(sorted(TEMPLATE_SUFFIXES))


def _environment(fmt: str, lang: str, folder: Path | None) -> ReportEnvironment:
    builtin = jinja2.FileSystemLoader(TEMPLATE_DIR)
    loader: jinja2.BaseLoader = builtin
    if folder is not None:
        loader = jinja2.ChoiceLoader(
            [FolderLoader(folder), jinja2.PrefixLoader({BUILTIN_PREFIX: builtin}), builtin]
        )
    else:
        loader = jinja2.ChoiceLoader([jinja2.PrefixLoader({BUILTIN_PREFIX: builtin}), builtin])
    finalize: Callable[[Any], Any] | None = None
    if fmt == "markdown":
        finalize = markdown_escape
    elif fmt == "text":
        finalize = plain_text
    words: set[str] = set()
    cls = ReportEnvironment if folder is None else GuardedEnvironment
    env = cls(
        loader=loader,
        autoescape=fmt == "html",
        undefined=type("Undefined", (_Undefined,), {"__slots__": (), "words": words}),
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=folder is not None,
        extensions=[CompileTimeGettext],
    )
    env.words = words
    table = messages(lang)
    env.messages = table
    env.globals["_"] = env.globals["gettext"] = lambda text: table.get(text, text)
    env.filters["md_inline"] = markdown_inline
    if folder is not None:
        env.filters = {
            name: limits.guarded_filter(name, func) for name, func in env.filters.items()
        }
        env.filters.update(limits.FILTERS)
    return env


_lock = threading.Lock()
_environments: dict[tuple[str, str, str | None], ReportEnvironment] = {}
_MAX_ENVIRONMENTS = 64


def environment(fmt: str, lang: str, folder: Path | None = None) -> ReportEnvironment:
    """The (cached) environment for `fmt` and `lang`, with `folder`'s templates first."""
    key = (fmt, lang, os.path.realpath(folder) if folder is not None else None)
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


def _failure(exc: BaseException, name: str) -> ReportError:
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
    if isinstance(exc, _Refused):
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


def template_location(template: object, fmt: str) -> tuple[Path, str]:
    """The folder and template name that ``template=`` stands for.

    A folder stands for its report template of `fmt`; a file must be a regular file
    with a template suffix of at most `MAX_TEMPLATE_BYTES` (so ``/proc/self/environ``,
    ``/dev/zero`` or a FIFO is refused before anything is read).
    """
    if not isinstance(template, (str, os.PathLike)) or not isinstance(os.fspath(template), str):
        raise ReportError(f"template= must be a file or folder path, not {type(template).__name__}")
    path = Path(template)
    info = _stat_or_none(path)
    if info is None:
        raise ReportError(f"no template file or folder at {path}")
    if _stat.S_ISDIR(info.st_mode):
        return path, FORMATS[fmt]
    if path.suffix.lower() not in TEMPLATE_SUFFIXES:
        raise ReportError(f"template {path.name!r} refused: {_suffix_rule()}")
    if not _stat.S_ISREG(info.st_mode):
        raise ReportError(f"template {path.name!r} refused: not a regular file")
    if info.st_size > MAX_TEMPLATE_BYTES:
        raise ReportError(
            f"template {path.name!r} refused: file is {info.st_size} bytes; "
            f"the limit is {MAX_TEMPLATE_BYTES}"
        )
    return path.parent, path.name


def _stat_or_none(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (OSError, ValueError):  # ValueError: a NUL in the name
        return None


def render(fmt: str, lang: str, context: Mapping[str, Any], template: object = None) -> str:
    """Render the report template for `fmt` (or `template`, a file or folder) with `context`.

    `template` is what the caller passed as ``template=`` (see `template_location`).

    Raises `ReportError` for every failure, never a Jinja2 exception.
    """
    folder: Path | None = None
    name = FORMATS[fmt]
    if template is not None:
        folder, name = template_location(template, fmt)
    try:
        env = environment(fmt, lang, folder)
        if folder is None:
            return env.get_template(name).render(context)
        return _render_guarded(env, name, context)
    except Exception as exc:  # any failure inside a template becomes our error
        failure = _failure(exc, name)
    # Raised outside the handler, so the Jinja2 exception (which may quote values) is
    # not even attached as __context__.
    raise failure


def _render_guarded(env: ReportEnvironment, name: str, context: Mapping[str, Any]) -> str:
    token = limits.start()
    try:
        pieces = []
        for piece in env.get_template(name).generate(context):
            limits.written(piece)
            pieces.append(piece)
        return "".join(pieces)
    finally:
        limits.stop(token)


def template_names() -> Iterator[str]:
    """The names of the templates shipped in the package."""
    for path in sorted(TEMPLATE_DIR.glob("*.j2")):
        yield path.name
