"""`risk-scoring serve`: run the service on uvicorn, on loopback unless a token is set.

The service binds 127.0.0.1 by default. Any other address is reachable by other
machines, so it is refused unless a token guards the routes (`--token-file` or the
``RISK_SCORING_TOKEN`` variable); TLS and user identity belong to the gateway in front
of it (docs/security.md). uvicorn's own access log is off: it prints query strings. The
service's log line names the method, the route, the status and the time, nothing else.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from ..errors import RiskScoringError
from .security import is_loopback

TOKEN_VARIABLE = "RISK_SCORING_TOKEN"
MIN_TOKEN = 16


class ServeError(RiskScoringError):
    """The service cannot start as asked: a public address without a token, a bad token."""


def token_from(token_file: str | os.PathLike[str] | None) -> str | None:
    """The token from `token_file` (its first line), else from ``RISK_SCORING_TOKEN``."""
    if token_file is not None:
        path = Path(token_file)
        try:
            if not path.is_file() or path.stat().st_size > 4096:
                raise ServeError(f"{path}: not a token file (a small regular file)")
            token = path.read_text(encoding="utf-8", errors="replace").strip()
        except OSError as exc:
            raise ServeError(f"{path}: cannot read: {exc.strerror}") from None
    else:
        token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if not token:
        return None
    if len(token) < MIN_TOKEN:
        raise ServeError(f"the token is {len(token)} characters; use at least {MIN_TOKEN}")
    return token


def check_address(host: str, token: str | None) -> None:
    """Refuse an address other machines can reach unless a token is set."""
    if not is_loopback(host) and token is None:
        raise ServeError(
            f"{host} is reachable from other machines: set a token "
            f"(--token-file or {TOKEN_VARIABLE}) or bind 127.0.0.1"
        )


def serve(host: str = "127.0.0.1", port: int = 8000, token: str | None = None) -> None:
    """Run the service until interrupted."""
    check_address(host, token)
    try:
        import uvicorn
    except ImportError:
        raise ServeError("the service needs the server extra: pip install '.[server]'") from None
    from .app import create_app

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    log = logging.getLogger("risk_scoring.server")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    shown = f"[{host}]" if ":" in host else host
    print(f"risk_scoring serving on http://{shown}:{port}/", file=sys.stderr)
    uvicorn.run(
        create_app(token=token),
        host=host,
        port=port,
        access_log=False,
        log_level="warning",
        server_header=False,
    )
