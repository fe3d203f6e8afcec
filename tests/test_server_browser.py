"""The entry form in a real browser: Debian's chromium, driven by Playwright's Python
package with `executable_path` (Playwright's own browser download cannot work offline).

An analyst fills in the SARA-V3 form, submits it and finds the level in the report; with
a scenario and a decided measure, finds both in the record's sections (the measure under
its strategy, with who is responsible and by when). A value the library refuses comes
back beside its field with every other value kept. No console error, and no request
leaves the host.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("fastapi")
playwright = pytest.importorskip("playwright.sync_api")

from .server_support import SARA_ITEMS, live_server  # noqa: E402

CHROMIUM = next(
    (path for name in ("chromium", "chromium-browser") if (path := shutil.which(name))), None
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium is not installed (Debian: apt-get install chromium)",
)
FLAGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="module")
def browser_page() -> Iterator[tuple[Any, str, list[str], list[str]]]:
    with live_server() as url, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        requests: list[str] = []
        errors: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            yield page, url, requests, errors
        finally:
            browser.close()


def _fill(page: Any) -> None:
    for item in SARA_ITEMS:
        page.select_option(f'select[name="items.{item}.recent"]', "N")
    page.select_option('select[name="items.N2.recent"]', "Y")
    page.select_option('select[name="items.N2.relevance"]', "high")
    page.select_option('select[name="judgements.case_prioritization"]', "moderate")
    page.select_option('select[name="judgements.serious_harm"]', "moderate")
    page.select_option('select[name="judgements.imminent_violence"]', "high")
    page.fill('textarea[name="justification"]', "The pair agreed after the interview.")


def test_an_analyst_fills_in_the_form_and_gets_the_report(
    browser_page: tuple[Any, str, list[str], list[str]],
) -> None:
    page, url, requests, errors = browser_page
    page.goto(f"{url}/instruments/sara-v3/form?lang=en")
    assert page.get_attribute("html", "lang") == "en"
    _fill(page)
    page.click("button[type=submit]")
    assert page.title().startswith("Risk assessment")
    assert "Moderate" in page.inner_text("body")
    assert page.query_selector("a[download]") is not None
    assert errors == []
    assert all(r.startswith((url, "data:")) for r in requests)


def test_a_refused_value_comes_back_beside_its_field_with_the_rest_kept(
    browser_page: tuple[Any, str, list[str], list[str]],
) -> None:
    page, url, requests, errors = browser_page
    page.goto(f"{url}/instruments/sara-v3/form?lang=nb")
    _fill(page)
    page.fill('input[name="case_ref"]', "x" * 20_001)
    page.click("button[type=submit]")
    problem = page.inner_text("#f-case_ref-problem")
    assert "20000" in problem
    assert page.eval_on_selector('select[name="items.N2.recent"]', "e => e.value") == "Y"
    assert page.input_value('textarea[name="justification"]').startswith("The pair agreed")
    assert errors == []
    assert all(r.startswith((url, "data:")) for r in requests)


def test_an_analyst_records_a_scenario_and_a_decision_and_finds_the_plan_in_the_report(
    browser_page: tuple[Any, str, list[str], list[str]],
) -> None:
    page, url, requests, errors = browser_page
    page.goto(f"{url}/instruments/sara-v3/form?lang=en")
    _fill(page)
    page.select_option('select[name="scenarios.0.type"]', "escalation")
    page.fill('textarea[name="scenarios.0.description"]', "Scenario-sentinel: he returns at night.")
    page.select_option('select[name="scenarios.0.likelihood"]', "moderate")
    page.select_option('select[name="scenarios.0.severity"]', "high")
    page.select_option('select[name="scenarios.0.imminence"]', "high")
    page.select_option('select[name="management.0.measure"]', "kontaktforbud")
    page.select_option('select[name="management.0.strategy"]', "supervision")
    page.select_option('select[name="management.0.decision"]', "chosen")
    page.fill('input[name="management.0.responsible"]', "Responsible-sentinel")
    page.fill('input[name="management.0.due"]', "2026-12-15")
    page.fill('textarea[name="management.0.reason"]', "Reason-sentinel: the court is asked.")
    page.click("button[type=submit]")
    assert page.title().startswith("Risk assessment")
    assert "Moderate" in page.inner_text("body")

    scenarios = page.inner_text("section#scenarios")
    assert "1. Escalation" in scenarios
    assert "Scenario-sentinel: he returns at night." in scenarios
    first = page.locator("table.scenarios tbody tr").first.locator("td").all_inner_texts()
    assert first[2:5] == ["Moderate", "High", "High"]

    plan = page.locator("section#plan")
    assert "1 chosen" in plan.inner_text()
    assert "Chosen measures, by strategy" in plan.inner_text()
    group = plan.locator("tbody", has=page.locator("tr.group", has_text="Supervision"))
    row = group.locator("tr", has_text="Contact ban (as a penalty)")
    assert row.count() == 1
    cells = row.locator("td").all_inner_texts()
    assert "Contact ban (as a penalty)" in cells[0]
    assert cells[2] == "Responsible-sentinel"
    assert cells[3] == "15 December 2026"
    assert "Reason-sentinel: the court is asked." in group.inner_text()
    assert errors == []
    assert all(r.startswith((url, "data:")) for r in requests)
