"""Same input, same bytes: across hash seeds and fresh interpreters; nothing lost.

Threat model: docs/security.md §5. Results are stored and compared by other systems
(and signed or hashed by some), so the JSON of a result must depend on nothing but the
answers and the definition: not on `PYTHONHASHSEED` (set and dict ordering), not on
what ran before in the process, not on the order of keys in the answers mapping. And a
stored result must come back whole: every golden case's result read back from its JSON
is equal to the original and renders the same reports.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import risk_scoring as rs
from risk_scoring.tooling.golden import case_files, read_case
from tests.security_support import seeded_jobs

ROOT = Path(__file__).resolve().parents[1]
FORMATS = [(fmt, lang) for fmt in ("html", "markdown", "text") for lang in ("nb", "en")]

# Run in a fresh interpreter: assess the seeded jobs, render every report, print digests.
SCRIPT = """
import hashlib, sys
sys.path.insert(0, {root!r})
import risk_scoring as rs
from tests.security_support import seeded_jobs
results = hashlib.sha256()
reports = hashlib.sha256()
for ident, raw in seeded_jobs(per_instrument=3):
    result = rs.assess(ident, raw)
    results.update(result.model_dump_json().encode() + b"\\n")
    for fmt, lang in {formats!r}:
        text = rs.render_report(result, fmt, lang, rendered_at="2026-11-22T10:00")
        reports.update(text.encode() + b"\\0")
print(results.hexdigest(), reports.hexdigest())
"""


def _digests_here() -> str:
    results = hashlib.sha256()
    reports = hashlib.sha256()
    for ident, raw in seeded_jobs(per_instrument=3):
        result = rs.assess(ident, raw)
        results.update(result.model_dump_json().encode() + b"\n")
        for fmt, lang in FORMATS:
            text = rs.render_report(result, fmt, lang, rendered_at="2026-11-22T10:00")
            reports.update(text.encode() + b"\0")
    return f"{results.hexdigest()} {reports.hexdigest()}"


def _digests_in_fresh_interpreter(hash_seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    script = SCRIPT.format(root=str(ROOT), formats=FORMATS)
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_same_bytes_under_every_hash_seed_and_in_a_fresh_interpreter() -> None:
    here = _digests_here()
    seeds = ["0", "1", "4242", "random"]
    assert {_digests_in_fresh_interpreter(seed) for seed in seeds} == {here}


def _reordered(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _reordered(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [_reordered(v) for v in value]
    return value


def test_key_order_in_the_answers_does_not_change_the_bytes() -> None:
    for ident, raw in seeded_jobs(per_instrument=3):
        assert (
            rs.assess(ident, _reordered(raw)).model_dump_json()
            == rs.assess(ident, raw).model_dump_json()
        )


def test_same_bytes_after_other_work_in_the_process() -> None:
    jobs = seeded_jobs(per_instrument=2)
    first = [rs.assess(ident, raw).model_dump_json() for ident, raw in jobs]
    for ident, raw in reversed(jobs):  # warm every cache in another order
        rs.render_report(rs.assess(ident, raw), "html", "en")
    assert [rs.assess(ident, raw).model_dump_json() for ident, raw in jobs] == first


def _golden() -> list[tuple[str, Path]]:
    return [
        (ident, path)
        for ident in rs.list_instruments()
        for path in case_files(rs.load_instrument(ident))
    ]


@pytest.mark.parametrize(("ident", "path"), _golden(), ids=[f"{i}/{p.stem}" for i, p in _golden()])
def test_every_golden_result_round_trips_into_an_equal_result_and_report(
    ident: str, path: Path
) -> None:
    inst = rs.load_instrument(ident)
    data, _doc = read_case(path)
    result = inst.assess(data["answers"])
    text = result.model_dump_json()
    back = rs.Result.model_validate_json(text)
    assert back == result
    assert back.model_dump_json() == text
    assert rs.Result.model_validate(result.model_dump()) == result
    for fmt, lang in FORMATS:
        assert rs.render_report(back, fmt, lang) == rs.render_report(result, fmt, lang)
