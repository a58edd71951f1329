"""Property-based fuzzing of the public read API from its own OpenAPI document (schemathesis + hypothesis)."""

from __future__ import annotations

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings

from yrdhub import errors


def test_read_api_never_fails(app: FastAPI) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    reads = [op for op in operations if op.method.upper() == "GET"]
    assert len(reads) >= 8

    for operation in reads:
        @given(case=operation.as_strategy())
        @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case: schemathesis.Case) -> None:
            response = case.call()
            assert response.status_code < 500, (case.path, case.query, response.text)
            if response.status_code >= 400:
                error = response.json()["error"]
                assert {"code", "message", "fields"} <= set(error)
                assert errors.message_of(error["code"]) is not None, error  # a registered code

        check()
