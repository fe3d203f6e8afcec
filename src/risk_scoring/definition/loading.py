"""Find, read and validate instrument definitions and the measures catalogue.

This is the only module that reads instrument files. Definitions are cached by path,
modification time and size, so a second load is a dictionary look-up.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import InstrumentError, InstrumentNotFoundError, Problem
from . import reader as _yaml, references
from .catalogue import Catalogue
from .instrument import Instrument

CATALOGUE_FILE = "measures.yaml"
SOURCES_FILE = "sources.yaml"
"""The bibliography beside the definitions (see `bibliography`); not an instrument."""
MAX_ITEMS = 200
"""Items in one instrument (the largest built-in has 30); file size, nesting depth and
the number of values are bounded by `_yaml.MAX_BYTES`, `MAX_DEPTH` and `MAX_NODES`."""

M = TypeVar("M", bound=BaseModel)

_lock = threading.Lock()
_cache: dict[tuple[str, int, int], Any] = {}


def builtin_dir() -> Path:
    """The folder of built-in instruments: inside the wheel, or the source checkout's."""
    packaged = Path(__file__).parents[1] / "instruments"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "instruments"


def list_instruments() -> list[str]:
    """Ids of the built-in instruments, sorted."""
    skip = (CATALOGUE_FILE, SOURCES_FILE)
    return sorted(p.stem for p in builtin_dir().glob("*.yaml") if p.name not in skip)


def load_instrument(ref: str | os.PathLike[str]) -> Instrument:
    """Load a built-in instrument by id (``"sara-v3"``) or a definition file by path.

    Raises `InstrumentNotFoundError` for an unknown id or missing file, and
    `InstrumentError` listing every problem in an invalid definition.

    >>> load_instrument("dash").kind
    'checklist'
    """
    path = _resolve(ref)
    inst = _cached(path, _read_instrument)
    assert isinstance(inst, Instrument)
    return inst


def load_catalogue(path: str | os.PathLike[str] | None = None) -> Catalogue:
    """The measures catalogue: the built-in one, or the file at `path`."""
    target = Path(path) if path is not None else builtin_dir() / CATALOGUE_FILE
    if not target.is_file():
        raise InstrumentNotFoundError(str(target), "no measures catalogue at this path")
    catalogue = _cached(target, _read_catalogue)
    assert isinstance(catalogue, Catalogue)
    return catalogue


def catalogue_for(inst: Instrument) -> Catalogue:
    """The catalogue beside the instrument's file if there is one, else the built-in one."""
    beside = Path(inst.origin).parent / CATALOGUE_FILE if inst.origin else None
    return load_catalogue(beside if beside is not None and beside.is_file() else None)


def _resolve(ref: str | os.PathLike[str]) -> Path:
    if isinstance(ref, str) and "/" not in ref and "\\" not in ref and not ref.endswith(".yaml"):
        path = builtin_dir() / f"{ref}.yaml"
        if path.is_file():
            return path
        known = list_instruments()
        hint = difflib.get_close_matches(ref, known, n=1)
        suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
        raise InstrumentNotFoundError(
            ref, f"no built-in instrument {ref!r}{suggestion} (built-in: {', '.join(known)})"
        )
    path = Path(ref)
    if not path.is_file():
        raise InstrumentNotFoundError(str(path), "no such file")
    return path


def _cached(path: Path, read: Any) -> Any:
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    found = _cache.get(key)
    if found is None:
        found = read(path)
        with _lock:
            _cache[key] = found
    return found


def _parse(path: Path, model: type[M]) -> tuple[M, _yaml.Document]:
    source = str(path)
    try:
        raw = path.read_bytes()
        doc = _yaml.parse(raw, source)
    except OSError as exc:
        raise InstrumentError(
            [Problem("", f"cannot read: {exc.strerror}", source)], source
        ) from None
    except _yaml.YAMLProblems as exc:
        raise InstrumentError(exc.problems, source) from None
    if not isinstance(doc.data, dict):
        raise InstrumentError([doc.problem((), "the file must hold a mapping")], source)
    try:
        return model.model_validate(doc.data), doc
    except ValidationError as exc:
        raise InstrumentError(_problems(exc, doc), source) from None


def _problems(exc: ValidationError, doc: _yaml.Document) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False, include_input=False):
        loc, kind = error["loc"], error["type"]
        if kind == "missing":
            message = f"missing key {loc[-1]!r}"
        elif kind == "extra_forbidden":
            message = f"unknown key {loc[-1]!r}"
        else:
            message = error["msg"].removeprefix("Value error, ")
        problems.append(doc.problem(loc, message, at_key=kind == "extra_forbidden"))
    return _sorted(problems)


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0, p.path, p.message))


def _read_instrument(path: Path) -> Instrument:
    inst, doc = _parse(path, Instrument)
    if len(inst.items) > MAX_ITEMS:
        message = f"{len(inst.items)} items; the limit is {MAX_ITEMS}"
        raise InstrumentError([doc.problem(("items",), message)], str(path))
    inst._origin = str(path)
    catalogue = catalogue_for(inst)
    found = references.check(inst, catalogue.by_id)
    if found:
        problems = _sorted([doc.problem(loc, message) for loc, message in found])
        raise InstrumentError(problems, str(path))
    inst._digest = digest(inst)
    return inst


def _read_catalogue(path: Path) -> Catalogue:
    catalogue, doc = _parse(path, Catalogue)
    seen: set[str] = set()
    for i, measure in enumerate(catalogue.measures):
        if measure.id in seen:
            problem = doc.problem(("measures", i, "id"), f"duplicate id {measure.id!r}")
            raise InstrumentError([problem], str(path))
        seen.add(measure.id)
    return catalogue


def digest(model: BaseModel) -> str:
    """sha256 hex of the model's canonical JSON: sorted keys, no whitespace."""
    content = model.model_dump(mode="json", by_alias=True)
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
