"""The rewrite that puts a custom template's loops, concatenations and output under `limits`.

`Guard` rewrites a parsed template: every ``{% for %}`` iterates through `loop` (the time
budget at each step), every ``~`` goes through `concat` (measured before it joins),
every slice through `made_here`, and every piece of output (inside macros and
``{% set %}`` blocks too) through `out` and `data` (counted against the budget). The
hooks are filters with reserved names (`FILTERS`), so no template can name them by
accident.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from jinja2 import nodes, pass_context
from jinja2.runtime import Context, markup_join, str_join
from jinja2.visitor import NodeTransformer
from markupsafe import soft_str

from .limits import active, check_size, made

CONCAT = "_rs_concat"
LOOP = "_rs_loop"
OUT = "_rs_out"
DATA = "_rs_data"
MADE = "_rs_made"


@pass_context
def concat(context: Context, parts: Iterable[Any]) -> str:
    """``a ~ b``: Jinja2's own join (escaping as it would), measured first."""
    texts = [soft_str(p) for p in parts]
    check_size(sum(map(len, texts)), "'~'")
    join = markup_join if context.eval_ctx.autoescape else str_join
    return made(join(texts))  # type: ignore[no-any-return]


class _Loop:
    """An iterable that checks the time budget at every step."""

    __slots__ = ("_items",)

    def __init__(self, items: Any) -> None:
        self._items = items

    def __iter__(self) -> Iterator[Any]:
        budget = active.get()
        for item in self._items:
            if budget is not None:
                budget.tick()
            yield item

    def __len__(self) -> int:
        return len(self._items)


@pass_context
def loop(context: Context, items: Any) -> Any:
    """A ``{% for %}``'s iterable, checking the time budget at every step."""
    iter(items)  # raise here (StrictUndefined, not iterable) as the loop would
    return _Loop(items)


@pass_context
def out(context: Context, value: Any) -> Any:
    """A piece of output (``{{ x }}`` or literal text), counted wherever it is written."""
    budget = active.get()
    if budget is not None:
        budget.add(len(value) if isinstance(value, str) else 1)
    return value


@pass_context
def data(context: Context, size: int) -> None:
    """`size` characters of the template's literal text, about to be written."""
    budget = active.get()
    if budget is not None:
        budget.add(size)


@pass_context
def made_here(context: Context, value: Any) -> Any:
    """A slice's result, counted against the budget."""
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
