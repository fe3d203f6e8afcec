"""Many threads at once: identical results and reports, caller inputs never changed.

Threat model: docs/security.md §5. risk_scoring runs inside web servers and notebook
kernels with threads. Caches (definitions, compiled plans, template environments) are
filled lazily, so the tests empty them and then let many threads race to fill them
while they assess and render; every result's JSON and every report must equal the one
computed alone beforehand, and no answers mapping (shared by all threads) may change.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import risk_scoring as rs
from risk_scoring.definition import loading
from risk_scoring.engine.batch import assess_many
from risk_scoring.report import environment as _templates
from tests.security_support import LONG, same, seeded_jobs, snapshot

THREADS = 16
ROUNDS = 12 if LONG else 2
FORMATS = [("html", "nb"), ("markdown", "en"), ("text", "nb")]


def _work(ident: str, raw: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    inst = rs.load_instrument(ident)
    result = inst.assess(raw)
    reports = tuple(
        rs.render_report(result, fmt, lang, rendered_at="2026-11-22") for fmt, lang in FORMATS
    )
    return result.model_dump_json(), reports


def _cold() -> None:
    """Empty the caches that are filled on first use, so threads race to fill them."""
    with loading._lock:
        loading._cache.clear()
    with _templates._lock:
        _templates._environments.clear()


@pytest.fixture(scope="module")
def jobs() -> list[tuple[str, dict[str, Any]]]:
    return seeded_jobs(per_instrument=4)


@pytest.fixture(scope="module")
def expected(jobs: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, tuple[str, ...]]]:
    return [_work(ident, raw) for ident, raw in jobs]


def test_threads_assessing_and_rendering_at_once_agree_with_one_thread(
    jobs: list[tuple[str, dict[str, Any]]], expected: list[tuple[str, tuple[str, ...]]]
) -> None:
    before = [snapshot(raw) for _ident, raw in jobs]
    for _ in range(ROUNDS):
        _cold()
        start = threading.Barrier(THREADS)

        def task(index: int, start: threading.Barrier = start) -> tuple[str, tuple[str, ...]]:
            if index < THREADS:
                start.wait(timeout=30)  # the first tasks of each thread start together
            ident, raw = jobs[index % len(jobs)]
            return _work(ident, raw)

        count = len(jobs) * 2
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            got = list(pool.map(task, range(count)))
        for index, outcome in enumerate(got):
            assert outcome == expected[index % len(jobs)], f"job {index % len(jobs)} differs"
    for (_ident, raw), snap in zip(jobs, before, strict=False):
        assert same(snapshot(raw), snap), "a thread changed the caller's answers"


def test_threads_sharing_one_answers_mapping_never_change_it() -> None:
    ident, raw = seeded_jobs(per_instrument=1)[0]
    snap = snapshot(raw)
    inst = rs.load_instrument(ident)
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        texts = set(pool.map(lambda _n: inst.assess(raw).model_dump_json(), range(400)))
    assert len(texts) == 1
    assert same(snapshot(raw), snap)


def test_batches_in_threads_agree_with_one_thread(
    jobs: list[tuple[str, dict[str, Any]]], expected: list[tuple[str, tuple[str, ...]]]
) -> None:
    by_instrument: dict[str, list[int]] = {}
    for index, (ident, _raw) in enumerate(jobs):
        by_instrument.setdefault(ident, []).append(index)

    def batch(ident: str) -> list[str]:
        rows = [jobs[i][1] for i in by_instrument[ident]] * 20
        return [r.model_dump_json() for r in assess_many(ident, rows)]

    _cold()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        outcomes = dict(zip(by_instrument, pool.map(batch, list(by_instrument)), strict=False))
    for ident, texts in outcomes.items():
        wanted = [expected[i][0] for i in by_instrument[ident]] * 20
        assert texts == wanted, ident


def test_results_share_no_mutable_state(jobs: list[tuple[str, dict[str, Any]]]) -> None:
    """Emptying every list and dict of one result changes no later result."""
    for ident, raw in jobs:
        first = rs.assess(ident, raw)
        text = first.model_dump_json()
        _scribble(first)
        assert rs.assess(ident, raw).model_dump_json() == text, ident


def _scribble(value: Any, depth: int = 0) -> None:
    if depth > 6:
        return
    if isinstance(value, rs.Result):
        for name in type(value).model_fields:
            _scribble(getattr(value, name), depth + 1)
    elif isinstance(value, dict):
        for item in list(value.values()):
            _scribble(item, depth + 1)
        value.clear()
    elif isinstance(value, list):
        for item in value:
            _scribble(item, depth + 1)
        value.clear()
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            _scribble(getattr(value, name), depth + 1)


def test_results_and_definitions_are_immutable() -> None:
    result = rs.assess("odara", {"items": {str(n): "no" for n in range(1, 14)}})
    with pytest.raises(Exception, match="frozen"):
        result.level = "category-7"  # type: ignore[misc]
    inst = rs.load_instrument("odara")
    with pytest.raises(Exception, match="frozen"):
        inst.version = "x"  # type: ignore[misc]
    assert isinstance(inst.items, tuple)
