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
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..errors import InstrumentError, InstrumentNotFoundError, Problem
from . import files, reader as _yaml
from .loading import SOURCES_FILE, _cached, builtin_dir
from .model import verifiables
from .sources import GRADES, KEY, KEY_PATTERN, Bibliography, Grade, Reference

__all__ = [
    "GRADES",
    "KEY",
    "KEY_PATTERN",
    "Bibliography",
    "Grade",
    "Reference",
    "bibliography_for",
    "check_citations",
    "cited_keys",
    "duplicate_ids",
    "load_bibliography",
]


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
    definition: BaseModel,
    doc: _yaml.Document,
    bibliography: Bibliography,
    named: str = SOURCES_FILE,
) -> list[Problem]:
    """A problem at every `source:` in `definition` that cites no key or an unknown key.

    `named` names the bibliography in the message for an unknown key.
    """
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
                    doc.problem(where, f"unknown reference [{key}] (not in {named})" + suggestion)
                )
    return problems
