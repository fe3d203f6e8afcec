"""Schemathesis drives the live service from its own /openapi.json: no response is a
server error, and every response conforms to the document (status, content type,
headers, body schema); requests the document forbids are refused.

Bounded: a few examples per operation, a fixed seed. One check is left out on purpose:
`positive_data_acceptance`, which expects every schema-valid request to succeed. The
schemas are the structural contract and the library is the final word (docs/cli.md):
rules across fields — a reason for a rejected recommendation, a result whose instrument
this service does not serve — cannot be written in JSON Schema, and are answered 422.
"""

from __future__ import annotations

from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")
pytest.importorskip("fastapi")

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from schemathesis.checks import positive_data_acceptance  # noqa: E402

from .server_support import live_server  # noqa: E402

EXAMPLES = 8


def test_no_response_is_a_server_error_and_every_one_conforms_to_the_document() -> None:
    with live_server() as url:
        schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 40
        for operation in operations:

            @seed(0)
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy())
            def conforms(case: Any) -> None:
                case.call_and_validate(excluded_checks=[positive_data_acceptance])

            conforms()
