"""The examples in the docstrings run and print what they say, in every module."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import risk_scoring

MODULES = sorted(
    ["risk_scoring"]
    + [m.name for m in pkgutil.walk_packages(risk_scoring.__path__, "risk_scoring.")]
)


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples_hold(module: str) -> None:
    failed, _attempted = doctest.testmod(importlib.import_module(module))
    assert failed == 0


def test_the_public_entry_points_have_examples() -> None:
    attempted = sum(
        doctest.testmod(importlib.import_module(m)).attempted
        for m in ("risk_scoring", "risk_scoring.definition.loading", "risk_scoring.interop.fhir")
    )
    assert attempted >= 4
