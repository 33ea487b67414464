"""Recording, missing and adding visits; the deviation of a visit outside its window; the
guards on dates (before day 0, after death); death ending the schedule; the queries raised."""

from __future__ import annotations

import sys
import types
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from hepatrial.edc.core.audit import audit_verify
from hepatrial.edc.visits.models import Visit
from hepatrial.edc.visits.services import (
    visit_miss,
    visit_record,
    visit_unscheduled_create,
    visits_end_after_death,
)
from hepatrial.errors import AccessDeniedError, ConflictError, InputError, WorkflowError


def _open_queries(record: Any) -> dict[str, str]:
    from hepatrial.edc.queries.models import OUTSTANDING, Query

    rows = Query.objects.filter(object_id=str(record.pk), status__in=OUTSTANDING)
    return {q.rule: q.text for q in rows}


def _died(participant: Any, user: Any, on: date) -> None:
    """A death as the outcomes app records it: the Death row and the participant's status."""
    from hepatrial.edc.core.services import record_create, record_update
    from hepatrial.edc.outcomes.models import Death

    record_create(
        Death, user=user, participant=participant, died_on=on, cause="liver failure",
        source="medical record",
    )  # fmt: skip
    record_update(
        type(participant), participant.pk, user=user, expected_version=participant.version,
        reason="died", changes={"status": "died"},
    )  # fmt: skip
    participant.refresh_from_db()


def test_a_visit_in_its_window_is_done_without_deviation_or_query(
    planned: dict[str, Any], users: dict[str, Any], day0: date
) -> None:
    w4 = visit_record(
        user=users["coordinator"], visit=planned["W4"], actual_date=day0 + timedelta(days=30)
    )
    assert (w4.status, w4.deviation, w4.deviation_text) == ("done", False, "")
    assert "VISIT_OUTSIDE_WINDOW" not in _open_queries(w4)
    assert w4.history.first().history_change_reason == "visit recorded"


def test_a_visit_outside_its_window_is_recorded_as_a_deviation_and_queried(
    planned: dict[str, Any], users: dict[str, Any], day0: date
) -> None:
    late = day0 + timedelta(days=38)  # the week-4 window closes on day 35
    w4 = visit_record(user=users["coordinator"], visit=planned["W4"], actual_date=late)
    assert (w4.status, w4.actual_date) == ("done", late)
    assert w4.deviation
    assert "late by 3 days" in w4.deviation_text
    assert "late by 3 days" in _open_queries(w4)["VISIT_OUTSIDE_WINDOW"]


def test_correcting_the_date_into_the_window_clears_the_deviation_and_closes_the_query(
    planned: dict[str, Any], users: dict[str, Any], day0: date
) -> None:
    w4 = visit_record(
        user=users["coordinator"], visit=planned["W4"], actual_date=day0 + timedelta(days=38)
    )
    w4 = visit_record(
        user=users["coordinator"], visit=w4, actual_date=day0 + timedelta(days=34),
        reason="date mistyped",
    )  # fmt: skip
    assert (w4.deviation, w4.deviation_text) == (False, "")
    assert "VISIT_OUTSIDE_WINDOW" not in _open_queries(w4)
    assert w4.history.first().history_change_reason == "date mistyped"
    assert audit_verify().ok


def test_a_correction_of_a_recorded_visit_needs_a_reason(
    planned: dict[str, Any], users: dict[str, Any], day0: date
) -> None:
    w1 = visit_record(
        user=users["coordinator"], visit=planned["W1"], actual_date=day0 + timedelta(7)
    )
    with pytest.raises(InputError, match="reason: expected the reason for the change"):
        visit_record(user=users["coordinator"], visit=w1, actual_date=day0 + timedelta(8))
    assert Visit.objects.get(pk=w1.pk).actual_date == day0 + timedelta(7)


def test_a_visit_dated_before_day_0_is_refused_and_nothing_changes(
    planned: dict[str, Any], users: dict[str, Any], day0: date
) -> None:
    with pytest.raises(InputError, match=rf"expected a date on or after day 0 \({day0}\)"):
        visit_record(
            user=users["coordinator"], visit=planned["W1"], actual_date=day0 - timedelta(days=1)
        )
    w1 = Visit.objects.get(pk=planned["W1"].pk)
    assert (w1.status, w1.actual_date, w1.version) == ("overdue", None, 1)


def test_a_visit_dated_in_the_future_is_refused(
    planned: dict[str, Any], users: dict[str, Any], today: date
) -> None:
    with pytest.raises(InputError, match=rf"expected a date not after today \({today}\)"):
        visit_record(
            user=users["coordinator"], visit=planned["W24"], actual_date=today + timedelta(1)
        )


def test_a_visit_dated_after_death_is_refused(
    planned: dict[str, Any], participant: Any, users: dict[str, Any], day0: date
) -> None:
    _died(participant, users["coordinator"], day0 + timedelta(days=40))
    with pytest.raises(InputError, match="on or before the participant's death"):
        visit_record(
            user=users["coordinator"], visit=planned["W8"], actual_date=day0 + timedelta(days=56)
        )
    w4 = visit_record(
        user=users["coordinator"], visit=planned["W4"], actual_date=day0 + timedelta(days=40)
    )
    assert w4.status == "done"  # the day of death itself is allowed


def test_the_second_of_two_recordings_from_the_same_version_gets_a_conflict(
    planned: dict[str, Any], users: dict[str, Any], day0: date
) -> None:
    stale = planned["W1"]
    visit_record(user=users["coordinator"], visit=stale, actual_date=day0 + timedelta(days=7))
    with pytest.raises(ConflictError, match="expected version 1"):
        visit_record(user=users["investigator"], visit=stale, actual_date=day0 + timedelta(8))
    assert Visit.objects.get(pk=stale.pk).actual_date == day0 + timedelta(days=7)


def test_a_missed_visit_keeps_its_reason(planned: dict[str, Any], users: dict[str, Any]) -> None:
    w1 = visit_miss(user=users["coordinator"], visit=planned["W1"], reason="travelling")
    assert (w1.status, w1.reason) == ("missed", "travelling")
    w4 = visit_miss(
        user=users["coordinator"], visit=planned["W4"], reason="ward closed", not_done=True
    )
    assert (w4.status, w4.reason) == ("not done", "ward closed")
    with pytest.raises(InputError, match="reason: expected the reason"):
        visit_miss(user=users["coordinator"], visit=planned["W8"], reason=" ")


def test_a_done_visit_cannot_be_marked_missed(
    planned: dict[str, Any], users: dict[str, Any], day0: date
) -> None:
    w1 = visit_record(
        user=users["coordinator"], visit=planned["W1"], actual_date=day0 + timedelta(7)
    )
    with pytest.raises(WorkflowError, match="expected a scheduled visit not done, got 'done'"):
        visit_miss(user=users["coordinator"], visit=w1, reason="mistake")


def test_unscheduled_visits_are_numbered_after_the_scheduled_visit_before_them(
    planned: dict[str, Any], participant: Any, users: dict[str, Any], day0: date
) -> None:
    first = visit_unscheduled_create(
        user=users["coordinator"], participant=participant,
        actual_date=day0 + timedelta(days=40), reason="jaundice",
    )  # fmt: skip
    second = visit_unscheduled_create(
        user=users["coordinator"], participant=participant,
        actual_date=day0 + timedelta(days=45), reason="follow-up of jaundice",
    )  # fmt: skip
    week4 = Decimal(planned["W4"].visitnum)
    assert (first.visitnum, second.visitnum) == (week4 + Decimal("0.01"), week4 + Decimal("0.02"))
    assert (first.unscheduled, first.status, first.reason) == (True, "done", "jaundice")
    assert first.label == f"Unscheduled {week4 + Decimal('0.01')}"


def test_an_unscheduled_visit_before_day_0_is_refused(
    planned: dict[str, Any], participant: Any, users: dict[str, Any], day0: date
) -> None:
    with pytest.raises(InputError, match="on or after day 0"):
        visit_unscheduled_create(
            user=users["coordinator"], participant=participant,
            actual_date=day0 - timedelta(days=2), reason="check",
        )  # fmt: skip
    assert not Visit.objects.filter(unscheduled=True).exists()


def test_visits_dated_out_of_order_are_queried_until_corrected(
    planned: dict[str, Any], users: dict[str, Any], day0: date
) -> None:
    w4 = visit_record(
        user=users["coordinator"], visit=planned["W4"], actual_date=day0 + timedelta(22)
    )
    w1 = visit_record(
        user=users["coordinator"], visit=planned["W1"], actual_date=day0 + timedelta(9)
    )
    assert "VISIT_DATES_INCONSISTENT" not in _open_queries(w4)
    w4 = visit_record(
        user=users["coordinator"], visit=w4, actual_date=day0 + timedelta(days=9), reason="typo"
    )
    message = _open_queries(w4)["VISIT_DATES_INCONSISTENT"]
    assert f"is not after W1 on {day0 + timedelta(9)}" in message
    visit_record(
        user=users["coordinator"], visit=w1, actual_date=day0 + timedelta(7), reason="typo"
    )
    assert "VISIT_DATES_INCONSISTENT" not in _open_queries(w4)


def test_a_death_ends_the_scheduled_visits(
    planned: dict[str, Any], participant: Any, users: dict[str, Any], day0: date
) -> None:
    visit_record(user=users["coordinator"], visit=planned["W1"], actual_date=day0 + timedelta(7))
    died_on = day0 + timedelta(days=50)
    ended = visits_end_after_death(
        participant=participant, died_on=died_on, user=users["investigator"]
    )
    status = {v.code: (v.status, v.reason) for v in Visit.objects.filter(participant=participant)}
    assert status["W1"] == ("done", "")
    assert status["W4"] == ("missed", f"window closed before the participant died on {died_on}")
    for code in ("W8", "W12", "W24", "W48", "D365"):
        assert status[code] == ("not done", "participant died")
    assert {v.code for v in ended} == {"SCR", "W4", "W8", "W12", "W24", "W48", "D365"}
    assert audit_verify().ok


def test_a_death_dated_before_a_visit_done_is_refused_and_ends_nothing(
    planned: dict[str, Any], participant: Any, users: dict[str, Any], day0: date
) -> None:
    visit_record(user=users["coordinator"], visit=planned["W4"], actual_date=day0 + timedelta(28))
    with pytest.raises(InputError, match=r"died_on: expected a date on or after the last visit"):
        visits_end_after_death(
            participant=participant, died_on=day0 + timedelta(days=20), user=users["investigator"]
        )
    assert Visit.objects.get(pk=planned["W8"].pk).status == "overdue"


def test_a_failure_midway_leaves_the_visit_as_it_was(
    planned: dict[str, Any], users: dict[str, Any], day0: date, monkeypatch: Any
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("queries unavailable")

    fake = types.ModuleType("hepatrial.edc.queries.services")
    fake.auto_queries_sync = broken  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "hepatrial.edc.queries.services", fake)
    history = Visit.history.count()
    with pytest.raises(RuntimeError, match="queries unavailable"):
        visit_record(
            user=users["coordinator"], visit=planned["W1"], actual_date=day0 + timedelta(7)
        )
    w1 = Visit.objects.get(pk=planned["W1"].pk)
    assert (w1.status, w1.actual_date, w1.version) == ("overdue", None, 1)
    assert Visit.history.count() == history
    assert audit_verify().ok


def test_the_queries_app_receives_every_finding_of_the_visit(
    planned: dict[str, Any], users: dict[str, Any], day0: date, monkeypatch: Any
) -> None:
    calls: list[dict[str, Any]] = []
    fake = types.ModuleType("hepatrial.edc.queries.services")
    fake.auto_queries_sync = lambda **kwargs: calls.append(kwargs)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "hepatrial.edc.queries.services", fake)
    w1 = visit_record(
        user=users["coordinator"], visit=planned["W1"], actual_date=day0 + timedelta(days=12)
    )
    mine = [c for c in calls if c["record"].pk == w1.pk]
    # late by 3 days, and (recorded 88 days afterwards) still without its three forms
    assert [(f.rule, f.field) for f in mine[-1]["findings"]] == [
        ("VISIT_OUTSIDE_WINDOW", "actual_date"),
        ("FORM_MISSING", "LIVER_LABS"),
        ("FORM_MISSING", "SCORE_LABS"),
        ("FORM_MISSING", "CLINICAL"),
    ]
    assert mine[-1]["user"] == users["coordinator"]
    assert "VISIT_OUTSIDE_WINDOW" in mine[-1]["rules"]


def test_site_staff_record_visits_only_at_their_own_site(
    planned: dict[str, Any], users: dict[str, Any], day0: date
) -> None:
    from hepatrial.edc.accounts.services import user_create

    elsewhere = user_create(
        actor=users["admin"], username="coordinator02", full_name="Other Site Coordinator",
        role="coordinator", password="Another-Horse-77", site_code="02",
    )  # fmt: skip
    with pytest.raises(AccessDeniedError, match="site: expected a participant of site 02"):
        visit_record(user=elsewhere, visit=planned["W1"], actual_date=day0 + timedelta(days=7))
    assert Visit.objects.get(pk=planned["W1"].pk).status == "overdue"
