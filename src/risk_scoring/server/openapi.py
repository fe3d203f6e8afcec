"""The OpenAPI 3.1 document: each route described exactly with the library's own schemas.

Request bodies of `/instruments/<id>/assess` are that instrument's answers schema
(`answers_schema`); results are the result schema (`result_schema`), whose `$defs` are
moved into `components/schemas` so that every `$ref` resolves inside the document.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from ..definition.instrument import Instrument
from ..engine.schema import answers_schema, result_schema

PROBLEMS = {
    "type": "object",
    "properties": {
        "problems": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "path": {"type": "string"},
                    "message": {"type": "string"},
                    "code": {"type": "string"},
                },
                "required": ["path", "message", "code"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["problems"],
    "additionalProperties": False,
}
_PROBLEMS_REF = {"$ref": "#/components/schemas/Problems"}
_RESULT_REF = {"$ref": "#/components/schemas/Result"}
_LANG = {
    "name": "lang",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "enum": ["nb", "en"], "default": "nb"},
}
_TEXT = {"text/plain": {"schema": {"type": "string"}}}
_HTML = {"text/html": {"schema": {"type": "string"}}}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _refused(description: str) -> dict[str, Any]:
    return {"description": description, "content": _json(_PROBLEMS_REF)}


def _answers_ref(inst: Instrument) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/Answers-{inst.id}"}


def health() -> dict[str, Any]:
    schema = {
        "type": "object",
        "properties": {"status": {"const": "ok"}, "version": {"type": "string"}},
        "required": ["status", "version"],
    }
    return {
        "summary": "Is the service up (no token needed)",
        "responses": {"200": {"description": "up", "content": _json(schema)}},
    }


def index() -> dict[str, Any]:
    entry = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "version": {"type": "string"},
            "kind": {"enum": ["actuarial", "checklist", "spj"]},
            "title": {
                "type": "object",
                "properties": {"nb": {"type": "string"}, "en": {"type": "string"}},
                "required": ["nb", "en"],
            },
            "digest": {"type": "string"},
            "items": {"type": "integer"},
        },
        "required": ["id", "version", "kind", "title", "digest", "items"],
    }
    return {
        "summary": "The instruments this service assesses",
        "responses": {
            "200": {
                "description": "the instruments",
                "content": _json({"type": "array", "items": entry}),
            }
        },
    }


def reports() -> dict[str, Any]:
    return {
        "summary": "Render a stored result as a report",
        "parameters": [
            {
                "name": "format",
                "in": "query",
                "required": False,
                "schema": {
                    "type": "string",
                    "enum": ["html", "markdown", "text"],
                    "default": "html",
                },
            },
            _LANG,
        ],
        "requestBody": {"required": True, "content": _json(_RESULT_REF)},
        "responses": {
            "200": {
                "description": "the report",
                "content": {**_HTML, "text/markdown": {"schema": {"type": "string"}}, **_TEXT},
            },
            "400": _refused("the body is not JSON"),
            "422": _refused("not a valid result, or not one of this service's instruments"),
        },
    }


def show(inst: Instrument) -> dict[str, Any]:
    schema = {
        "type": "object",
        "properties": {"digest": {"type": "string"}, "definition": {"type": "object"}},
        "required": ["digest", "definition"],
    }
    return {
        "summary": f"The {inst.id} definition",
        "responses": {"200": {"description": "the definition", "content": _json(schema)}},
    }


def schema(inst: Instrument) -> dict[str, Any]:
    return {
        "summary": f"The JSON Schema of {inst.id} answers",
        "responses": {
            "200": {"description": "a JSON Schema", "content": _json({"type": "object"})}
        },
    }


def assess(inst: Instrument) -> dict[str, Any]:
    return {
        "summary": f"Assess one {inst.id} case",
        "requestBody": {"required": True, "content": _json(_answers_ref(inst))},
        "responses": {
            "200": {"description": "the result", "content": _json(_RESULT_REF)},
            "400": _refused("the body is not JSON"),
            "422": _refused("the answers do not fit the instrument"),
        },
    }


def form(inst: Instrument) -> dict[str, Any]:
    return {
        "summary": f"The {inst.id} entry form",
        "parameters": [_LANG],
        "responses": {
            "200": {"description": "the form", "content": _HTML},
            "422": _refused("unknown language"),
        },
    }


def submit(inst: Instrument) -> dict[str, Any]:
    return {
        "summary": f"Submit the {inst.id} entry form",
        "parameters": [_LANG],
        "requestBody": {
            "required": True,
            "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object"}}},
        },
        "responses": {
            "200": {
                "description": "the report page, or the form again with each problem beside "
                "its field and every entered value kept",
                "content": _HTML,
            },
            "403": {"description": "no valid form token", "content": _TEXT},
            "422": _refused("unknown language"),
        },
    }


def _embedded(schema: dict[str, Any]) -> dict[str, Any]:
    """A stand-alone JSON Schema as an OpenAPI component: no `$schema`/`$id`."""
    return {k: v for k, v in schema.items() if k not in ("$schema", "$id", "$defs")}


def _rewrite(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: (v.replace("#/$defs/", "#/components/schemas/") if k == "$ref" else _rewrite(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_rewrite(v) for v in value]
    return value


def document(app: FastAPI, instruments: list[Instrument]) -> dict[str, Any]:
    """The OpenAPI document of `app`, built once and cached on it."""
    if app.openapi_schema:
        return app.openapi_schema
    doc = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    result = result_schema()
    components: dict[str, Any] = {
        **_rewrite(result.get("$defs", {})),
        "Result": _rewrite(_embedded(result)),
        "Problems": PROBLEMS,
    }
    for inst in instruments:
        components[f"Answers-{inst.id}"] = _embedded(answers_schema(inst))
    doc.setdefault("components", {}).setdefault("schemas", {}).update(components)
    app.openapi_schema = doc
    return doc
