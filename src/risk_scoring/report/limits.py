"""Bounds on what a custom template may cost: time, output and the values it makes.

Jinja2's sandbox keeps a template away from Python internals, but not from the CPU or
memory: ``{{ 'a'.zfill(10**9) }}``, ``{{ 'x' * 10**9 }}``, ``9 ** (9 ** 9)``,
``lipsum(n=10**6)``, nested loops over ``range(100000)`` and doubling a string in a loop
each exhaust a process. A custom template (``render_report(..., template=...)``) is
therefore compiled and rendered by `GuardedEnvironment`, which

- **checks amplifiers before they run**: ``*``, ``**``, ``+`` and ``%`` (intercepted
  binary operators), ``~`` (concatenation), the string methods that pad, repeat or
  replace (``zfill``, ``center``, ``ljust``, ``rjust``, ``expandtabs``, ``replace``,
  ``join``, ``translate``, ``format``, ``format_map``), the filters that do the same
  (``center``, ``indent``, ``wordwrap``, ``replace``, ``format``, ``join``, ``batch``,
  ``slice``, ``sum``, ``tojson``) and ``lipsum``: none may make a value of more than
  `MAX_VALUE` characters or items, nor an integer of more than `MAX_INT_BITS` bits;
- **counts what the template makes**: every value a call, filter, operator or slice
  returns and every piece of output (inside macros and ``{% set %}`` blocks too) adds
  its length to a per-render total, refused beyond `MAX_MADE`, so memory stays bounded
  however the pieces are combined;
- **keeps a time budget** of `MAX_SECONDS`, checked at every loop iteration, call,
  filter, operator and piece of output, so no loop or recursion runs on;
- **caps the report** at `MAX_OUTPUT` characters.

Each refusal is a `LimitExceeded` (a Jinja2 `TemplateError` whose message names the limit,
never a value), which `render` turns into a `ReportError` with the template and line.
Our own templates, rendered without a custom one, run without these checks: they are
bounded by the answers' own limits.
"""

from __future__ import annotations

import contextvars
import functools
import re
import string
import time
from collections.abc import Callable, Iterable, Iterator, Sized
from dataclasses import dataclass
from typing import Any

from jinja2 import nodes, pass_context
from jinja2.exceptions import TemplateError
from jinja2.filters import make_attrgetter
from jinja2.runtime import Context, markup_join, str_join
from jinja2.utils import _PassArg, generate_lorem_ipsum
from jinja2.visitor import NodeTransformer
from markupsafe import soft_str

MAX_SECONDS = 5.0
"""Time budget of one render with a custom template (ours take about a millisecond)."""
MAX_OUTPUT = 50_000_000
"""Characters in one report from a custom template (the HTML report of our largest
instrument with every free-text field full of ``&`` and ``<`` is about 2,600,000; one
of 200 items, the most an instrument may have, about 22,000,000)."""
MAX_VALUE = 1_000_000
"""Characters or items in one value an amplifying operation makes."""
MAX_MADE = 20_000_000
"""Characters or items made by one render in all: values returned and output written
(about 1,700,000 for the text report of our largest instrument, every field full)."""
MAX_INT_BITS = 10_000
"""Bits in an integer a template computes (about 3,000 digits)."""
MAX_LIPSUM_WORDS = 100_000
"""Words ``lipsum(n, html, min, max)`` may generate (``n * max``)."""
MAX_JSON_INDENT = 16

CONCAT = "_rs_concat"
LOOP = "_rs_loop"
OUT = "_rs_out"
DATA = "_rs_data"
MADE = "_rs_made"


class LimitExceeded(TemplateError):
    """A custom template went beyond one of this module's limits."""


@dataclass
class Budget:
    """What one render has used so far."""

    deadline: float
    made: int = 0
    output: int = 0

    def tick(self) -> None:
        if time.perf_counter() > self.deadline:
            raise LimitExceeded(f"the template ran longer than {MAX_SECONDS:g} s")

    def add(self, size: int) -> None:
        self.made += size
        if self.made > MAX_MADE:
            raise LimitExceeded(
                f"the template made more than {MAX_MADE:,} characters or items in all"
            )
        self.tick()


_active: contextvars.ContextVar[Budget | None] = contextvars.ContextVar(
    "risk_scoring_template_budget", default=None
)


def start() -> contextvars.Token[Budget | None]:
    """Open a budget for one render; pass the token to `stop`."""
    return _active.set(Budget(time.perf_counter() + MAX_SECONDS))


def stop(token: contextvars.Token[Budget | None]) -> None:
    _active.reset(token)


def tick() -> None:
    budget = _active.get()
    if budget is not None:
        budget.tick()


def _size(value: object) -> int:
    if isinstance(value, (str, bytes, bytearray, list, tuple, dict, set, frozenset)):
        return len(value)
    return 0


def made(value: Any) -> Any:
    """Count `value` against the render's budget and return it."""
    budget = _active.get()
    if budget is not None:
        budget.add(_size(value))
    return value


def written(output: str) -> None:
    """Count a piece of the final report against `MAX_OUTPUT`."""
    budget = _active.get()
    if budget is not None:
        budget.output += len(output)
        if budget.output > MAX_OUTPUT:
            raise LimitExceeded(f"the report is longer than {MAX_OUTPUT:,} characters")
        budget.tick()


def _within(size: int, what: str) -> None:
    if size > MAX_VALUE:
        raise LimitExceeded(f"{what} would make more than {MAX_VALUE:,} characters or items")


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


# --- operators ------------------------------------------------------------------------

_PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])")


def check_percent(fmt: str, what: str = "'%' formatting") -> None:
    """Refuse a %-format whose widths and precisions could make a huge string."""
    total = len(fmt)
    for width, precision, _kind in _PERCENT.findall(fmt):
        if "*" in (width, precision):
            raise LimitExceeded(f"{what} with '*' widths is not allowed in templates")
        total += int(width or 0) + int(precision or 0)
    _within(total, what)


def check_format(fmt: str, what: str = "format()") -> None:
    """Refuse a str.format string whose format specs could make a huge string."""
    total = len(fmt)
    try:
        fields = list(string.Formatter().parse(fmt))
    except ValueError:
        return  # format() itself refuses it
    for _literal, _name, spec, _conversion in fields:
        if spec and "{" in spec:
            raise LimitExceeded(f"{what} with nested fields in a format spec is not allowed")
        total += sum(int(n) for n in re.findall(r"\d+", spec or ""))
    _within(total, what)


def check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse ``*``, ``**``, ``+`` and ``%`` that would make a huge value."""
    if operator == "*":
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, Sized) and not isinstance(seq, (dict, set, frozenset)):
                _within(len(seq) * max(_count(times), 0), "'*' on a sequence")
        if (
            isinstance(left, int)
            and isinstance(right, int)
            and abs(left).bit_length() + abs(right).bit_length() > MAX_INT_BITS
        ):
            raise LimitExceeded(f"'*' would make an integer of more than {MAX_INT_BITS} bits")
    elif operator == "**":
        if (
            isinstance(left, int)
            and isinstance(right, int)
            and right > 0
            and abs(left) > 1
            and abs(left).bit_length() * right > MAX_INT_BITS
        ):
            raise LimitExceeded(f"'**' would make an integer of more than {MAX_INT_BITS} bits")
    elif operator == "+":
        if isinstance(left, Sized) and isinstance(right, Sized):
            _within(len(left) + len(right), "'+'")
    elif operator == "%" and isinstance(left, str):
        check_percent(left)


# --- method calls ---------------------------------------------------------------------

_PADDING = frozenset(("zfill", "center", "ljust", "rjust"))


def check_call(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """Refuse a call of an amplifying str/bytes method; returns the args to call with.

    (`join` receives its iterable as a list, so it can be measured before joining.)
    """
    owner = getattr(obj, "__self__", None)
    name = getattr(obj, "__name__", "")
    if not isinstance(owner, (str, bytes, bytearray)):
        if obj is generate_lorem_ipsum or getattr(obj, "__wrapped__", None) is generate_lorem_ipsum:
            _lipsum(*args, **kwargs)
        return args
    size = len(owner)
    what = f"{name}()"
    if name in _PADDING:
        width = args[0] if args else kwargs.get("width", 0)
        _within(_count(width), what)
    elif name == "expandtabs":
        tab = args[0] if args else kwargs.get("tabsize", 8)
        tabs = owner.count("\t") if isinstance(owner, str) else owner.count(b"\t")
        _within(size + tabs * max(_count(tab), 0), what)
    elif name == "replace" and len(args) >= 2:
        _check_replace(owner, args[0], args[1], args[2] if len(args) > 2 else -1, what)
    elif name == "join" and args:
        parts = list(args[0])
        _within(sum(_size(p) for p in parts) + size * max(len(parts) - 1, 0), what)
        return (parts, *args[1:])
    elif name == "translate" and args:
        table = args[0]
        if isinstance(table, dict):
            longest = max((_size(v) for v in table.values()), default=1)
            _within(size * max(longest, 1), what)
    elif name == "__mod__" and isinstance(owner, str):
        check_percent(owner)
    return args


def _check_replace(owner: Any, old: Any, new: Any, count: Any, what: str) -> None:
    if not isinstance(old, type(owner)) or not isinstance(new, type(owner)):
        return  # replace() refuses it
    times = owner.count(old) if old else len(owner) + 1
    if isinstance(count, int) and count >= 0:
        times = min(times, count)
    _within(len(owner) + times * max(len(new) - len(old), 0), what)


def _lipsum(n: Any = 5, html: Any = True, min: Any = 20, max: Any = 100) -> None:
    del html, min
    if _count(n) * _count(max) > MAX_LIPSUM_WORDS:
        raise LimitExceeded(f"lipsum() would make more than {MAX_LIPSUM_WORDS:,} words")


# --- filters --------------------------------------------------------------------------


def _pre_center(value: Any, width: Any = 80) -> None:
    _within(_count(width), "the center filter")


def _pre_indent(value: Any, width: Any = 4, first: Any = False, blank: Any = False) -> None:
    text = soft_str(value)
    each = len(width) if isinstance(width, str) else _count(width)
    _within(len(text) + (text.count("\n") + 1) * each, "the indent filter")


def _pre_wordwrap(
    value: Any, width: Any = 79, break_long_words: Any = True, wrapstring: Any = None, *a: Any
) -> None:
    text = soft_str(value)
    joint = len(wrapstring) if isinstance(wrapstring, str) else 1
    lines = len(text) // max(_count(width), 1) + text.count("\n") + 1
    _within(len(text) + lines * joint, "the wordwrap filter")


def _pre_replace(value: Any, old: Any = "", new: Any = "", count: Any = None) -> None:
    _check_replace(soft_str(value), soft_str(old), soft_str(new), count, "the replace filter")


def _pre_format(value: Any, *args: Any, **kwargs: Any) -> None:
    check_percent(soft_str(value), "the format filter")


def _pre_batch(value: Any, linecount: Any = 1, fill_with: Any = None) -> None:
    _within(_count(linecount), "the batch filter")


def _pre_slice(value: Any, slices: Any = 1, fill_with: Any = None) -> None:
    _within(_count(slices), "the slice filter")


def _pre_sum(iterable: Any, attribute: Any = None, start: Any = 0) -> None:
    if not isinstance(start, (int, float)):
        raise LimitExceeded("the sum filter adds numbers only in templates")


def _pre_tojson(value: Any, indent: Any = None) -> None:
    if _size(indent) > MAX_JSON_INDENT or _count(indent) > MAX_JSON_INDENT:
        raise LimitExceeded(f"tojson indents by at most {MAX_JSON_INDENT}")


_PRE: dict[str, Callable[..., None]] = {
    "center": _pre_center,
    "indent": _pre_indent,
    "wordwrap": _pre_wordwrap,
    "replace": _pre_replace,
    "format": _pre_format,
    "batch": _pre_batch,
    "slice": _pre_slice,
    "sum": _pre_sum,
    "tojson": _pre_tojson,
}


def _join_args(context: Context, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """The join filter's arguments with the iterable as a list, measured before joining."""
    if not args:
        return args
    parts = list(args[0])
    glue = args[1] if len(args) > 1 else kwargs.get("d", "")
    attribute = args[2] if len(args) > 2 else kwargs.get("attribute")
    shown = parts
    if attribute is not None:
        getter = make_attrgetter(context.environment, attribute)
        shown = [getter(p) for p in parts]
    total = sum(len(soft_str(p)) for p in shown) + _size(glue) * max(len(parts) - 1, 0)
    _within(total, "the join filter")
    return (parts, *args[1:])


def guarded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """`func` with its amplification checked first and its result counted.

    The wrapper takes the context, so Jinja2 never runs it at compile time (constant
    folding), when no budget is open.
    """
    pass_arg = _PassArg.from_obj(func)
    pre = _PRE.get(name)

    @pass_context  # after wraps: it replaces the jinja_pass_arg that wraps copied
    @functools.wraps(func)
    def wrapper(context: Context, *args: Any, **kwargs: Any) -> Any:
        tick()
        if name == "join":
            args = _join_args(context, args, kwargs)
        elif pre is not None:
            pre(*args, **kwargs)
        if pass_arg is _PassArg.context:
            result = func(context, *args, **kwargs)
        elif pass_arg is _PassArg.eval_context:
            result = func(context.eval_ctx, *args, **kwargs)
        elif pass_arg is _PassArg.environment:
            result = func(context.environment, *args, **kwargs)
        else:
            result = func(*args, **kwargs)
        return made(result)

    return wrapper


@pass_context
def concat(context: Context, parts: Iterable[Any]) -> str:
    """``a ~ b``: Jinja2's own join (escaping as it would), measured first."""
    texts = [soft_str(p) for p in parts]
    _within(sum(map(len, texts)), "'~'")
    join = markup_join if context.eval_ctx.autoescape else str_join
    return made(join(texts))  # type: ignore[no-any-return]


class _Loop:
    """An iterable that checks the time budget at every step."""

    __slots__ = ("_items",)

    def __init__(self, items: Any) -> None:
        self._items = items

    def __iter__(self) -> Iterator[Any]:
        budget = _active.get()
        for item in self._items:
            if budget is not None:
                budget.tick()
            yield item

    def __len__(self) -> int:
        return len(self._items)


@pass_context
def loop(context: Context, items: Any) -> Any:
    iter(items)  # raise here (StrictUndefined, not iterable) as the loop would
    return _Loop(items)


@pass_context
def out(context: Context, value: Any) -> Any:
    """A piece of output (``{{ x }}`` or literal text), counted wherever it is written."""
    budget = _active.get()
    if budget is not None:
        budget.add(len(value) if isinstance(value, str) else 1)
    return value


@pass_context
def data(context: Context, size: int) -> None:
    """`size` characters of the template's literal text, about to be written."""
    budget = _active.get()
    if budget is not None:
        budget.add(size)


@pass_context
def made_here(context: Context, value: Any) -> Any:
    return made(value)


FILTERS: dict[str, Callable[..., Any]] = {
    CONCAT: concat,
    LOOP: loop,
    OUT: out,
    DATA: data,
    MADE: made_here,
}


class Guard(NodeTransformer):
    """Rewrite a parsed template so its loops, concatenations and output are checked."""

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        parts = nodes.List(list(node.nodes), lineno=node.lineno)
        return nodes.Filter(parts, CONCAT, [], [], None, None, lineno=node.lineno)

    def visit_Getitem(self, node: nodes.Getitem) -> nodes.Node:
        # A slice is compiled as Python's own subscript, not through the sandbox.
        self.generic_visit(node)
        if not isinstance(node.arg, nodes.Slice):
            return node
        return nodes.Filter(node, MADE, [], [], None, None, lineno=node.lineno)

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = nodes.Filter(node.iter, LOOP, [], [], None, None, lineno=node.lineno)
        return node

    def visit_Output(self, node: nodes.Output) -> list[nodes.Node]:
        self.generic_visit(node)
        literal = sum(len(c.data) for c in node.nodes if isinstance(c, nodes.TemplateData))
        node.nodes = [
            c
            if isinstance(c, nodes.TemplateData)
            else nodes.Filter(c, OUT, [], [], None, None, lineno=c.lineno)
            for c in node.nodes
        ]
        if not literal:
            return [node]
        size = nodes.Const(literal, lineno=node.lineno)
        count = nodes.Filter(size, DATA, [], [], None, None, lineno=node.lineno)
        return [nodes.ExprStmt(count, lineno=node.lineno), node]
