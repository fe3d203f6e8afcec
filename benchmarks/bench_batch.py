"""Batch scoring throughput and memory (SPEC §5: frame scoring >= 200,000 rows/s).

Scores 1,000,000 synthetic SARA-V3 assessments (every item rated recent, past and
relevance; made up by `synthetic_frame`, never real people) with `score_frame`, checks
a random sample against `assess` row by row, and measures `assess_many` streaming.
Peak memory is traced with `tracemalloc` (numpy and pandas buffers included) around
each measured call; the process's peak resident size is reported too.

    python benchmarks/bench_batch.py            # 1,000,000 rows
    python benchmarks/bench_batch.py --rows 200000 --text

`--text` also scores the same frame with text (not categorical) columns.
Exit status 1 when `score_frame` is below 200,000 rows/s or differs from `assess`.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import platform
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pandas as pd

import risk_scoring as rs
from risk_scoring.analysis.frames import frame_to_answers, score_frame, synthetic_frame, to_frame
from risk_scoring.engine.batch import assess_many

TARGET = 200_000
T = TypeVar("T")


def timed(run: Callable[[], T], repeat: int = 3) -> tuple[float, T]:
    """The best wall time of `repeat` runs, and the last run's value."""
    best = float("inf")
    value: Any = None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        value = run()
        best = min(best, time.perf_counter() - start)
    return best, value


def peak_traced(run: Callable[[], Any]) -> int:
    """Peak bytes allocated while `run` runs (what it allocates, not what existed)."""
    gc.collect()
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def mib(count: float) -> float:
    return round(count / 2**20, 1)


def sample_matches(inst: rs.Instrument, answers: pd.DataFrame, scored: pd.DataFrame) -> bool:
    sample = answers.sample(2_000, random_state=0)
    one_by_one = to_frame(assess_many(inst, frame_to_answers(inst, sample)), instrument=inst)
    one_by_one.index = sample.index
    try:
        pd.testing.assert_frame_equal(scored.loc[sample.index], one_by_one)
    except AssertionError as exc:
        print(f"score_frame differs from assess: {exc}", file=sys.stderr)
        return False
    return True


def streamed(pool: list[dict[str, Any]], count: int) -> Iterator[dict[str, Any]]:
    return itertools.islice(itertools.cycle(pool), count)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--stream-rows", type=int, default=50_000)
    parser.add_argument("--text", action="store_true", help="also score text columns")
    args = parser.parse_args()

    inst = rs.load_instrument("sara-v3")
    answers = synthetic_frame(inst, args.rows, seed=2026)
    score_frame(inst, answers.head(100))  # compile the plans before timing

    seconds, scored = timed(lambda: score_frame(inst, answers))
    report: dict[str, Any] = {
        "python": platform.python_version(),
        "pandas": pd.__version__,
        "rows": args.rows,
        "columns": answers.shape[1],
        "score_frame_seconds": round(seconds, 3),
        "score_frame_rows_per_second": round(args.rows / seconds),
        "score_frame_peak_mib": mib(peak_traced(lambda: score_frame(inst, answers))),
        "input_frame_mib": mib(answers.memory_usage(deep=True).sum()),
        "result_frame_mib": mib(scored.memory_usage(deep=False).sum()),
        "sample_equals_assess": sample_matches(inst, answers, scored),
    }
    del scored
    if args.text:
        text = answers.astype({c: "str" for c in answers.columns if c.startswith(("N", "P", "V"))})
        text_seconds, _ = timed(lambda: score_frame(inst, text), repeat=1)
        report["score_frame_text_columns_rows_per_second"] = round(args.rows / text_seconds)
        del text

    pool = list(frame_to_answers(inst, answers.head(1_000)))
    count = args.stream_rows
    stream_seconds, _ = timed(lambda: sum(1 for _ in assess_many(inst, streamed(pool, count))), 1)
    report["assess_many_rows_per_second"] = round(count / stream_seconds)

    # Constant memory: the peak for 10x the rows is no larger (tracing is slow, so fewer).
    def stream(n: int) -> Callable[[], int]:
        return lambda: sum(1 for _ in assess_many(inst, streamed(pool, n)))

    report["assess_many_peak_mib"] = {n: mib(peak_traced(stream(n))) for n in (count // 10, count)}
    from_frame = answers.head(count)
    frame_seconds, _ = timed(
        lambda: sum(1 for _ in assess_many(inst, frame_to_answers(inst, from_frame))), 1
    )
    report["assess_many_from_frame_rows_per_second"] = round(count / frame_seconds)
    report["process_peak_rss_mib"] = mib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    print(json.dumps(report, indent=2))
    ok = report["score_frame_rows_per_second"] >= TARGET and report["sample_equals_assess"]
    if not ok:
        print(f"below target: score_frame >= {TARGET:,} rows/s, equal to assess", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
