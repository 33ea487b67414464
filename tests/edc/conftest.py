"""Fixtures for the EDC: a study set up from the seed protocol, and one user per role.

The same tests run on SQLite (the default) and on PostgreSQL (`make test` runs them again with
DATABASE_URL set). Tests marked ``postgres`` need real row locks and run only in that pass.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from hepatrial.protocol import ROLES, seed_protocol_path

PASSWORD = "Correct-Horse-42"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip = pytest.mark.skip(reason="needs PostgreSQL; `make test` runs it against the server")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip)


@pytest.fixture
def study(db: Any) -> Any:
    from hepatrial.edc.study.services import study_init

    return study_init(
        protocol_path=seed_protocol_path(),
        admin_username="admin",
        admin_password=PASSWORD,
        admin_full_name="Ada Admin",
    )


@pytest.fixture
def users(study: Any) -> dict[str, Any]:
    """One active account per role, keyed by role; the admin made by set-up is ``admin``."""
    from hepatrial.edc.accounts.models import User
    from hepatrial.edc.accounts.services import user_create

    admin = User.objects.get(username="admin")
    made = {"admin": admin}
    for role in ROLES:
        if role == "admin":
            continue
        made[role] = user_create(
            actor=admin,
            username=role,
            full_name=f"{role.replace('_', ' ').title()} Person",
            role=role,
            password=PASSWORD,
            site_code="01" if role in ("investigator", "coordinator") else "",
        )
    return made


@pytest.fixture
def site(study: Any) -> Any:
    from hepatrial.edc.study.models import Site

    return Site.objects.get(code="01")


@pytest.fixture
def raw_sql() -> Callable[[str, list[Any] | None], None]:
    """Run SQL behind the application's back, as a tamperer with database access would."""

    def run(sql: str, params: list[Any] | None = None) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params or [])

    return run
