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

import contextlib
import copy
import json
import os
import stat as _stat
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..definition import files, reader as _yaml
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
from ..definition.model import noun, verifiables
from ..definition.overlay import Overlay
from ..errors import AnswerError, InstrumentError, InstrumentNotFoundError, Problem
from .golden import case_files, case_folder, read_case, run_case

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

Severity = Literal["error", "warning", "note"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "note")
DEFAULT_EXAMPLES = 40


@dataclass(frozen=True)
class Finding(Problem):
    """A `Problem` found by `check`, with its severity and the stage that found it.

    `str()` gives the line `check` prints: ``path:line:col: severity: where: message``.
    """

    severity: Severity = "error"
    stage: str = ""

    def __str__(self) -> str:
        where = f"{self.source or '-'}:{self.line or 1}:{self.column or 1}"
        path = f"{self.path}: " if self.path else ""
        return f"{where}: {self.severity}: {path}{self.message}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping (what `check --format json` prints)."""
        return {
            "file": self.source,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "stage": self.stage,
            "path": self.path,
            "message": self.message,
        }


def _finding(problem: Problem, severity: Severity, stage: str) -> Finding:
    return Finding(
        problem.path,
        problem.message,
        problem.source,
        problem.line,
        problem.column,
        severity=severity,
        stage=stage,
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


def _document(file: str | os.PathLike[str]) -> _yaml.Document | None:
    """The parsed YAML of `file` for locating values, or None if it cannot be read."""
    try:
        return _yaml.parse(files.read_bounded(file, _yaml.MAX_BYTES), os.fspath(file))
    except (InstrumentError, _yaml.YAMLProblems):
        return None


@dataclass
class Summary:
    """What a `check_definitions` run looked at, and how long it took."""

    definitions: int = 0
    cases: int = 0
    seconds: float = 0.0
    findings: list[Finding] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def failed(self, *, strict: bool = False) -> bool:
        """True if an error was found (or, with `strict`, a warning)."""
        return any(
            f.severity == "error" or (strict and f.severity == "warning") for f in self.findings
        )


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


def _root(doc: _yaml.Document) -> tuple[int | None, int | None]:
    line, column, _ = doc.locate(())
    return line, column


def _skipped(path: Path, root: tuple[int | None, int | None], why: str) -> Finding:
    return Finding(
        "",
        f"golden cases and properties were not checked: {why}",
        str(path),
        *root,
        severity="note",
        stage="case",
    )


def _golden(
    inst: Instrument, doc: _yaml.Document, cases: list[Path], *, definition_broken: bool
) -> list[Finding]:
    path, root = Path(doc.source), _root(doc)
    if not cases:
        folder = case_folder(inst)
        return [
            Finding(
                "",
                f"no golden cases: add answers with the expected result in {folder}/",
                str(path),
                *root,
                severity="warning",
                stage="case",
            )
        ]
    findings: list[Finding] = []
    crashed = 0
    reached: set[object] = set()
    for case in cases:
        try:
            problems = run_case(inst, case)
        except Exception as exc:  # a broken definition can make the engine fail
            if definition_broken:
                crashed += 1
                continue
            message = f"the case could not be assessed: {type(exc).__name__}: {exc}"
            findings.append(Finding("", message, str(case), 1, 1, stage="case"))
            continue
        findings.extend(_finding(p, "error", "case") for p in problems)
        with contextlib.suppress(InstrumentError):
            reached.add(read_case(case)[0]["expect"].get("level"))
    if crashed:
        findings.append(
            _skipped(
                path,
                root,
                f"{crashed} of {len(cases)} golden cases could not run "
                "because of the cross-reference errors",
            )
        )
    # An overlay's cases show its own rules; its base's cases cover the levels.
    missing = [level for level in inst.levels if level not in reached and inst.overlay is None]
    if missing:
        problem = doc.problem(
            ("levels",),
            "no golden case expects level " + ", ".join(map(repr, missing)),
            at_key=True,
        )
        findings.append(_finding(problem, "note", "case"))
    return findings


def _orphan_case_folders(files: Sequence[Path]) -> list[Finding]:
    """Case folders in the checked folders that no instrument file owns."""
    findings = []
    instruments = {f.resolve() for f in files}
    for parent in dict.fromkeys(f.parent for f in files):
        cases = parent / "cases"
        if not cases.is_dir():
            continue
        for folder in sorted(p for p in cases.iterdir() if p.is_dir()):
            owner = (parent / f"{folder.name}.yaml").resolve()
            if owner not in instruments and not owner.is_file():
                findings.append(
                    Finding(
                        "",
                        f"golden cases for {folder.name!r}, but there is no {folder.name}.yaml",
                        str(folder),
                        severity="warning",
                        stage="case",
                    )
                )
    return findings


# --- Hypothesis properties ---------------------------------------------------------


class _PropertyFailed(AssertionError):
    """A property failed; the message names it and shows the (shrunk) answers."""

    def __init__(self, message: str, item: str | None = None) -> None:
        super().__init__(message)
        self.item = item


def _shown(raw: Any) -> str:
    return json.dumps(raw, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def check_properties(
    inst: Instrument,
    *,
    max_examples: int = DEFAULT_EXAMPLES,
    seed: int = 0,
    document: _yaml.Document | None = None,
) -> list[Finding]:
    """Run the Hypothesis properties on `inst` with a fixed seed; one finding per failure.

    Totality (every valid answer set from `risk_scoring.testing.answers` is assessed
    without error, to a level of the instrument, or to no level only when incomplete);
    determinism (the same answers give byte-identical JSON); for actuarial and
    checklist instruments, monotonicity (raising one item's answer never lowers the
    level; items with a negative weight are left out); and equivalence (`score_frame`
    of a frame of answers equals assessing its rows one by one). Needs Hypothesis;
    without it one note says the properties were skipped. Equivalence needs pandas;
    without it one note says so.
    """
    source = inst.origin or inst.id
    if document is None and inst.origin:
        document = _document(inst.origin)
    root = _root(document) if document is not None else (None, None)
    try:
        from hypothesis import (
            HealthCheck,
            Verbosity,
            given,
            seed as fixed_seed,
            settings,
            strategies as st,
        )
    except ImportError:  # pragma: no cover - hypothesis is in the testing and dev extras
        return [
            Finding(
                "",
                "properties were not checked: install the testing extra (Hypothesis)",
                source,
                *root,
                severity="note",
                stage="property",
            )
        ]
    from ..testing import answers, higher_answer

    quiet_checks = [
        getattr(HealthCheck, name)
        for name in ("too_slow", "filter_too_much", "data_too_large", "large_base_example")
        if hasattr(HealthCheck, name)
    ]

    def decorate(test: Any, examples: int = max_examples) -> Any:
        configured = settings(
            max_examples=examples,
            database=None,
            deadline=None,
            derandomize=False,
            print_blob=False,
            verbosity=Verbosity.quiet,
            suppress_health_check=quiet_checks,
        )(given(st.data())(test))
        return fixed_seed(seed)(configured)

    def assess(raw: Any) -> Any:
        try:
            return inst.assess(raw)
        except AnswerError as exc:
            raise _PropertyFailed(
                f"valid answers were refused ({exc.problems[0]}): {_shown(raw)}"
            ) from None
        except Exception as exc:
            raise _PropertyFailed(
                f"assessing raised {type(exc).__name__}: {exc}: {_shown(raw)}"
            ) from None

    @decorate
    def totality(data: Any) -> None:
        raw = data.draw(answers(inst, complete=data.draw(st.booleans())))
        result = assess(raw)
        if result.level is None and result.complete:
            raise _PropertyFailed(f"a complete result has no level: {_shown(raw)}")
        if result.level is not None and result.level not in inst.levels:
            raise _PropertyFailed(f"unknown level {result.level!r}: {_shown(raw)}")

    @decorate
    def determinism(data: Any) -> None:
        raw = data.draw(answers(inst))
        first = assess(raw).model_dump_json()
        if assess(copy.deepcopy(raw)).model_dump_json() != first:
            raise _PropertyFailed(f"two assessments of the same answers differ: {_shown(raw)}")

    @decorate
    def monotone(data: Any) -> None:
        raw = data.draw(answers(inst, unknowns=False))
        raised = data.draw(higher_answer(inst, raw))
        if raised is None:
            return
        item_id, higher = raised
        before = assess(raw)
        after = assess({**raw, "items": {**raw["items"], item_id: higher}})
        if before.level is None or after.level is None:
            return
        if inst.levels.index(after.level) < inst.levels.index(before.level):
            raise _PropertyFailed(
                f"raising item {item_id!r} to {higher!r} lowers the level from "
                f"{before.level!r} to {after.level!r}: {_shown(raw)}",
                item_id,
            )

    def equivalence(data: Any) -> None:
        # Each example scores a small frame: a quarter of the examples (of up to 8 rows).
        from ..analysis.equivalence import difference

        complete = data.draw(st.booleans())
        rows = data.draw(st.lists(answers(inst, complete=complete), min_size=1, max_size=8))
        try:
            found = difference(inst, rows)
        except Exception as exc:
            raise _PropertyFailed(
                f"comparing score_frame with assess raised {type(exc).__name__}: {exc}: "
                f"{_shown(rows)}"
            ) from None
        if found is not None:
            first = found.splitlines()[0]
            raise _PropertyFailed(f"score_frame differs from assess ({first}): {_shown(rows)}")

    runs = [("totality", totality), ("determinism", determinism)]
    if inst.kind != "spj":
        runs.append(("monotonicity", monotone))
    findings = []
    try:
        import pandas  # noqa: F401
    except ImportError:  # pragma: no cover - pandas is in the frames and dev extras
        message = "equivalence of score_frame and assess was not checked: install pandas"
        findings.append(Finding("", message, source, *root, severity="note", stage="property"))
    else:
        runs.append(("equivalence", decorate(equivalence, max(1, max_examples // 4))))
    for name, run in runs:
        try:
            run()
        except Exception as exc:
            for failure in _leaves(exc):
                line, column = root
                path = ""
                item = getattr(failure, "item", None)
                if document is not None and isinstance(item, str) and item in inst.item_by_id:
                    index = inst.items.index(inst.item_by_id[item])
                    line, column, path = document.locate(("items", index))
                findings.append(
                    Finding(
                        path,
                        f"property {name} fails: {failure}",
                        source,
                        line,
                        column,
                        severity="error",
                        stage="property",
                    )
                )
    return findings


def _leaves(exc: BaseException) -> list[BaseException]:
    group = getattr(exc, "exceptions", None)
    if isinstance(group, tuple):
        return [leaf for inner in group for leaf in _leaves(inner)]
    return [exc]
