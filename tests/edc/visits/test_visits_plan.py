"""The schedule placed from day 0: the protocol's visits, dates and windows, and statuses."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from hepatrial.design.schedule import visit_schedule
from hepatrial.edc.core.audit import audit_verify
from hepatrial.edc.study.selectors import study_protocol
from hepatrial.edc.visits.models import Visit
from hepatrial.edc.visits.selectors import visit_list, visits_overdue
from hepatrial.edc.visits.services import (
    visit_record,
    visit_screening_record,
    visits_plan,
    visits_status_refresh,
)
from hepatrial.errors import AccessDeniedError, WorkflowError


def test_every_protocol_visit_gets_the_dates_and_window_of_the_schedule(
    planned: dict[str, Any], day0: date
) -> None:
    schedule = visit_schedule(study_protocol(), day0)
    assert list(planned) == [s.code for s in schedule]
    for scheduled in schedule:
        visit = planned[scheduled.code]
        assert visit.target_date == scheduled.window.target
        assert (visit.earliest_date, visit.latest_date) == (
            scheduled.window.earliest,
            scheduled.window.latest,
        )
        assert visit.visitnum == scheduled.visit.visitnum


def test_the_week_4_window_is_day_28_plus_or_minus_7(planned: dict[str, Any], day0: date) -> None:
    w4 = planned["W4"]
    assert w4.target_date == day0 + timedelta(days=28)
    assert w4.earliest_date == day0 + timedelta(days=21)
    assert w4.latest_date == day0 + timedelta(days=35)


def test_day_0_is_done_on_the_infusion_day_and_later_visits_follow_the_calendar(
    planned: dict[str, Any], day0: date
) -> None:
    assert (planned["D0"].status, planned["D0"].actual_date) == ("done", day0)
    # 100 days after day 0: weeks 1 to 12 have closed, week 24 (day 168 - 14) not yet open.
    assert {planned[c].status for c in ("W1", "W4", "W8", "W12")} == {"overdue"}
    assert planned["W24"].status == "planned"
    assert planned["SCR"].status == "overdue"  # screening never recorded


def test_planning_twice_changes_nothing(
    planned: dict[str, Any], participant: Any, users: dict[str, Any]
) -> None:
    history = Visit.history.count()
    again = visits_plan(participant=participant, user=users["pharmacist"])
    assert [v.pk for v in again] == [v.pk for v in planned.values()]
    assert Visit.history.count() == history


def test_a_changed_day_0_moves_the_windows(
    planned: dict[str, Any], participant: Any, users: dict[str, Any], day0: date
) -> None:
    from hepatrial.edc.core.services import record_update

    record_update(
        type(participant), participant.pk, user=users["pharmacist"], expected_version=1,
        reason="infusion date corrected", changes={"day0": day0 + timedelta(days=1)},
    )  # fmt: skip
    moved = {v.code: v for v in visits_plan(participant=participant, user=users["pharmacist"])}
    assert moved["W4"].target_date == planned["W4"].target_date + timedelta(days=1)
    assert (moved["D0"].actual_date, moved["D0"].deviation) == (day0 + timedelta(days=1), False)
    history = moved["W4"].history.first()
    assert history.history_change_reason == f"schedule set from day 0 ({day0 + timedelta(days=1)})"


def test_no_schedule_without_day_0(users: dict[str, Any], site: Any, today: date) -> None:
    from hepatrial.edc.core.services import record_create
    from hepatrial.edc.participants.models import Participant

    randomized = record_create(
        Participant, user=users["coordinator"], study_id="01-002", site=site,
        status="randomized", identified_on=today - timedelta(days=3),
    )  # fmt: skip
    with pytest.raises(WorkflowError, match=r"participant\.day0: expected the day of the first"):
        visits_plan(participant=randomized, user=users["pharmacist"])
    assert not Visit.objects.filter(participant=randomized).exists()


def test_only_site_staff_and_the_pharmacist_may_place_the_schedule(
    participant: Any, users: dict[str, Any]
) -> None:
    with pytest.raises(AccessDeniedError, match=r"visit\.plan: expected a user with role"):
        visits_plan(participant=participant, user=users["monitor"])


def test_a_screening_recorded_before_day_0_is_known_gets_its_window_at_planning(
    users: dict[str, Any], site: Any, today: date
) -> None:
    from hepatrial.edc.core.services import record_create, record_update
    from hepatrial.edc.participants.models import Participant

    person = record_create(
        Participant, user=users["coordinator"], study_id="01-003", site=site,
        status="screened", identified_on=today - timedelta(days=40),
    )  # fmt: skip
    screening = visit_screening_record(
        user=users["coordinator"], participant=person, actual_date=today - timedelta(days=35)
    )
    assert (screening.status, screening.target_date) == ("done", None)
    infused_on = today - timedelta(days=5)
    record_update(
        Participant, person.pk, user=users["pharmacist"], expected_version=1,
        reason="infused", changes={"status": "infused", "day0": infused_on},
    )  # fmt: skip
    visits = {v.code: v for v in visits_plan(participant=person, user=users["pharmacist"])}
    scr = visits["SCR"]
    assert scr.pk == screening.pk
    assert (scr.status, scr.actual_date) == ("done", today - timedelta(days=35))
    assert scr.earliest_date == infused_on - timedelta(days=28)
    # 30 days before day 0 is two days before the screening window opens: a deviation.
    assert scr.deviation
    assert "early by 2 days" in scr.deviation_text


def test_screening_needs_consent_first(users: dict[str, Any], site: Any, today: date) -> None:
    from hepatrial.edc.core.services import record_create
    from hepatrial.edc.participants.models import Participant

    person = record_create(
        Participant, user=users["coordinator"], study_id="01-004", site=site,
        status="identified", identified_on=today,
    )  # fmt: skip
    with pytest.raises(WorkflowError, match="expected a participant who has consented"):
        visit_screening_record(user=users["coordinator"], participant=person, actual_date=today)


def test_status_refresh_moves_open_visits_along_the_calendar_of_the_day_given(
    planned: dict[str, Any], users: dict[str, Any], day0: date
) -> None:
    w24 = planned["W24"]
    on = {
        "planned": day0 + timedelta(days=153),
        "due": day0 + timedelta(days=154),  # window opens on day 168 - 14
        "overdue": day0 + timedelta(days=183),  # the day after 168 + 14
    }
    became = visits_status_refresh(user=users["coordinator"], today=on["due"])
    assert Visit.objects.get(pk=w24.pk).status == "due"
    assert w24.pk not in {v.pk for v in became}
    became = visits_status_refresh(user=users["coordinator"], today=on["overdue"])
    assert Visit.objects.get(pk=w24.pk).status == "overdue"
    assert w24.pk in {v.pk for v in became}
    visits_status_refresh(user=users["coordinator"], today=on["planned"])
    assert Visit.objects.get(pk=w24.pk).status == "planned"


def test_a_refresh_that_changes_nothing_writes_nothing(
    planned: dict[str, Any], users: dict[str, Any], today: date
) -> None:
    history = Visit.history.count()
    assert visits_status_refresh(user=users["coordinator"], today=today) == []
    assert Visit.history.count() == history


def test_overdue_visits_are_listed_from_the_dates_even_before_a_refresh(
    planned: dict[str, Any], day0: date
) -> None:
    overdue = visits_overdue(today=day0 + timedelta(days=183))
    assert [row.code for row in overdue] == ["SCR", "W1", "W4", "W8", "W12", "W24"]
    assert {row.study_id for row in overdue} == {"01-001"}
    # week 1's window closes on day 9: overdue from day 10
    assert [row.code for row in visits_overdue(today=day0 + timedelta(days=9))] == ["SCR"]
    assert [row.code for row in visits_overdue(today=day0 + timedelta(days=10))] == ["SCR", "W1"]


def test_the_visit_list_is_in_visit_order_and_shows_what_was_done(
    planned: dict[str, Any], participant: Any, users: dict[str, Any], day0: date
) -> None:
    visit_record(user=users["coordinator"], visit=planned["W1"], actual_date=day0 + timedelta(7))
    rows = visit_list(participant_id=participant.pk)
    assert [r.code for r in rows] == ["SCR", "D0", "W1", "W4", "W8", "W12", "W24", "W48", "D365"]
    w1 = rows[2]
    assert (w1.status, w1.actual_date, w1.deviation) == ("done", day0 + timedelta(7), False)
    assert audit_verify().ok
