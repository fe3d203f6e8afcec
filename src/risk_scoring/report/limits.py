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

This module holds the limits, the per-render budget and the checks of operators and
method calls; `filter_limits` wraps the filters and `guard` rewrites the template so
that loops, ``~``, slices and output reach the budget.

Each refusal is a `LimitExceeded` (a Jinja2 `TemplateError` whose message names the limit,
never a value), which `render` turns into a `ReportError` with the template and line.
Our own templates, rendered without a custom one, run without these checks: they are
bounded by the answers' own limits.
"""

from __future__ import annotations

import contextvars
import re
import string
import time
from collections.abc import Sized
from dataclasses import dataclass
from typing import Any

from jinja2.exceptions import TemplateError
from jinja2.utils import generate_lorem_ipsum

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


active: contextvars.ContextVar[Budget | None] = contextvars.ContextVar(
    "risk_scoring_template_budget", default=None
)


def start() -> contextvars.Token[Budget | None]:
    """Open a budget for one render; pass the token to `stop`."""
    return active.set(Budget(time.perf_counter() + MAX_SECONDS))


def stop(token: contextvars.Token[Budget | None]) -> None:
    """Close the budget `start` opened."""
    active.reset(token)


def tick() -> None:
    """Check the time budget of the render under way, if any."""
    budget = active.get()
    if budget is not None:
        budget.tick()


def size_of(value: object) -> int:
    """The length of a string or container (what a value costs); 0 for anything else."""
    if isinstance(value, (str, bytes, bytearray, list, tuple, dict, set, frozenset)):
        return len(value)
    return 0


def made(value: Any) -> Any:
    """Count `value` against the render's budget and return it."""
    budget = active.get()
    if budget is not None:
        budget.add(size_of(value))
    return value


def written(output: str) -> None:
    """Count a piece of the final report against `MAX_OUTPUT`."""
    budget = active.get()
    if budget is not None:
        budget.output += len(output)
        if budget.output > MAX_OUTPUT:
            raise LimitExceeded(f"the report is longer than {MAX_OUTPUT:,} characters")
        budget.tick()


def check_size(size: int, what: str) -> None:
    """Refuse a value of `size` characters or items beyond `MAX_VALUE`; `what` makes it."""
    if size > MAX_VALUE:
        raise LimitExceeded(f"{what} would make more than {MAX_VALUE:,} characters or items")


def count_of(value: object) -> int:
    """`value` as a count when it is an integer (not a bool); 0 otherwise."""
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
    check_size(total, what)


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
    check_size(total, what)


def check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse ``*``, ``**``, ``+`` and ``%`` that would make a huge value."""
    if operator == "*":
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, Sized) and not isinstance(seq, (dict, set, frozenset)):
                check_size(len(seq) * max(count_of(times), 0), "'*' on a sequence")
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
            check_size(len(left) + len(right), "'+'")
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
        check_size(count_of(width), what)
    elif name == "expandtabs":
        tab = args[0] if args else kwargs.get("tabsize", 8)
        tabs = owner.count("\t") if isinstance(owner, str) else owner.count(b"\t")
        check_size(size + tabs * max(count_of(tab), 0), what)
    elif name == "replace" and len(args) >= 2:
        check_replace(owner, args[0], args[1], args[2] if len(args) > 2 else -1, what)
    elif name == "join" and args:
        parts = list(args[0])
        check_size(sum(size_of(p) for p in parts) + size * max(len(parts) - 1, 0), what)
        return (parts, *args[1:])
    elif name == "translate" and args:
        table = args[0]
        if isinstance(table, dict):
            longest = max((size_of(v) for v in table.values()), default=1)
            check_size(size * max(longest, 1), what)
    elif name == "__mod__" and isinstance(owner, str):
        check_percent(owner)
    return args


def check_replace(owner: Any, old: Any, new: Any, count: Any, what: str) -> None:
    """Refuse a replace (method or filter) whose result would exceed `MAX_VALUE`."""
    if not isinstance(old, type(owner)) or not isinstance(new, type(owner)):
        return  # replace() refuses it
    times = owner.count(old) if old else len(owner) + 1
    if isinstance(count, int) and count >= 0:
        times = min(times, count)
    check_size(len(owner) + times * max(len(new) - len(old), 0), what)


def _lipsum(n: Any = 5, html: Any = True, min: Any = 20, max: Any = 100) -> None:
    del html, min
    if count_of(n) * count_of(max) > MAX_LIPSUM_WORDS:
        raise LimitExceeded(f"lipsum() would make more than {MAX_LIPSUM_WORDS:,} words")
