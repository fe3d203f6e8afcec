"""`check`'s golden-case stage: run every case, note the levels none reaches."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path

from ..definition import reader as _yaml
from ..definition.instrument import Instrument
from ..errors import InstrumentError
from .findings import (
    Finding,
    _finding,
    _root,
    _skipped,
)
from .golden import case_folder, read_case, run_case


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
