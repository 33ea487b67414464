"""Fixtures of the API tests: a signed-in API client per role, by token."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def client_as(users: dict[str, Any]) -> Callable[[str | None], Any]:
    """An API client authenticated with the token of ``role`` (None: anonymous)."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def make(role: str | None) -> Any:
        client = APIClient()
        if role is not None:
            token, _ = Token.objects.get_or_create(user=users[role])
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make
