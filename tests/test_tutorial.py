"""docs/tutorial.md is replayed step by step, so the page cannot drift from the library.

The page marks its code blocks with an HTML comment on the line before the fence:

- ``<!-- file: PATH -->``: the block is (the next part of) that file. A file shown in parts
  is its parts joined by one blank line.
- ``<!-- try: PATH -->``: that file's content for the next ``run`` only, then put back.
- ``<!-- run -->``: a console block; each ``$ risk-scoring ...`` line is run, and what it
  prints (standard output, then standard error; timings aside) must be the lines below it.
- ``<!-- doctest -->``: a ``pycon`` block, run with doctest.

In a fresh folder the test writes the files and runs the commands in the page's order.
At the end the folder must hold exactly the files of ``examples/tutorial/`` (as
``tutorial/``), and ``risk-scoring check examples/tutorial/`` must pass in the repository.
"""

from __future__ import annotations

import doctest
import importlib.metadata
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "tutorial.md"
EXAMPLE = ROOT / "examples" / "tutorial"
BLOCK = re.compile(r"<!-- (file|try|run|doctest)(?:: (\S+))? -->\n```\w*\n(.*?)^```", re.S | re.M)
TIMING = re.compile(r"in \d+(?:\.\d+)? s\b")


def _command() -> list[str]:
    """How to run the `risk-scoring` command this environment installs."""
    (script,) = importlib.metadata.entry_points(group="console_scripts", name="risk-scoring")
    module, _, function = script.value.partition(":")
    return [
        sys.executable,
        "-c",
        f"import sys; from {module} import {function}; sys.exit({function}())",
    ]


def _blocks() -> list[tuple[str, str | None, str]]:
    return [(m.group(1), m.group(2), m.group(3)) for m in BLOCK.finditer(PAGE.read_text("utf-8"))]


def _run(console: str, cwd: Path) -> None:
    """Run each `$ risk-scoring ...` line of a console block and compare what it prints."""
    steps = re.split(r"^\$ ", console, flags=re.M)[1:]
    assert steps, "a run block without a command"
    for step in steps:
        line, *expected = step.rstrip("\n").split("\n")
        program, *args = shlex.split(line)
        assert program == "risk-scoring", line
        done = subprocess.run(
            [*_command(), *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
        )
        printed = (done.stdout + done.stderr).rstrip("\n").split("\n")
        assert [TIMING.sub("in … s", x) for x in printed] == [
            TIMING.sub("in … s", x) for x in expected
        ], f"$ {line}"
        failed = any(": error: " in x for x in expected)
        assert done.returncode == (1 if failed else 0), f"$ {line}: exit {done.returncode}"


def test_the_page_marks_its_blocks() -> None:
    kinds = [kind for kind, _, _ in _blocks()]
    assert kinds.count("run") >= 3
    assert "doctest" in kinds
    assert "try" in kinds


def test_replaying_the_tutorial_gives_the_example_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts: dict[str, list[str]] = {}
    tried: dict[Path, str] = {}
    for kind, path, text in _blocks():
        if kind == "file":
            assert path is not None
            assert path.startswith("tutorial/"), path
            parts.setdefault(path, []).append(text)
            target = tmp_path / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("\n".join(parts[path]), encoding="utf-8")
        elif kind == "try":
            assert path is not None
            target = tmp_path / path
            tried[target] = target.read_text(encoding="utf-8")
            target.write_text(text, encoding="utf-8")
        elif kind == "run":
            _run(text, tmp_path)
            for target, before in tried.items():
                target.write_text(before, encoding="utf-8")
            tried.clear()
        else:
            monkeypatch.chdir(tmp_path)
            test = doctest.DocTestParser().get_doctest(text, {}, "tutorial", str(PAGE), 0)
            runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
            runner.run(test)
            assert runner.failures == 0, "a doctest block of docs/tutorial.md failed"
    written = {p.relative_to(tmp_path / "tutorial") for p in (tmp_path / "tutorial").rglob("*.*")}
    shipped = {p.relative_to(EXAMPLE) for p in EXAMPLE.rglob("*.*")}
    assert written == shipped, "the tutorial and examples/tutorial/ hold different files"
    for name in sorted(shipped):
        assert (tmp_path / "tutorial" / name).read_text(encoding="utf-8") == (
            EXAMPLE / name
        ).read_text(encoding="utf-8"), f"examples/tutorial/{name} differs from the page"


def test_the_example_passes_check() -> None:
    done = subprocess.run(
        [*_command(), "check", "examples/tutorial/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""
    assert "5 golden cases" in done.stderr
