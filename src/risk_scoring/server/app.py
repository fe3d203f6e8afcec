"""The HTTP service: JSON routes for systems that are not written in Python, and entry
forms for analysts (SPEC §4). Needs the `server` extra (FastAPI, uvicorn).

Every instrument gets its own routes (`/instruments/<id>/assess`, `/schema`, `/form`), so
the OpenAPI document describes each request body exactly with the answers schema the
library exports, and each response with the result schema; bad input is answered 422
with the library's problems, ``{"problems": [{"path", "message", "code"}]}``.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from .._version import __version__
from ..definition.instrument import Instrument
from ..definition.loading import list_instruments, load_instrument
from ..definition.result import Result
from ..engine.assessment import assess
from ..engine.schema import answers_schema
from ..errors import AnswerError, Problem, ReportError, ResultError
from ..report.render import FORMATS, render_report
from . import forms, openapi
from .security import Csrf, Guard, content_security_policy

LANGUAGES = ("nb", "en")
MEDIA = {"html": "text/html", "markdown": "text/markdown", "text": "text/plain"}
_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_WORDS = {
    "nb": {
        "title": "Registrering",
        "intro": "Fyll inn vurderingen; felt merket * må fylles ut.",
        "problems": "Noe må rettes",
        "beside": "%d problem(er) er vist ved feltene.",
        "submit": "Vurder og vis rapport",
        "guidance": "Veiledning",
        "lines": "Én per linje",
        "download": "Last ned svarene (JSON)",
        "back": "Tilbake til skjemaet",
    },
    "en": {
        "title": "Entry form",
        "intro": "Fill in the assessment; fields marked * are required.",
        "problems": "Something needs correcting",
        "beside": "%d problem(s) are shown beside their fields.",
        "submit": "Assess and show the report",
        "guidance": "Guidance",
        "lines": "One per line",
        "download": "Download the answers (JSON)",
        "back": "Back to the form",
    },
}


def problems_response(problems: Sequence[Problem], status: int = 422) -> JSONResponse:
    body = {"problems": [{"path": p.path, "message": p.message, "code": p.code} for p in problems]}
    return JSONResponse(body, status_code=status)


def _json(raw: bytes) -> Any:
    """A request body as JSON; duplicate keys, non-finite numbers and huge numbers refused."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                raise ValueError("duplicate key")
            out[key] = value
        return out

    def constant(name: str) -> Any:
        raise ValueError(f"{name} is not a JSON number")

    return json.loads(raw.decode("utf-8"), object_pairs_hook=pairs, parse_constant=constant)


async def _body(request: Request) -> tuple[Any, JSONResponse | None]:
    try:
        return _json(await request.body()), None
    except (ValueError, RecursionError):
        problem = Problem("", "the body is not valid JSON", code="invalid_json")
        return None, problems_response([problem], 400)


def _language(request: Request) -> tuple[str, JSONResponse | None]:
    lang = request.query_params.get("lang", "nb")
    if lang not in LANGUAGES:
        problem = Problem("lang", "expected one of 'nb', 'en'", code="value_not_allowed")
        return lang, problems_response([problem])
    return lang, None


def _page(html: str, status: int = 200) -> HTMLResponse:
    body = html.encode("utf-8")
    headers = {"content-security-policy": content_security_policy(body)}
    return HTMLResponse(body, status_code=status, headers=headers)


def create_app(
    *, token: str | None = None, instruments: Sequence[Instrument | str] | None = None
) -> FastAPI:
    """The ASGI app (FastAPI) serving `instruments` (default: every built-in one).

    With a `token`, every route but `/health` needs ``Authorization: Bearer <token>``.
    Run it with `risk-scoring serve`, or under a host's own ASGI server.
    """
    chosen = [
        load_instrument(i) if isinstance(i, str) else i
        for i in (instruments if instruments is not None else list_instruments())
    ]
    app = FastAPI(
        title="risk_scoring",
        version=__version__,
        description="Structured risk assessment of violence in close relationships.",
        docs_url=None,
        redoc_url=None,
    )
    csrf = Csrf()

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "version": __version__})

    async def index(request: Request) -> Response:
        listed = [
            {
                "id": i.id,
                "version": i.version,
                "kind": i.kind,
                "title": {"nb": i.title.nb, "en": i.title.en},
                "digest": i.digest,
                "items": len(i.items),
            }
            for i in chosen
        ]
        return JSONResponse(listed)

    async def reports(request: Request) -> Response:
        fmt = request.query_params.get("format", "html")
        lang, refused = _language(request)
        if refused is not None:
            return refused
        if fmt not in FORMATS:
            message = "expected one of 'html', 'markdown', 'text'"
            return problems_response([Problem("format", message, code="value_not_allowed")])
        try:
            result = Result.model_validate_json(await request.body())
            text = render_report(result, fmt, lang, instrument=_known(chosen, result))
        except ResultError as exc:
            return problems_response(exc.problems)
        except ReportError as exc:
            return problems_response([Problem("", str(exc), code="not_renderable")])
        if fmt == "html":
            return _page(text)
        return Response(text, media_type=f"{MEDIA[fmt]}; charset=utf-8")

    app.add_api_route("/health", health, methods=["GET"], openapi_extra=openapi.health())
    app.add_api_route("/instruments", index, methods=["GET"], openapi_extra=openapi.index())
    app.add_api_route("/reports", reports, methods=["POST"], openapi_extra=openapi.reports())
    for inst in chosen:
        _instrument_routes(app, inst, csrf)
    app.openapi = lambda: openapi.document(app, chosen)  # type: ignore[method-assign]
    app.add_middleware(Guard, token=token)
    return app


def _known(chosen: Sequence[Instrument], result: Result) -> Instrument | None:
    for inst in chosen:
        if result.provenance.matches(inst):
            return inst
    return None


def _instrument_routes(app: FastAPI, inst: Instrument, csrf: Csrf) -> None:
    base = f"/instruments/{inst.id}"
    definition = inst.model_dump(mode="json", by_alias=True)
    described = {"digest": inst.digest, "definition": definition}
    schema = answers_schema(inst)

    async def show(request: Request) -> Response:
        return JSONResponse(described)

    async def schema_route(request: Request) -> Response:
        return JSONResponse(schema)

    async def assess_route(request: Request) -> Response:
        answers, refused = await _body(request)
        if refused is not None:
            return refused
        try:
            result = assess(inst, answers)
        except AnswerError as exc:
            return problems_response(exc.problems)
        return Response(result.model_dump_json(), media_type="application/json")

    async def form(request: Request) -> Response:
        lang, refused = _language(request)
        if refused is not None:
            return refused
        return _page(_form_page(inst, lang, csrf.issue(), {}, {}))

    async def submit(request: Request) -> Response:
        lang, refused = _language(request)
        if refused is not None:
            return refused
        raw = (await request.body()).decode("utf-8", "replace")
        posted_fields = parse_qsl(raw, keep_blank_values=True, max_num_fields=20_000)
        values = dict(posted_fields)
        if not csrf.valid(values.get("csrf")):
            return Response("the form has expired: reload it", 403, media_type="text/plain")
        posted = forms.read(inst, [(k, v) for k, v in posted_fields if k != "csrf"])
        problems = list(posted.problems)
        result = None
        if not problems:
            try:
                result = assess(inst, posted.answers)
            except AnswerError as exc:
                problems = list(exc.problems)
        if result is None:
            sections = forms.layout(inst, lang, posted.values)
            places = forms.problem_places(forms.control_names(sections), posted, problems)
            # 200, not 422: a browser reports an error status as a console error, and
            # this is a page for a person; systems use the JSON route for statuses.
            return _page(_form_page(inst, lang, csrf.issue(), posted.values, places))
        return _page(_report_page(result, inst, lang, posted.answers))

    app.add_api_route(base, show, methods=["GET"], openapi_extra=openapi.show(inst))
    app.add_api_route(
        f"{base}/schema", schema_route, methods=["GET"], openapi_extra=openapi.schema(inst)
    )
    app.add_api_route(
        f"{base}/assess", assess_route, methods=["POST"], openapi_extra=openapi.assess(inst)
    )
    app.add_api_route(f"{base}/form", form, methods=["GET"], openapi_extra=openapi.form(inst))
    app.add_api_route(f"{base}/form", submit, methods=["POST"], openapi_extra=openapi.submit(inst))


def _form_page(
    inst: Instrument,
    lang: str,
    token: str,
    values: dict[str, str],
    places: dict[str, list[str]],
) -> str:
    sections = forms.layout(inst, lang, values, places)
    general = places.get("", [])
    count = sum(len(v) for k, v in places.items() if k)
    return _TEMPLATES.get_template("form.html.j2").render(
        lang=lang,
        t=_WORDS[lang],
        instrument={"id": inst.id, "version": inst.version, "title": inst.title.get(lang)},
        action=f"/instruments/{inst.id}/form?lang={lang}",
        csrf=token,
        sections=sections,
        general=general,
        count=count,
    )


def _report_page(result: Result, inst: Instrument, lang: str, answers: dict[str, Any]) -> str:
    """The HTML report, with a bar on top: download the answers, back to the form."""
    html = render_report(result, "html", lang, instrument=inst)
    data = json.dumps(answers, ensure_ascii=False, indent=2, sort_keys=True).encode()
    href = "data:application/json;base64," + base64.b64encode(data).decode()
    words = _WORDS[lang]
    bar = (
        '<nav class="entry-bar">'
        f'<a href="{href}" download="{inst.id}-answers.json">{words["download"]}</a> · '
        f'<a href="/instruments/{inst.id}/form?lang={lang}">{words["back"]}</a></nav>'
    )
    head, sep, rest = html.partition("<body>")
    return head + sep + bar + rest if sep else bar + html


def app_from_environment() -> Any:
    """`create_app` with the token from ``RISK_SCORING_TOKEN``, for ``uvicorn --factory``."""
    return create_app(token=os.environ.get("RISK_SCORING_TOKEN") or None)
