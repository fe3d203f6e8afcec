"""The HTTP service, started on a free loopback port and driven by a real HTTP client."""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Iterator

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
pytest.importorskip("httpx")

import httpx

import risk_scoring as rs
from risk_scoring.server.run import ServeError, check_address, token_from
from risk_scoring.server.security import Csrf

from .server_support import NO, SENTINEL, csrf_of, live_server, sara_form

TOKEN = "a-long-enough-test-token-1234"


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with live_server() as url, httpx.Client(base_url=url, timeout=10) as c:
        yield c


def test_health_answers_without_a_token() -> None:
    with live_server(token=TOKEN) as url:
        assert httpx.get(f"{url}/health").json()["status"] == "ok"


def test_every_other_route_needs_the_token_when_one_is_set() -> None:
    with live_server(token=TOKEN) as url:
        assert httpx.get(f"{url}/instruments").status_code == 401
        wrong = {"Authorization": "Bearer not-the-token-at-all"}
        assert httpx.get(f"{url}/instruments", headers=wrong).status_code == 401
        right = {"Authorization": f"Bearer {TOKEN}"}
        assert httpx.get(f"{url}/instruments", headers=right).status_code == 200


def test_the_instruments_are_listed_with_their_digests(client: httpx.Client) -> None:
    listed = client.get("/instruments").json()
    assert [i["id"] for i in listed] == rs.list_instruments()
    assert listed[0]["digest"] == rs.load_instrument(listed[0]["id"]).digest


def test_a_definition_and_its_answers_schema_are_served(client: httpx.Client) -> None:
    shown = client.get("/instruments/dash").json()
    assert shown["definition"]["id"] == "dash"
    assert client.get("/instruments/dash/schema").json() == rs.answers_schema("dash")


def test_assessing_over_http_gives_the_librarys_json_byte_for_byte(client: httpx.Client) -> None:
    answers = {"items": {**NO, "1": "yes"}, "case_ref": "c-1"}
    response = client.post("/instruments/dash/assess", json=answers)
    assert response.status_code == 200
    assert response.text == rs.assess("dash", answers).model_dump_json()
    assert response.headers["cache-control"] == "no-store"


def test_bad_answers_are_422_with_every_problem(client: httpx.Client) -> None:
    response = client.post("/instruments/dash/assess", json={"items": {**NO, "1": "maybe"}, "x": 1})
    assert response.status_code == 422
    paths = [p["path"] for p in response.json()["problems"]]
    assert paths == ["x", "items.1"]


@pytest.mark.parametrize(
    "body",
    [b"{not json", b'{"items": {}, "items": {}}', b'{"items": NaN}', b"[" * 100_000],
    ids=["syntax", "duplicate-key", "nan", "deep"],
)
def test_a_body_that_is_not_plain_json_is_400(client: httpx.Client, body: bytes) -> None:
    response = client.post(
        "/instruments/dash/assess", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["problems"][0]["code"] == "invalid_json"


def test_bodies_over_one_megabyte_are_refused(client: httpx.Client) -> None:
    big = b" " * 1_000_001
    response = client.post(
        "/instruments/dash/assess", content=big, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(11):
            yield b" " * 100_000

    assert client.post("/instruments/dash/assess", content=chunks()).status_code == 413


@pytest.mark.parametrize("fmt", ["html", "markdown", "text"])
def test_a_stored_result_renders_as_a_report(client: httpx.Client, fmt: str) -> None:
    result = rs.assess("dash", {"items": NO})
    response = client.post(f"/reports?format={fmt}&lang=en", content=result.model_dump_json())
    assert response.status_code == 200
    assert response.text == rs.render_report(result, fmt, "en")
    assert response.headers["cache-control"] == "no-store"


def test_a_result_that_does_not_validate_is_422(client: httpx.Client) -> None:
    response = client.post("/reports", content=b'{"level": "high"}')
    assert response.status_code == 422
    assert response.json()["problems"]


def test_pages_carry_a_strict_content_security_policy(client: httpx.Client) -> None:
    page = client.get("/instruments/dash/form")
    policy = page.headers["content-security-policy"]
    assert "unsafe-inline" not in policy
    assert "default-src 'none'" in policy
    assert "script-src" not in policy
    assert re.search(r"style-src 'sha256-[A-Za-z0-9+/=]+'", policy)


def test_the_form_has_a_label_for_every_control_and_no_script(client: httpx.Client) -> None:
    page = client.get("/instruments/sara-v3/form?lang=nb").text
    assert '<html lang="nb">' in page
    assert "<script" not in page
    assert "http://" not in page
    assert "https://" not in page
    ids = re.findall(r'<(?:select|input|textarea) id="([^"]+)"', page)
    labels = set(re.findall(r'<label for="([^"]+)"', page))
    assert ids
    assert set(ids) <= labels
    assert 'name="items.N3.relevance"' in page
    assert 'name="judgements.serious_harm"' in page
    assert "<details><summary>Veiledning</summary>" in page


def test_a_filled_form_gives_the_report_page(client: httpx.Client) -> None:
    response = client.post("/instruments/sara-v3/form?lang=en", data=sara_form(client))
    assert response.status_code == 200
    assert "Download the answers (JSON)" in response.text
    assert "Moderate" in response.text
    assert response.headers["cache-control"] == "no-store"


def test_a_refused_form_shows_each_problem_beside_its_field_and_keeps_every_value(
    client: httpx.Client,
) -> None:
    data = sara_form(client)
    data["items.N3.recent"] = "bogus"
    data["context.incidents_last_12_months"] = "three"
    data["justification"] = "the pair's reasons"
    response = client.post("/instruments/sara-v3/form?lang=en", data=data)
    assert response.status_code == 200
    problems = dict(
        re.findall(r'<p class="problem" id="f-([^"]+)-problem">([^<]+)</p>', response.text)
    )
    assert "must be a whole number" in problems["context-incidents_last_12_months"]
    assert 'value="three"' in response.text
    assert "the pair&#39;s reasons" in response.text


def test_a_form_post_without_a_valid_token_is_refused(client: httpx.Client) -> None:
    data = {**sara_form(client), "csrf": "123.forged"}
    assert client.post("/instruments/sara-v3/form", data=data).status_code == 403


def test_csrf_tokens_expire() -> None:
    csrf = Csrf(b"k" * 32)
    token = csrf.issue(now=1_000)
    assert csrf.valid(token, now=1_000 + 60)
    assert not csrf.valid(token, now=1_000 + 9 * 3600)
    assert not csrf.valid(token.replace(".", ".0"), now=1_000)


def test_no_body_note_or_answer_is_ever_logged(
    client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    answers = {"items": {**NO, "1": {"answer": "yes", "note": SENTINEL}}, "case_ref": SENTINEL}
    client.post("/instruments/dash/assess", json=answers)
    client.post("/instruments/dash/assess", json={"items": {SENTINEL: SENTINEL}})
    data = {**sara_form(client), "justification": SENTINEL, "items.N1.note": SENTINEL}
    client.post("/instruments/sara-v3/form?lang=en", data=data)
    client.post("/instruments/sara-v3/form?lang=en", data={**data, "items.N1.recent": SENTINEL})
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "POST /instruments/dash/assess 200" in logged
    assert "RTSENTINEL" not in logged


def test_problems_never_quote_free_text(client: httpx.Client) -> None:
    response = client.post("/instruments/dash/assess", json={"items": {SENTINEL: "yes"}})
    assert SENTINEL not in response.text


def test_a_public_address_needs_a_token() -> None:
    with pytest.raises(ServeError, match="reachable from other machines"):
        check_address("0.0.0.0", None)
    check_address("0.0.0.0", TOKEN)
    check_address("127.0.0.1", None)
    check_address("::1", None)


def test_a_short_token_is_refused(
    tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RISK_SCORING_TOKEN", "short")
    with pytest.raises(ServeError, match="at least 16"):
        token_from(None)
    monkeypatch.setenv("RISK_SCORING_TOKEN", TOKEN)
    assert token_from(None) == TOKEN


def test_the_openapi_document_describes_every_route(client: httpx.Client) -> None:
    doc = client.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    for ident in rs.list_instruments():
        body = doc["paths"][f"/instruments/{ident}/assess"]["post"]["requestBody"]
        ref = body["content"]["application/json"]["schema"]["$ref"]
        assert ref == f"#/components/schemas/Answers-{ident}"
    text = json.dumps(doc)
    for ref in set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', text)):
        assert ref in doc["components"]["schemas"], ref
    assert "#/$defs/" not in text


def test_the_report_page_offers_the_answers_for_download(client: httpx.Client) -> None:
    response = client.post("/instruments/sara-v3/form?lang=nb", data=sara_form(client, "nb"))
    link = re.search(r'href="data:application/json;base64,([^"]+)" download', response.text)
    assert link is not None
    import base64

    answers = json.loads(base64.b64decode(html.unescape(link.group(1))))
    assert answers["judgements"]["case_prioritization"] == "moderate"
    assert rs.assess("sara-v3", answers).level == "moderate"
    assert csrf_of(client.get("/instruments/sara-v3/form").text)


def test_the_serve_command_prints_its_address_and_serves() -> None:
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-m", "risk_scoring.tooling.cli", "serve", "--port", str(port)]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        assert f"http://127.0.0.1:{port}/" in line
        deadline = time.monotonic() + 15
        while True:
            try:
                assert httpx.get(f"http://127.0.0.1:{port}/health").json()["status"] == "ok"
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
    finally:
        process.terminate()
        process.wait(10)
        if process.stderr is not None:
            process.stderr.close()


def test_serve_refuses_a_public_address_without_a_token() -> None:
    from click.testing import CliRunner

    from risk_scoring.tooling.cli import main

    result = CliRunner().invoke(
        main, ["serve", "--host", "0.0.0.0"], env={"RISK_SCORING_TOKEN": ""}
    )
    assert result.exit_code == 2
    assert "reachable from other machines" in result.output


def test_an_unexpected_failure_is_500_and_logged_by_its_type_only(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    import risk_scoring.server.app as app_module

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError(f"could not handle {SENTINEL}")

    monkeypatch.setattr(app_module, "assess", broken)
    caplog.set_level(logging.DEBUG)
    with live_server() as url:
        response = httpx.post(f"{url}/instruments/dash/assess", json={"items": NO})
    assert response.status_code == 500
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "POST /instruments/dash/assess failed: ValueError" in logged
    assert "RTSENTINEL" not in logged
    assert all(r.exc_info is None for r in caplog.records)
