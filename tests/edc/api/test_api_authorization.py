"""The API authorization matrix: every endpoint × every role (and anonymous) gets the status the
PERMISSIONS table implies.

For a role the action allows, a read is 200 and a write with an empty body is 400 (the role got
past the check and the input was refused); for any other role it is 403 before the body is read;
without credentials it is 401.
"""

from __future__ import annotations

from typing import Any

import pytest
from api_endpoints import ENDPOINTS, journey_ids

from hepatrial.edc.core.permissions import PERMISSIONS
from hepatrial.protocol import ROLES

pytestmark = pytest.mark.django_db


def _expected(role: str | None, method: str, action: str | None) -> int:
    if action is None:
        return 200 if method == "GET" else 400
    if role is None:
        return 401
    if role not in PERMISSIONS[action]:
        return 403
    return 200 if method == "GET" else 400


def _call(client: Any, method: str, url: str) -> Any:
    return getattr(client, method.lower())(url, {}, format="json")


def test_every_endpoint_answers_every_role_as_permissions_say(journey: Any, client_as: Any) -> None:
    ids = journey_ids(journey)
    wrong = []
    for role in (None, *ROLES):
        client = client_as(role)
        for endpoint in ENDPOINTS:
            response = _call(client, endpoint.method, endpoint.url(ids))
            want = _expected(role, endpoint.method, endpoint.action)
            if response.status_code != want:
                wrong.append(
                    f"{role} {endpoint.method} {endpoint.route}: {response.status_code} != {want}"
                )
    assert not wrong, "\n".join(wrong)


def test_anonymous_requests_are_told_to_send_a_token(users: Any, client_as: Any) -> None:
    response = client_as(None).get("/api/participants/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_refusal_names_the_action_and_the_roles_allowed(users: Any, client_as: Any) -> None:
    response = client_as("statistician").post("/api/participants/", {}, format="json")
    assert response.status_code == 403
    error = response.json()
    assert error["field"] == "participant.identify"
    assert error["received"] == "role statistician"
    assert "coordinator" in error["expected"]
    assert "investigator" in error["expected"]


def test_the_matrix_covers_every_operation_of_the_schema(client: Any) -> None:
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    documented = {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    }
    listed = {(e.method, e.route) for e in ENDPOINTS} - {("GET", "/api/schema/")}
    assert documented == listed
