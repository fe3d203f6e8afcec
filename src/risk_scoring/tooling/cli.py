"""The `risk-scoring` command: list, show, assess, report, check and schema.

Exit status: 0 success; 1 a file that exists failed (assess, report), problems were
found (check), or something the command needs is missing (an extra); 2 a usage error
(unknown option, a path or instrument that does not exist, nothing to check).
`docs/cli.md` is the reference. Messages never quote free text (notes, justification,
a value that is not an id): it holds personal data. Anything unexpected ends in one
line on stderr and exit status 1, never a traceback.

`assess` lives in `cli_assess`, `report` in `cli_report`, the reading of their input in
`cli_input` and `cli_read`.
"""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from ..definition.instrument import Instrument
from ..definition.loading import list_instruments, load_instrument
from ..engine.schema import answers_schema, result_schema
from ..errors import InstrumentNotFoundError, RiskScoringError
from ..report.describe import Description, describe
from ..report.render import LANGUAGES
from .check import DEFAULT_EXAMPLES, Finding, check_definitions, definition_files
from .cli_assess import LANG, PROGRESS_AFTER, assess_command, stderr_is_terminal
from .cli_input import NotLoaded, load_named
from .cli_report import report_command
from .cli_serve import fhir_command, serve_command

__all__ = ["PROGRESS_AFTER", "main"]

INSTALL_TESTING = "pip install '.[testing]' from a checkout (docs/installation.md)"


class _Guarded(click.Group):
    """A group whose commands never end in a traceback: anything unexpected is one line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            command = ctx.invoked_subcommand or ctx.info_name or "risk-scoring"
            click.echo(
                f"error: {command}: unexpected {type(exc).__name__} (no input is shown: it "
                "may hold personal data); please report this as a bug",
                err=True,
            )
            ctx.exit(1)


@click.group(cls=_Guarded, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="risk_scoring")
def main() -> None:
    """Structured risk assessment of violence in close relationships.

    Instruments are versioned YAML definitions; answers are YAML or JSON files.
    """


main.add_command(assess_command)
main.add_command(report_command)
main.add_command(serve_command)
main.add_command(fhir_command)


def _instrument_argument(ref: str) -> Instrument:
    """The instrument an argument names: exit 2 if there is none, 1 if it is invalid."""
    try:
        return load_named(ref)
    except NotLoaded as exc:
        if exc.missing:
            raise click.UsageError("\n".join(exc.lines)) from None
        raise click.ClickException("\n".join(exc.lines)) from None


# --- list ---------------------------------------------------------------------------


@main.command("list")
@LANG
def list_command(lang: str) -> None:
    """List the built-in instruments: version, kind, item count, languages."""
    rows = []
    failed = []
    for ident in list_instruments():
        try:
            inst = load_instrument(ident)
        except RiskScoringError as exc:
            failed.append(f"{ident}: {exc}")
            continue
        langs = ", ".join(LANGUAGES)
        title = inst.title.get(lang)
        rows.append([inst.id, inst.version, inst.kind, str(len(inst.items)), langs, title])
    click.echo(_table(["ID", "VERSION", "KIND", "ITEMS", "LANGUAGES", "TITLE"], rows))
    for line in failed:
        click.echo(f"error: {line}", err=True)
    if failed:
        sys.exit(1)


# --- show ---------------------------------------------------------------------------


@main.command("show")
@click.argument("instrument")
@LANG
def show_command(instrument: str, lang: str) -> None:
    """Show an instrument: items by domain with scales, levels and rules, in one language.

    INSTRUMENT is a built-in id (see `list`) or the path of a definition file. Values
    marked `*` are not yet verified against the published source, values marked `°` are
    confirmed by a secondary source only (see `check --notes`).
    """
    click.echo(render_text(describe(_instrument_argument(instrument), lang)))


def render_text(found: Description) -> str:
    """The description as `show` prints it: paragraphs and tables fitted to the terminal."""
    out = [found.title, "=" * min(len(found.title), _width()), found.facts]
    for paragraph in found.paragraphs:
        out += _wrap(paragraph)
    for table in found.tables:
        out += ["", table.title]
        out.append(_table([h.upper() for h in table.headers], table.rows))
        out += [line for note in table.notes for line in _wrap(note)]
    out += ["", found.footnote]
    return "\n".join(out)


def _width() -> int:
    return max(60, shutil.get_terminal_size((100, 24)).columns)


def _wrap(text: str) -> list[str]:
    return textwrap.wrap(" ".join(text.split()), _width()) or [""]


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain table that fits the terminal: the widest columns wrap (never the first)."""
    if not rows:
        return "  (-)"
    count = len(headers)
    table = [list(headers), *[list(r) for r in rows]]
    widths = [max(1, *(len(row[i]) for row in table)) for i in range(count)]
    room = _width() - 2 - 2 * (count - 1)
    while sum(widths) > room:
        widest = max(range(1, count), key=lambda i: widths[i], default=0)
        if widest == 0 or widths[widest] <= 16:
            break
        widths[widest] -= 1
    lines = []
    for row in table:
        cells = [textwrap.wrap(row[i], widths[i]) or [""] for i in range(count)]
        for n in range(max(len(c) for c in cells)):
            parts = [(c[n] if n < len(c) else "").ljust(widths[i]) for i, c in enumerate(cells)]
            lines.append(("  " + "  ".join(parts)).rstrip())
    return "\n".join(lines)


# --- check --------------------------------------------------------------------------


def _has_hypothesis() -> bool:
    try:
        import hypothesis  # noqa: F401
    except ImportError:
        return False
    return True


@main.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
    show_default=True, help="text: path:line:col lines; json: one document; github: annotations.",
)  # fmt: skip
@click.option("--notes", is_flag=True, help="Also list notes: unverified values, skipped stages.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--properties/--no-properties", default=True, show_default=True,
    help="Run the Hypothesis properties (they need the testing extra).",
)  # fmt: skip
@click.option(
    "--examples", type=click.IntRange(1, 10_000), default=DEFAULT_EXAMPLES, show_default=True,
    help="Examples per property and instrument.",
)  # fmt: skip
@click.option("--seed", type=int, default=0, show_default=True, help="Hypothesis seed.")
def check_command(
    paths: tuple[Path, ...],
    fmt: str,
    notes: bool,
    strict: bool,
    properties: bool,
    examples: int,
    seed: int,
) -> None:
    """Verify instrument definitions, golden cases and properties.

    PATHS are definition files or folders (every *.yaml in them, golden cases from
    their cases/ folder); none means the built-in instruments. A golden case file
    stands for its instrument. Prints one line per problem,
    `path:line:col: severity: message`; exit 0 when no errors, 1 when any (or any
    warning with --strict, or the properties could not run because Hypothesis is not
    installed and --no-properties was not given), 2 on a usage error. A progress bar
    runs on stderr when it is a terminal.
    """
    try:
        files = definition_files(paths)
    except InstrumentNotFoundError as exc:  # pragma: no cover - click checks that paths exist
        raise click.UsageError(f"no such path: {exc}") from None
    if not files:
        raise click.UsageError("no definitions found (*.yaml) in " + ", ".join(map(str, paths)))
    unable = properties and not _has_hypothesis()
    run_properties = properties and not unable
    if stderr_is_terminal():
        with click.progressbar(length=len(files), label="Checking", file=sys.stderr) as bar:
            summary = check_definitions(
                paths,
                properties=run_properties,
                max_examples=examples,
                seed=seed,
                progress=lambda _path: bar.update(1),
            )
    else:
        summary = check_definitions(
            paths, properties=run_properties, max_examples=examples, seed=seed
        )
    shown = [f for f in summary.findings if notes or f.severity != "note"]
    if fmt == "json":
        document = {
            "findings": [f.to_dict() for f in shown],
            "counts": {s: summary.count(s) for s in ("error", "warning", "note")},
            "definitions": summary.definitions,
            "cases": summary.cases,
            "seconds": round(summary.seconds, 3),
        }
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        for finding in shown:
            click.echo(_github(finding) if fmt == "github" else str(finding))
    note_count = summary.count("note")
    hint = "" if notes or not note_count else " (list them with --notes)"
    click.echo(
        f"checked {_n(summary.definitions, 'definition')} and "
        f"{_n(summary.cases, 'golden case')} "
        f"in {summary.seconds:.1f} s: {_n(summary.count('error'), 'error')}, "
        f"{_n(summary.count('warning'), 'warning')}, {_n(note_count, 'note')}{hint}",
        err=True,
    )
    if unable:
        click.echo(
            "error: the property stage did not run: it needs Hypothesis, which is not "
            f"installed; install the testing extra ({INSTALL_TESTING}) or pass --no-properties",
            err=True,
        )
        sys.exit(1)
    sys.exit(1 if summary.failed(strict=strict) else 0)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github(f: Finding) -> str:
    kind = {"error": "error", "warning": "warning", "note": "notice"}[f.severity]
    where = f"file={f.source},line={f.line or 1},col={f.column or 1}"
    message = f"{f.path}: {f.message}" if f.path else f.message
    return f"::{kind} {where}::{_escape(message)}"


# --- schema -------------------------------------------------------------------------


@main.command("schema")
@click.argument("instrument", required=False)
@click.option("--result", "result", is_flag=True, help="The schema of results instead.")
@click.option(
    "--file", "for_file", is_flag=True,
    help="Allow the 'instrument' key that answer files for this command carry.",
)  # fmt: skip
def schema_command(instrument: str | None, result: bool, for_file: bool) -> None:
    """Print a JSON Schema (Draft 2020-12): an instrument's answers, or with --result results.

    INSTRUMENT is a built-in id or the path of a definition file.
    """
    if result == (instrument is not None):
        raise click.UsageError("give an INSTRUMENT, or --result (not both)")
    if result:
        schema = result_schema()
    else:
        assert instrument is not None
        schema = answers_schema(_instrument_argument(instrument), instrument_key=for_file)
    click.echo(json.dumps(schema, ensure_ascii=False, indent=2))


if __name__ == "__main__":  # pragma: no cover
    main()
