"""A live service on a free loopback port, for tests that drive it over real HTTP."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

SENTINEL = "Kari Nordmann f. 01.02.1990 RTSENTINEL-q9z"
NO = {str(n): "no" for n in range(1, 25)}
SARA_ITEMS = [
    f"{d}{n}" for d, count in (("N", 8), ("P", 10), ("V", 6)) for n in range(1, count + 1)
]


@contextmanager
def live_server(**options: Any) -> Iterator[str]:
    """Serve `create_app(**options)` on 127.0.0.1 (a free port) and yield its base URL."""
    import uvicorn

    from risk_scoring.server import create_app

    config = uvicorn.Config(
        create_app(**options), host="127.0.0.1", port=0, access_log=False, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the service did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def sara_form(client: httpx.Client, lang: str = "en") -> dict[str, str]:
    """A filled-in SARA-V3 form (every item rated N, judgements given), as posted."""
    page = client.get(f"/instruments/sara-v3/form?lang={lang}").text
    data = {"csrf": csrf_of(page)}
    data.update({f"items.{item}.recent": "N" for item in SARA_ITEMS})
    data["judgements.case_prioritization"] = "moderate"
    data["judgements.serious_harm"] = "moderate"
    data["judgements.imminent_violence"] = "low"
    return data
