"""Entering, correcting and voiding lab results: as entered plus standardized, hard limits refused,
panels all or nothing, the visit guard, optimistic locking, and the trail."""

from __future__ import annotations

import csv
import io
import sys
import types
from datetime import date, timedelta
from typing import Any

import pytest

from hepatrial.clinical.labs import PanelError, standardize_lab
from hepatrial.edc.core.audit import audit_export, audit_verify
from hepatrial.edc.crfs.models import LabResult
from hepatrial.edc.crfs.services import (
    lab_panel_enter,
    lab_result_correct,
    lab_result_enter,
    lab_result_void,
)
from hepatrial.errors import (
    AccessDeniedError,
    ConflictError,
    InputError,
    LimitError,
    StudyLockedError,
    UnitError,
    WorkflowError,
)


def test_a_result_keeps_what_was_entered_and_the_canonical_value(w4: Any, coordinator: Any) -> None:
    result = lab_result_enter(user=coordinator, visit=w4, code="BILI", value="3.0", unit="mg/dL")
    expected = standardize_lab("BILI", "3.0", "mg/dL")
    assert (result.value_entered, result.unit_entered) == ("3.0", "mg/dL")
    assert (result.value_std, result.unit_std) == (expected.value_std, "umol/L")
    assert result.value_std == pytest.approx(51.3)  # 17.1 umol/L per mg/dL
    assert (result.participant_id, result.visit_id) == (w4.participant_id, w4.pk)


def test_a_value_beyond_its_hard_limit_is_refused_with_the_catalogue_message(
    w4: Any, coordinator: Any
) -> None:
    with pytest.raises(LimitError) as refused:
        lab_result_enter(user=coordinator, visit=w4, code="ALB", value="80", unit="g/L")
    with pytest.raises(LimitError) as direct:
        standardize_lab("ALB", "80", "g/L")
    assert str(refused.value) == str(direct.value)
    assert str(refused.value).startswith("ALB: expected")
    assert not LabResult.objects.exists()


def test_an_unknown_unit_is_an_error_never_a_guess(w4: Any, coordinator: Any) -> None:
    with pytest.raises(UnitError):
        lab_result_enter(user=coordinator, visit=w4, code="CREAT", value="1.1", unit="mmol/dL")
    assert not LabResult.objects.exists()


def test_a_test_outside_the_protocol_is_refused(w4: Any, coordinator: Any) -> None:
    with pytest.raises(InputError, match="code: expected a lab test of the protocol"):
        lab_result_enter(user=coordinator, visit=w4, code="GGT", value="50", unit="U/L")


def test_a_second_result_for_the_same_test_at_a_visit_is_refused(w4: Any, coordinator: Any) -> None:
    lab_result_enter(user=coordinator, visit=w4, code="INR", value="1.4", unit="ratio")
    with pytest.raises(InputError, match="expected a test not yet entered at W4"):
        lab_result_enter(user=coordinator, visit=w4, code="INR", value="1.5", unit="ratio")
    assert LabResult.objects.filter(code="INR").count() == 1


def test_a_panel_with_one_bad_value_stores_nothing_and_names_every_problem(
    w4: Any, coordinator: Any, si_panel: dict[str, Any]
) -> None:
    panel = {**si_panel, "INR": ("25", "ratio"), "SODIUM": ("abc", "mmol/L")}
    history = LabResult.history.count()
    with pytest.raises(PanelError) as refused:
        lab_panel_enter(user=coordinator, visit=w4, values=panel)
    assert [p.field for p in refused.value.problems] == ["INR", "SODIUM"]
    assert not LabResult.objects.exists()
    assert LabResult.history.count() == history
    assert audit_verify().ok


def test_a_whole_panel_is_stored_in_one_entry(
    w4: Any, coordinator: Any, si_panel: dict[str, Any]
) -> None:
    results = lab_panel_enter(user=coordinator, visit=w4, values=si_panel)
    assert sorted(r.code for r in results) == sorted(si_panel)
    stored = {r.code: (r.value_entered, r.unit_entered) for r in LabResult.objects.all()}
    assert stored == si_panel


def test_labs_need_a_visit_recorded_as_done(visits: dict[str, Any], coordinator: Any) -> None:
    with pytest.raises(WorkflowError, match="visit W8: expected a visit recorded as done"):
        lab_result_enter(
            user=coordinator, visit=visits["W8"], code="INR", value="1.2", unit="ratio"
        )
    assert not LabResult.objects.exists()


def test_labs_dated_after_death_are_refused_through_the_visit_guard(
    w4: Any, participant: Any, coordinator: Any, day0: date
) -> None:
    from hepatrial.edc.core.services import record_create, record_update
    from hepatrial.edc.outcomes.models import Death

    record_create(
        Death, user=coordinator, participant=participant, died_on=day0 + timedelta(days=20),
        cause="variceal bleeding", source="medical record",
    )  # fmt: skip
    record_update(
        type(participant), participant.pk, user=coordinator, expected_version=1,
        reason="died", changes={"status": "died"},
    )  # fmt: skip
    with pytest.raises(InputError, match="visit W4 date: expected a date on or before the"):
        lab_result_enter(user=coordinator, visit=w4, code="INR", value="1.2", unit="ratio")


def test_only_site_staff_enter_labs(w4: Any, users: dict[str, Any]) -> None:
    with pytest.raises(AccessDeniedError, match=r"crf\.enter"):
        lab_result_enter(user=users["monitor"], visit=w4, code="INR", value="1.2", unit="ratio")


def test_site_staff_enter_labs_only_at_their_own_site(w4: Any, users: dict[str, Any]) -> None:
    from hepatrial.edc.accounts.services import user_create

    elsewhere = user_create(
        actor=users["admin"], username="coordinator02", full_name="Other Site Coordinator",
        role="coordinator", password="Another-Horse-77", site_code="02",
    )  # fmt: skip
    with pytest.raises(AccessDeniedError, match="site: expected a participant of site 02"):
        lab_result_enter(user=elsewhere, visit=w4, code="INR", value="1.2", unit="ratio")
    assert not LabResult.objects.exists()


def test_no_lab_is_entered_in_a_locked_study(w4: Any, users: dict[str, Any]) -> None:
    from hepatrial.edc.study.services import study_lock

    study_lock(user=users["data_manager"], reason="interim analysis")
    with pytest.raises(StudyLockedError):
        lab_result_enter(user=users["coordinator"], visit=w4, code="INR", value="1.2", unit="ratio")


def test_a_correction_records_old_new_and_why(w4: Any, coordinator: Any) -> None:
    result = lab_result_enter(user=coordinator, visit=w4, code="ALB", value="32", unit="g/L")
    corrected = lab_result_correct(
        user=coordinator, result=result, expected_version=1, value="3.5", unit="g/dL",
        reason="report was in g/dL",
    )  # fmt: skip
    assert (corrected.value_entered, corrected.unit_entered, corrected.version) == (
        "3.5",
        "g/dL",
        2,
    )
    assert corrected.value_std == pytest.approx(35.0)
    stream = io.StringIO()
    audit_export(stream)
    rows = [
        r
        for r in csv.DictReader(io.StringIO(stream.getvalue()))
        if r["model"] == "crfs.LabResult" and r["record_id"] == str(result.pk)
    ]
    change = next(r for r in rows if r["field"] == "value_entered" and r["action"] == "changed")
    assert (change["old"], change["new"], change["reason"]) == ("32", "3.5", "report was in g/dL")
    assert change["user"] == "coordinator"


def test_two_corrections_from_the_same_version_conflict(w4: Any, users: dict[str, Any]) -> None:
    result = lab_result_enter(
        user=users["coordinator"], visit=w4, code="INR", value="1.4", unit="ratio"
    )
    lab_result_correct(
        user=users["coordinator"], result=result, expected_version=1, value="1.5", unit="ratio",
        reason="transcription error",
    )  # fmt: skip
    with pytest.raises(ConflictError, match="expected version 1"):
        lab_result_correct(
            user=users["investigator"], result=result, expected_version=1, value="1.6",
            unit="ratio", reason="transcription error",
        )  # fmt: skip
    assert LabResult.objects.get(pk=result.pk).value_entered == "1.5"


def test_a_correction_needs_a_reason(w4: Any, coordinator: Any) -> None:
    result = lab_result_enter(user=coordinator, visit=w4, code="INR", value="1.4", unit="ratio")
    with pytest.raises(InputError, match="reason: expected the reason for the change"):
        lab_result_correct(
            user=coordinator, result=result, expected_version=1, value="1.5", unit="ratio",
            reason="",
        )  # fmt: skip


def test_a_voided_result_stays_in_the_trail_and_cannot_be_voided_twice(
    w4: Any, coordinator: Any
) -> None:
    result = lab_result_enter(user=coordinator, visit=w4, code="INR", value="1.4", unit="ratio")
    voided = lab_result_void(
        user=coordinator, result=result, expected_version=1, reason="other patient's result"
    )
    assert (voided.voided, voided.void_reason) == (True, "other patient's result")
    with pytest.raises(InputError, match="expected a record not voided"):
        lab_result_void(user=coordinator, result=voided, expected_version=2, reason="again")
    # the test may be entered again once the wrong result is voided
    lab_result_enter(user=coordinator, visit=w4, code="INR", value="1.3", unit="ratio")
    assert audit_verify().ok


def test_a_failure_midway_leaves_the_database_as_it_was(
    w4: Any, coordinator: Any, si_panel: dict[str, Any], monkeypatch: Any
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("queries unavailable")

    fake = types.ModuleType("hepatrial.edc.queries.services")
    fake.auto_queries_sync = broken  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "hepatrial.edc.queries.services", fake)
    from hepatrial.edc.crfs.models import DerivedScore

    history = LabResult.history.count()
    with pytest.raises(RuntimeError, match="queries unavailable"):
        lab_panel_enter(user=coordinator, visit=w4, values=si_panel)
    assert not LabResult.objects.exists()
    assert not DerivedScore.objects.exists()
    assert LabResult.history.count() == history
    assert audit_verify().ok
