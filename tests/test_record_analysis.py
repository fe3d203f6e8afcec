"""The case record in batch work: agreement within records, plan changes, frame columns."""

from __future__ import annotations

from typing import Any

import pytest

import risk_scoring as rs
from risk_scoring.analysis.agreement import agreement
from risk_scoring.analysis.compare import ComparisonError, compare
from risk_scoring.engine.batch import assess_many
from risk_scoring.tooling.golden import case_files, read_case

ITEMS = [f"N{n}" for n in range(1, 9)] + [f"P{n}" for n in range(1, 11)]
ITEMS += [f"V{n}" for n in range(1, 7)]
PAIR = [{"role": "risk_analyst"}, {"role": "clinician"}]


def case(ref: str, raters: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "items": dict.fromkeys(ITEMS, "N"),
        "judgements": {
            "case_prioritization": "high",
            "serious_harm": "moderate",
            "imminent_violence": "high",
        },
        "case_ref": ref,
        "assessors": PAIR,
        "assessed_on": "2026-11-22",
    }
    if raters is not None:
        answers["raters"] = raters
    answers.update(extra)
    return answers


def rated(n1_a: str, n1_b: str, priority_a: str, priority_b: str) -> dict[str, Any]:
    return {
        "risk_analyst": {"items": {"N1": n1_a}, "judgements": {"case_prioritization": priority_a}},
        "clinician": {"items": {"N1": n1_b}, "judgements": {"case_prioritization": priority_b}},
    }


# --- agreement within records ----------------------------------------------------------


def test_agreement_within_records_pairs_the_two_raters_of_each() -> None:
    results = [
        rs.assess("sara-v3", case("c1", rated("Y", "Y", "high", "high"))),
        rs.assess("sara-v3", case("c2", rated("Y", "P", "high", "moderate"))),
        rs.assess("sara-v3", case("c3", rated("N", "N", "low", "low"))),
        rs.assess("sara-v3", case("c4")),  # no raters
        rs.assess("sara-v3", case("c5", {"clinician": {"items": {"N1": "Y"}}})),  # one
    ]
    found = agreement(results)
    assert (found.pairs, found.skipped, found.only_a, found.only_b) == (3, 2, 0, 0)
    n1 = found.items["N1"]
    assert n1.n == 3
    assert n1.percent_agreement == pytest.approx(2 / 3)
    assert n1.matrix == [[1, 0, 0], [0, 0, 0], [0, 1, 1]]  # rows: the risk analyst
    assert found.items["N2"].n == 0  # nobody rated N2 on their own
    assert found.judgements["case_prioritization"].n == 3
    assert found.judgements["serious_harm"].n == 0
    # SARA-V3's level is the case prioritization: each rater's own level.
    assert found.level.n == 3
    assert found.level.matrix == found.judgements["case_prioritization"].matrix


def test_a_raters_level_needs_every_level_judgement_of_the_rule() -> None:
    both = {
        "risk_analyst": {"judgements": {"imminent_violence": "high", "severe_violence": "low"}},
        "clinician": {"judgements": {"imminent_violence": "moderate"}},
    }
    bsafer = rs.load_instrument("b-safer")
    items = {item.id: "N" for item in bsafer.items}
    answers = {"items": items, "assessors": PAIR, "raters": both}
    found = agreement([bsafer.assess(answers)])
    assert found.level.n == 0  # the clinician judged only one of the two
    assert found.judgements["imminent_violence"].n == 1


def test_rater_a_is_the_first_assessor_with_ratings() -> None:
    swapped = [PAIR[1], PAIR[0]]
    result = rs.assess("sara-v3", case("c1", rated("Y", "N", "high", "low"), assessors=swapped))
    # The clinician comes first: rater A said N, rater B said Y.
    assert agreement([result]).items["N1"].matrix == [[0, 0, 1], [0, 0, 0], [0, 0, 0]]


def test_agreement_within_records_needs_one_pair() -> None:
    with pytest.raises(ComparisonError, match="two raters"):
        agreement([rs.assess("sara-v3", case("c1"))])
    with pytest.raises(ComparisonError, match="no results"):
        agreement([])
    with pytest.raises(ComparisonError, match="must hold Results"):
        agreement(["not a result"])  # type: ignore[list-item]


def test_agreement_on_the_golden_full_cases() -> None:
    for ident in ("sara-v3", "b-safer", "patriark", "sam"):
        inst = rs.load_instrument(ident)
        (path,) = [p for p in case_files(inst) if "record-full" in p.name]
        result = inst.assess(read_case(path)[0]["answers"])
        found = agreement([result])
        assert found.pairs == 1
        differing = {d.id for d in result.disagreements if d.kind == "item"}
        primary = inst.primary.id
        for d in result.disagreements:
            known = all(v in ("N", "P", "Y") for v in d.ratings.values())
            if d.kind == "item" and d.dimension == primary and known:
                assert found.items[d.id].percent_agreement == 0
        assert differing


def test_two_batches_still_pair_by_case_ref() -> None:
    a = [rs.assess("sara-v3", case("c1")), rs.assess("sara-v3", case("c2"))]
    b = [rs.assess("sara-v3", case("c2"))]
    found = agreement(a, b)
    assert (found.pairs, found.only_a, found.only_b, found.skipped) == (1, 1, 0, 0)


# --- compare: the plan -----------------------------------------------------------------


def decision(measure: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"measure": measure, "strategy": "supervision", "decision": kind, **extra}


def test_compare_shows_what_changed_in_the_plan() -> None:
    earlier = rs.assess(
        "sara-v3",
        case(
            "c1",
            management=[
                decision("besoksforbud", "deferred", reason="r"),
                decision("kontaktforbud", "chosen"),
                decision("sikkerhetsrad", "chosen"),
            ],
            review={"due": "2026-12-01"},
        ),
    )
    later = rs.assess(
        "sara-v3",
        case(
            "c1",
            management=[decision("besoksforbud", "chosen"), decision("sikkerhetsrad", "chosen")],
            assessed_on="2026-12-01",
            review={"due": "2027-01-15"},
        ),
    )
    change = compare(earlier, later)
    shown = [
        (c.measure, c.before, c.after, c.origin_before, c.origin_after) for c in change.plan_changes
    ]
    assert shown == [
        ("besoksforbud", "deferred", "chosen", "rules", "rules"),
        ("kontaktforbud", "chosen", None, "pair", None),
    ]
    assert (change.review_due_before, change.review_due_after) == ("2026-12-01", "2027-01-15")


def test_compare_sees_a_recommendation_that_came_or_went() -> None:
    low = {"case_prioritization": "low", "serious_harm": "low", "imminent_violence": "low"}
    earlier = rs.assess("sara-v3", case("c1", judgements=low))
    later = rs.assess("sara-v3", case("c1"))
    change = compare(earlier, later)
    new = [c for c in change.plan_changes if c.before is None]
    assert [c.measure for c in new] == [
        m.id for m in later.measures if m.id not in {n.id for n in earlier.measures}
    ]
    assert all(c.after == "undecided" and c.origin_after == "rules" for c in new)
    assert compare(later, later).plan_changes == []


# --- frame columns ---------------------------------------------------------------------


def test_record_columns_count_the_plan_and_disagreements() -> None:
    pd = pytest.importorskip("pandas")
    from risk_scoring.analysis.record_frame import RECORD_COLUMNS, record_frame, record_values

    inst = rs.load_instrument("sara-v3")
    (path,) = [p for p in case_files(inst) if "40-record" in p.name]
    full = inst.assess(read_case(path)[0]["answers"])
    values = record_values(full)
    assert list(values) == list(RECORD_COLUMNS)
    statuses = [entry.status for entry in full.plan]
    assert values["high_risk_case"] is True
    for status in ("chosen", "rejected", "deferred", "undecided"):
        assert values[f"plan.{status}"] == statuses.count(status)
    assert values["plan.pair"] == 1
    decided = [e.decision.strategy for e in full.plan if e.decision is not None]
    assert values["plan.supervision"] == decided.count("supervision")
    assert sum(
        values[f"plan.{s}"]
        for s in ("monitoring", "supervision", "treatment", "victim_safety_planning")
    ) == len(decided)
    assert values["review_due"] == "2027-01-15"
    assert values["disagreements"] == 4

    rows = list(
        assess_many(
            inst, [read_case(path)[0]["answers"], {"items": {}}, case("c2")], on_error="collect"
        )
    )
    frame = record_frame(rows)
    assert list(frame.columns) == list(RECORD_COLUMNS)
    assert str(frame["high_risk_case"].dtype) == "boolean"
    assert str(frame["plan.chosen"].dtype) == "Int64"
    assert frame["high_risk_case"].tolist() == [True, pd.NA, True]
    assert frame["review_due"].tolist() == ["2027-01-15", None, None]
    assert frame["plan.undecided"].iloc[2] == len(rows[2].measures)  # type: ignore[union-attr]
    assert frame["disagreements"].tolist() == [4, pd.NA, 0]
    # to_frame gives the same columns after the result columns, row for row.
    from risk_scoring.analysis.frames import result_columns, to_frame

    wide = to_frame(rows)
    pd.testing.assert_frame_equal(wide[list(RECORD_COLUMNS)], frame)
    output = list(result_columns(inst))
    assert list(wide.columns) == [*output, *RECORD_COLUMNS, "problems"]
    assert wide["level"].tolist()[0] == "high"
    assert not set(RECORD_COLUMNS) & set(to_frame(rows, record=False).columns)


def test_to_frame_gives_record_columns_for_spj_instruments_only() -> None:
    from risk_scoring.analysis.frames import to_frame
    from risk_scoring.analysis.record_frame import RECORD_COLUMNS

    dash = rs.load_instrument("dash")
    results = [dash.assess({"items": {str(n): "no" for n in range(1, 25)}})]
    assert not set(RECORD_COLUMNS) & set(to_frame(results).columns)
    assert set(RECORD_COLUMNS) <= set(to_frame(results, record=True).columns)


def test_record_frame_refuses_what_is_not_a_result() -> None:
    pytest.importorskip("pandas")
    from risk_scoring.analysis.record_frame import record_frame

    with pytest.raises(rs.AnswerError, match=r"results\.0: is not a Result"):
        record_frame(["x"])  # type: ignore[list-item]
