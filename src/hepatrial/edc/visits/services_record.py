"""Recording what happened at a visit: done (in or outside its window), missed or not done,
and unscheduled visits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from hepatrial.design.workflow import Status, next_status
from hepatrial.edc.core.permissions import require
from hepatrial.edc.core.services import record_create, record_update, require_reason
from hepatrial.edc.participants.models import Participant
from hepatrial.edc.study.selectors import study_protocol
from hepatrial.edc.visits._guards import (
    check_date,
    deviation_fields,
    done_visits_sync,
    ensure_own_site,
    visit_checks_sync,
    visit_locked,
)
from hepatrial.edc.visits.models import Visit, VisitStatus
from hepatrial.edc.visits.rules import OPEN_STATUSES
from hepatrial.errors import WorkflowError

__all__ = ["visit_miss", "visit_record", "visit_unscheduled_create"]

_UNSCHEDULED_STEP = Decimal("0.01")


@transaction.atomic
def visit_record(
    *,
    user: Any,
    visit: Visit,
    actual_date: date,
    expected_version: int | None = None,
    reason: str | None = None,
) -> Visit:
    """Record the date a visit took place, or correct it (a correction needs ``reason``).

    Outside the window the visit is still recorded, as a protocol deviation, and queried.
    ``expected_version`` defaults to the version of ``visit`` as read by the caller.
    """
    require(user, "visit.record")
    locked = visit_locked(visit)
    ensure_own_site(user, locked.participant)
    if locked.voided:
        raise WorkflowError(
            field=f"visit {locked.code}", expected="a visit not voided", received="voided"
        )
    version = visit.version if expected_version is None else expected_version
    # From a stale version the caller saw the visit open: record_update refuses it as a
    # conflict, which says more than asking for the reason of a correction.
    if locked.status in OPEN_STATUSES or locked.version != version:
        why = reason.strip() if reason and reason.strip() else "visit recorded"
    else:
        why = require_reason(reason)
    check_date(locked, actual_date)
    changes: dict[str, Any] = {
        "status": VisitStatus.DONE,
        "actual_date": actual_date,
        **deviation_fields(locked, actual_date),
    }
    if not locked.unscheduled:
        changes["reason"] = ""
    updated = record_update(
        Visit,
        locked.pk,
        user=user,
        expected_version=version,
        reason=why,
        changes=changes,
    )
    done_visits_sync(locked.participant, user)
    _start_follow_up(locked.participant, updated, user)
    return updated


def _start_follow_up(participant: Participant, visit: Visit, user: Any) -> None:
    """The first visit after day 0 starts the participant's follow-up (workflow: infused →
    in follow-up)."""
    current = Participant.objects.select_for_update().get(pk=participant.pk)
    if current.status != Status.INFUSED or current.day0 is None or visit.actual_date is None:
        return
    if visit.actual_date <= current.day0:
        return
    record_update(
        Participant,
        current.pk,
        user=user,
        expected_version=current.version,
        reason=f"follow-up started: visit {visit.code} on {visit.actual_date.isoformat()}",
        changes={"status": next_status(current.status, "start follow-up")},
    )


@transaction.atomic
def visit_miss(
    *,
    user: Any,
    visit: Visit,
    reason: str,
    not_done: bool = False,
    expected_version: int | None = None,
) -> Visit:
    """Record that a visit was missed (the participant did not come) or, with ``not_done``, not
    done (it could not take place), with the reason why."""
    require(user, "visit.record")
    why = require_reason(reason)
    locked = visit_locked(visit)
    ensure_own_site(user, locked.participant)
    if locked.status == VisitStatus.DONE or locked.unscheduled:
        raise WorkflowError(
            field=f"visit {locked.code}",
            expected="a scheduled visit not done",
            received="an unscheduled visit" if locked.unscheduled else locked.status,
        )
    status = VisitStatus.NOT_DONE if not_done else VisitStatus.MISSED
    updated = record_update(
        Visit,
        locked.pk,
        user=user,
        expected_version=visit.version if expected_version is None else expected_version,
        reason=why,
        changes={"status": status, "reason": why},
    )
    visit_checks_sync(visit=updated, user=user)
    return updated


def _unscheduled_visitnum(participant: Participant, day: int) -> Decimal:
    before = [v for v in study_protocol().visits if v.day <= day]
    base = Decimal(before[-1].visitnum) if before else Decimal(0)
    taken = Visit.objects.filter(
        participant=participant, visitnum__gt=base, visitnum__lt=base + 1
    ).values_list("visitnum", flat=True)
    return max(taken, default=base) + _UNSCHEDULED_STEP


@transaction.atomic
def visit_unscheduled_create(
    *, user: Any, participant: Participant, actual_date: date, reason: str
) -> Visit:
    """Record an unscheduled visit (after day 0) on ``actual_date``, with why it took place."""
    require(user, "visit.record")
    why = require_reason(reason)
    participant = (
        Participant.objects.select_for_update(of=("self",))
        .select_related("site")
        .get(pk=participant.pk)
    )
    ensure_own_site(user, participant)
    if participant.day0 is None:
        raise WorkflowError(
            field="participant.day0",
            expected="the first infusion recorded before any unscheduled visit",
            received=None,
        )
    probe = Visit(participant=participant, code="UNS", unscheduled=True)
    check_date(probe, actual_date)
    visitnum = _unscheduled_visitnum(participant, (actual_date - participant.day0).days)
    created = record_create(
        Visit,
        user=user,
        participant=participant,
        code="UNS",
        label=f"Unscheduled {visitnum}",
        visitnum=visitnum,
        unscheduled=True,
        status=VisitStatus.DONE,
        actual_date=actual_date,
        reason=why,
    )
    visit_checks_sync(visit=created, user=user)
    return created
