"""Scaling out: `score_frame` runs per partition under Dask and gives the same results.

This is the recipe in docs/notebooks.md: pass the instrument id (a string pickles to
any worker), and take `meta` from scoring an empty frame of the same columns.
"""

from __future__ import annotations

import pandas as pd
import pytest

from risk_scoring.analysis.frames import score_frame, score_partition, synthetic_frame

dd = pytest.importorskip("dask.dataframe")


def partitioned_scores(answers: pd.DataFrame, scheduler: str) -> pd.DataFrame:
    lazy = dd.from_pandas(answers, npartitions=4)
    meta = score_frame("sara-v3", answers.iloc[:0], keep=["district"])
    scored = lazy.map_partitions(score_partition, "sara-v3", keep=["district"], meta=meta)
    result: pd.DataFrame = scored.compute(scheduler=scheduler)
    return result


@pytest.mark.parametrize("scheduler", ["threads", "processes"])
def test_score_frame_per_partition_equals_one_frame(scheduler: str) -> None:
    answers = synthetic_frame("sara-v3", 2_000, seed=21)
    answers["district"] = ["Oslo", "Øst", "Vest", "Sør-Vest"] * 500
    whole = score_frame("sara-v3", answers, keep=["district"])
    parts = partitioned_scores(answers, scheduler)
    # Dask stores text as pyarrow strings; the kept column's values are what matters.
    assert parts["district"].tolist() == whole["district"].tolist()
    pd.testing.assert_frame_equal(parts.drop(columns="district"), whole.drop(columns="district"))
