"""`risk-scoring report`: an answers file or a stored result to a report.

Exit status as for every command (`docs/cli.md`): 1 when the input fails or the report
cannot be rendered or written, 2 for a usage error (`-o` naming a folder, a bad
`--rendered-at`, a path that does not exist).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

import click

from ..definition.instrument import Instrument
from ..definition.loading import list_instruments
from ..definition.result import Result
from ..errors import ReportError
from ..report.render import FORMATS, render_report
from .cli_assess import LANG, assess_input, incomplete, instrument_option, targets, unexpected
from .cli_input import (
    _ID,
    STDIN,
    STDIN_NAME,
    FileFailed,
    Input,
    NotLoaded,
    load_named,
    read_input,
    shown,
)

# --- report -------------------------------------------------------------------------


def iso_time(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> dt.date | dt.datetime | None:
    """`--rendered-at`: an ISO 8601 date (``2026-11-22``) or date and time
    (``2026-11-22T14:03:00+01:00``, ``...Z``); a usage error otherwise."""
    if value is None:
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(
            f"{shown(value)} is not an ISO 8601 date or date and time", ctx, param
        ) from None


def output_option(raw: str | None) -> Path | None:
    """The file `-o` names; a usage error for a folder or a file in a missing folder."""
    if raw is None:
        return None
    path = Path(raw)
    if raw.endswith(("/", os.sep)) or path.is_dir():
        raise click.UsageError(f"-o {raw}: is a folder; give the name of the file to write")
    parent = path.parent
    if not parent.is_dir():
        raise click.UsageError(f"-o {raw}: the folder {parent} does not exist")
    return path


def _write(path: Path, content: bytes) -> None:
    """Write `content` to `path` whole or not at all; exit 1 with a message if it fails."""
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        raise click.ClickException(f"cannot write {path}: {exc.strerror}") from None


def _stored(found: Input, default: Instrument | None) -> tuple[Result, Instrument | None]:
    """The stored result in `found` and the definition to render it with (None: built-in)."""
    result = found.result()
    if default is None and not (
        _ID.fullmatch(result.instrument) and result.instrument in list_instruments()
    ):
        raise FileFailed(
            [
                f"{found.name}: the result was computed with {shown(result.instrument)}, "
                "which is not a built-in instrument; pass --instrument its definition"
            ]
        )
    return result, default


def _titles(result: Result, inst: Instrument | None) -> Instrument | None:
    """The definition to take titles from: `inst`, or the built-in one the result names."""
    if inst is not None:
        return inst
    try:
        return load_named(result.instrument)
    except NotLoaded:
        return None


@click.command("report")
@click.argument("file")
@click.option(
    "--format", "fmt", type=click.Choice([*FORMATS, "pdf"]), default="html", show_default=True,
    help="pdf needs the pdf extra (pip install 'risk_scoring[pdf]').",
)  # fmt: skip
@LANG
@click.option("--instrument", help="Instrument id or path, if the file does not name one.")
@click.option("-o", "--output", "output_raw", help="Write here, not to stdout.")
@click.option(
    "--rendered-at", callback=iso_time, default=None, metavar="ISO",
    help="Print this as the time of rendering (ISO date or datetime); default: not printed.",
)  # fmt: skip
def report_command(
    file: str,
    fmt: str,
    lang: str,
    instrument: str | None,
    output_raw: str | None,
    rendered_at: dt.date | dt.datetime | None,
) -> None:
    """Render the report of an answers file or a stored result (html, markdown, text, pdf).

    FILE is an answers file (YAML or JSON), a result JSON as `assess` prints it, or `-`
    for standard input. Without --rendered-at the same input gives the same bytes.
    """
    output = output_option(output_raw)
    if fmt == "pdf":
        from ..report.pdf import pdf_available

        if output is None and sys.stdout.isatty():
            raise click.UsageError("a PDF is binary: give -o FILE or redirect stdout")
        reason = pdf_available()
        if reason is not None:
            raise click.ClickException(reason)
    default = instrument_option(instrument)
    if file != STDIN and os.path.isdir(file):
        raise click.UsageError(f"{file}: is a folder; report takes one file")
    (target,) = targets([file])
    name = STDIN_NAME if target.path is None else str(target.path)
    try:
        found = read_input(target.path)
        if found.kind == "result":
            result, inst = _stored(found, default)
        else:
            result, inst = assess_input(found, default)
        content = _render(result, fmt, lang, inst, rendered_at)
    except FileFailed as exc:
        for line in exc.lines:
            click.echo(line, err=True)
        sys.exit(1)
    except ReportError as exc:
        raise click.ClickException(f"{name}: {exc}") from None
    except Exception as exc:  # never a traceback
        click.echo(unexpected(target, exc), err=True)
        sys.exit(1)
    note = incomplete(name, result, _titles(result, inst))
    if note is not None:
        click.echo(note, err=True)
    if output is None:
        if fmt == "pdf":
            sys.stdout.buffer.write(content)
            sys.stdout.buffer.flush()
        else:
            click.echo(content.decode("utf-8"), nl=False)
    else:
        _write(output, content)


def _render(
    result: Result,
    fmt: str,
    lang: str,
    inst: Instrument | None,
    rendered_at: dt.date | dt.datetime | None,
) -> bytes:
    if fmt == "pdf":
        from ..report.pdf import render_pdf

        return render_pdf(result, lang, instrument=inst, rendered_at=rendered_at)
    text = render_report(result, fmt, lang, instrument=inst, rendered_at=rendered_at)
    return text.encode("utf-8")
