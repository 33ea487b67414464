"""Rule queries open when a check fires, stay while it fires, and close once data is corrected."""

from __future__ import annotations

from typing import Any

import pytest

from hepatrial.edc.core.audit import audit_verify
from hepatrial.edc.queries.checks import Finding
from hepatrial.edc.queries.models import Query, QueryMessage
from hepatrial.edc.queries.services import (
    AUTO_CLOSED_TEXT,
    auto_queries_sync,
    query_raise,
    query_resolve,
    query_respond,
)
from hepatrial.errors import InputError

SOFT = Finding("SOFT_LIMIT", "name", "Site name looks truncated: 'General'")
UNIT = Finding("UNIT_MIXUP", "time_zone", "Time zone 'UTC' differs from the protocol")


def _statuses(site: Any) -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = {}
    for query in Query.objects.filter(object_id=str(site.pk)).order_by("created_at"):
        out.setdefault((query.rule, query.field), []).append(query.status)
    return out


def test_each_new_finding_opens_one_query_on_that_record(users: Any, site: Any) -> None:
    result = auto_queries_sync(record=site, findings=[SOFT, UNIT], user=users["coordinator"])
    assert len(result.opened) == 2
    assert (result.kept, result.closed) == ((), ())
    query = Query.objects.get(rule="SOFT_LIMIT")
    assert (query.field, query.text, query.status) == ("name", SOFT.message, "open")
    assert query.participant is None
    assert query.content_type.model_class().__name__ == "Site"
    assert query.created_by == users["coordinator"]
    assert [m.kind for m in QueryMessage.objects.filter(query=query)] == ["raised"]


def test_syncing_the_same_findings_again_changes_nothing(users: Any, site: Any) -> None:
    auto_queries_sync(record=site, findings=[SOFT, UNIT], user=users["coordinator"])
    versions = sorted(Query.objects.values_list("version", flat=True))
    again = auto_queries_sync(record=site, findings=[SOFT, UNIT], user=users["coordinator"])
    assert (len(again.opened), len(again.kept), len(again.closed)) == (0, 2, 0)
    assert Query.objects.count() == 2
    assert sorted(Query.objects.values_list("version", flat=True)) == versions


def test_a_query_closes_itself_when_the_data_is_corrected_and_reopens_if_it_goes_wrong_again(
    users: Any, site: Any
) -> None:
    auto_queries_sync(record=site, findings=[SOFT, UNIT], user=users["coordinator"])
    corrected = auto_queries_sync(record=site, findings=[UNIT], user=users["investigator"])
    assert [q.rule for q in corrected.closed] == ["SOFT_LIMIT"]
    closed = Query.objects.get(rule="SOFT_LIMIT")
    assert (closed.status, closed.closed_by) == ("auto-closed", users["investigator"])
    assert closed.history.latest().history_change_reason == AUTO_CLOSED_TEXT
    assert QueryMessage.objects.filter(query=closed, kind="auto-closure").get().text == (
        "auto-closed: data corrected"
    )
    assert _statuses(site)[("UNIT_MIXUP", "time_zone")] == ["open"]

    auto_queries_sync(record=site, findings=[SOFT, UNIT], user=users["coordinator"])
    assert _statuses(site)[("SOFT_LIMIT", "name")] == ["auto-closed", "open"]
    assert audit_verify().ok


def test_an_answered_rule_query_also_closes_itself_once_the_rule_stops_firing(
    users: Any, site: Any
) -> None:
    (query,) = auto_queries_sync(record=site, findings=[SOFT], user=users["coordinator"]).opened
    query_respond(user=users["coordinator"], query=query, text="Will correct the name")
    auto_queries_sync(record=site, findings=[], user=users["coordinator"])
    assert _statuses(site) == {("SOFT_LIMIT", "name"): ["auto-closed"]}


def test_a_finding_a_monitor_accepted_is_not_queried_again_unless_the_value_changes(
    users: Any, site: Any
) -> None:
    (query,) = auto_queries_sync(record=site, findings=[SOFT], user=users["coordinator"]).opened
    query = query_respond(user=users["coordinator"], query=query, text="Name is correct")
    query_resolve(user=users["monitor"], query=query, text="Confirmed against source")

    again = auto_queries_sync(record=site, findings=[SOFT], user=users["coordinator"])
    assert again.opened == ()
    changed = Finding("SOFT_LIMIT", "name", "Site name looks truncated: 'Gen'")
    auto_queries_sync(record=site, findings=[changed], user=users["coordinator"])
    assert _statuses(site) == {("SOFT_LIMIT", "name"): ["resolved", "open"]}


def test_only_the_rules_the_caller_evaluated_are_closed(users: Any, site: Any) -> None:
    auto_queries_sync(record=site, findings=[SOFT, UNIT], user=users["coordinator"])
    result = auto_queries_sync(
        record=site, findings=[], user=users["coordinator"], rules=["UNIT_MIXUP"]
    )
    assert [q.rule for q in result.closed] == ["UNIT_MIXUP"]
    assert _statuses(site) == {
        ("SOFT_LIMIT", "name"): ["open"],
        ("UNIT_MIXUP", "time_zone"): ["auto-closed"],
    }


def test_a_manual_query_is_never_closed_by_a_rule(users: Any, site: Any) -> None:
    manual = query_raise(user=users["monitor"], record=site, field="name", text="Spelling?")
    auto_queries_sync(record=site, findings=[SOFT], user=users["coordinator"])
    auto_queries_sync(record=site, findings=[], user=users["coordinator"])
    manual.refresh_from_db()
    assert manual.status == "open"


@pytest.mark.parametrize(
    ("findings", "message"),
    [
        ([SOFT, SOFT], r"findings\[1\]: expected one finding per \(rule, field\) of the record"),
        ([Finding("manual", "name", "x")], r"findings\[0\].rule: expected a rule code"),
        ([Finding("", "name", "x")], r"findings\[0\].rule: expected a rule code"),
        ([Finding("R" * 61, "name", "x")], r"findings\[0\].rule: expected a rule code"),
        ([SOFT, Finding("R", "name", " ")], r"findings\[1\].message: expected a non-empty text"),
        ([("SOFT_LIMIT", "name", "x")], r"findings\[0\]: expected a Finding"),
    ],
)
def test_malformed_findings_are_refused_and_nothing_is_opened(
    users: Any, site: Any, findings: list[Any], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        auto_queries_sync(record=site, findings=findings, user=users["coordinator"])
    assert not Query.objects.exists()


def test_a_failure_midway_through_a_sync_leaves_the_queries_as_they_were(
    users: Any, site: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hepatrial.edc.queries import services

    auto_queries_sync(record=site, findings=[SOFT], user=users["coordinator"])
    real = services._message
    calls = []

    def fail_on_second(**kwargs: Any) -> Any:
        calls.append(kwargs["kind"])
        if len(calls) == 2:
            raise RuntimeError("connection lost")
        return real(**kwargs)

    monkeypatch.setattr(services, "_message", fail_on_second)
    with pytest.raises(RuntimeError, match="connection lost"):
        auto_queries_sync(record=site, findings=[UNIT], user=users["coordinator"])
    assert _statuses(site) == {("SOFT_LIMIT", "name"): ["open"]}
    assert QueryMessage.objects.count() == 1
    assert audit_verify().ok


def test_a_query_about_a_participant_record_is_filed_under_that_participant(
    users: Any, site: Any
) -> None:
    import datetime as dt

    from hepatrial.edc.core.services import record_create
    from hepatrial.edc.participants.models import Participant

    participant = record_create(
        Participant,
        user=users["coordinator"],
        study_id="01-001",
        site=site,
        status="in follow-up",
        identified_on=dt.date(2024, 1, 10),
    )
    finding = Finding("DAY0_MISSING", "day0", "Day 0 is missing for an infused participant")
    (query,) = auto_queries_sync(
        record=participant, findings=[finding], user=users["coordinator"]
    ).opened
    assert query.participant_id == participant.pk


def test_voiding_a_record_and_syncing_it_without_findings_closes_its_rule_queries(
    users: Any, site: Any
) -> None:
    from hepatrial.edc.core.services import record_void

    auto_queries_sync(record=site, findings=[SOFT], user=users["coordinator"])
    voided = record_void(
        type(site), site.pk, user=users["admin"], expected_version=1, reason="entered twice"
    )
    auto_queries_sync(record=voided, findings=[], user=users["admin"])
    assert _statuses(site) == {("SOFT_LIMIT", "name"): ["auto-closed"]}
    with pytest.raises(InputError, match="record: expected a record that is not voided"):
        query_raise(user=users["monitor"], record=voided, field="name", text="Which one?")
