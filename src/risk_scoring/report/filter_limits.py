"""Jinja2's filters under `limits` in a custom template: amplification checked, results counted.

`guarded_filter` wraps each filter of a `GuardedEnvironment`: the filters that pad,
repeat, replace, join or indent (``center``, ``indent``, ``wordwrap``, ``replace``,
``format``, ``join``, ``batch``, ``slice``, ``sum``, ``tojson``) have their result's size
checked before they run, and every filter's result is counted against the render's
budget.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from jinja2 import pass_context
from jinja2.filters import make_attrgetter
from jinja2.runtime import Context
from jinja2.utils import _PassArg
from markupsafe import soft_str

from .limits import (
    MAX_JSON_INDENT,
    LimitExceeded,
    check_percent,
    check_replace,
    check_size,
    count_of,
    made,
    size_of,
    tick,
)


def _pre_center(value: Any, width: Any = 80) -> None:
    check_size(count_of(width), "the center filter")


def _pre_indent(value: Any, width: Any = 4, first: Any = False, blank: Any = False) -> None:
    text = soft_str(value)
    each = len(width) if isinstance(width, str) else count_of(width)
    check_size(len(text) + (text.count("\n") + 1) * each, "the indent filter")


def _pre_wordwrap(
    value: Any, width: Any = 79, break_long_words: Any = True, wrapstring: Any = None, *a: Any
) -> None:
    text = soft_str(value)
    joint = len(wrapstring) if isinstance(wrapstring, str) else 1
    lines = len(text) // max(count_of(width), 1) + text.count("\n") + 1
    check_size(len(text) + lines * joint, "the wordwrap filter")


def _pre_replace(value: Any, old: Any = "", new: Any = "", count: Any = None) -> None:
    check_replace(soft_str(value), soft_str(old), soft_str(new), count, "the replace filter")


def _pre_format(value: Any, *args: Any, **kwargs: Any) -> None:
    check_percent(soft_str(value), "the format filter")


def _pre_batch(value: Any, linecount: Any = 1, fill_with: Any = None) -> None:
    check_size(count_of(linecount), "the batch filter")


def _pre_slice(value: Any, slices: Any = 1, fill_with: Any = None) -> None:
    check_size(count_of(slices), "the slice filter")


def _pre_sum(iterable: Any, attribute: Any = None, start: Any = 0) -> None:
    if not isinstance(start, (int, float)):
        raise LimitExceeded("the sum filter adds numbers only in templates")


def _pre_tojson(value: Any, indent: Any = None) -> None:
    if size_of(indent) > MAX_JSON_INDENT or count_of(indent) > MAX_JSON_INDENT:
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
    total = sum(len(soft_str(p)) for p in shown) + size_of(glue) * max(len(parts) - 1, 0)
    check_size(total, "the join filter")
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
