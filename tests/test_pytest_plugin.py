"""`pytest --risk-instruments=DIR` turns golden cases into test items; without it, nothing."""

from __future__ import annotations

import textwrap
from pathlib import Path

import hypothesis  # noqa: F401 - loaded once here, not again in every inline run
import pytest

from tests.test_check import CASES, TINY_LIST

pytest_plugins = ["pytester"]

WRONG_CASE = """\
description: "three yes answers, wrongly expected low"
answers: {items: {"1": "yes", "2": "yes", "3": "yes"}}
expect:
  level: low
  score: 3
"""


def definitions(root: Path, text: str = TINY_LIST, wrong: bool = False) -> Path:
    folder = root / "defs"
    cases = folder / "cases" / "tiny-list"
    cases.mkdir(parents=True)
    (folder / "tiny-list.yaml").write_text(text, encoding="utf-8")
    for name, body in CASES.items():
        (cases / f"{name}.yaml").write_text(textwrap.dedent(body), encoding="utf-8")
    if wrong:
        (cases / "wrong.yaml").write_text(WRONG_CASE, encoding="utf-8")
    return folder


def test_without_the_option_nothing_is_collected(pytester: pytest.Pytester) -> None:
    folder = definitions(pytester.path)
    result = pytester.runpytest(folder)
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_each_golden_case_is_a_test_item(pytester: pytest.Pytester) -> None:
    folder = definitions(pytester.path)
    result = pytester.runpytest(f"--risk-instruments={folder}", "--collect-only", "-q")
    result.stdout.fnmatch_lines(
        [
            "defs/tiny-list.yaml::all-no-low",
            "defs/tiny-list.yaml::two-yes-high",
            "defs/tiny-list.yaml::properties",
        ]
    )


def test_passing_cases_pass(pytester: pytest.Pytester) -> None:
    folder = definitions(pytester.path)
    result = pytester.runpytest(f"--risk-instruments={folder}")
    result.assert_outcomes(passed=3)


def test_a_failing_case_reports_its_file_and_line(pytester: pytest.Pytester) -> None:
    folder = definitions(pytester.path, wrong=True)
    result = pytester.runpytest(f"--risk-instruments={folder}")
    result.assert_outcomes(passed=3, failed=1)
    case = folder / "cases" / "tiny-list" / "wrong.yaml"
    result.stdout.fnmatch_lines(
        [
            "*golden case tiny-list/wrong.yaml*",
            f"{case}:4:10: expect.level: expected 'low', got 'high'",
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_the_item_location_is_the_case_file_at_its_expectations(
    pytester: pytest.Pytester,
) -> None:
    folder = definitions(pytester.path, wrong=True)
    records = pytester.inline_run(f"--risk-instruments={folder}")
    (failed,) = records.getfailures()
    assert failed.location is not None
    path, line, name = failed.location
    assert path.endswith("wrong.yaml")
    assert line == 2  # 0-based: `expect:` is on line 3
    assert name == "golden case tiny-list/wrong.yaml"


def test_a_broken_definition_is_one_failing_item_listing_every_error(
    pytester: pytest.Pytester,
) -> None:
    text = TINY_LIST.replace("title: {nb: Vold, en: Violence}", "title: {en: Violence}").replace(
        "measure: sikkerhetsrad", "measure: teleport"
    )
    folder = definitions(pytester.path, text=text)
    result = pytester.runpytest(f"--risk-instruments={folder}")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*tiny-list.yaml:*: error: items.1.title.nb: missing nb text*",
            "*tiny-list.yaml:*: error: measures.0.measure: unknown measure 'teleport'*",
        ]
    )


def test_the_option_must_name_a_folder(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest(f"--risk-instruments={pytester.path / 'nope'}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
