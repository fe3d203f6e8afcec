"""A missing system library or program skips its tests with the Debian package to install."""

from __future__ import annotations

import ctypes
import shutil

import pytest

from tests import system_deps


def test_the_libraries_weasyprint_needs_are_found_here_or_named() -> None:
    # Whatever this machine has, the answer is a list of Debian package names.
    missing = system_deps.missing_weasyprint_packages()
    packages = {package for _, package in system_deps.WEASYPRINT_LIBRARIES}
    assert set(missing) <= packages | {system_deps.FONT_PACKAGE}


def test_a_missing_harfbuzz_subset_names_its_package(monkeypatch: pytest.MonkeyPatch) -> None:
    load = system_deps._load

    def without_subset(names: tuple[str, ...]) -> ctypes.CDLL | None:
        return None if "harfbuzz-subset" in names[0] else load(names)

    monkeypatch.setattr(system_deps, "_load", without_subset)
    monkeypatch.setattr(system_deps, "_installed", lambda module: True)
    reason = system_deps.pdf_unavailable.__wrapped__()
    assert reason is not None
    assert "apt-get install libharfbuzz-subset0" in reason


def test_missing_pango_and_fonts_name_their_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    load = system_deps._load

    def without_pango(names: tuple[str, ...]) -> ctypes.CDLL | None:
        return None if names[0].startswith("libpango") else load(names)

    monkeypatch.setattr(system_deps, "_load", without_pango)
    monkeypatch.setattr(system_deps, "_font_count", lambda fontconfig: 0)
    missing = system_deps.missing_weasyprint_packages()
    assert "libpango-1.0-0" in missing
    assert "libpangoft2-1.0-0" in missing
    if system_deps._load(("libfontconfig.so.1", "libfontconfig-1")) is not None:
        assert missing[-1] == system_deps.FONT_PACKAGE


def test_without_weasyprint_the_reason_is_the_pip_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(system_deps, "_installed", lambda module: False)
    assert system_deps.pdf_unavailable.__wrapped__() == (
        "WeasyPrint is not installed (pip install -e '.[pdf]')"
    )


def test_a_missing_chromium_names_its_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert system_deps.chromium() is None
    assert "apt-get install chromium" in system_deps.CHROMIUM_MISSING
