"""A rule's condition in words, in one language: ``at least 6 of the items of domain ric
are unknown``.

`condition_text` is what `describe` shows for escalations, warnings and measure rules,
and what `scripts/gen_docs.py` writes into the instrument pages (with `MARKDOWN`
markup: ids as code, connectives in bold). Fixed strings are marked with ``N_()`` and
translated from the report catalogue.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..definition import conditions as c
from ..definition.instrument import Instrument
from .i18n import N_, translate

__all__ = ["MARKDOWN", "PLAIN", "Markup", "Words", "condition_text", "num"]


@dataclass(frozen=True)
class Markup:
    """How conditions mark ids and connectives: plain text, or Markdown."""

    code: Callable[[str], str] = str
    strong: Callable[[str], str] = str


PLAIN = Markup()
MARKDOWN = Markup(code=lambda s: f"`{s}`", strong=lambda s: f"**{s}**")


def num(value: float) -> str:
    """A number as the definitions write it (``2``, ``0.5``)."""
    return f"{value:g}"


class Words:
    """Translation and formatting for one language and markup."""

    def __init__(self, lang: str, markup: Markup) -> None:
        self.lang = lang
        self.markup = markup

    def __call__(self, message: str, **values: object) -> str:
        text = translate(self.lang, message)
        return text % values if values else text

    def code(self, value: object) -> str:
        return self.markup.code(str(value))

    def one_of(self, values: Sequence[str]) -> str:
        shown = [self.code(v) for v in values]
        if len(shown) <= 1:
            return "".join(shown)
        word = self(N_("or"))
        return ", ".join(shown[:-1]) + f" {word} " + shown[-1]


def condition_text(
    cond: c.AnyCondition, inst: Instrument, lang: str = "en", markup: Markup = PLAIN
) -> str:
    """A condition in words: ``at least 6 of the items of domain ric are unknown``."""
    return _condition(cond, inst, Words(lang, markup), nested=False)


def _dimension(inst: Instrument, dimension: str | None) -> str:
    name = dimension or inst.primary.id
    return f" ({name})" if len(inst.dimensions) > 1 else ""


def _condition(cond: c.AnyCondition, inst: Instrument, w: Words, nested: bool) -> str:
    if isinstance(cond, (c.AllOf, c.AnyOf)):
        word = N_("and") if isinstance(cond, c.AllOf) else N_("or")
        parts = cond.all if isinstance(cond, c.AllOf) else cond.any
        joiner = f" {w.markup.strong(w(word))} "
        text = joiner.join(_condition(part, inst, w, nested=True) for part in parts)
        return f"({text})" if nested and len(parts) > 1 else text
    if isinstance(cond, c.Not):
        word = w.markup.strong(w(N_("not")))
        return f"{word} ({_condition(cond.not_, inst, w, nested=False)})"
    if isinstance(cond, c.ItemIs):
        item = cond.item
        return w(
            N_("item %(item)s%(dimension)s is %(values)s"),
            item=w.code(item.id),
            dimension=_dimension(inst, item.dimension),
            values=w.one_of(item.in_),
        )
    if isinstance(cond, c.Count):
        count = cond.count
        if count.domain is not None:
            where = w(N_("the items of domain %(domain)s"), domain=w.code(count.domain))
        elif count.items is not None:
            where = w(N_("items %(items)s"), items=", ".join(w.code(i) for i in count.items))
        else:
            where = w(N_("all items"))
        return w(
            N_("at least %(count)s of %(items)s%(dimension)s are %(values)s"),
            count=count.at_least,
            items=where,
            dimension=_dimension(inst, count.dimension),
            values=w.one_of(count.in_),
        )
    if isinstance(cond, c.ScoreAtLeast):
        return w(N_("total ≥ %(score)s"), score=num(cond.score.at_least))
    if isinstance(cond, c.LevelAtLeast):
        return w(N_("level is %(level)s or higher"), level=w.code(cond.level.at_least))
    if isinstance(cond, c.ContextIs):
        test = cond.context
        if test.at_least is not None:
            return w(
                N_("context %(field)s ≥ %(value)s"), field=w.code(test.id), value=test.at_least
            )
        if test.in_ is not None:
            values = w.one_of(test.in_)
        else:
            equals = test.equals
            values = w.code(("true" if equals else "false") if isinstance(equals, bool) else equals)
        return w(N_("context %(field)s is %(values)s"), field=w.code(test.id), values=values)
    judgement = cond.judgement
    if judgement.at_least is not None:
        return w(
            N_("judgement %(judgement)s is %(level)s or higher"),
            judgement=w.code(judgement.id),
            level=w.code(judgement.at_least),
        )
    return w(
        N_("judgement %(judgement)s is %(values)s"),
        judgement=w.code(judgement.id),
        values=w.one_of(judgement.in_ or ()),
    )
