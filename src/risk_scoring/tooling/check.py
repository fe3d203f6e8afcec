"""Verify instrument definitions the way CI does: everything `risk-scoring check` runs.

`check_definitions(paths)` reads instrument files (or every definition in a folder) and
returns `Finding`s, each a `Problem` with a severity:

- ``error``: the definition is wrong. Stages, in order: the file (a regular file within
  the size limit); YAML dialect; translations (every text in both `nb` and `en`);
  schema; the measures catalogue; cross-references (items, scales, measures, levels,
  judgements, context fields) and bands (they cover the score range without gaps or
  overlaps); golden cases; Hypothesis properties (every valid answer set scores, results
  are deterministic, and for scored instruments raising an answer never lowers the level,
  except on items with a negative weight). The stages up to the cross-references are
  `definition.loading.read_definition`, run in full: `load_instrument` runs the same
  reader and raises the first stage's problems, so the two never disagree.
- ``warning``: probably a mistake, but nothing wrong is computed (a file name that differs
  from the instrument id, an instrument without golden cases, a case folder without an
  instrument). Only `--strict` fails on warnings.
- ``note``: for the maintainer's information, never a problem: each value marked
  ``verified: false`` or ``verified: secondary`` (see `unverified`), levels no golden
  case reaches, stages skipped.

Citations are checked too: every `source:` must cite a key of the bibliography
(``sources.yaml``, see `risk_scoring.definition.bibliography`), and the bibliography itself is
checked for duplicate keys and bad grades.

A maintainer sees every defect at once where that is possible: a missing translation is
reported and filled in with the other language so that the later stages still run; the
other schema errors stop that file's later stages (they have no model to work on).
Golden cases run even when cross-references are broken; a case that then crashes is
summed up in one note rather than blamed on the case. Properties run only on a
definition without errors, with a fixed seed and a bounded number of examples, so the
same definitions always give the same findings.
"""

from __future__ import annotations

import os
import stat as _stat
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from ..definition import reader as _yaml
from ..definition.bibliography import (
    Bibliography,
    bibliography_for,
    check_citations,
    load_bibliography,
)
from ..definition.catalogue import Catalogue
from ..definition.instrument import Instrument
from ..definition.loading import (
    CATALOGUE_FILE,
    SOURCES_FILE,
    Reading,
    builtin_dir,
    read_definition,
)
from ..definition.overlay import Overlay
from ..errors import InstrumentError, InstrumentNotFoundError
from .check_golden import (
    _golden,
    _orphan_case_folders,
)
from .findings import (
    SEVERITIES,
    Finding,
    Summary,
    _finding,
    _root,
    _skipped,
)
from .golden import case_files
from .properties import DEFAULT_EXAMPLES, check_properties
from .unverified import (
    Unverified,
    _notes,
    unverified,
)

__all__ = [
    "DEFAULT_EXAMPLES",
    "Finding",
    "Summary",
    "Unverified",
    "check_definitions",
    "check_file",
    "check_properties",
    "definition_files",
    "unverified",
]


def definition_files(paths: Iterable[str | Path] = ()) -> list[Path]:
    """The definition files `paths` name: instrument files and measures catalogues.

    A folder stands for every ``*.yaml`` directly in it; a golden case file
    (``cases/<id>/name.yaml``) stands for its instrument; a measures catalogue also
    brings in the instruments beside it, since they depend on it; the bibliography
    (``sources.yaml``) brings them in the same way. Any other path that exists (a FIFO,
    a device) is taken as it is, and checking it reports why it cannot be read. No paths
    means the built-in instruments. Raises `InstrumentNotFoundError` for a path where
    nothing exists.
    """
    given = list(paths) or [builtin_dir()]
    found: dict[Path, None] = {}
    for raw in given:
        path = Path(raw)
        mode = _mode(path)
        if mode is None:
            raise InstrumentNotFoundError(str(path), "no such file or folder")
        if _stat.S_ISDIR(mode):
            for file in sorted(path.glob("*.yaml")):
                found[file] = None
        elif _stat.S_ISREG(mode):
            owner = _case_owner(path)
            found[owner or path] = None
            if path.name in (CATALOGUE_FILE, SOURCES_FILE):
                for file in sorted(path.parent.glob("*.yaml")):
                    found[file] = None
        else:
            found[path] = None
    return list(found)


def _mode(path: Path) -> int | None:
    """The file type bits of `path` (symlinks followed), or None if nothing is there."""
    try:
        return os.stat(path).st_mode
    except (OSError, ValueError):
        return None


def _case_owner(path: Path) -> Path | None:
    """The instrument file a golden case belongs to, if `path` is a case file."""
    if path.parent.parent.name != "cases":
        return None
    return path.parent.parent.parent / f"{path.parent.name}.yaml"


def check_definitions(
    paths: Iterable[str | Path] = (),
    *,
    properties: bool = True,
    max_examples: int = DEFAULT_EXAMPLES,
    seed: int = 0,
    progress: Callable[[Path], None] | None = None,
) -> Summary:
    """Check every definition `paths` name (see `definition_files`); built-ins by default.

    Returns a `Summary` whose `findings` are sorted by file and position, notes included.
    `progress`, if given, is called with each definition file once it is checked.
    """
    started = time.perf_counter()
    summary = Summary()
    findings: list[Finding] = []
    files = definition_files(paths)
    for path in files:
        found, cases = _check_one(path, properties=properties, max_examples=max_examples, seed=seed)
        findings.extend(found)
        summary.definitions += 1
        summary.cases += cases
        if progress is not None:
            progress(path)
    findings.extend(_orphan_case_folders(files))
    summary.findings = sorted(dict.fromkeys(findings), key=_order)
    summary.seconds = time.perf_counter() - started
    return summary


def _order(f: Finding) -> tuple[str, int, int, int, str]:
    return (f.source or "", f.line or 0, f.column or 0, SEVERITIES.index(f.severity), f.message)


def check_file(
    path: str | Path,
    *,
    properties: bool = True,
    max_examples: int = DEFAULT_EXAMPLES,
    seed: int = 0,
) -> list[Finding]:
    """Every finding for one instrument file (with its golden cases) or measures catalogue."""
    found, _ = _check_one(Path(path), properties=properties, max_examples=max_examples, seed=seed)
    return sorted(dict.fromkeys(found), key=_order)


def _check_one(
    path: Path, *, properties: bool, max_examples: int, seed: int
) -> tuple[list[Finding], int]:
    if path.name == CATALOGUE_FILE:
        return _check_catalogue(path), 0
    if path.name == SOURCES_FILE:
        return _check_bibliography(path), 0
    return _check_instrument(path, properties=properties, max_examples=max_examples, seed=seed)


def _findings(reading: Reading) -> list[Finding]:
    return [_finding(problem, "error", stage) for stage, problem in reading.found]


def _check_catalogue(path: Path) -> list[Finding]:
    reading = read_definition(path, Catalogue, full=True)
    findings = _findings(reading)
    if isinstance(reading.definition, Catalogue) and reading.document is not None:
        findings.extend(_citations(reading.definition, reading.document))
        findings.extend(_notes(unverified(reading.definition, path)))
    return findings


def _check_bibliography(path: Path) -> list[Finding]:
    """The staged reader's findings; a duplicate key is a ``citation`` finding here."""
    reading = read_definition(path, Bibliography, full=True)
    return [
        _finding(problem, "error", "citation" if stage == "reference" else stage)
        for stage, problem in reading.found
    ]


def _citations(definition: Instrument | Catalogue, doc: _yaml.Document) -> list[Finding]:
    """An error at each `source:` that cites no key or an unknown one."""
    try:
        bibliography = bibliography_for(doc.source)
    except InstrumentError as exc:
        line, column = _root(doc)
        where = exc.problems[0].source if exc.problems else None
        message = f"citations were not checked: the bibliography {where or ''} has errors"
        return [
            Finding(
                "",
                " ".join(message.split()),
                doc.source,
                line,
                column,
                severity="note",
                stage="citation",
            )
        ]
    return [
        _finding(p, "error", "citation") for p in check_citations(definition, doc, bibliography)
    ]


def _overlay_citations(overlay: Overlay, doc: _yaml.Document) -> list[Finding]:
    """An error at each `source:` of `overlay` that cites no key, or one that neither the
    built-in bibliography nor the overlay's own `references` has; and at each of its
    references whose key is taken."""
    try:
        builtin = load_bibliography()
    except InstrumentError:
        line, column = _root(doc)
        message = "citations were not checked: the built-in bibliography has errors"
        return [Finding("", message, doc.source, line, column, severity="note", stage="citation")]
    problems = []
    seen: set[str] = set()
    for i, reference in enumerate(overlay.references):
        if reference.id in builtin.by_id:
            message = (
                f"the built-in bibliography already has [{reference.id}]: cite it as it is, "
                "or give the overlay's reference a key of its own"
            )
            problems.append(doc.problem(("references", i, "id"), message))
        elif reference.id in seen:
            problems.append(doc.problem(("references", i, "id"), f"duplicate id {reference.id!r}"))
        seen.add(reference.id)
    both = Bibliography(
        version=builtin.version, references=(*builtin.references, *overlay.references)
    )
    named = f"{SOURCES_FILE} or the overlay's references"
    problems.extend(check_citations(overlay, doc, both, named))
    return [_finding(p, "error", "citation") for p in problems]


def _check_instrument(
    path: Path, *, properties: bool, max_examples: int, seed: int
) -> tuple[list[Finding], int]:
    reading = read_definition(path, Instrument, full=True)
    findings = _findings(reading)
    doc, inst = reading.document, reading.definition
    if doc is None:
        return findings, 0
    if not isinstance(inst, Instrument):
        at_base = bool(reading.problems("base"))
        findings.append(
            Finding(
                "",
                "cross-references, golden cases and properties were not checked: "
                + (
                    "fix the errors at 'extends' first"
                    if at_base
                    else "fix the schema errors first"
                ),
                str(path),
                *_root(doc),
                severity="note",
                stage="base" if at_base else "schema",
            )
        )
        return findings, 0
    root = _root(doc)
    catalogue_problems = reading.catalogue_failed
    broken = bool(reading.problems("reference"))
    applied = inst.overlay
    own_id = applied.id if applied is not None else inst.id
    if path.stem != own_id:
        problem = doc.problem(("id",), f"the file name {path.name!r} differs from the id")
        findings.append(_finding(problem, "warning", "reference"))
    if applied is not None:
        if applied.definition.extends.digest is None and not reading.problems("base"):
            base = applied.base
            message = (
                f"the overlay follows any change to {base.id} {base.version}'s content; to "
                f"stop it when the built-in changes, pin it: digest: {base.digest}"
            )
            problem = doc.problem(("extends",), message, at_key=True)
            findings.append(_finding(problem, "note", "base"))
        findings.extend(_overlay_citations(applied.definition, doc))
        findings.extend(_notes(unverified(applied.definition, path)))
    else:
        findings.extend(_citations(inst, doc))
        findings.extend(_notes(unverified(inst, path)))

    cases = case_files(inst)
    if catalogue_problems:
        findings.append(_skipped(path, root, "the measures catalogue has errors"))
        return findings, len(cases)
    findings.extend(_golden(inst, doc, cases, definition_broken=broken))
    if not properties:
        return findings, len(cases)
    if any(f.severity == "error" for f in findings):
        findings.append(
            Finding(
                "",
                "properties were not checked: fix the errors first",
                str(path),
                *root,
                severity="note",
                stage="property",
            )
        )
    else:
        findings.extend(check_properties(inst, max_examples=max_examples, seed=seed, document=doc))
    return findings, len(cases)
