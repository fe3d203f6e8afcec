"""Values no primary source confirms: listed for `check --notes` and the docs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..definition.catalogue import Catalogue
from ..definition.instrument import Instrument
from ..definition.model import noun, verifiables
from ..definition.overlay import Overlay
from .findings import (
    Finding,
    _document,
)


@dataclass(frozen=True)
class Unverified:
    """A value not confirmed against a primary source: where it is, its grade, its source.

    `path` is the dotted path of the value in the definition (`items.4`), `what` names
    it (`item '5'`), `source` is the value's own `source:` text, and `file`, `line` and
    `column` point at its ``verified:`` line when the file is known. `grade` is
    ``"unverified"`` (``verified: false``) or ``"secondary"`` (``verified: secondary``:
    confirmed by a secondary source only).
    """

    path: str
    what: str
    source: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    grade: str = "unverified"

    @property
    def status(self) -> str:
        """The grade in words: ``"unverified"`` or ``"confirmed by a secondary source"``."""
        return "unverified" if self.grade == "unverified" else "confirmed by a secondary source"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line or 1}:{self.column or 1}: " if self.file else ""
        return f"{where}{self.path}: {self.what} is {self.status}; source: {self.source}"


def unverified(
    definition: Instrument | Catalogue | Overlay, file: str | Path | None = None
) -> list[Unverified]:
    """Every value in `definition` not confirmed against a primary source, in document order.

    That is every value marked ``verified: false`` (grade ``"unverified"``) or
    ``verified: secondary`` (grade ``"secondary"``: confirmed by a secondary source only).

    `file` is the YAML file to locate values in; an instrument's own file is the default.
    A definition merged from a district overlay lists its base's values (located in the
    base's file), then the overlay's own (located in the overlay's file).

    >>> [u.what for u in unverified(load_instrument("odara"))][:1]   # doctest: +SKIP
    ["level 'category-1'"]
    """
    if file is None and isinstance(definition, Instrument) and definition.overlay is not None:
        applied = definition.overlay
        return [*unverified(applied.base), *unverified(applied.definition, applied.origin)]
    if file is None and isinstance(definition, Instrument) and definition.origin:
        file = definition.origin
    doc = _document(file) if file is not None else None
    found = []
    for loc, value in verifiables(definition):
        if value.verified is True:
            continue
        ident = getattr(value, "id", None)
        kind = noun(value)
        what = f"{kind} {ident!r}" if ident is not None else kind
        path = ".".join(map(str, loc))
        line = column = None
        if doc is not None:
            line, column, _ = doc.locate((*loc, "verified"), at_key=True)
        found.append(
            Unverified(
                path,
                what,
                value.source or "",
                str(file) if file else None,
                line,
                column,
                value.grade,
            )
        )
    return found


def _notes(values: Iterable[Unverified]) -> list[Finding]:
    return [
        Finding(
            u.path,
            f"{u.what} is {u.status}; source: {u.source}",
            u.file,
            u.line,
            u.column,
            severity="note",
            stage="unverified",
        )
        for u in values
    ]
