"""Property-based tests of the API from its own OpenAPI schema (schemathesis), bounded for CI.

Every operation gets generated requests, valid by the schema (with the journey's real record ids
in the path, so requests reach the services) and invalid ones, sent through the WSGI app with a
coordinator's token. Checks: no 5xx, only declared statuses, 2xx bodies match the schema, invalid
input refused, and every 400 carries the field / expected / received / detail message.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from api_endpoints import ENDPOINTS, journey_ids
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db

EXAMPLES = 20  # per operation and mode; the whole test stays within about two minutes


@schemathesis.check
def error_is_explained(ctx: Any, response: Any, case: Any) -> bool | None:
    """A 400 says which field, what was expected, what was received, in words."""
    if response.status_code != 400:
        return None
    body = response.json()
    assert set(body) >= {"field", "expected", "received", "detail"}, body
    assert isinstance(body["detail"], str), body
    assert body["detail"].strip(), body
    return True


CHECKS = {
    GenerationMode.POSITIVE: [
        not_a_server_error, status_code_conformance, response_schema_conformance,
        error_is_explained,
    ],
    GenerationMode.NEGATIVE: [
        not_a_server_error, status_code_conformance, negative_data_rejection, error_is_explained,
    ],
}  # fmt: skip


def _run(
    operation: Any, mode: GenerationMode, path: dict[str, Any], token: str, seen: set[int]
) -> None:
    strategy = operation.as_strategy(
        generation_mode=mode, path_parameters=path if mode is GenerationMode.POSITIVE else None
    )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case: Any) -> None:
        response = case.call(headers={"Authorization": f"Token {token}"})
        seen.add(response.status_code)
        case.validate_response(response, checks=CHECKS[mode])

    check()


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    """The project's WSGI application, inside the test's transaction.

    A real WSGI handler closes the database connection at the end of each request when it is not
    in autocommit mode, which inside a test transaction it never is; on PostgreSQL that would drop
    the test's data. Django's own test client disconnects the same handler for the same reason.
    """
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from hepatrial.edc.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_generated_requests_get_no_server_error_and_clear_400s(
    journey: Any, users: dict[str, Any], wsgi_app: Any
) -> None:
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=users["coordinator"])
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    ids = journey_ids(journey)
    keys = {(e.method, e.route): e.key for e in ENDPOINTS}
    failures, seen = [], set()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == len(ENDPOINTS) - 1  # every operation but the schema itself
    for operation in operations:
        key = keys[(operation.method.upper(), operation.path)]
        path = {"id": str(ids[key])} if "{id}" in operation.path else {}
        if "{domain}" in operation.path:
            path["domain"] = ids["domain"]
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _run(operation, mode, path, token.key, seen)
            except Unsatisfiable:
                # an operation with no parameter and no body has no invalid request to make
                assert mode is GenerationMode.NEGATIVE
                assert "{" not in operation.path
            except Exception as failure:
                failures.append(f"{mode} {operation.label}: {failure}")
    assert not failures, "\n\n".join(failures)
    # the generated requests reached the views: some were answered, some refused as invalid
    assert {200, 400} <= seen
