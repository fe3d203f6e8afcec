"""What every printed page repeats in its margins: marking, case reference, page x of y.

The values go into CSS paged-media rules (``content: "..."``), so each is escaped for a
CSS string by `css_string`: free text can end neither the string nor the style sheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from .i18n import N_, date_text, translate

if TYPE_CHECKING:
    from ..definition.result import Result
    from .static import Static


@dataclass(frozen=True, slots=True)
class RunningView:
    """What every printed page repeats in its margins (CSS paged media), each part
    escaped for a CSS string with `css_string`: the marking (and the high-risk flag),
    the case reference, the instrument, and "page x of y" around the two counters."""

    marking: str
    case_ref: str
    instrument: str
    page_before: str
    page_middle: str
    page_after: str


@lru_cache(maxsize=4096)
def css_string(text: str) -> str:
    """`text` for the inside of a quoted CSS string: every character but an ASCII letter
    or digit as a CSS escape (``\\3c ``), so free text can neither end the string nor the
    style sheet, and HTML escaping leaves it unchanged."""
    return "".join(c if c.isascii() and c.isalnum() else f"\\{ord(c):x} " for c in text)


def build_running(result: Result, s: Static, case_ref: str | None) -> RunningView:
    """The page margins of the printed report (`case_ref` is the cleaned reference)."""
    t = s.lang
    marking = translate(t, N_("Confidential: contains personal data"))
    if result.high_risk_case:
        marking = f"{marking} · {translate(t, N_('High-risk case'))}"
    reference = case_ref if case_ref else translate(t, N_("not given"))
    page = translate(t, N_("page %(page)s of %(pages)s"))
    before, _sep, rest = page.partition("%(page)s")
    middle, _sep, after = rest.partition("%(pages)s")
    instrument = f"{s.instrument.id} {s.instrument.version}"
    if result.assessed_on:
        instrument += f" · {date_text(result.assessed_on, t, str)}"
    return RunningView(
        marking=css_string(marking),
        case_ref=css_string(f"{translate(t, N_('Case reference'))}: {reference}"),
        instrument=css_string(instrument),
        page_before=css_string(before),
        page_middle=css_string(middle),
        page_after=css_string(after),
    )
