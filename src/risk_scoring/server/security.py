"""The service's defences, as one ASGI middleware and a few small functions.

- **Bodies are bounded**: a request whose declared or actual body exceeds the limit
  (1 MB) gets 413 before the application sees it.
- **A token guards every route but `/health`** when one is set (`Authorization: Bearer
  <token>`, compared in constant time); without it, 401.
- **Nothing personal is logged**: the access log line is the method, the route's path
  without its query string, the status and the time taken; a failure is logged by its
  exception type only (its text could quote case data); bodies, notes and answers never
  reach a log.
- **Headers**: responses that carry case data are `Cache-Control: no-store`; HTML pages
  carry a strict Content-Security-Policy whose `style-src` lists the hashes of the
  page's own inline styles (no `unsafe-inline`, no scripts, no external requests).
- **Form posts carry a CSRF token**: an HMAC of its issue time under a per-app secret,
  valid for `CSRF_LIFETIME` seconds.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY = 1_000_000
CSRF_LIFETIME = 8 * 3600
LOG = logging.getLogger("risk_scoring.server")
_STYLE = re.compile(rb"<style[^>]*>(.*?)</style>", re.S)
PUBLIC = frozenset({"/health"})


class BodyTooLarge(Exception):
    """The request body passed the limit while it was being read."""


def is_loopback(host: str) -> bool:
    """True for an address (or ``localhost``) that only this machine can reach."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def style_hashes(html: bytes) -> str:
    """The CSP source list of the inline `<style>` blocks in `html`."""
    hashes = []
    for match in _STYLE.finditer(html):
        digest = base64.b64encode(hashlib.sha256(match.group(1)).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    return " ".join(dict.fromkeys(hashes)) or "'none'"


def content_security_policy(html: bytes) -> str:
    """A strict policy for one of our pages: its own styles, data: images, forms to self."""
    return (
        "default-src 'none'; "
        f"style-src {style_hashes(html)}; "
        "img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )


class Csrf:
    """Stateless CSRF tokens: ``<issued>.<hmac>`` under a secret made for this app."""

    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    def _sign(self, issued: str) -> str:
        return hmac.new(self._secret, issued.encode(), hashlib.sha256).hexdigest()

    def issue(self, now: float | None = None) -> str:
        issued = str(int(now if now is not None else time.time()))
        return f"{issued}.{self._sign(issued)}"

    def valid(self, token: object, now: float | None = None) -> bool:
        if not isinstance(token, str) or token.count(".") != 1 or len(token) > 100:
            return False
        issued, signature = token.split(".")
        if not issued.isdigit() or not hmac.compare_digest(signature, self._sign(issued)):
            return False
        age = (now if now is not None else time.time()) - int(issued)
        return 0 <= age <= CSRF_LIFETIME


class Guard:
    """ASGI middleware: body limit, token, privacy-safe access log and headers."""

    def __init__(self, app: ASGIApp, *, token: str | None, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.token = token.encode() if token else None
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path: str = scope.get("path", "")
        status = 500
        responded = False

        async def sending(message: Message) -> None:
            nonlocal status, responded
            if message["type"] == "http.response.start":
                status = message["status"]
                responded = True
                headers = list(message.get("headers", []))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"no-referrer"))
                if path not in PUBLIC and not any(k == b"cache-control" for k, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        try:
            if self.token is not None and path not in PUBLIC and not self._authorised(scope):
                await _plain(sending, 401, b"a bearer token is required", bearer=True)
                return
            declared = _header(scope, b"content-length")
            if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
                await _plain(sending, 413, b"the request body is over the limit of 1 MB")
                return
            try:
                await self.app(scope, self._bounded(receive), sending)
            except BodyTooLarge:
                await _plain(sending, 413, b"the request body is over the limit of 1 MB")
            except Exception as exc:  # the exception's text may quote case data: log its type
                LOG.error("%s %s failed: %s", scope.get("method", "-"), path, type(exc).__name__)
                if not responded:
                    await _plain(sending, 500, b"internal error")
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            LOG.info("%s %s %d %.1f ms", scope.get("method", "-"), path, status, elapsed)

    def _authorised(self, scope: Scope) -> bool:
        given = _header(scope, b"authorization") or ""
        scheme, _, credentials = given.partition(" ")
        assert self.token is not None
        return scheme.lower() == "bearer" and hmac.compare_digest(
            credentials.strip().encode(), self.token
        )

    def _bounded(self, receive: Receive) -> Receive:
        seen = 0

        async def bounded() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise BodyTooLarge
            return message

        return bounded


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


async def _plain(send: Send, status: int, body: bytes, *, bearer: bool = False) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8")]
    if bearer:
        headers.append((b"www-authenticate", b"Bearer"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
