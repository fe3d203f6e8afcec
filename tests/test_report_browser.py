"""HTML reports checked in a real browser: headless Chromium loads each built-in
instrument's report, makes no network request, logs no console error, and prints it on a
bounded number of A4 pages. The full case records of the spj instruments (two raters, two
scenarios, a plan, a review) print within a bound too, and every printed page carries the
marking, the case reference and "page x of y" in its margins.

Needs Debian's `chromium` (``apt-get install chromium``); skipped with the reason when it
is missing. Set ``UPDATE_DOCS_SCREENSHOTS=1`` to rewrite ``docs/img/report-<lang>.png``
and the section screenshots ``docs/img/report-<section>-<lang>.png``.

Chromium is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``:
JSON messages ending in NUL on file descriptors 3 and 4), so no extra package is needed.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import io
import json
import os
import select
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import risk_scoring as rs
from tests.system_deps import CHROMIUM_MISSING, chromium
from tests.test_report import full_answers
from tests.test_report_record import SPJ, golden_records, record_result

CHROMIUM = chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason=CHROMIUM_MISSING)

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
    "--remote-debugging-pipe",
)
RENDERED_AT = dt.datetime(2026, 11, 22, 14, 3, tzinfo=dt.timezone.utc)
MAX_PAGES = 12
"""Every item at its highest value with a note and every field set: SARA-V3 prints on 10
or 11 pages (every measure rule fires), DASH and ODARA on 5."""
MAX_RECORD_PAGES = 12
"""A full case record (two raters, two scenarios, a plan, a review): 9 or 10 pages."""
TIMEOUT = 30.0
DOCS_IMG = Path(__file__).resolve().parents[1] / "docs" / "img"

DEMO = {
    "case_ref": "EX-2026-0417",
    "assessed_on": "2026-11-20",
    "assessors": [{"role": "risk_analyst", "id": "RA-12"}, {"role": "psychologist"}],
    "items": {
        "N1": {
            "recent": "Y",
            "past": "P",
            "relevance": "high",
            "note": "Follows her to work and checks her phone (fictitious).",
        },
        "N2": {
            "recent": "Y",
            "past": "N",
            "relevance": "high",
            "note": "Threatened to kill her if she leaves, 14 November (fictitious).",
        },
        "N3": {"recent": "Y", "past": "Y", "relevance": "high"},
        "N4": "N",
        "N5": {"recent": "P", "past": "N", "relevance": "moderate"},
        "N6": "N",
        "N7": {"recent": "Y", "past": "N", "relevance": "high"},
        "N8": "N",
        "P1": "P",
        "P2": "N",
        "P3": "Y",
        "P4": "N",
        "P5": "N",
        "P6": "P",
        "P7": "N",
        "P8": {"recent": "Y", "past": "Y", "relevance": "moderate"},
        "P9": "N",
        "P10": "P",
        "V1": "P",
        "V2": "N",
        "V3": "Y",
        "V4": "N",
        "V5": "O",
        "V6": "N",
    },
    "context": {"children_in_household": True, "incidents_last_12_months": 2},
    "judgements": {
        "case_prioritization": "high",
        "serious_harm": "moderate",
        "imminent_violence": "high",
    },
    "justification": (
        "Recent death threats and escalating violence after the separation; "
        "the victim is isolated and two children live in the home (fictitious case)."
    ),
}


class DevTools:
    """A minimal Chrome DevTools Protocol client over Chromium's debugging pipe."""

    def __init__(self, executable: str, profile: Path) -> None:
        to_browser_read, self._write = os.pipe()
        self._read, from_browser_write = os.pipe()

        def wire_pipes() -> None:  # runs in the child, before exec
            os.dup2(to_browser_read, 3)
            os.dup2(from_browser_write, 4)

        self.process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=wire_pipes,
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Call `method` and wait for its result, keeping the events that arrive meanwhile."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self.events.append(reply)

    def wait_for(self, method: str) -> dict[str, Any]:
        """The next event called `method` (events seen earlier count too)."""
        while True:
            for event in self.events:
                if event.get("method") == method:
                    self.events.remove(event)
                    return event
            self.events.append(self._receive())

    def _receive(self) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._read], [], [], max(left, 0))
            if not ready:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._read, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the debugging pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._read)
        os.close(self._write)


class Page:
    """What loading one HTML file did: requests, console messages, a screenshot, a PDF,
    and a screenshot of each element id in `sections`."""

    def __init__(self, tools: DevTools, path: Path, sections: tuple[str, ...] = ()) -> None:
        self.url = path.as_uri()
        target = tools.send("Target.createTarget", url="about:blank")["targetId"]
        session = tools.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        tools.events.clear()
        for domain in ("Page", "Runtime", "Log", "Network"):
            tools.send(f"{domain}.enable", session)
        tools.send(
            "Emulation.setDeviceMetricsOverride",
            session,
            width=1000,
            height=1400,
            deviceScaleFactor=1,
            mobile=False,
        )
        tools.send("Page.navigate", session, url=self.url)
        tools.wait_for("Page.loadEventFired")
        height = tools.send("Page.getLayoutMetrics", session)["cssContentSize"]["height"]
        self.height = int(height)
        self.screenshot = base64.b64decode(
            tools.send("Page.captureScreenshot", session, format="png")["data"]
        )
        self.sections: dict[str, bytes] = {}
        for ident in sections:
            box = tools.send(
                "Runtime.evaluate",
                session,
                expression=f"JSON.stringify(document.getElementById({json.dumps(ident)})"
                ".getBoundingClientRect())",
                returnByValue=True,
            )["result"]["value"]
            rect = json.loads(box)
            clip = {
                "x": 0,
                "y": max(rect["y"] - 8, 0),
                "width": 1000,
                "height": min(rect["height"] + 16, 1800),
                "scale": 1,
            }
            self.sections[ident] = base64.b64decode(
                tools.send(
                    "Page.captureScreenshot",
                    session,
                    format="png",
                    clip=clip,
                    captureBeyondViewport=True,
                )["data"]
            )
        self.pdf = base64.b64decode(
            tools.send("Page.printToPDF", session, preferCSSPageSize=True, printBackground=True)[
                "data"
            ]
        )
        self.requests = [
            e["params"]["request"]["url"]
            for e in tools.events
            if e.get("method") == "Network.requestWillBeSent"
        ]
        self.errors = [
            e["params"]
            for e in tools.events
            if (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] == "error")
            or e.get("method") == "Runtime.exceptionThrown"
            or (
                e.get("method") == "Log.entryAdded"
                and e["params"]["entry"]["level"] in ("error", "warning")
            )
        ]
        tools.send("Target.closeTarget", targetId=target)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTools]:
    """One headless Chromium with a fresh profile, shared by this module's tests."""
    assert CHROMIUM is not None
    tools = DevTools(CHROMIUM, tmp_path_factory.mktemp("chromium-profile"))
    try:
        tools.send("Browser.getVersion")
        yield tools
    finally:
        tools.close()


def _load(
    browser: DevTools, tmp_path: Path, html: str, name: str, sections: tuple[str, ...] = ()
) -> Page:
    path = tmp_path / f"{name}.html"
    path.write_text(html, encoding="utf-8")
    return Page(browser, path, sections)


def _page_texts(pdf: bytes) -> list[str]:
    """The text of each page of `pdf`, whitespace folded."""
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def _pages(pdf: bytes) -> list[tuple[int, int]]:
    """The size of each page of `pdf` in millimetres."""
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [
        (round(float(p.mediabox.width) * 25.4 / 72), round(float(p.mediabox.height) * 25.4 / 72))
        for p in reader.pages
    ]


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("ident", rs.list_instruments())
def test_report_loads_cleanly_and_prints_on_a_few_a4_pages(
    browser: DevTools, tmp_path: Path, ident: str, lang: str
) -> None:
    inst = rs.load_instrument(ident)
    result = inst.assess(full_answers(inst))
    html = rs.render_report(result, "html", lang, rendered_at=RENDERED_AT)
    page = _load(browser, tmp_path, html, f"{ident}-{lang}")

    assert page.requests == [page.url], "the report asked for something besides itself"
    assert page.errors == []
    assert page.screenshot.startswith(b"\x89PNG")
    (tmp_path / f"{ident}-{lang}.png").write_bytes(page.screenshot)
    sizes = _pages(page.pdf)
    assert set(sizes) == {(210, 297)}
    assert 1 <= len(sizes) <= MAX_PAGES, f"{len(sizes)} A4 pages"


MARGINS = {
    "nb": ("FORTROLIG: INNEHOLDER PERSONOPPLYSNINGER", "Saksreferanse: ", "side {} av {}"),
    "en": ("CONFIDENTIAL: CONTAINS PERSONAL DATA", "Case reference: ", "page {} of {}"),
}


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("ident", SPJ)
def test_full_case_records_print_cleanly_on_a_bounded_number_of_pages(
    browser: DevTools, tmp_path: Path, ident: str, lang: str
) -> None:
    for name, result in golden_records(rs.load_instrument(ident)):
        html = rs.render_report(result, "html", lang, rendered_at=RENDERED_AT)
        page = _load(browser, tmp_path, html, f"{ident}-{name}-{lang}")
        assert page.requests == [page.url], "the report asked for something besides itself"
        assert page.errors == []
        sizes = _pages(page.pdf)
        assert set(sizes) == {(210, 297)}
        assert 1 <= len(sizes) <= MAX_RECORD_PAGES, f"{name}: {len(sizes)} A4 pages"
        marking, reference, numbering = MARGINS[lang]
        for number, text in enumerate(_page_texts(page.pdf), start=1):
            assert marking in text.upper(), (name, number)
            assert f"{reference}{result.case_ref}" in text, (name, number)
            assert numbering.format(number, len(sizes)) in text, (name, number)


def test_injected_markup_neither_runs_nor_fetches(browser: DevTools, tmp_path: Path) -> None:
    from tests.test_report import HOSTILE

    inst = rs.load_instrument("sara-v3")
    given = full_answers(inst, note=HOSTILE)
    given["justification"] = HOSTILE
    html = rs.render_report(inst.assess(given), "html", "en", rendered_at=RENDERED_AT)
    page = _load(browser, tmp_path, html, "hostile")
    assert page.requests == [page.url]
    assert page.errors == []
    record = record_result(inst, lambda name: f"{name} {HOSTILE}").model_copy(
        update={"case_ref": '</style><img src="http://127.0.0.1:9/x.png">" } * { color: red'}
    )
    html = rs.render_report(record, "html", "en", rendered_at=RENDERED_AT)
    page = _load(browser, tmp_path, html, "hostile-record")
    assert page.requests == [page.url]
    assert page.errors == []


DEMO_TEXT = {
    "ZqxNameAnalyst": "Kari Nordmann",
    "ZqxNameClinician": "Ola Hansen",
    "ZqxSourcePolice": "Police records (BL, Indicia), 2019 to 2026",
    "ZqxSourceInterview": "Interview with the victim, 19 November 2026",
    "ZqxConsiderationTitle": "Access to a hunting rifle",
    "ZqxConsiderationNote": "Licensed; the rifle is kept at his parents' farm (fictitious).",
    "ZqxScenarioOneDescription": "He learns her new address and attacks her at home.",
    "ZqxScenarioOneVictims": "Ex-partner and her new partner",
    "ZqxScenarioOneSign": "Contact after the restraining order",
    "ZqxScenarioTwoDescription": "Threats by phone and messages continue after the ban.",
    "ZqxScenarioTwoVictims": "Ex-partner",
    "ZqxScenarioTwoSign": "New phone numbers",
    "ZqxResponsibleChosen": "Prosecutor on duty",
    "ZqxResponsibleDeferred": "Family counselling office",
    "ZqxReasonChosen": "Keeps him away from the shared home while the case is heard.",
    "ZqxReasonDeferred": "He declines for now; ask again at the review.",
    "ZqxReasonRejected": "He refuses to take part.",
    "ZqxTriggerRelease": "Release from custody",
    "ZqxTriggerBreach": "A breach of the restraining order",
}
"""Fictitious, plausible text for the record's free-text fields in the docs screenshots."""


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_demo_report_screenshot(browser: DevTools, tmp_path: Path, lang: str) -> None:
    """The screenshots in the docs: a fictitious SARA-V3 case with its record, the top of
    the first page and the plan, scenarios, pair and sign-off sections."""
    inst = rs.load_instrument("sara-v3")
    result = record_result(inst, DEMO_TEXT.__getitem__, DEMO)
    html = rs.render_report(result, "html", lang, rendered_at=RENDERED_AT)
    sections = ("plan", "scenarios", "pair", "signoff")
    page = _load(browser, tmp_path, html, f"demo-{lang}", sections)
    assert page.errors == []
    assert len(_pages(page.pdf)) <= MAX_RECORD_PAGES
    if os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1":
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        (DOCS_IMG / f"report-{lang}.png").write_bytes(page.screenshot)
        for ident, png in page.sections.items():
            (DOCS_IMG / f"report-{ident}-{lang}.png").write_bytes(png)
        (tmp_path.parent / f"demo-{lang}.pdf").write_bytes(page.pdf)


def test_the_checks_would_notice_a_request_and_a_console_error(
    browser: DevTools, tmp_path: Path
) -> None:
    """The harness itself: a page that fetches (from a closed loopback port) and logs."""
    probe = (
        '<!DOCTYPE html><html lang="en"><title>probe</title>'
        '<img src="http://127.0.0.1:9/x.png" alt=""><script>console.error("boom")</script>'
    )
    page = _load(browser, tmp_path, probe, "probe")
    assert page.requests == [page.url, "http://127.0.0.1:9/x.png"]
    assert page.errors != []
