"""Research totals (spj): per presence dimension and lifetime, for research only.

Each test states one rule of `Result.research_totals` (SPEC §2: a research total, N=0,
P=1, Y=2, labelled research-only; issue 12: past and lifetime totals beside the
recent/current one).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import risk_scoring as rs
from risk_scoring.definition.result import ResearchTotal
from risk_scoring.engine.plan import plan_of
from risk_scoring.engine.read import read_precisely
from risk_scoring.engine.research import from_ratings, research_totals
from risk_scoring.errors import ResultError
from risk_scoring.testing import answers, instrument_from, instruments

SPJ = ["sara-v3", "b-safer", "patriark", "sam"]
JUDGED = {"case_prioritization": "low", "serious_harm": "low", "imminent_violence": "low"}


def _sara(items: dict[str, Any]) -> rs.Result:
    inst = rs.load_instrument("sara-v3")
    every = {item.id: "N" for item in inst.items}
    return inst.assess({"items": {**every, **items}, "judgements": JUDGED})


def _totals(result: rs.Result) -> dict[str | None, tuple[float, int]]:
    return {t.dimension: (t.total, t.rated) for t in result.research_totals}


def test_lifetime_total_takes_each_items_highest_rating() -> None:
    result = _sara(
        {
            "N1": {"recent": "N", "past": "Y"},  # 2: the past is higher
            "N2": {"recent": "Y", "past": "P"},  # 2: the recent rating is higher
            "N3": {"recent": "P", "past": "P"},  # 1, once, not twice
        }
    )
    totals = _totals(result)
    assert totals["recent"] == (3.0, 24)
    assert totals["past"] == (4.0, 3)
    assert totals[None] == (5.0, 24)


def test_omitted_and_unrated_dimensions_add_nothing_and_are_not_counted_as_rated() -> None:
    result = _sara(
        {
            "N1": {"recent": "O", "past": "Y"},  # lifetime 2 from the past alone
            "N2": {"recent": "O", "past": "O"},  # rated on nothing
            "N3": "O",  # omitted, past not rated
            "N4": {"recent": "Y", "relevance": "high"},  # past not rated
        }
    )
    totals = _totals(result)
    assert totals["recent"] == (2.0, 21)
    assert totals["past"] == (2.0, 1)
    assert totals[None] == (4.0, 22)


def test_the_recent_research_total_is_the_score_and_decides_nothing() -> None:
    low = _sara({"N1": {"recent": "Y", "past": "Y"}})
    high = _sara({item: {"recent": "Y", "past": "Y"} for item in ("N1", "N2", "N3", "N4")})
    for result in (low, high):
        first = result.research_totals[0]
        assert (first.dimension, first.total) == ("recent", result.score)
        assert result.score_is_research_only
    assert low.level == high.level == "low"  # the judgements set the level, not the totals
    assert low.measures == high.measures


@pytest.mark.parametrize("ident", SPJ)
def test_every_spj_instrument_totals_its_presence_dimensions_then_lifetime(ident: str) -> None:
    inst = rs.load_instrument(ident)
    result = inst.assess({"items": {item.id: "N" for item in inst.items}})
    dims = [t.dimension for t in result.research_totals]
    presence = [d.id for d in inst.dimensions if d.id != "relevance"]
    assert dims == [*presence, None]
    assert presence[0] in ("recent", "current")


@pytest.mark.parametrize("ident", ["dash", "odara", "danger-assessment", "lethality-screen"])
def test_instruments_that_are_not_spj_have_no_research_totals(ident: str) -> None:
    inst = rs.load_instrument(ident)
    result = inst.assess({"items": {item.id: item.default or "no" for item in inst.items}})
    assert result.research_totals == []
    assert '"research_totals":[]' in result.model_dump_json()


def test_research_totals_round_trip_and_older_results_read_back_without_them() -> None:
    result = _sara({"N1": {"recent": "P", "past": "Y"}})
    text = result.model_dump_json()
    assert rs.Result.model_validate_json(text) == result
    data = result.model_dump(mode="json")
    del data["research_totals"], data["decided_by"], data["route"]
    older = rs.Result.model_validate(data)
    assert older.research_totals == []
    assert older.decided_by is None


@pytest.mark.parametrize("ident", SPJ)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_lifetime_is_never_below_any_dimensions_total(ident: str, data: st.DataObject) -> None:
    inst = rs.load_instrument(ident)
    result = inst.assess(data.draw(answers(inst)))
    *dims, lifetime = result.research_totals
    assert lifetime.dimension is None
    for found in dims:
        assert lifetime.total >= found.total
        assert lifetime.rated >= found.rated
        assert 0 <= found.rated <= len(inst.items)
    assert lifetime.rated <= len(inst.items)


@pytest.mark.parametrize("ident", SPJ)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_readers_packed_totals_equal_totals_added_from_the_ratings(
    ident: str, data: st.DataObject
) -> None:
    inst = rs.load_instrument(ident)
    plan = plan_of(inst)
    assert plan.research is not None
    assert plan.research.packed is not None
    found = read_precisely(plan, data.draw(answers(inst)))
    assert research_totals(plan, found) == from_ratings(plan, found.ratings, found.total)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_spj_instruments_total_like_the_ratings_say(data: st.DataObject) -> None:
    inst = instrument_from(data.draw(instruments(kinds=["spj"])))
    plan = plan_of(inst)
    result = inst.assess(data.draw(answers(inst)))
    if plan.research is None:
        assert result.research_totals == []
        return
    expected = from_ratings(plan, result.ratings, result.score or 0.0)
    assert result.research_totals == expected
    assert all(isinstance(t, ResearchTotal) for t in expected)


def test_frames_carry_the_research_totals_as_assess_gives_them() -> None:
    from risk_scoring.analysis.frames import answers_to_frame, score_frame, to_frame

    rows: list[dict[str, Any]] = [
        {"items": {"N1": {"recent": "N", "past": "Y"}, "N2": "O"}, "judgements": JUDGED},
        {"items": {"N1": {"recent": "Y", "past": "P"}}},
    ]
    inst = rs.load_instrument("sara-v3")
    every = {item.id: "N" for item in inst.items}
    rows = [{**row, "items": {**every, **row["items"]}} for row in rows]
    frame = score_frame(inst, answers_to_frame(inst, rows))
    assert frame["research.past"].tolist() == [2.0, 1.0]
    assert frame["research.past.rated"].tolist() == [1, 1]
    assert frame["research.lifetime"].tolist() == [2.0, 2.0]
    assert frame["research.lifetime.rated"].tolist() == [23, 24]
    assert frame["research.recent"].tolist() == frame["score"].tolist()
    expected = to_frame([inst.assess(row) for row in rows])
    for column in [c for c in frame.columns if c.startswith("research.")]:
        assert frame[column].tolist() == expected[column].tolist()


def test_a_dimension_named_lifetime_does_not_take_the_lifetime_column() -> None:
    from risk_scoring.analysis.columns import research_column

    assert research_column(None) == "research.lifetime"
    assert research_column("lifetime") != "research.lifetime"
    assert research_column("past", rated=True) == "research.past.rated"


@pytest.mark.parametrize("fmt", ["html", "markdown", "text"])
def test_reports_show_the_research_totals_labelled_research_only(fmt: str) -> None:
    result = _sara({"N1": {"recent": "N", "past": "Y"}})
    english = rs.render_report(result, format=fmt, lang="en").replace("\\", "")
    assert "Research totals (for research only; they decide nothing)" in english
    assert "Lifetime (each item" in english.replace("&#39;", "'")
    assert "2 (1 items rated)" in english  # the past total
    bokmal = rs.render_report(result, format=fmt, lang="nb").replace("\\", "")
    assert "Forskningssummer (kun for forskning; de avgjør ingenting)" in bokmal
    assert "Livstid (høyeste vurdering per faktor)" in bokmal


def test_reports_of_other_instruments_show_no_research_totals() -> None:
    result = rs.assess("dash", {"items": {str(n): "no" for n in range(1, 25)}})
    assert "Research totals" not in rs.render_report(result, format="text", lang="en")


def test_stored_results_with_research_totals_out_of_bounds_are_refused() -> None:
    data = _sara({}).model_dump(mode="json")
    data["research_totals"] = [{"dimension": "re cent", "total": 1e300, "rated": -1}]
    data["decided_by"] = "not an id!"
    with pytest.raises(ResultError) as caught:
        rs.Result.model_validate(data)
    where = sorted(str(p).split(":")[0] for p in caught.value.problems)
    assert where == [
        "decided_by",
        "research_totals.0.dimension",
        "research_totals.0.rated",
        "research_totals.0.total",
    ]
