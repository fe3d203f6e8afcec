"""The Jinja2 environments reports are rendered in: sandboxed, strict, escaped, localized.

- Every template, ours or a caller's, runs in `ImmutableSandboxedEnvironment` with
  `StrictUndefined`: a template cannot reach Python internals or change data, and a
  misspelt name fails instead of printing nothing.
- HTML is always autoescaped (whatever the template's file name). Markdown output
  passes every ``{{ ... }}`` through `markdown_escape`, so free text cannot form links,
  tables, HTML or block structure. Text output drops control characters (`escaping`).
- ``_("...")`` with a literal string is translated when the template is compiled, so a
  fixed string costs nothing at render time; each language has its own environment.
- A custom template (``template=``, a file or a folder) is read only from inside its
  folder (no ``..``, no symlink out of it), only from a regular file with a template
  suffix of bounded size (`template_files`), and it is compiled and rendered with the
  limits of `limits.py` (time, output size, amplification).
- Anything that goes wrong inside Jinja comes out as `ReportError` naming the template
  and line, never a value: messages are built from the error's type and position, and
  name a variable, attribute or key only when that name is written in a template's own
  source (a key looked up from free text is never shown); `failures` makes them.

This module imports Jinja2; `report.py` imports it only when a report is rendered.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import missing, object_type_repr

from . import guard, limits
from .escaping import markdown_escape, markdown_inline, plain_text
from .failures import report_error
from .filter_limits import guarded_filter
from .i18n import TEMPLATE_DIR, messages
from .template_files import FORMATS, FolderLoader, template_location

BUILTIN_PREFIX = "risk_scoring"
"""Custom templates extend ours by this prefix: ``{% extends "risk_scoring/report.html.j2" %}``."""


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
        guard.Guard().visit(tree)
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
        env.filters = {name: guarded_filter(name, func) for name, func in env.filters.items()}
        env.filters.update(guard.FILTERS)
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
        failure = report_error(exc, name)
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
