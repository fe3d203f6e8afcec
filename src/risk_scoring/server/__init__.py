"""The HTTP service with entry forms (the `server` extra): `create_app` for a host's own
ASGI server, `serve` for `risk-scoring serve`."""

from .app import create_app
from .run import serve

__all__ = ["create_app", "serve"]
