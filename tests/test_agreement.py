"""`agreement(a, b)`: the two raters of a pair, matched by case_ref.

Kappa is checked against a published worked example, against hand-computed weighted
examples, and against scikit-learn's `cohen_kappa_score` on random data.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

import risk_scoring as rs
from risk_scoring.analysis.agreement import agreement, weighted_kappa
from risk_scoring.analysis.compare import ComparisonError, InstrumentVersionWarning

NO = {str(n): "no" for n in range(1, 25)}
SARA_ITEMS = [f"N{i}" for i in range(1, 9)] + [f"P{i}" for i in range(1, 11)]
SARA_ITEMS += [f"V{i}" for i in range(1, 7)]


def dash(ref: str, first: str) -> rs.Result:
    return rs.assess("dash", {"items": {**NO, "1": first}, "case_ref": ref})


def sara(ref: str, level: str) -> rs.Result:
    return rs.assess(
        "sara-v3",
        {
            "items": dict.fromkeys(SARA_ITEMS, "N"),
            "judgements": {
                "case_prioritization": level,
                "serious_harm": "low",
                "imminent_violence": "low",
            },
            "case_ref": ref,
        },
    )


def test_the_published_two_reader_example_gives_kappa_0_4() -> None:
    # 50 proposals read by A and B: yes/yes 20, yes/no 5, no/yes 10, no/no 15.
    # p_o = 35/50 = 0.70; p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.50; kappa = 0.2 / 0.5 = 0.4.
    cells = [("yes", "yes")] * 20 + [("yes", "no")] * 5 + [("no", "yes")] * 10
    cells += [("no", "no")] * 15
    a = [dash(f"c{i}", x) for i, (x, _) in enumerate(cells)]
    b = [dash(f"c{i}", y) for i, (_, y) in enumerate(cells)]
    item = agreement(a, b).items["1"]
    assert item.n == 50
    assert item.percent_agreement == pytest.approx(0.70)
    assert item.kappa == pytest.approx(0.4)
    assert item.categories == ["no", "yes"]
    assert item.matrix == [[15, 10], [5, 20]]
    quadratic = agreement(a, b, weights="quadratic").items["1"]
    assert quadratic.kappa == pytest.approx(0.4)  # two categories: every weighting agrees


# A 3x3 table of levels (rows rater A, columns rater B), 10 cases:
#            low  moderate  high
# low          3         1     0        row totals 4, 4, 2
# moderate     1         2     1        column totals 4, 3, 3
# high         0         0     2
# Linear weights 0, 1/2, 1: observed disagreement (0.5 + 0.5 + 0.5) / 10 = 0.15;
# expected sum(w * r_i * c_j) / 100 = (6 + 12 + 8 + 6 + 8 + 3) / 100 = 0.43;
# kappa = 1 - 0.15 / 0.43 = 28/43. Quadratic weights 0, 1/4, 1: observed 0.075,
# expected (3 + 12 + 4 + 3 + 8 + 1.5) / 100 = 0.315; kappa = 1 - 0.075 / 0.315 = 16/21.
TABLE = [[3, 1, 0], [1, 2, 1], [0, 0, 2]]
LEVELS = ["low", "moderate", "high"]


def pairs_from(table: list[list[int]]) -> tuple[list[rs.Result], list[rs.Result]]:
    a: list[rs.Result] = []
    b: list[rs.Result] = []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            for _ in range(count):
                ref = f"case-{len(a)}"
                a.append(sara(ref, LEVELS[i]))
                b.append(sara(ref, LEVELS[j]))
    return a, b


def test_a_hand_computed_three_level_example() -> None:
    a, b = pairs_from(TABLE)
    linear = agreement(a, b)
    assert linear.weights == "linear"
    assert linear.pairs == linear.level.n == 10
    assert linear.level.percent_agreement == pytest.approx(0.7)
    assert linear.level.kappa == pytest.approx(28 / 43)
    assert linear.level.matrix == TABLE
    assert agreement(a, b, weights="quadratic").level.kappa == pytest.approx(16 / 21)
    assert linear.judgements["case_prioritization"] == linear.level


def test_items_never_rated_differently_have_undefined_kappa() -> None:
    a, b = pairs_from(TABLE)
    n1 = agreement(a, b).items["N1"]
    assert (n1.n, n1.percent_agreement, n1.kappa) == (10, 1.0, None)


def test_unknown_and_omitted_ratings_leave_the_pair_out_of_that_item() -> None:
    a = [dash("x", "unknown"), dash("y", "yes")]
    b = [dash("x", "yes"), dash("y", "yes")]
    assert agreement(a, b).items["1"].n == 1


def test_cases_assessed_by_one_rater_only_are_counted_not_paired() -> None:
    a = [dash("c1", "yes"), dash("c2", "no"), dash("only-a", "no")]
    b = [dash("c2", "no"), dash("c1", "yes"), dash("only-b", "yes"), dash("b2", "no")]
    found = agreement(a, b)
    assert (found.pairs, found.only_a, found.only_b) == (2, 1, 2)
    assert found.items["1"].percent_agreement == 1.0


@settings(max_examples=60, deadline=None)
@given(
    pairs=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=1, max_size=40),
    weights=st.sampled_from(["linear", "quadratic"]),
)
def test_weighted_kappa_matches_scikit_learn(pairs: list[tuple[int, int]], weights: Any) -> None:
    metrics = pytest.importorskip("sklearn.metrics")
    ours = weighted_kappa(pairs, 4, weights)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = metrics.cohen_kappa_score(
            [x for x, _ in pairs], [y for _, y in pairs], labels=[0, 1, 2, 3], weights=weights
        )
    if ours is None:
        assert math.isnan(theirs) or theirs == pytest.approx(0.0)
    else:
        assert ours == pytest.approx(theirs)


def test_results_without_case_refs_or_with_duplicates_are_refused() -> None:
    no_ref = rs.assess("dash", {"items": NO})
    with pytest.raises(ComparisonError, match="case_ref"):
        agreement([no_ref], [dash("c1", "no")])
    with pytest.raises(ComparisonError, match="once per rater"):
        agreement([dash("c1", "no"), dash("c1", "yes")], [dash("c1", "no")])
    with pytest.raises(ComparisonError, match="no case_ref appears in both"):
        agreement([dash("c1", "no")], [dash("c2", "no")])
    with pytest.raises(ComparisonError, match="weights"):
        agreement([dash("c1", "no")], [dash("c1", "no")], weights="cubic")  # type: ignore[arg-type]


def test_different_instruments_are_refused_and_versions_warned() -> None:
    with pytest.raises(ComparisonError, match="different instruments"):
        agreement([dash("c1", "no")], [sara("c1", "low")])
    import dataclasses

    a = dash("c1", "no")
    older = a.model_copy(update={"provenance": dataclasses.replace(a.provenance, version="2008.1")})
    with pytest.warns(InstrumentVersionWarning):
        agreement([older], [dash("c1", "no")])


def test_an_agreement_shows_as_a_card() -> None:
    a, b = pairs_from(TABLE)
    card = agreement(a, b)._repr_html_()
    assert "0,65" in card  # the card is in bokmål by default, numbers too
    assert "<div class='rs-card'>" in card
