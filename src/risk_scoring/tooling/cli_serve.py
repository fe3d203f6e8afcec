"""`risk-scoring serve` (the HTTP service) and `risk-scoring fhir` (a Questionnaire)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import RiskScoringError
from .cli_assess import LANG
from .cli_input import NotLoaded, load_named


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--token-file", type=click.Path(path_type=Path, dir_okay=False),
    help="A file holding the bearer token (else RISK_SCORING_TOKEN).",
)  # fmt: skip
def serve_command(host: str, port: int, token_file: Path | None) -> None:
    """Serve the HTTP API and the entry forms (needs the server extra).

    Binds 127.0.0.1 unless --host says otherwise; any address other machines can reach
    is refused without a token (--token-file or RISK_SCORING_TOKEN), which every route
    but /health then requires as `Authorization: Bearer <token>`.
    """
    try:
        from ..server.run import check_address, serve, token_from
    except ImportError:
        raise click.ClickException(
            "the service needs the server extra: pip install '.[server]'"
        ) from None
    try:
        token = token_from(token_file)
        check_address(host, token)
    except RiskScoringError as exc:
        raise click.UsageError(str(exc)) from None
    serve(host, port, token)


@click.command("fhir")
@click.argument("instrument")
@LANG
def fhir_command(instrument: str, lang: str) -> None:
    """Print INSTRUMENT as a FHIR R4 Questionnaire (JSON), titled in --lang."""
    from ..interop.fhir import to_fhir_questionnaire

    try:
        inst = load_named(instrument)
    except NotLoaded as exc:
        error = click.UsageError if exc.missing else click.ClickException
        raise error("\n".join(exc.lines)) from None
    click.echo(json.dumps(to_fhir_questionnaire(inst, lang), ensure_ascii=False, indent=2))
