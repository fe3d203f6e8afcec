"""Find, read and validate instrument definitions and the measures catalogue.

This is the only module that reads definition files, and it reads them in one staged
pipeline, `read_definition`, that both `load_instrument` and `risk-scoring check` run:

1. ``file``: a regular file of at most `reader.MAX_BYTES`, read without blocking and
   without reading more than the limit (`files.read_bounded`);
2. ``yaml``: the strict YAML dialect (`reader.parse`), holding a mapping;
3. ``translation``: every text in both languages, neither empty;
4. ``schema``: the pydantic models (keys, types, finite numbers in range, at most
   `MAX_ITEMS` items);
5. ``catalogue`` (instruments): the measures catalogue the instrument uses loads;
6. ``reference``: cross-references and bands (`references.check`), unique catalogue ids;
7. the digest and origin are set.

A file with an ``extends`` key is a district overlay (`overlay`): its schema stage also
refuses the keys an overlay may not have; a ``base`` stage after it loads the built-in
instrument it extends and refuses one whose version or digest is no longer what the
overlay names; the catalogue stage loads the base's catalogue; the reference stage checks
the overlay's rules and labels against the base and the merged catalogue; and the
definition is the merged one (`overlay.merge`).

`load_instrument` stops at the first stage with problems and raises them as one
`InstrumentError`; `check` runs the same stages to the end where it can (a missing
translation is filled in from the other language so that the schema and references
are still checked) and reports every problem as a finding.

Definitions are cached by path and the file's identity (device, inode, size,
modification and change time), so a second load costs one `stat` and a look-up.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from ..errors import InstrumentError, InstrumentNotFoundError, Problem
from . import files, overlay as overlays, reader as _yaml, references
from .catalogue import Catalogue
from .instrument import Instrument
from .validation import digest, duplicate_ids, sorted_problems, validate

CATALOGUE_FILE = "measures.yaml"
SOURCES_FILE = "sources.yaml"
"""The bibliography beside the definitions (see `bibliography`); not an instrument."""
MAX_ITEMS = 200
"""Items in one instrument (the largest built-in has 30); file size, nesting depth and
the number of values are bounded by `_yaml.MAX_BYTES`, `MAX_DEPTH` and `MAX_NODES`."""

STAGES = ("file", "yaml", "translation", "schema", "base", "catalogue", "reference")
"""The stages of `read_definition`, in order (``base`` only for overlays)."""

M = TypeVar("M", bound=BaseModel)
Definition = BaseModel
"""An instrument, the measures catalogue or the bibliography (`bibliography.Bibliography`)."""
D = TypeVar("D", bound=BaseModel)

_lock = threading.Lock()
_cache: dict[tuple[object, ...], Any] = {}
_MAX_CACHED = 1024
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_SHOWN_ID = re.compile(r"[A-Za-z0-9_.+-]{1,64}")


@functools.cache
def builtin_dir() -> Path:
    """The folder of built-in instruments: inside the wheel, or the source checkout's.

    Found once per process (resolving the checkout's path cost 0.3 ms, more than an
    assessment, on every load by id).
    """
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

    A string without ``/`` or ``\\`` that does not end in ``.yaml`` is an id. A file
    may also be a district overlay (a file with ``extends:``): it gives the built-in
    instrument it extends merged with the overlay's rules, measures and labels (see
    `risk_scoring.definition.overlay`). Raises `InstrumentNotFoundError` for an unknown
    id or a missing file, and `InstrumentError` listing the problems of the first stage
    of `read_definition` that finds any (an overlay whose base changed under it fails in
    the ``base`` stage).

    >>> load_instrument("dash").kind
    'checklist'
    """
    if isinstance(ref, str) and "/" not in ref and "\\" not in ref and not ref.endswith(".yaml"):
        if _ID.fullmatch(ref):
            try:
                inst = _cached(builtin_dir() / f"{ref}.yaml", Instrument)
            except InstrumentNotFoundError:
                pass
            else:
                assert isinstance(inst, Instrument)
                return inst
        raise _unknown_id(ref)
    inst = _cached(_path(ref), Instrument)
    assert isinstance(inst, Instrument)
    return inst


def builtin_with_digest(ident: str, digest: str) -> Instrument | None:
    """The built-in instrument `ident` if its content digest is `digest`, else None (an
    id that is not a built-in one, or another version of the definition). Never reads a
    file that is not a built-in definition."""
    if not _ID.fullmatch(ident):
        return None
    try:
        inst = load_instrument(ident)
    except InstrumentError:
        return None
    return inst if inst.digest == digest else None


def load_catalogue(path: str | os.PathLike[str] | None = None) -> Catalogue:
    """The measures catalogue: the built-in one, or the file at `path`."""
    target = _path(path) if path is not None else builtin_dir() / CATALOGUE_FILE
    catalogue = _cached(target, Catalogue)
    assert isinstance(catalogue, Catalogue)
    return catalogue


def catalogue_for(inst: Instrument) -> Catalogue:
    """The catalogue beside the instrument's file if there is one, else the built-in one.

    A `measures.yaml` beside the file that is not a readable regular file is an error,
    never silently replaced by the built-in catalogue. A definition merged from an
    overlay uses its base's catalogue with the overlay's measures added.
    """
    applied = inst.overlay
    if applied is not None:
        return applied.catalogue if applied.catalogue is not None else catalogue_for(applied.base)
    beside = Path(inst.origin).parent / CATALOGUE_FILE if inst.origin else None
    if beside is not None:
        try:
            files.regular_file(beside)
        except InstrumentNotFoundError:
            beside = None
        except InstrumentError:
            pass  # load_catalogue says what is wrong with it
    return load_catalogue(beside)


# --- finding the file -------------------------------------------------------------------


def _shown(ref: str) -> str:
    """`ref` in a message: itself when it looks like an id, else only its length.

    An id may come from a file that also holds free text (an answers file's
    ``instrument:``), so text that does not look like a code is never quoted.
    """
    if _SHOWN_ID.fullmatch(ref):
        return repr(ref)
    return f"with an id of {len(ref)} characters"


def _path(ref: object) -> Path:
    if isinstance(ref, Path):
        return ref
    if isinstance(ref, (str, os.PathLike)):
        name = os.fspath(ref)
        if isinstance(name, str):
            return Path(name)
    raise InstrumentNotFoundError(
        type(ref).__name__,
        f"expected an instrument id or a file path, not {type(ref).__name__}",
    )


def _unknown_id(ref: str) -> InstrumentNotFoundError:
    known = list_instruments()
    source = ref if _SHOWN_ID.fullmatch(ref) else "instrument id"
    return InstrumentNotFoundError(
        source,
        f"no built-in instrument {_shown(ref)}{_suggestion(ref, known)} "
        f"(built-in: {', '.join(known)})",
    )


def _suggestion(ref: str, known: Sequence[str]) -> str:
    if len(ref) > 64:
        return ""
    lowered = ref.lower()
    if lowered in known:
        return f"; did you mean {lowered!r}? (ids are lower case)"
    hint = difflib.get_close_matches(lowered, known, n=1)
    return f"; did you mean {hint[0]!r}?" if hint else ""


def _cached(path: Path, model: type[D]) -> D:
    """The definition at `path`, read again only when the file changed or was replaced.

    Raises what `read_definition` raises: the first failing stage's problems.
    """
    info = files.regular_file(path, _yaml.MAX_BYTES)
    key = (model.__name__, str(path), *files.stamp(info))
    found = _cache.get(key)
    if isinstance(found, Instrument) and found.overlay is not None and not _current(found):
        found = None  # the base under the overlay changed: merge again (or refuse it)
    if found is None:
        reading = read_definition(path, model)
        found = reading.definition
        assert reading.stamp is not None
        with _lock:
            if len(_cache) >= _MAX_CACHED:
                _cache.clear()
            read_key = (model.__name__, str(path), *reading.stamp)
            _cache[read_key] = found
    assert isinstance(found, model)
    return found


def _current(inst: Instrument) -> bool:
    """Whether the base and catalogue `inst` was merged from are still the loaded ones."""
    applied = inst.overlay
    assert applied is not None
    try:
        base = load_instrument(applied.base.id)
        return base is applied.base and catalogue_for(base) is applied.base_catalogue
    except InstrumentError:
        return False


# --- the staged reader ------------------------------------------------------------------


@dataclass
class Reading:
    """What `read_definition` found in one file, stage by stage.

    `definition` is the validated model when the schema stage passed (in a full reading,
    possibly with translations filled in); `document` the parsed YAML when the file
    parsed; `found` every `(stage, problem)` in stage order, each stage's sorted by
    position; `catalogue_failed` says the instrument's catalogue did not load, so its
    measure references were checked against the rules' own measure ids.
    """

    path: Path
    document: _yaml.Document | None = None
    definition: Definition | None = None
    found: list[tuple[str, Problem]] = field(default_factory=list)
    catalogue_failed: bool = False
    stamp: files.Stamp | None = None

    def problems(self, stage: str | None = None) -> list[Problem]:
        """The problems of `stage` (or of every stage), in order."""
        return [p for s, p in self.found if stage is None or s == stage]

    @property
    def failed(self) -> bool:
        return bool(self.found)


def read_definition(
    path: str | os.PathLike[str], model: type[BaseModel], *, full: bool = False
) -> Reading:
    """Run the stages (see the module's doc) on the instrument or catalogue at `path`.

    By default the first stage that finds problems raises them as `InstrumentError`
    (`InstrumentNotFoundError` when there is no file); this is `load_instrument`. With
    `full`, nothing is raised: every stage that can still run does, and the `Reading`
    lists what each found; this is `check`.
    """
    target = _path(path)
    reading = Reading(target)
    source = str(target)

    def stage(name: str, problems: Sequence[Problem]) -> None:
        """Record `problems` (or, without `full`, raise them)."""
        if problems and not full:
            raise InstrumentError(problems, source)
        reading.found.extend((name, p) for p in problems)

    try:
        raw, reading.stamp = files.read_bounded_with_stamp(target, _yaml.MAX_BYTES)
    except InstrumentError as exc:
        if not full:
            raise
        stage("file", exc.problems)
        return reading
    try:
        doc = _yaml.parse(raw, source)
    except _yaml.YAMLProblems as exc:
        stage("yaml", exc.problems)
        return reading
    reading.document = doc
    if not isinstance(doc.data, dict):
        stage("yaml", [doc.problem((), "the file must hold a mapping")])
        return reading
    if model is Instrument and overlays.is_overlay(doc.data):
        _read_overlay(reading, doc, stage, full=full)
        return reading

    definition, translations, schema = validate(doc, model, full=full)
    stage("translation", translations)
    if definition is None or schema:
        stage("schema", schema)
        return reading
    reading.definition = definition

    if isinstance(definition, Instrument):
        if len(definition.items) > MAX_ITEMS:
            message = f"{len(definition.items)} items; the limit is {MAX_ITEMS}"
            stage("schema", [doc.problem(("items",), message)])
            reading.definition = None
            return reading
        definition._origin = source
        measure_ids = _measure_ids(definition, reading, stage)
        found = references.check(definition, measure_ids)
        stage("reference", sorted_problems([doc.problem(loc, message) for loc, message in found]))
        definition._digest = digest(definition)
    else:
        stage("reference", duplicate_ids(definition, doc))
    return reading


Stage = Callable[[str, Sequence[Problem]], None]


def _read_overlay(reading: Reading, doc: _yaml.Document, stage: Stage, *, full: bool) -> None:
    """The stages from ``translation`` on, for an overlay (see the module's doc)."""
    data = doc.data
    extends = data.get("extends")
    named = extends.get("instrument") if isinstance(extends, dict) else None
    refused = overlays.refused(doc, named if isinstance(named, str) else None)
    rest = _yaml.Document(overlays.without_refused(data), doc.root, doc.source)
    overlay, translations, schema = validate(rest, overlays.Overlay, full=full)
    stage("translation", translations)
    stage("schema", sorted_problems([*refused, *schema]))
    if overlay is None or schema:
        return
    base = _overlay_base(overlay.extends, doc, stage)
    if base is None:
        return
    try:
        base_catalogue: Catalogue | None = catalogue_for(base)
    except InstrumentError as exc:
        stage("catalogue", exc.problems)
        reading.catalogue_failed = True
        base_catalogue = None
    merged = overlays.merge(overlay, base)
    if base_catalogue is not None:
        catalogue: Catalogue | None = overlays.merged_catalogue(overlay, base_catalogue)
        known = list(base_catalogue.by_id)
    else:  # only in a full reading: check the rules against their own measure ids
        catalogue = None
        known = [rule.measure for rule in merged.measure_rules]
    found = overlays.check(overlay, base, merged, known)
    problems = [doc.problem(loc, message, at_key=at_key) for loc, message, at_key in found]
    stage("reference", sorted_problems(problems))
    merged._origin = str(reading.path)
    merged._digest = digest(merged)
    merged._overlay = overlays.AppliedOverlay(
        overlay, digest(overlay), str(reading.path), base, base_catalogue, catalogue
    )
    reading.definition = merged


def _overlay_base(
    extends: overlays.Extends, doc: _yaml.Document, stage: Stage
) -> Instrument | None:
    """The built-in instrument `extends` names; a ``base`` problem if it is not the one
    the overlay was written for (then still returned, so a full reading checks the rest
    against the current base). None when there is no such built-in instrument."""
    ident = extends.instrument
    try:
        base = load_instrument(ident)
    except InstrumentNotFoundError:
        known = list_instruments()
        message = (
            f"no built-in instrument {ident!r}{_suggestion(ident, known)}; an overlay extends "
            f"a built-in instrument ({', '.join(known)})"
        )
        stage("base", [doc.problem(("extends", "instrument"), message)])
        return None
    except InstrumentError as exc:
        message = f"the built-in instrument {ident!r} does not load: {exc.problems[0]}"
        stage("base", [doc.problem(("extends", "instrument"), message)])
        return None
    if base.overlay is not None:
        message = f"{ident!r} is itself an overlay; an overlay extends an instrument"
        stage("base", [doc.problem(("extends", "instrument"), message)])
        return None
    problems = []
    if base.version != extends.version:
        message = (
            f"the overlay was written for {ident} version {extends.version!r}, but the built-in "
            f"{ident} is version {base.version!r}: the base changed under the overlay. Review "
            f"its rules and labels against version {base.version!r}, then set "
            f"extends.version to {base.version!r}"
            + (" and extends.digest to the new digest" if extends.digest else "")
        )
        problems.append(doc.problem(("extends", "version"), message))
    elif extends.digest is not None and extends.digest != base.digest:
        message = (
            f"the overlay is pinned to {ident} {base.version} with digest "
            f"{extends.digest[:12]}…, but the built-in {ident} {base.version} has digest "
            f"{base.digest}: its content changed under the overlay. Review the overlay "
            "against it, then set extends.digest to the new digest"
        )
        problems.append(doc.problem(("extends", "digest"), message))
    stage("base", problems)
    return base


def _measure_ids(inst: Instrument, reading: Reading, stage: Stage) -> list[str]:
    try:
        return list(catalogue_for(inst).by_id)
    except InstrumentError as exc:
        stage("catalogue", exc.problems)
        reading.catalogue_failed = True
        return [rule.measure for rule in inst.measure_rules]
