"""What `check` reports: findings with a severity and a stage, and the run's summary."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..definition import files, reader as _yaml
from ..errors import InstrumentError, Problem

Severity = Literal["error", "warning", "note"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "note")


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
