"""Plots draw what they say, in one language, the same every time, and refuse wrong
arguments with our errors only (matplotlib, headless)."""

from __future__ import annotations

import ast
import inspect
import io
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

import risk_scoring as rs
from risk_scoring.analysis import plots
from risk_scoring.analysis.frames import score_frame, synthetic_frame, to_frame
from risk_scoring.analysis.plots import (
    agreement_matrix,
    factor_prevalence,
    level_distribution,
    level_over_time,
    level_trend,
)
from risk_scoring.errors import ExtraNotInstalledError

ROOT = Path(__file__).resolve().parents[1]
SARA_ITEMS = [f"N{i}" for i in range(1, 9)] + [f"P{i}" for i in range(1, 11)]
SARA_ITEMS += [f"V{i}" for i in range(1, 7)]
NO = {str(n): "no" for n in range(1, 25)}


def bars(ax: Axes) -> list[Rectangle]:
    return [cast(Rectangle, patch) for patch in ax.patches]


def legend(ax: Axes | Figure) -> list[str]:
    found = ax.get_legend() if isinstance(ax, Axes) else ax.legends[0]
    assert found is not None
    return [t.get_text() for t in found.get_texts()]


def legend_title(ax: Axes | Figure) -> str:
    found = ax.get_legend() if isinstance(ax, Axes) else ax.legends[0]
    assert found is not None
    return found.get_title().get_text()


def ticks(ax: Axes, axis: str = "y") -> list[str]:
    labels = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return [t.get_text() for t in labels]


def ydata(ax: Axes) -> list[float]:
    (line,) = ax.get_lines()
    return [float(y) for y in np.asarray(line.get_ydata())]


def png(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png")
    plt.close(figure)
    return out.getvalue()


def figure_of(drawn: Axes | Figure) -> Figure:
    if isinstance(drawn, Figure):
        return drawn
    found = drawn.get_figure()
    assert isinstance(found, Figure)
    return found


def all_text(drawn: Axes | Figure) -> str:
    """Every piece of text drawn on the figure (titles, labels, ticks, legends, cells)."""
    fig = figure_of(drawn)
    fig.canvas.draw()
    from matplotlib.text import Text

    return "\n".join(t.get_text() for t in fig.findobj(Text) if t.get_text())


@pytest.fixture(autouse=True)
def close_figures() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def answers() -> pd.DataFrame:
    frame = synthetic_frame("sara-v3", 300, seed=5)
    frame["district"] = ["Oslo", "Øst", "Sør-Vest"] * 100
    return frame


@pytest.fixture(scope="module")
def results(answers: pd.DataFrame) -> pd.DataFrame:
    return score_frame("sara-v3", answers, keep=["district"])


# --------------------------------------------------------------------------- levels


def test_level_distribution_shows_level_titles_and_n_per_group(results: pd.DataFrame) -> None:
    ax = level_distribution(results, by="district")
    labels = legend(ax)
    assert labels[:3] == ["Lav", "Moderat", "Høy"]
    assert legend_title(ax) == "Nivå"
    counts = results["district"].value_counts()
    assert ticks(ax) == [f"{d} (n = {counts[d]})" for d in ["Oslo", "Sør-Vest", "Øst"]]
    assert ax.get_title("left") == "Nivåfordeling per distrikt\nSARA-V3, 300 vurderinger"
    assert ax.get_xlabel() == "Andel av vurderingene"
    widths: dict[float, float] = {}
    for bar in bars(ax):
        widths[bar.get_y()] = widths.get(bar.get_y(), 0.0) + bar.get_width()
    assert all(total == pytest.approx(1.0) for total in widths.values())


def test_level_distribution_in_english_has_no_norwegian_word(results: pd.DataFrame) -> None:
    ax = level_distribution(results, by="district", lang="en")
    assert legend(ax)[:3] == ["Low", "Moderate", "High"]
    assert ax.get_title("left").startswith("Levels per district\n")
    text = all_text(ax)
    for word in ("Nivå", "vurderinger", "Andel", "Lav", "Høy", "distrikt"):
        assert word not in text


def test_level_distribution_counts_and_keeps_rows_without_a_level_or_group(
    results: pd.DataFrame,
) -> None:
    frame = results.copy()
    frame.loc[frame.index[:4], "level"] = None
    frame["district"] = frame["district"].astype(object)
    frame.loc[frame.index[4], "district"] = None
    ax = level_distribution(frame, by="district", normalize=False)
    assert sum(bar.get_width() for bar in bars(ax)) == len(frame)
    assert legend(ax)[-1] == "Uten nivå"
    assert ticks(ax)[-1] == "(ikke oppgitt) (n = 1)"
    assert ax.get_xlabel() == "Antall vurderinger"


def test_a_frame_of_an_unknown_instrument_shows_level_ids(results: pd.DataFrame) -> None:
    frame = results.assign(instrument="a-district-instrument")
    ax = level_distribution(frame, by="district")
    assert legend(ax)[:3] == ["low", "moderate", "high"]


def test_level_trend_has_a_panel_per_district_and_a_bar_per_year(results: pd.DataFrame) -> None:
    frame = results.copy()
    frame.loc[frame.index[:7], "assessed_on"] = None
    fig = level_trend(frame, by="district")
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.axison]
    dated = frame[frame["assessed_on"].notna()]
    counts = dated["district"].value_counts()
    assert [ax.get_title("left") for ax in panels] == [
        f"{d} (n = {counts[d]})" for d in ["Oslo", "Sør-Vest", "Øst"]
    ]
    years = sorted({int(day[:4]) for day in dated["assessed_on"]})
    oslo = dated[dated["district"] == "Oslo"]
    per_year = oslo["assessed_on"].str[:4].astype(int).value_counts()
    assert ticks(panels[0], "x") == [f"{y}\nn={per_year.get(y, 0)}" for y in years]
    heights: dict[float, float] = {}
    for bar in bars(panels[0]):
        heights[bar.get_x()] = heights.get(bar.get_x(), 0.0) + bar.get_height()
    assert all(h == pytest.approx(1.0) for h in heights.values() if h)
    assert legend(fig)[:3] == ["Lav", "Moderat", "Høy"]
    assert fig.get_suptitle() == "Nivåfordeling per år og distrikt\nSARA-V3, 293 vurderinger"
    assert "7 vurderinger uten dato er ikke med." in all_text(fig)


def test_level_trend_counts_levels_by_the_year_of_a_date(results: pd.DataFrame) -> None:
    frame = pd.DataFrame(
        {
            "district": ["A", "A", "A", "B"],
            "assessed_on": pd.to_datetime(["2024-01-05", "2024-12-31", "2025-03-01", "2025-06-01"]),
            "level": pd.Categorical(
                ["low", "high", "high", "moderate"], ["low", "moderate", "high"]
            ),
            "instrument": "sara-v3",
        }
    )
    fig = level_trend(frame, normalize=False, lang="en")
    a, b = (ax for ax in fig.axes if ax.axison)
    assert ticks(a, "x") == ["2024\nn=2", "2025\nn=1"]
    assert ticks(b, "x") == ["2024\nn=0", "2025\nn=1"]
    assert sum(bar.get_height() for bar in bars(a)) == 3
    assert fig.get_suptitle() == "Levels per year and district\nSARA-V3, 4 assessments"


def test_level_trend_refuses_what_is_not_a_date(results: pd.DataFrame) -> None:
    frame = results.copy()
    frame["assessed_on"] = frame["assessed_on"].astype(object)
    frame.loc[frame.index[2], "assessed_on"] = "last spring"
    with pytest.raises(rs.AnswerError, match=r"frame\.assessed_on: rows 2: not a date"):
        level_trend(frame)
    with pytest.raises(rs.AnswerError, match="has no column 'region'"):
        level_trend(results, by="region")


def test_a_bad_date_names_its_row_by_position_never_by_index_label(
    results: pd.DataFrame,
) -> None:
    frame = results.copy()
    frame.index = [f"Kari Nordmann {n}" for n in range(len(frame))]
    frame["assessed_on"] = frame["assessed_on"].astype(object)
    frame.loc[frame.index[2], "assessed_on"] = "last spring"
    with pytest.raises(rs.AnswerError) as raised:
        level_trend(frame)
    assert "rows 2: not a date" in str(raised.value)
    assert "Kari" not in str(raised.value)


# --------------------------------------------------------------------------- factors


def test_factor_prevalence_has_one_bar_per_item_and_value(answers: pd.DataFrame) -> None:
    ax = factor_prevalence("sara-v3", answers)
    assert len(ax.patches) == 24 * 2  # Y and P for each item
    labels = ticks(ax)
    assert labels[0] == "N1 Fryktfremkallende atferd"
    share_y = (answers["N1"] == "Y").mean()
    assert bars(ax)[0].get_width() == pytest.approx(share_y)
    share_p = (answers["N1"] == "P").mean()
    assert bars(ax)[24].get_width() == pytest.approx(share_p)
    assert bars(ax)[24].get_hatch() == "//"


def test_factor_prevalence_names_the_domains_and_what_the_hatching_means(
    answers: pd.DataFrame,
) -> None:
    sara = rs.load_instrument("sara-v3")
    ax = factor_prevalence(sara, answers)
    assert legend(figure_of(ax)) == [d.title.nb for d in sara.domains]
    assert legend_title(figure_of(ax)) == "Domene"
    assert ax.get_xlabel().endswith("(helfylt: Ja, skravert: Delvis)")
    assert ax.get_title("left") == "Risikofaktorer til stede\nSARA-V3, 300 vurderinger"
    colours = {bar.get_facecolor() for bar in bars(ax)[:8]}
    assert len(colours) == 1  # one domain, one colour


def test_factor_prevalence_with_chosen_values_in_english(answers: pd.DataFrame) -> None:
    ax = factor_prevalence("sara-v3", answers, present=["Y"], lang="en")
    assert len(ax.patches) == 24
    assert ticks(ax)[0] == "N1 Intimidation"
    assert ax.get_xlabel() == "Share of assessments where the factor is present"
    assert legend(figure_of(ax))[0] == "Nature of IPV"


def test_factor_prevalence_refuses_a_value_no_item_has(answers: pd.DataFrame) -> None:
    with pytest.raises(rs.AnswerError, match=r"present: 'y' is no value of sara-v3"):
        factor_prevalence("sara-v3", answers, present=["y"])


def test_factor_prevalence_needs_the_item_columns() -> None:
    with pytest.raises(rs.AnswerError, match="has no columns 'N2', 'N3'"):
        factor_prevalence("sara-v3", pd.DataFrame({"N1": ["Y"]}))


def test_factor_prevalence_of_answer_mappings_says_how_to_make_a_frame() -> None:
    with pytest.raises(rs.AnswerError, match="answers_to_frame"):
        factor_prevalence("dash", [{"items": NO}])  # type: ignore[arg-type]


# --------------------------------------------------------------------------- one case


def case(day: str, level: str, ref: str = "k-1") -> rs.Result:
    judgements = {"case_prioritization": level, "serious_harm": "low", "imminent_violence": "low"}
    return rs.assess(
        "sara-v3",
        {
            "items": dict.fromkeys(SARA_ITEMS, "N"),
            "judgements": judgements,
            "assessed_on": day,
            "case_ref": ref,
        },
    )


def test_level_over_time_steps_through_the_assessments() -> None:
    results = [case("2026-03-01", "high"), case("2026-01-01", "low"), case("2026-06-01", "low")]
    ax = level_over_time(results)
    assert ydata(ax) == [0, 2, 0]
    assert ticks(ax) == ["Lav", "Moderat", "Høy"]
    assert ticks(ax, "x") == ["1. jan. 2026", "1. mars 2026", "1. juni 2026"]
    assert ax.get_title("left") == "Nivå over tid\nSARA-V3, 3 vurderinger"
    assert ax.get_xlabel() == "Vurderingsdato"


def test_level_over_time_from_a_frame_for_one_case_in_english() -> None:
    frame = to_frame([case("2026-01-01", "moderate"), case("2026-02-01", "high", "k-2")])
    ax = level_over_time(frame, case_ref="k-1", lang="en")
    assert ydata(ax) == [1]
    assert ticks(ax) == ["Low", "Moderate", "High"]
    assert ticks(ax, "x") == ["1 Jan 2026"]


def test_level_over_time_follows_one_case_only() -> None:
    two = [case("2026-01-01", "low"), case("2026-02-01", "high", "k-2")]
    with pytest.raises(rs.AnswerError, match="hold 2 cases: choose one with case_ref="):
        level_over_time(two)
    with pytest.raises(rs.AnswerError, match="hold 2 cases"):
        level_over_time(to_frame(two))
    assert ydata(level_over_time(two, case_ref="k-2")) == [2]


# --------------------------------------------------------------------------- agreement


def rater_pairs() -> rs.Agreement:
    def dash(ref: str, first: str, level: str) -> rs.Result:
        answers = {"items": {**NO, "1": first}, "case_ref": ref}
        return rs.assess("dash", {**answers, "judgements": {"professional_judgement": level}})

    a = [dash("c1", "yes", "high"), dash("c2", "no", "standard"), dash("c3", "yes", "medium")]
    b = [dash("c1", "yes", "high"), dash("c2", "yes", "medium"), dash("c3", "yes", "medium")]
    return rs.agreement(a, b)


def cells(ax: Axes) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_agreement_matrix_of_the_level_with_kappa_in_the_title() -> None:
    found = rater_pairs()
    ax = agreement_matrix(found)
    k = len(found.level.categories)
    assert cells(ax) == [str(n) for row in found.level.matrix for n in row]
    assert len(cells(ax)) == k * k
    assert ticks(ax) == ["Standard", "Middels", "Høy"]
    assert ticks(ax, "x") == ["Standard", "Middels", "Høy"]
    assert found.level.kappa is not None
    kappa = f"{found.level.kappa:.2f}".replace(".", ",")
    assert ax.get_title("left").split("\n") == [
        "Samsvar mellom to vurderere",
        "Nivå",
        f"Vektet kappa {kappa} (lineære vekter)",
        "3 par · eksakt samsvar 67\xa0%",
    ]
    assert ax.get_ylabel() == "Vurderer A"
    assert ax.get_xlabel() == "Vurderer B"


def test_agreement_matrix_of_one_item_in_english() -> None:
    found = rater_pairs()
    ax = agreement_matrix(found, "1", lang="en")
    assert ticks(ax) == ["No", "Yes"]
    title = ax.get_title("left").split("\n")
    assert title[1].startswith("1 ")
    kappa = found.items["1"].kappa
    assert kappa is not None
    assert title[2] == f"Weighted kappa {kappa:.2f} (linear weights)"
    assert title[3] == "3 pairs · exact agreement 67%"
    assert cells(ax) == [str(n) for row in found.items["1"].matrix for n in row]


def test_agreement_matrix_says_when_kappa_is_undefined() -> None:
    found = rater_pairs()
    assert found.items["2"].kappa is None  # both raters always said no
    ax = agreement_matrix(found, "2", lang="en")
    assert "Weighted kappa undefined (linear weights)" in ax.get_title("left")


def test_agreement_matrix_of_a_judgement_uses_its_title() -> None:
    ax = agreement_matrix(rater_pairs(), "professional_judgement")
    dash = rs.load_instrument("dash")
    title = dash.judgements[0].title.nb
    assert ax.get_title("left").split("\n")[1] == title[:1].upper() + title[1:]


def test_agreement_matrix_refuses_what_it_cannot_draw() -> None:
    with pytest.raises(rs.AnswerError, match=r"of: 'N99' is not allowed; expected one of 'level'"):
        agreement_matrix(rater_pairs(), "N99")
    with pytest.raises(rs.AnswerError, match="expected an Agreement"):
        agreement_matrix(rater_pairs().level)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the same image


def drawings(answers: pd.DataFrame, results: pd.DataFrame) -> dict[str, Callable[[], Any]]:
    found = rater_pairs()
    history = [case("2026-03-01", "high"), case("2026-01-01", "low")]
    return {
        "distribution": lambda: level_distribution(results, by="district"),
        "trend": lambda: level_trend(results, by="district"),
        "prevalence": lambda: factor_prevalence("sara-v3", answers),
        "over_time": lambda: level_over_time(history),
        "agreement": lambda: agreement_matrix(found),
    }


def test_every_plot_is_in_the_determinism_test(
    answers: pd.DataFrame, results: pd.DataFrame
) -> None:
    functions = {name for name in plots.__all__ if callable(getattr(plots, name))}
    drawn = {
        "level_distribution",
        "level_trend",
        "factor_prevalence",
        "level_over_time",
        "agreement_matrix",
    }
    assert functions == drawn
    assert len(drawings(answers, results)) == len(drawn)


@pytest.mark.parametrize("name", ["distribution", "trend", "prevalence", "over_time", "agreement"])
def test_the_same_data_give_the_same_image(
    name: str, answers: pd.DataFrame, results: pd.DataFrame
) -> None:
    draw = drawings(answers, results)[name]
    first = png(figure_of(draw()))
    assert png(figure_of(draw())) == first
    with (
        plt.style.context("ggplot"),
        plt.rc_context({"font.size": 20, "axes.prop_cycle": cycler(color=["#123456"])}),
    ):
        styled = png(figure_of(draw()))
    assert styled == first  # the session's style does not change our figures


def test_row_order_does_not_change_the_image(answers: pd.DataFrame, results: pd.DataFrame) -> None:
    shuffled = results.sample(frac=1.0, random_state=3)
    assert png(figure_of(level_distribution(shuffled, by="district"))) == png(
        figure_of(level_distribution(results, by="district"))
    )
    assert png(figure_of(level_trend(shuffled))) == png(figure_of(level_trend(results)))
    mixed = answers.sample(frac=1.0, random_state=4)
    assert png(figure_of(factor_prevalence("sara-v3", mixed))) == png(
        figure_of(factor_prevalence("sara-v3", answers))
    )


def test_levels_have_fixed_colours_from_light_to_dark() -> None:
    three = plots.level_colours(3)
    assert three == plots.level_colours(3)
    assert len(set(three)) == 3
    assert plots.level_colours(7) == list(plots.LEVEL_PALETTE)
    assert plots.level_colours(2) == [plots.LEVEL_PALETTE[0], plots.LEVEL_PALETTE[-1]]


# --------------------------------------------------------------------------- only our errors


def valid_arguments(answers: pd.DataFrame, results: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """For each public plot function, arguments it draws with."""
    return {
        "level_distribution": {"frame": results, "by": "district"},
        "level_trend": {"frame": results, "by": "district"},
        "factor_prevalence": {"instrument": "sara-v3", "frame": answers},
        "level_over_time": {"results": [case("2026-03-01", "high")]},
        "agreement_matrix": {"found": rater_pairs()},
    }


WRONG: list[Any] = [
    None,
    0,
    -3,
    2.5,
    True,
    "",
    "nonsense",
    "N1",
    [],
    [1, 2],
    ["nonsense"],
    {},
    {"a": 1},
    object(),
    pd.Series([1, 2]),
    pd.DataFrame({"x": [1]}),
    pd.DataFrame(),
]


def test_every_argument_of_every_plot_is_checked(
    answers: pd.DataFrame, results: pd.DataFrame
) -> None:
    """Whatever is passed for any one argument, a plot draws or raises one of our errors."""
    valid = valid_arguments(answers, results)
    public = {name for name in plots.__all__ if callable(getattr(plots, name))}
    assert set(valid) == public
    foreign = []
    for name, arguments in valid.items():
        function = getattr(plots, name)
        function(**arguments)  # the valid arguments draw
        for parameter in inspect.signature(function).parameters:
            for value in WRONG:
                try:
                    function(**{**arguments, parameter: value})
                except rs.RiskScoringError:
                    pass
                except Exception as exc:  # the point of the test: anything else is foreign
                    foreign.append(f"{name}({parameter}={value!r}): {type(exc).__name__}: {exc}")
                finally:
                    plt.close("all")
    assert foreign == []


def test_a_missing_matplotlib_names_the_plots_extra(
    monkeypatch: pytest.MonkeyPatch, answers: pd.DataFrame, results: pd.DataFrame
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    for name, arguments in valid_arguments(answers, results).items():
        with pytest.raises(ExtraNotInstalledError, match=r"plots extra, pip install '\.\[plots\]'"):
            getattr(plots, name)(**arguments)
    assert issubclass(ExtraNotInstalledError, rs.RiskScoringError)
    assert issubclass(ExtraNotInstalledError, ImportError)


def test_a_missing_pandas_names_the_plots_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ExtraNotInstalledError, match=r"matplotlib and pandas: .*plots extra"):
        level_distribution(object(), by="district")  # type: ignore[arg-type]


def _plots_extra() -> list[str]:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    found = re.search(r"^plots = \[(.*?)\]", text, re.M)
    assert found is not None
    return [re.split(r"[<>=\[ ]", req.strip().strip('"'))[0] for req in found.group(1).split(",")]


def test_the_plots_extra_brings_every_library_the_plots_import() -> None:
    modules = sorted((ROOT / "src/risk_scoring/analysis/plots").glob("*.py"))
    source = "".join(path.read_text(encoding="utf-8") for path in modules)
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported.add(node.module.split(".")[0])
    core = {"babel", "__future__"}  # babel is a core dependency
    third_party = {m for m in imported if m not in sys.stdlib_module_names} - core
    extra = {name.lower() for name in _plots_extra()}
    assert third_party <= extra
    assert {"matplotlib", "pandas"} <= extra
    needed = {"pandas": "pandas", "matplotlib.pyplot": "matplotlib"}
    for module in needed:  # loaded through checks.module, so they name the extra
        assert f'"{module}"' in source
