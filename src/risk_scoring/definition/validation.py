"""The schema stage of the definition reader, and the digest of a definition.

`validate` checks a parsed YAML document against a pydantic model and locates each
problem at its line and column; a missing translation is a problem of its own (and, for
`check`, is filled in from the other language so that the later stages still run).
`digest` is the sha256 of a model's canonical JSON, by which results find their
instrument.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import Problem
from . import reader as _yaml
from .model import LANGUAGES

M = TypeVar("M", bound=BaseModel)


def duplicate_ids(definition: BaseModel, doc: _yaml.Document) -> list[Problem]:
    """A problem at every part whose `id` an earlier part of the same list already has.

    This is the reference stage of the definitions that are lists of parts with ids
    (the measures catalogue, the bibliography).
    """
    problems = []
    for name, info in type(definition).model_fields.items():
        parts = getattr(definition, name)
        if not isinstance(parts, tuple):
            continue
        seen: set[object] = set()
        for i, part in enumerate(parts):
            ident = getattr(part, "id", None)
            if ident is None:
                continue
            if ident in seen:
                loc = (info.alias or name, i, "id")
                problems.append(doc.problem(loc, f"duplicate id {ident!r}"))
            seen.add(ident)
    return sorted_problems(problems)


def validate(
    doc: _yaml.Document, model: type[M], *, full: bool
) -> tuple[M | None, list[Problem], list[Problem]]:
    """The model, the translation problems and the other schema problems of `doc`.

    A missing or empty text is filled in from the other language and the data validated
    again, so the rest of the schema is still checked (a copy is patched, never the
    document). Without `full`, validation stops at the first stage that fails.
    """
    try:
        return model.model_validate(doc.data), [], []
    except ValidationError as exc:
        first = exc
    data = copy.deepcopy(doc.data)
    translations: list[Problem] = []
    error = first
    for _ in range(3):
        patched = _patch_translations(error, data, doc)
        if not patched:
            return None, translations, _problems(error, doc)
        translations.extend(patched)
        if not full:
            return None, translations, []
        try:
            return model.model_validate(data), translations, []
        except ValidationError as exc:
            error = exc
    return None, translations, []  # pragma: no cover - a third round cannot occur


def _patch_translations(
    exc: ValidationError, data: dict[str, Any], doc: _yaml.Document
) -> list[Problem]:
    """Translation problems in `exc`; each missing or empty text is filled in `data`."""
    found = []
    for error in exc.errors(include_url=False, include_input=False):
        loc = error["loc"]
        if not loc or loc[-1] not in LANGUAGES:
            continue
        lang = str(loc[-1])
        text = _container(data, loc[:-1])
        if not isinstance(text, dict):
            continue
        others = [text.get(o) for o in LANGUAGES if o != lang]
        filler = next((o for o in others if isinstance(o, str) and o), "?")
        if error["type"] == "missing":
            message = f"missing {lang} text (every text needs both {' and '.join(LANGUAGES)})"
            where = doc.problem(loc[:-1], message)
            problem = Problem(
                f"{where.path}.{lang}", message, where.source, where.line, where.column
            )
        elif error["type"] == "string_too_short":
            problem = doc.problem(loc, f"empty {lang} text")
        else:
            continue
        text[lang] = filler
        found.append(problem)
    return sorted_problems(found)


def _container(data: Any, loc: Sequence[Any]) -> Any:
    """The value `loc` reaches in `data`, skipping segments pydantic adds (union tags)."""
    node = data
    for segment in loc:
        if isinstance(node, dict) and str(segment) in node:
            node = node[str(segment)]
        elif isinstance(node, list) and isinstance(segment, int) and 0 <= segment < len(node):
            node = node[segment]
    return node


def _problems(exc: ValidationError, doc: _yaml.Document) -> list[Problem]:
    problems = []
    errors = exc.errors(include_url=False, include_input=False)
    inner = {error["loc"][:n] for error in errors for n in range(len(error["loc"]))}
    for error in errors:
        loc, kind = error["loc"], error["type"]
        if kind == "too_short" and loc in inner:
            # "at least 1 item after validation, not 0": its items failed, and say why.
            continue
        if kind == "missing":
            message = f"missing key {loc[-1]!r}"
        elif kind == "extra_forbidden":
            message = f"unknown key {loc[-1]!r}"
        else:
            message = error["msg"].removeprefix("Value error, ")
        problems.append(doc.problem(loc, message, at_key=kind == "extra_forbidden"))
    return sorted_problems(problems)


def sorted_problems(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0, p.path, p.message))


# Optional keys added to the definition format after digests were published, left out of
# the canonical JSON while unset (None): a definition that does not use one keeps its
# digest, so results stored before the key existed still find their instrument. A parent
# that is a list (the dimensions) has the key left out of each of its entries.
_UNSET_LEFT_OUT = (("scoring", "high_risk"), ("dimensions", "window"))


def digest(model: BaseModel) -> str:
    """sha256 hex of the model's canonical JSON: sorted keys, no whitespace (and without
    the newer optional keys a definition leaves unset)."""
    content = model.model_dump(mode="json", by_alias=True)
    for parent, key in _UNSET_LEFT_OUT:
        part = content.get(parent)
        for entry in part if isinstance(part, list) else [part]:
            if isinstance(entry, dict) and key in entry and entry[key] is None:
                del entry[key]
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
