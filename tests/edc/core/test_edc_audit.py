"""The audit trail: complete, attributable, reasoned, tamper-evident, exportable."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from hepatrial.edc.core.audit import audit_export, audit_verify, record_access
from hepatrial.edc.core.services import record_update, record_void
from hepatrial.edc.study.models import Site
from hepatrial.errors import ConflictError, InputError, StudyLockedError, WorkflowError


def test_a_fresh_study_has_an_intact_chain(study: Any) -> None:
    result = audit_verify()
    assert result.ok, result.breaks
    assert result.entries > 20  # the admin account and every reference row


def test_an_update_records_who_when_old_new_and_why(users: Any, site: Any) -> None:
    record_update(
        Site,
        site.pk,
        user=users["admin"],
        expected_version=1,
        reason="hospital renamed",
        changes={"name": "Northern Theater Command General Hospital"},
    )
    stream = io.StringIO()
    audit_export(stream)
    rows = [r for r in csv.DictReader(io.StringIO(stream.getvalue())) if r["field"] == "name"]
    change = rows[-1]
    assert change["model"] == "study.Site"
    assert change["action"] == "changed"
    assert change["user"] == "admin"
    assert change["old"] == "General Hospital of Northern Theater Command"
    assert change["new"] == "Northern Theater Command General Hospital"
    assert change["reason"] == "hospital renamed"
    assert change["recorded_at_utc"].endswith("+00:00")
    assert audit_verify().ok


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_change_without_a_reason_is_refused_and_nothing_changes(
    users: Any, site: Any, reason: str | None
) -> None:
    with pytest.raises(InputError, match="reason: expected the reason for the change"):
        record_update(
            Site, site.pk, user=users["admin"], expected_version=1, reason=reason,
            changes={"name": "X"},
        )  # fmt: skip
    site.refresh_from_db()
    assert site.name != "X"
    assert site.version == 1


def test_the_second_of_two_edits_from_the_same_version_gets_a_conflict(
    users: Any, site: Any
) -> None:
    record_update(
        Site, site.pk, user=users["admin"], expected_version=1, reason="first edit",
        changes={"name": "First"},
    )  # fmt: skip
    with pytest.raises(ConflictError, match=r"expected version 1 .* got version 2"):
        record_update(
            Site, site.pk, user=users["admin"], expected_version=1, reason="second edit",
            changes={"name": "Second"},
        )  # fmt: skip
    site.refresh_from_db()
    assert site.name == "First"


def test_records_are_voided_with_a_reason_never_deleted(users: Any, site: Any) -> None:
    with pytest.raises(WorkflowError, match="never deleted"):
        site.delete()
    voided = record_void(
        Site, site.pk, user=users["admin"], expected_version=1, reason="entered twice"
    )
    assert voided.voided
    assert Site.objects.filter(pk=site.pk).exists()
    assert site.history.count() == 2


def test_a_direct_sql_update_of_a_history_row_is_detected(study: Any, raw_sql: Any) -> None:
    raw_sql("UPDATE study_historicalarm SET dose_per_kg = 2000000 WHERE code = 'LOW'")
    result = audit_verify()
    assert not result.ok
    first = result.breaks[0]
    assert first.model == "study.HistoricalArm"
    assert "changed after it was written" in first.problem


def test_a_deleted_history_row_is_detected(study: Any, raw_sql: Any) -> None:
    raw_sql("DELETE FROM study_historicalsite")
    result = audit_verify()
    assert not result.ok
    assert "no longer exists" in result.breaks[0].problem


def test_an_altered_ledger_entry_is_detected(study: Any, raw_sql: Any) -> None:
    raw_sql("UPDATE core_auditentry SET row_sha256 = %s WHERE seq = 3", ["0" * 64])
    result = audit_verify()
    assert not result.ok
    assert result.breaks[0].seq == 3


def test_a_history_row_inserted_outside_the_application_is_detected(
    users: Any, site: Any, raw_sql: Any
) -> None:
    from django.db.models.signals import post_save  # noqa: F401  (documenting the bypass)
    from simple_history.signals import post_create_historical_record

    from hepatrial.edc.core.audit import _on_history

    post_create_historical_record.disconnect(_on_history, dispatch_uid="hepatrial-audit-chain")
    try:
        record_update(
            Site, site.pk, user=users["admin"], expected_version=1, reason="sneaky",
            changes={"name": "Unchained"},
        )  # fmt: skip
    finally:
        post_create_historical_record.connect(_on_history, dispatch_uid="hepatrial-audit-chain")
    result = audit_verify()
    assert any("written outside the application" in b.problem for b in result.breaks)


def test_access_events_are_chained(study: Any) -> None:
    record_access(username="admin", action="sign-in")
    result = audit_verify()
    assert result.ok
    stream = io.StringIO()
    audit_export(stream)
    assert "sign-in" in stream.getvalue()


def test_a_locked_study_refuses_every_write_until_unlocked(users: Any, site: Any) -> None:
    from hepatrial.edc.study.services import study_lock, study_unlock

    study_lock(user=users["data_manager"], reason="database lock for final analysis")
    with pytest.raises(StudyLockedError, match="study: expected an unlocked study database"):
        record_update(
            Site, site.pk, user=users["admin"], expected_version=1, reason="late fix",
            changes={"name": "Late"},
        )  # fmt: skip
    study_unlock(user=users["data_manager"], reason="query found after lock")
    record_update(
        Site, site.pk, user=users["admin"], expected_version=1, reason="late fix",
        changes={"name": "Late"},
    )  # fmt: skip
    assert audit_verify().ok


def test_sign_ins_sign_outs_and_failed_sign_ins_are_in_the_chained_trail(
    users: Any, client: Any
) -> None:
    from hepatrial.edc.core.models import AccessEvent

    assert not client.login(username="monitor", password="not-the-password")
    assert client.login(username="monitor", password="Correct-Horse-42")
    client.logout()
    actions = list(
        AccessEvent.objects.filter(username="monitor")
        .order_by("at")
        .values_list("action", flat=True)
    )
    assert actions == ["sign-in failed", "sign-in", "sign-out"]
    assert "not-the-password" not in str(list(AccessEvent.objects.values()))
    assert audit_verify().ok
