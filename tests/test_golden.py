"""Every built-in instrument's golden cases give the expected level, score and measures."""

from __future__ import annotations

from pathlib import Path

import pytest

import risk_scoring as rs
from risk_scoring.tooling.golden import case_files, run_case

CASES = [
    pytest.param(ident, path, id=f"{ident}/{path.stem}")
    for ident in rs.list_instruments()
    for path in case_files(rs.load_instrument(ident))
]


@pytest.mark.parametrize(("ident", "path"), CASES)
def test_golden_case_gives_expected_result(ident: str, path: Path) -> None:
    problems = run_case(rs.load_instrument(ident), path)
    assert not problems, "\n".join(map(str, problems))


@pytest.mark.parametrize("ident", rs.list_instruments())
def test_every_instrument_has_golden_cases_for_each_level(ident: str) -> None:
    from risk_scoring.tooling.golden import read_case

    inst = rs.load_instrument(ident)
    levels = {read_case(p)[0]["expect"].get("level") for p in case_files(inst)}
    assert set(inst.levels) <= levels
