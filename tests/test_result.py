"""Results are deterministic, round-trip through JSON, and keep personal data out of repr."""

from __future__ import annotations

import json

import pytest

import risk_scoring as rs

NOTE = "Note that names a person"


def sample(inst: rs.Instrument) -> rs.Result:
    return inst.assess(
        {
            "items": {"A1": {"recent": "Y", "note": NOTE}, "A2": "P", "B1": "N"},
            "judgements": {"harm": "moderate", "imminent": "high", "victims": NOTE},
            "justification": NOTE,
            "case_ref": NOTE,
            "assessors": [{"role": "risk_analyst", "id": "A-17"}, {"role": "clinician"}],
            "assessed_on": "2026-11-22",
        }
    )


def test_json_round_trip_is_lossless(tiny_spj: rs.Instrument) -> None:
    result = sample(tiny_spj)
    text = result.model_dump_json()
    again = rs.Result.model_validate_json(text)
    assert again == result
    assert again.model_dump_json() == text


def test_same_answers_give_byte_identical_json(tiny_spj: rs.Instrument) -> None:
    assert sample(tiny_spj).model_dump_json() == sample(tiny_spj).model_dump_json()


def test_result_keeps_notes_but_repr_does_not_show_them(tiny_spj: rs.Instrument) -> None:
    result = sample(tiny_spj)
    assert result.notes == {"A1": NOTE}
    assert result.judgement_texts == {"victims": NOTE}
    assert NOTE not in repr(result)
    assert NOTE not in str(result)


def test_provenance_names_the_exact_instrument(tiny_spj: rs.Instrument) -> None:
    provenance = json.loads(sample(tiny_spj).model_dump_json())["provenance"]
    assert provenance == {
        "instrument": "tiny-spj",
        "version": "1",
        "digest": tiny_spj.digest,
        "library": rs.__version__,
    }


def test_invalid_result_json_raises_our_error_without_echoing_values() -> None:
    with pytest.raises(rs.ResultError) as info:
        rs.Result.model_validate_json('{"level": 3, "notes": {"A1": 42}, "case_ref": [1]}')
    assert "level: Input should be a valid string" in str(info.value)
    assert "42" not in str(info.value)


def test_malformed_json_raises_our_error() -> None:
    with pytest.raises(rs.ResultError, match="Invalid JSON"):
        rs.Result.model_validate_json("{not json")
