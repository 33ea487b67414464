"""Manual data queries: open → answered → resolved → closed, by the roles allowed each step."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from hepatrial.design.workflow import Status
from hepatrial.edc.core.audit import audit_verify
from hepatrial.edc.core.masking import MASKED
from hepatrial.edc.core.services import record_create
from hepatrial.edc.participants.models import Participant
from hepatrial.edc.queries.checks import Finding
from hepatrial.edc.queries.models import Query, QueryMessage
from hepatrial.edc.queries.selectors import queries_open_count, query_list
from hepatrial.edc.queries.services import (
    auto_queries_sync,
    query_close,
    query_raise,
    query_resolve,
    query_respond,
)
from hepatrial.edc.study.models import Site
from hepatrial.edc.study.services import study_lock
from hepatrial.errors import (
    AccessDeniedError,
    ConflictError,
    InputError,
    StudyLockedError,
    WorkflowError,
)


def _participant(users: Any, site: Any, study_id: str = "01-001") -> Participant:
    return record_create(
        Participant,
        user=users["coordinator"],
        study_id=study_id,
        site=site,
        status=Status.IN_FOLLOW_UP.value,
        identified_on=dt.date(2024, 1, 10),
        day0=dt.date(2024, 1, 20),
    )


@pytest.fixture
def participant(users: Any, site: Any) -> Participant:
    return _participant(users, site)


def _raise(users: Any, participant: Participant) -> Query:
    return query_raise(
        user=users["monitor"], record=participant, field="day0", text="Day 0 differs from source"
    )


def test_a_query_goes_open_answered_resolved_closed_with_who_and_when_of_each_step(
    users: Any, participant: Participant
) -> None:
    query = _raise(users, participant)
    assert (query.status, query.rule, query.participant_id) == ("open", "manual", participant.pk)
    assert query.created_by == users["monitor"]

    query = query_respond(user=users["coordinator"], query=query, text="Source says 2024-01-20")
    assert query.status == "answered"
    assert query.answered_by == users["coordinator"]
    assert query.answered_at is not None

    query = query_resolve(user=users["monitor"], query=query, text="Agreed")
    assert (query.status, query.resolved_by) == ("resolved", users["monitor"])

    query = query_close(user=users["data_manager"], query=query, text="Closed after review")
    assert (query.status, query.closed_by) == ("closed", users["data_manager"])
    assert query.answered_at <= query.resolved_at <= query.closed_at <= timezone.now()

    thread = list(QueryMessage.objects.filter(query=query).order_by("created_at"))
    assert [(m.kind, m.created_by.username, m.text) for m in thread] == [
        ("raised", "monitor", "Day 0 differs from source"),
        ("response", "coordinator", "Source says 2024-01-20"),
        ("resolution", "monitor", "Agreed"),
        ("closure", "data_manager", "Closed after review"),
    ]
    reasons = [h.history_change_reason for h in query.history.order_by("history_date")]
    assert reasons == [None, "query answered", "query resolved", "query closed"]
    assert audit_verify().ok


@pytest.mark.parametrize(
    ("step", "role"),
    [
        ("raise", "pharmacist"),
        ("raise", "statistician"),
        ("respond", "monitor"),
        ("respond", "dsmb"),
        ("resolve", "coordinator"),
        ("resolve", "investigator"),
        ("close", "investigator"),
    ],
)
def test_each_step_is_refused_to_roles_that_may_not_take_it(
    users: Any, participant: Participant, step: str, role: str
) -> None:
    query = _raise(users, participant)
    if step in ("resolve", "close"):
        query = query_respond(user=users["coordinator"], query=query, text="Checked")
    services = {
        "raise": lambda: query_raise(user=users[role], record=participant, field="day0", text="?"),
        "respond": lambda: query_respond(user=users[role], query=query, text="x"),
        "resolve": lambda: query_resolve(user=users[role], query=query, text="x"),
        "close": lambda: query_close(user=users[role], query=query, text="x"),
    }
    with pytest.raises(AccessDeniedError, match=f"expected a user with role .*, got 'role {role}'"):
        services[step]()
    query.refresh_from_db()
    assert query.status == ("answered" if step in ("resolve", "close") else "open")


def test_a_step_out_of_order_is_refused_and_changes_nothing(
    users: Any, participant: Participant
) -> None:
    query = _raise(users, participant)
    with pytest.raises(WorkflowError, match="query status: expected a query that is answered"):
        query_resolve(user=users["monitor"], query=query, text="Fine")
    query = query_close(user=users["monitor"], query=query, text="Raised in error")
    with pytest.raises(WorkflowError, match="got 'closed'"):
        query_respond(user=users["coordinator"], query=query, text="Late answer")
    query.refresh_from_db()
    assert query.status == "closed"
    assert query.messages.count() == 2


def test_an_answer_from_a_stale_copy_of_the_query_gets_a_conflict(
    users: Any, participant: Participant
) -> None:
    query = _raise(users, participant)
    answered = query_respond(user=users["coordinator"], query=query, text="Checked")
    stale = Query.objects.get(pk=answered.pk)
    query_resolve(user=users["monitor"], query=answered, text="Accepted")
    with pytest.raises(ConflictError, match=r"expected version 2 .* got version 3"):
        query_close(user=users["data_manager"], query=stale, text="Closing")
    assert Query.objects.get(pk=query.pk).status == "resolved"


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("weight", "Check", r"field: expected a field of participants.Participant \(.*day0.*\)"),
        ("day0", "   ", "text: expected a non-empty text, got '   '"),
        ("day0", None, "text: expected a non-empty text, got nothing"),
    ],
)
def test_raising_a_query_names_the_field_expected_and_received(
    users: Any, participant: Participant, field: str, text: Any, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        query_raise(user=users["monitor"], record=participant, field=field, text=text)
    assert not Query.objects.exists()


def test_a_query_needs_a_saved_record(users: Any, site: Any) -> None:
    unsaved = Site(code="99", name="Nowhere", time_zone="UTC")
    with pytest.raises(InputError, match="record: expected a saved trial record"):
        query_raise(user=users["monitor"], record=unsaved, field="name", text="Which site?")


def test_site_staff_see_and_answer_only_their_own_sites_queries(
    users: Any, participant: Participant
) -> None:
    from hepatrial.edc.accounts.services import user_create

    other_site = record_create(
        Site, user=users["admin"], code="02", name="Second hospital", time_zone="Asia/Shanghai"
    )
    elsewhere = _participant(users, other_site, study_id="02-001")
    stranger = user_create(
        actor=users["admin"],
        username="coordinator02",
        full_name="Second Coordinator",
        role="coordinator",
        password="Correct-Horse-42",
        site_code="02",
    )
    query = _raise(users, participant)
    query_raise(user=users["monitor"], record=elsewhere, field="day0", text="Check day 0")

    assert [row.study_id for row in query_list(user=stranger)] == ["02-001"]
    assert [row.study_id for row in query_list(user=users["monitor"])] == ["01-001", "02-001"]
    with pytest.raises(AccessDeniedError, match="expected a query about a participant of site 02"):
        query_respond(user=stranger, query=query, text="Not mine")


def test_the_work_list_filters_by_status_and_participant_and_counts_what_is_outstanding(
    users: Any, site: Any, participant: Participant
) -> None:
    other = _participant(users, site, study_id="01-002")
    first = _raise(users, participant)
    query_raise(user=users["monitor"], record=other, field="day0", text="Check")
    query_respond(user=users["coordinator"], query=first, text="Checked")

    assert [r.status for r in query_list(user=users["monitor"], status="answered")] == ["answered"]
    rows = query_list(user=users["investigator"], participant_id=other.pk)
    assert [(r.study_id, r.record_model, r.field) for r in rows] == [
        ("01-002", "participants.Participant", "day0")
    ]
    assert [m.kind for m in query_list(user=users["monitor"], status="answered")[0].messages] == [
        "raised",
        "response",
    ]
    assert queries_open_count() == 2
    assert queries_open_count(participant_id=other.pk) == 1
    with pytest.raises(InputError, match="status: expected one of open, answered"):
        query_list(user=users["monitor"], status="pending")
    with pytest.raises(AccessDeniedError):
        query_list(user=users["statistician"])


def test_a_query_about_a_revealing_field_is_masked_unless_the_reader_may_see_the_arm(
    users: Any, participant: Participant
) -> None:
    from hepatrial.edc.randomization.models import UnblindingRequest

    auto_queries_sync(
        record=participant,
        findings=[
            Finding("VOLUME_RANGE", "volume_ml", "Infused volume 84 mL is above the expected"),
            Finding("DATE_ORDER", "day0", "Day 0 is before identification"),
        ],
        user=users["coordinator"],
    )
    texts = {r.field: r.text for r in query_list(user=users["monitor"])}
    assert texts == {"volume_ml": MASKED, "day0": "Day 0 is before identification"}
    masked_thread = query_list(user=users["monitor"])[0].messages
    assert {m.text for m in masked_thread} == {MASKED}

    record_create(
        UnblindingRequest,
        user=users["investigator"],
        participant=participant,
        requested_by=users["investigator"],
        requested_at=timezone.now(),
        reason="Severe reaction; treatment depends on the dose",
        revealed=True,
    )
    texts = {r.field: r.text for r in query_list(user=users["investigator"])}
    assert texts["volume_ml"].startswith("Infused volume 84 mL")
    assert {r.field: r.text for r in query_list(user=users["coordinator"])}["volume_ml"] == MASKED


def test_a_failure_midway_through_raising_leaves_no_query_behind(
    users: Any, participant: Participant, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hepatrial.edc.queries import services

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_message", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        _raise(users, participant)
    assert not Query.objects.exists()
    assert not Query.history.exists()
    assert audit_verify().ok


def test_no_query_is_raised_or_answered_once_the_study_is_locked(
    users: Any, participant: Participant
) -> None:
    query = _raise(users, participant)
    study_lock(user=users["data_manager"], reason="database lock for the final analysis")
    with pytest.raises(StudyLockedError):
        _raise(users, participant)
    with pytest.raises(StudyLockedError):
        query_respond(user=users["coordinator"], query=query, text="Too late")
    assert Query.objects.get(pk=query.pk).status == "open"
