"""Batch scoring throughput and memory (SPEC §5: `score_frame` >= 1,000,000 rows/s for
sara-v3, and cost linear in rows from 10k to 5M).

Scores synthetic SARA-V3 assessments (every item rated recent, past and relevance; made
up by `synthetic_frame`, never real people) with `score_frame` at 10k, 100k, 1M and 5M
rows and reports the cost per row at each (the best of several runs; CPU time of this
process, so that other work on the machine does not count, and wall time beside it);
checks a random sample of the 1M frame against `assess` row by row; and measures
`assess_many` streaming. Peak memory is traced with `tracemalloc` (numpy and pandas
buffers included) around one call on the `--rows` frame; the process's peak resident
size is reported too.

    python benchmarks/bench_batch.py                      # 10k, 100k, 1M and 5M rows
    python benchmarks/bench_batch.py --sizes 10000,100000 --rows 100000 --text

`--text` also scores the `--rows` frame with text (not categorical) columns.
Exit status 1 when `score_frame` is below 1,000,000 rows/s at `--rows`, when the cost
per row at the largest size is over 1.2x that at `--rows`, or when it differs from
`assess`.
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
from functools import partial
from typing import Any, TypeVar

import pandas as pd

import risk_scoring as rs
from risk_scoring.analysis.frames import frame_to_answers, score_frame, synthetic_frame, to_frame
from risk_scoring.engine.batch import assess_many

TARGET = 1_000_000
LINEAR = 1.2
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


def timed_cpu(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """The best CPU time and the best wall time of `repeat` runs, in seconds."""
    cpu = wall = float("inf")
    for _ in range(repeat):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        cpu = min(cpu, time.process_time() - start_cpu)
        wall = min(wall, time.perf_counter() - start)
    return cpu, wall


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
    one_by_one = to_frame(
        assess_many(inst, frame_to_answers(inst, sample)), instrument=inst, record=False
    )
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
    parser.add_argument("--sizes", default="10000,100000,1000000,5000000")
    parser.add_argument("--rows", type=int, default=1_000_000, help="the size the target is for")
    parser.add_argument("--stream-rows", type=int, default=50_000)
    parser.add_argument("--text", action="store_true", help="also score text columns")
    args = parser.parse_args()
    sizes = sorted({int(n) for n in args.sizes.split(",")} | {args.rows})

    inst = rs.load_instrument("sara-v3")
    score_frame(inst, synthetic_frame(inst, 100, seed=1))  # compile the plans before timing
    report: dict[str, Any] = {
        "python": platform.python_version(),
        "pandas": pd.__version__,
        "score_frame": {},
    }
    answers = None
    for size in sizes:
        frame = synthetic_frame(inst, size, seed=2026)
        repeat = 7 if size <= 100_000 else 3 if size <= 1_000_000 else 2
        cpu, wall = timed_cpu(partial(score_frame, inst, frame), repeat)
        report["score_frame"][size] = {
            "us_per_row": round(cpu / size * 1e6, 3),
            "rows_per_second": round(size / cpu),
            "wall_rows_per_second": round(size / wall),
        }
        if size == args.rows:
            answers = frame
        del frame
        gc.collect()
    assert answers is not None
    per_row = {n: f["us_per_row"] for n, f in report["score_frame"].items()}
    report["cost_per_row_largest_over_target_size"] = round(
        per_row[sizes[-1]] / per_row[args.rows], 2
    )
    scored = score_frame(inst, answers)
    report.update(
        {
            "rows": args.rows,
            "columns": answers.shape[1],
            "score_frame_rows_per_second": report["score_frame"][args.rows]["rows_per_second"],
            "score_frame_peak_mib": mib(peak_traced(lambda: score_frame(inst, answers))),
            "input_frame_mib": mib(answers.memory_usage(deep=True).sum()),
            "result_frame_mib": mib(scored.memory_usage(deep=False).sum()),
            "sample_equals_assess": sample_matches(inst, answers, scored),
        }
    )
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
    fast = report["score_frame_rows_per_second"] >= TARGET
    linear = report["cost_per_row_largest_over_target_size"] <= LINEAR
    ok = fast and linear and report["sample_equals_assess"]
    if not ok:
        print(
            f"below target: score_frame >= {TARGET:,} rows/s at {args.rows:,} rows, cost per "
            f"row at {sizes[-1]:,} rows <= {LINEAR}x that, equal to assess",
            file=sys.stderr,
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
