"""`risk-scoring assess`: answers files, folders and standard input to JSON results.

Exit status: 0 success (an incomplete result included, which is said on stderr); 1 a
file that exists failed, or a report could not be rendered or written; 2 a usage
error, a path that does not exist among them. `docs/cli.md` has the table.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import click

from ..definition.instrument import Instrument
from ..definition.result import Result
from ..engine.assessment import assess
from ..errors import AnswerError, Problem
from ..report.render import LANGUAGES
from .cli_input import (
    STDIN,
    STDIN_NAME,
    SUFFIXES,
    FileFailed,
    Input,
    NotLoaded,
    load_named,
    not_answers,
    read_input,
    shown,
)

PROGRESS_AFTER = 10
"""`assess` shows a progress bar from this many files on, when stderr is a terminal."""

LANG = click.option(
    "--lang", type=click.Choice(list(LANGUAGES)), default="nb", show_default=True,
    help="Language of titles and labels.",
)  # fmt: skip


def stderr_is_terminal() -> bool:
    """Whether a progress bar would be seen: stderr is an interactive terminal."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # closed or replaced by something without isatty
        return False


def instrument_option(ref: str | None) -> Instrument | None:
    """The instrument `--instrument` names; a usage error (exit 2) when there is none."""
    if ref is None:
        return None
    try:
        return load_named(ref, "--instrument")
    except NotLoaded as exc:
        if exc.missing:
            raise click.UsageError("\n".join(exc.lines)) from None
        raise click.ClickException("\n".join(exc.lines)) from None


def _located(name: str, problem: Problem, found: Input) -> str:
    """`file:line:col: where: message` for a problem in an answers file."""
    line = column = None
    if found.doc is not None and problem.path:
        line, column, _ = found.doc.locate(problem.path.split("."))
    if problem.line is not None:
        line, column = problem.line, problem.column
    where = f"{name}:{line}:{column or 1}" if line is not None else name
    field = f"{problem.path}: " if problem.path else ""
    return f"{where}: {field}{problem.message}"


def _same(named: Instrument, given: Instrument) -> bool:
    """Whether answers naming `named` may be assessed with `given` (`--instrument`): the
    same definition, or a district overlay of it (the file names the base, the
    district assesses with its rules)."""
    if (named.id, named.digest) == (given.id, given.digest):
        return True
    return given.overlay is not None and named is given.overlay.base


def _named(inst: Instrument) -> str:
    applied = inst.overlay
    if applied is None:
        return repr(inst.id)
    return f"{inst.id!r} with the overlay {applied.id!r}"


def assess_input(found: Input, default: Instrument | None) -> tuple[Result, Instrument]:
    """Assess the answers in `found`; raises `FileFailed` with located lines."""
    reason = not_answers(found)
    if reason is not None:
        raise FileFailed([reason])
    data = dict(found.data)
    named = data.pop("instrument", None)
    if named is None and default is None:
        raise FileFailed([f"{found.name}: name the instrument (key 'instrument' or --instrument)"])
    inst = default
    if named is not None:
        try:
            inst = load_named(named, found.name)
        except NotLoaded as exc:
            raise FileFailed(exc.lines) from None
        if default is not None and not _same(inst, default):
            raise FileFailed(
                [
                    f"{found.name}: the file names instrument {shown(named)} "
                    f"but --instrument is {_named(default)}"
                ]
            )
        if default is not None:
            inst = default  # the same, or a district overlay of the instrument the file names
    assert inst is not None
    try:
        return assess(inst, data), inst
    except AnswerError as exc:
        count = len(exc.problems)
        noun = "problem" if count == 1 else "problems"
        head = f"{found.name}: {count} {noun} in the answers for {inst.id}"
        lines = [head, *(f"  {_located(found.name, p, found)}" for p in exc.problems)]
        raise FileFailed(lines) from None


def unexpected(target: Target, exc: BaseException) -> str:
    """The line for a failure nobody foresaw: the file and the exception's type, no text."""
    name = STDIN_NAME if target.path is None else str(target.path)
    return (
        f"{name}: could not be processed: unexpected {type(exc).__name__} (please report "
        "this as a bug)"
    )


def incomplete(name: str, result: Result, inst: Instrument | None) -> str | None:
    """A line saying that `result` is incomplete and what it lacks, or None if complete."""
    if result.complete:
        return None
    parts = []
    for entry in result.missing:
        kind, _, ident = entry.partition(".")
        title = None
        if inst is not None and kind == "judgements":
            found = next((j for j in inst.judgements if j.id == ident), None)
            title = found.title.en if found is not None else None
            parts.append(f"judgement {ident}" + (f" ({title})" if title else ""))
        elif inst is not None and kind == "items":
            item = inst.item_by_id.get(ident)
            parts.append(f"item {ident}" + (f" ({item.title.en})" if item is not None else ""))
        elif entry == "justification":
            rules = [s.rule for s in result.trace if s.kind == "warning"]
            needing = [
                w.id
                for w in (inst.warning_rules if inst is not None else ())
                if w.requires_justification and w.id in rules
            ]
            why = f" (warning {', '.join(needing)} needs one)" if needing else ""
            parts.append(f"a justification{why}")
        else:
            parts.append(entry)
    level = "no level" if result.level is None else f"level {result.level}"
    lacks = f": missing {'; '.join(parts)}" if parts else ""
    return f"{name}: the result for {result.instrument} is incomplete ({level}){lacks}"


# --- targets: files, folders and standard input ---------------------------------------


@dataclass(frozen=True)
class Target:
    path: Path | None  # None: standard input
    walked: bool  # found in a folder: files that are not answers are skipped


def _walk(folder: Path) -> Iterator[Path]:
    """Candidate answers files under `folder`, sorted; hidden names and links to folders
    are left out."""
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and name.lower().endswith(SUFFIXES):
                yield Path(root) / name


def targets(paths: Sequence[str]) -> list[Target]:
    """What `paths` name, in order; a usage error for a path that does not exist."""
    out: list[Target] = []
    for raw in paths:
        if raw == STDIN:
            if any(t.path is None for t in out):
                raise click.UsageError("'-' (standard input) can be given only once")
            out.append(Target(None, walked=False))
            continue
        path = Path(raw)
        try:
            mode = os.stat(path).st_mode
        except OSError as exc:
            raise click.UsageError(f"{raw}: {exc.strerror or 'cannot be read'}") from None
        if stat.S_ISDIR(mode):
            found = [Target(p, walked=True) for p in _walk(path)]
            if not found:
                raise click.UsageError(
                    f"no answers files ({', '.join('*' + s for s in SUFFIXES)}) in {raw}"
                )
            out.extend(found)
        else:
            out.append(Target(path, walked=False))
    return out


# --- assess -------------------------------------------------------------------------


@click.command("assess")
@click.argument("paths", nargs=-1, required=True)
@click.option("--instrument", help="Instrument id or path, for files without an 'instrument' key.")
@click.option("--pretty", is_flag=True, help="Indent each result (default: one JSON per line).")
def assess_command(paths: tuple[str, ...], instrument: str | None, pretty: bool) -> None:
    """Assess answers files (YAML or JSON) and print one JSON result per line.

    PATHS are files, folders (every *.yaml, *.yml and *.json in them, recursively;
    golden cases, definitions and stored results are skipped) or `-` for standard
    input (JSON if it parses as JSON, else YAML). A file that fails is reported on
    stderr with the line of each problem and the other files are still assessed; the
    exit status is 1 if any file failed. An incomplete result is printed, and said on
    stderr. With 10 files or more and stderr a terminal, a progress bar runs there.
    """
    default = instrument_option(instrument)
    todo = targets(paths)
    use_bar = len(todo) >= PROGRESS_AFTER and stderr_is_terminal()
    held: list[str] = []
    failed = done = skipped = 0

    def say(lines: Sequence[str]) -> None:
        if use_bar:
            held.extend(lines)
        else:
            for line in lines:
                click.echo(line, err=True)

    def one(target: Target) -> None:
        nonlocal failed, done, skipped
        try:
            found = read_input(target.path)
            if target.walked and found.kind in ("case", "definition", "result"):
                skipped += 1
                return
            result, inst = assess_input(found, default)
        except FileFailed as exc:
            failed += 1
            say(exc.lines)
            return
        except Exception as exc:  # a bug must not stop the batch or print a traceback
            failed += 1
            say([unexpected(target, exc)])
            return
        click.echo(result.model_dump_json(indent=2 if pretty else None))
        done += 1
        note = incomplete(found.name, result, inst)
        if note is not None:
            say([note])

    if use_bar:
        with click.progressbar(todo, label="Assessing", file=sys.stderr, show_pos=True) as bar:
            for target in bar:
                one(target)
    else:
        for target in todo:
            one(target)
    for line in held:
        click.echo(line, err=True)
    if skipped:
        click.echo(
            f"skipped {skipped} file{'s' if skipped != 1 else ''} in folders that hold no "
            "answers (golden cases, definitions, stored results)",
            err=True,
        )
    if done + failed == 0:
        raise click.UsageError("no answers files among " + ", ".join(paths))
    if failed:
        total = done + failed
        if total > 1:
            click.echo(f"{failed} of {total} files failed; the others were assessed.", err=True)
        sys.exit(1)
