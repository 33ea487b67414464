"""The admin is no back door, and the committed migrations match the models."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import RequestFactory


def test_the_committed_migrations_match_the_models(db: Any) -> None:
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit as changed:
        pytest.fail(f"models changed without a migration:\n{out.getvalue()} ({changed})")


def test_the_admin_shows_reference_data_only_and_writes_nothing(users: Any) -> None:
    registered = {model._meta.label for model in admin.site._registry}
    trial_apps = {"participants", "randomization", "visits", "crfs", "outcomes", "safety",
                  "queries", "casebooks", "core"}  # fmt: skip
    assert {"accounts.User", "study.Site", "dosing.CellLot"} <= registered
    assert not {label for label in registered if label.split(".")[0] in trial_apps}
    request = RequestFactory().get("/admin/")
    request.user = users["admin"]
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in ("accounts", "study", "dosing"):
            assert not model_admin.has_add_permission(request), model
            assert not model_admin.has_change_permission(request), model
            assert not model_admin.has_delete_permission(request), model
