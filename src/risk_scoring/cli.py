"""The `risk-scoring` command: list instruments, assess answer files, write reports."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from . import _yaml
from .assessment import assess
from .errors import RiskScoringError
from .loading import list_instruments, load_instrument
from .report import FORMATS, LANGUAGES, render_report
from .result import Result


def _read_answers(path: Path) -> dict[str, Any]:
    """An answers file (YAML or JSON): the answers mapping plus `instrument`."""
    doc = _yaml.parse(path.read_bytes(), str(path))
    if not isinstance(doc.data, dict):
        raise click.ClickException(f"{path}: an answers file must hold a mapping")
    return doc.data


def _assess_file(path: Path, instrument: str | None) -> Result:
    data = dict(_read_answers(path))
    ident = data.pop("instrument", None) or instrument
    if not isinstance(ident, str):
        raise click.ClickException(
            f"{path}: name the instrument (key 'instrument' or --instrument)"
        )
    return assess(load_instrument(ident), data)


@click.group()
@click.version_option(package_name="risk_scoring")
def main() -> None:
    """Structured risk assessment of violence in close relationships."""


@main.command("list")
def list_command() -> None:
    """List the built-in instruments."""
    for ident in list_instruments():
        inst = load_instrument(ident)
        click.echo(f"{inst.id}\t{inst.version}\t{inst.kind}\t{len(inst.items)} items")


@main.command("assess")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--instrument", help="Instrument id or path, if the file does not name one.")
def assess_command(files: tuple[Path, ...], instrument: str | None) -> None:
    """Assess answer files (YAML or JSON) and print one JSON result per line."""
    failed = 0
    for path in files:
        try:
            click.echo(_assess_file(path, instrument).model_dump_json())
        except (RiskScoringError, _yaml.YAMLProblems, click.ClickException) as exc:
            failed += 1
            click.echo(f"{path}: {_message(exc)}", err=True)
    sys.exit(1 if failed else 0)


@main.command("report")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="html")
@click.option("--lang", type=click.Choice(list(LANGUAGES)), default="nb")
@click.option("--instrument", help="Instrument id or path, if the file does not name one.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write here, not stdout.")
def report_command(
    file: Path, fmt: str, lang: str, instrument: str | None, output: Path | None
) -> None:
    """Assess an answers file and render the report."""
    try:
        text = render_report(_assess_file(file, instrument), fmt, lang)
    except (RiskScoringError, _yaml.YAMLProblems) as exc:
        raise click.ClickException(f"{file}: {_message(exc)}") from None
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


def _message(exc: Exception) -> str:
    if isinstance(exc, _yaml.YAMLProblems):
        return "\n".join(map(str, exc.problems))
    if isinstance(exc, click.ClickException):
        return exc.message
    return str(exc)


if __name__ == "__main__":  # pragma: no cover
    main()
