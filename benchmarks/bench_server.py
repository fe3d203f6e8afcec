"""HTTP throughput and latency of `POST /instruments/sara-v3/assess` (SPEC §5).

Target: one uvicorn worker, 32 concurrent clients on loopback, >= 1,000 requests per
second with p99 <= 50 ms. The service runs in its own process (pinned to one core when
`os.sched_setaffinity` allows); the clients are keep-alive connections driven by
asyncio in this process, each sending a full sara-v3 case (24 items x 3 dimensions) and
reading the whole result. Run with `make bench` or `python benchmarks/bench_server.py`.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time

from bench_assess import sara_answers

CLIENTS = 32
SECONDS = 10.0
WARMUP = 2.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _start(port: int) -> subprocess.Popen[bytes]:
    code = (
        "import os, uvicorn\n"
        "from risk_scoring.server import create_app\n"
        "if hasattr(os, 'sched_setaffinity'): os.sched_setaffinity(0, {0})\n"
        f"uvicorn.run(create_app(), host='127.0.0.1', port={port}, access_log=False,"
        " log_level='warning')\n"
    )
    server = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.05)
    server.kill()
    raise RuntimeError("the service did not start")


async def _client(port: int, request: bytes, stop: float, latencies: list[float]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < stop:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            body = await reader.readexactly(length)
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(head[:40] + body[:200])
            latencies.append(time.perf_counter() - started)
    finally:
        writer.close()


async def _run(port: int, seconds: float) -> list[float]:
    body = json.dumps(sara_answers()).encode()
    request = (
        b"POST /instruments/sara-v3/assess HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )
    latencies: list[float] = []
    stop = time.perf_counter() + seconds
    await asyncio.gather(*(_client(port, request, stop, latencies) for _ in range(CLIENTS)))
    return latencies


def main() -> None:
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {1})
    port = _free_port()
    server = _start(port)
    try:
        asyncio.run(_run(port, WARMUP))
        latencies = asyncio.run(_run(port, SECONDS))
    finally:
        server.terminate()
        server.wait(10)
    latencies.sort()
    rate = len(latencies) / SECONDS
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99)] * 1000
    print(f"POST /instruments/sara-v3/assess, 1 worker, {CLIENTS} clients, {SECONDS:g} s")
    print(f"  {rate:,.0f} requests/s   p50 {p50:.1f} ms   p99 {p99:.1f} ms")
    print(
        f"  target >= 1,000/s and p99 <= 50 ms: {'met' if rate >= 1000 and p99 <= 50 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
