"""The public surface is exactly `__all__`, and matches SPEC §3."""

from __future__ import annotations

import subprocess
import sys

import pytest

import risk_scoring as rs


def test_all_lists_exactly_the_public_names() -> None:
    assert sorted(rs.__all__) == sorted(dir(rs))
    for name in rs.__all__:
        assert getattr(rs, name) is not None
    with pytest.raises(AttributeError):
        _ = rs.no_such_name


def test_public_names_live_where_the_export_table_says() -> None:
    import importlib

    for name, module in rs._EXPORTS.items():
        assert getattr(importlib.import_module(module, "risk_scoring"), name) is getattr(rs, name)


def test_every_error_derives_from_the_shared_base() -> None:
    for error in (rs.InstrumentError, rs.AnswerError, rs.ReportError, rs.InstrumentNotFoundError):
        assert issubclass(error, rs.RiskScoringError)
    assert issubclass(rs.AnswerError, ValueError)
    assert issubclass(rs.InstrumentNotFoundError, LookupError)


def test_import_loads_no_instrument_and_nothing_heavy() -> None:
    code = (
        "import sys, risk_scoring, risk_scoring.definition.loading as l;"
        "heavy = {'pandas', 'hypothesis', 'matplotlib', 'numpy'} & set(sys.modules);"
        "assert not heavy, heavy; assert not l._cache"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_list_instruments_is_sorted_and_loadable() -> None:
    ids = rs.list_instruments()
    assert ids == sorted(ids)
    assert {"dash", "odara", "sara-v3"} <= set(ids)
    for ident in ids:
        inst = rs.load_instrument(ident)
        assert inst.id == ident
        assert inst.kind in ("actuarial", "checklist", "spj")
        assert len(inst.digest) == 64
        assert inst.levels == [level.id for level in inst.level_definitions]


def test_no_public_name_is_shadowed_by_a_submodule() -> None:
    import pkgutil

    modules = {m.name for m in pkgutil.iter_modules(rs.__path__)}
    assert not modules & set(rs.__all__)
