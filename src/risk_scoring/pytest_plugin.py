"""Opt-in pytest plugin (being written): does nothing unless --risk-instruments is given."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("risk-scoring")
    group.addoption("--risk-instruments", action="append", default=[], metavar="DIR")
