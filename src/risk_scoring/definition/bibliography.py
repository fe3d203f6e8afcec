"""The bibliography: every public reference the definitions' `source:` texts cite, once.

`instruments/sources.yaml` lists the references, each under a short key::

    version: "2026.1"
    references:
      - id: hilton-2021                    # lowercase words joined by "-"
        author: "Hilton, N. Z."            # the author(s), or the body that published it
        year: 2021                         # optional
        title: "Domestic Violence Risk Assessment (2nd ed.)"
        where: "American Psychological Association"   # publisher, journal or site
        url: "https://..."                 # optional; where a reader can follow it
        grade: primary                     # primary | secondary | weak
        note: "what of it could be read"   # optional

A `source:` text in an instrument or the measures catalogue cites keys in square
brackets, with its own words around them::

    source: "[sifer-sara-v3] Norwegian name K1; [legalclarity-sara] the English code"

The grade says what kind of source a reference is, as the 2026-12 sources audit graded
it: *primary* (the form, the law, a government text), *secondary* (a public body or
agency quoting the instrument, a strong secondary source) or *weak* (a blog, a code
repository, recall). `risk-scoring check` refuses a duplicate key and a bad grade in the
bibliography, and a `source:` that cites no key or an unknown one in a definition.

A definition loaded from a file is checked against the `sources.yaml` beside it if there
is one, and against the built-in bibliography otherwise. The bibliography is not needed
to load or assess: citations are for maintainers and the documentation.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from ..errors import InstrumentError, InstrumentNotFoundError, Problem
from . import files, reader as _yaml
from .loading import SOURCES_FILE, _cached, builtin_dir
from .model import Model, verifiables

__all__ = [
    "GRADES",
    "KEY",
    "KEY_PATTERN",
    "Bibliography",
    "Reference",
    "bibliography_for",
    "check_citations",
    "cited_keys",
    "duplicate_ids",
    "load_bibliography",
]

Grade = Literal["primary", "secondary", "weak"]
GRADES: tuple[Grade, ...] = ("primary", "secondary", "weak")

KEY_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
"""A reference key: lowercase letters and digits in words joined by ``-``."""
KEY = re.compile(rf"\[({KEY_PATTERN})\]")
"""A citation inside a `source:` text: a key in square brackets, ``[hilton-2021]``."""


class Reference(Model):
    """One public reference: who, when, what, where, and how strong a source it is."""

    id: str = Field(pattern=rf"^{KEY_PATTERN}$")
    author: str = Field(min_length=1)
    year: int | None = None
    title: str = Field(min_length=1)
    where: str | None = None
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    grade: Grade
    note: str | None = None


class Bibliography(Model):
    """Every reference, each once, in the order the file gives them."""

    version: str = Field(min_length=1)
    references: tuple[Reference, ...] = Field(min_length=1)

    @cached_property
    def by_id(self) -> Mapping[str, Reference]:
        return {r.id: r for r in self.references}


def cited_keys(text: str) -> list[str]:
    """The keys `text` cites, in order: ``"[a-1] and [b]"`` gives ``["a-1", "b"]``.

    >>> cited_keys("[sifer-sara-v3] Norwegian name K1; [legalclarity-sara] English code")
    ['sifer-sara-v3', 'legalclarity-sara']
    """
    return KEY.findall(text)


def duplicate_ids(bibliography: Bibliography) -> list[tuple[int, str]]:
    """(index, id) of every reference whose id an earlier reference already has."""
    seen: set[str] = set()
    found = []
    for i, reference in enumerate(bibliography.references):
        if reference.id in seen:
            found.append((i, reference.id))
        seen.add(reference.id)
    return found


def load_bibliography(path: str | os.PathLike[str] | None = None) -> Bibliography:
    """The bibliography: the built-in one, or the file at `path`.

    Read by the same staged reader as the definitions (`loading.read_definition`: a
    bounded read of a regular file, the YAML dialect, the schema, then duplicate keys).
    Raises `InstrumentNotFoundError` when there is no file and `InstrumentError` for an
    invalid one (a duplicate key, a bad grade).
    """
    target = Path(path) if path is not None else builtin_dir() / SOURCES_FILE
    return _cached(target, Bibliography)


def bibliography_for(definition_file: str | os.PathLike[str] | None) -> Bibliography:
    """The bibliography beside `definition_file` if there is one, else the built-in one.

    A `sources.yaml` beside the file that is not a readable regular file is an error,
    never silently replaced by the built-in bibliography.
    """
    if definition_file:
        beside = Path(definition_file).parent / SOURCES_FILE
        try:
            files.regular_file(beside)
        except InstrumentNotFoundError:
            pass
        except InstrumentError:
            return load_bibliography(beside)  # raises what is wrong with it
        else:
            return load_bibliography(beside)
    return load_bibliography()


def check_citations(
    definition: BaseModel, doc: _yaml.Document, bibliography: Bibliography
) -> list[Problem]:
    """A problem at every `source:` in `definition` that cites no key or an unknown key."""
    known = bibliography.by_id
    problems = []
    for loc, value in verifiables(definition):
        if value.source is None:
            continue
        where: tuple[Any, ...] = (*loc, "source")
        keys = cited_keys(value.source)
        if not keys:
            problems.append(
                doc.problem(
                    where,
                    "the source cites no reference: name one from the bibliography in "
                    f"square brackets, e.g. [{bibliography.references[0].id}]",
                )
            )
        for key in dict.fromkeys(keys):
            if key not in known:
                hint = difflib.get_close_matches(key, list(known), n=1)
                suggestion = f"; did you mean [{hint[0]}]?" if hint else ""
                problems.append(
                    doc.problem(
                        where, f"unknown reference [{key}] (not in {SOURCES_FILE})" + suggestion
                    )
                )
    return problems
