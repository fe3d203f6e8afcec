"""Plots draw what they say on the Axes they return (matplotlib, headless)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

import risk_scoring as rs
from risk_scoring.analysis.frames import score_frame, synthetic_frame
from risk_scoring.analysis.plots import factor_prevalence, level_distribution, level_over_time

SARA_ITEMS = [f"N{i}" for i in range(1, 9)] + [f"P{i}" for i in range(1, 11)]
SARA_ITEMS += [f"V{i}" for i in range(1, 7)]


def bars(ax: Axes) -> list[Rectangle]:
    return [cast(Rectangle, patch) for patch in ax.patches]


def legend(ax: Axes) -> list[str]:
    found = ax.get_legend()
    assert found is not None
    return [t.get_text() for t in found.get_texts()]


def ydata(ax: Axes) -> list[float]:
    (line,) = ax.get_lines()
    return [float(y) for y in np.asarray(line.get_ydata())]


@pytest.fixture(autouse=True)
def close_figures() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def answers() -> pd.DataFrame:
    frame = synthetic_frame("sara-v3", 300, seed=5)
    frame["district"] = ["Oslo", "Øst", "Sør-Vest"] * 100
    return frame


def test_level_distribution_stacks_shares_per_group(answers: pd.DataFrame) -> None:
    results = score_frame("sara-v3", answers, keep=["district"])
    ax = level_distribution(results, by="district")
    labels = legend(ax)
    assert labels[:3] == ["low", "moderate", "high"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Oslo", "Sør-Vest", "Øst"]
    widths: dict[float, float] = {}
    for bar in bars(ax):
        widths[bar.get_y()] = widths.get(bar.get_y(), 0.0) + bar.get_width()
    assert all(total == pytest.approx(1.0) for total in widths.values())


def test_level_distribution_counts_and_keeps_rows_without_a_level(answers: pd.DataFrame) -> None:
    results = score_frame("sara-v3", answers, keep=["district"])
    ax = level_distribution(results, by="district", normalize=False)
    assert sum(bar.get_width() for bar in bars(ax)) == len(results)
    if results["level"].isna().any():
        assert "no level" in legend(ax)


def test_factor_prevalence_has_one_bar_per_item_and_value(answers: pd.DataFrame) -> None:
    ax = factor_prevalence("sara-v3", answers)
    assert len(ax.patches) == 24 * 2  # Y and P for each item
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0].startswith("N1 ")
    share_y = (answers["N1"] == "Y").mean()
    assert bars(ax)[0].get_width() == pytest.approx(share_y)


def test_factor_prevalence_with_chosen_values_in_norwegian(answers: pd.DataFrame) -> None:
    ax = factor_prevalence("sara-v3", answers, present=["Y"], lang="nb")
    assert len(ax.patches) == 24
    assert any("Vold" in t.get_text() for t in ax.get_yticklabels())


def test_factor_prevalence_needs_the_item_columns() -> None:
    with pytest.raises(rs.AnswerError):
        factor_prevalence("sara-v3", pd.DataFrame({"N1": ["Y"]}))


def case(day: str, level: str) -> rs.Result:
    judgements = {"case_prioritization": level, "serious_harm": "low", "imminent_violence": "low"}
    return rs.assess(
        "sara-v3",
        {
            "items": dict.fromkeys(SARA_ITEMS, "N"),
            "judgements": judgements,
            "assessed_on": day,
            "case_ref": "k-1",
        },
    )


def test_level_over_time_steps_through_the_assessments() -> None:
    results = [case("2026-03-01", "high"), case("2026-01-01", "low"), case("2026-06-01", "low")]
    ax = level_over_time(results)
    assert ydata(ax) == [0, 2, 0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["low", "moderate", "high"]


def test_level_over_time_from_a_frame_for_one_case() -> None:
    from risk_scoring.analysis.frames import to_frame

    frame = to_frame([case("2026-01-01", "moderate"), case("2026-02-01", "high")])
    ax = level_over_time(frame, case_ref="k-1")
    assert ydata(ax) == [1, 2]
