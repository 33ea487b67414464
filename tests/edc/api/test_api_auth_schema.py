"""Signing in to the API (token or session), and the OpenAPI schema that describes it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.django_db

PASSWORD = "Correct-Horse-42"  # the password the fixtures in tests/edc/conftest.py give


def _trail(action: str) -> list[str]:
    from hepatrial.edc.core.models import AccessEvent

    return list(AccessEvent.objects.filter(action=action).values_list("username", flat=True))


def test_a_token_is_issued_for_the_right_password_and_audited(users: Any, client: Any) -> None:
    response = client.post(
        "/api/token/", {"username": "coordinator", "password": PASSWORD},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200
    token = response.json()["token"]
    assert _trail("API token issued") == ["coordinator"]
    listed = client.get("/api/participants/", HTTP_AUTHORIZATION=f"Token {token}")
    assert listed.status_code == 200


def test_a_wrong_password_gets_no_token_and_is_recorded(users: Any, client: Any) -> None:
    response = client.post(
        "/api/token/", {"username": "coordinator", "password": "guess"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["field"] == "password"
    assert "token" not in response.json()
    assert "coordinator" in _trail("sign-in failed")


def test_a_made_up_token_is_refused(users: Any, client: Any) -> None:
    response = client.get("/api/participants/", HTTP_AUTHORIZATION="Token not-a-token")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_a_browser_session_works_and_its_writes_need_the_csrf_token(users: Any, site: Any) -> None:
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(users["coordinator"])
    assert browser.get("/api/participants/").status_code == 200
    refused = browser.post("/api/participants/", {}, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]


def _schema(client: Any) -> dict[str, Any]:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_schema_is_valid_openapi_3(client: Any) -> None:
    import drf_spectacular
    from jsonschema import Draft4Validator

    schema = _schema(client)
    assert schema["openapi"].startswith("3.0")
    # The OpenAPI Initiative's JSON Schema of OpenAPI 3.0, as drf-spectacular ships it.
    meta = Path(drf_spectacular.__file__).parent / "validation" / "openapi_3_0_schema.json"
    problems = list(Draft4Validator(json.loads(meta.read_text())).iter_errors(schema))
    assert not problems, [p.message for p in problems[:5]]


def test_the_schema_documents_bodies_and_the_error_shape(client: Any) -> None:
    schema = _schema(client)
    panel = schema["paths"]["/api/visits/{id}/labs/"]["post"]
    assert panel["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/LabPanel"
    )
    assert set(panel["responses"]) >= {"201", "400", "401", "403", "404", "409", "423"}
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"field", "expected", "received", "detail"}
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_docs_api_md_lists_every_endpoint() -> None:
    from api_endpoints import ENDPOINTS

    doc = (Path(__file__).resolve().parents[3] / "docs" / "api.md").read_text(encoding="utf-8")
    missing = [f"{e.method} {e.route}" for e in ENDPOINTS if f"{e.method} {e.route}" not in doc]
    assert not missing
