"""The schedule of a participant: placed from day 0, the screening visit, the statuses the
calendar gives, and the end of the schedule at death."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from hepatrial.design.schedule import visit_window
from hepatrial.design.workflow import Status
from hepatrial.edc.core.permissions import require
from hepatrial.edc.core.services import record_create, record_update
from hepatrial.edc.participants.models import Participant
from hepatrial.edc.study.models import VisitDefinition
from hepatrial.edc.study.selectors import study_is_locked, study_protocol
from hepatrial.edc.visits._guards import (
    check_date,
    deviation_fields,
    done_visits_sync,
    ensure_own_site,
    visit_checks_sync,
)
from hepatrial.edc.visits.models import Visit, VisitStatus
from hepatrial.edc.visits.rules import OPEN_STATUSES, scheduled_status
from hepatrial.edc.visits.selectors import site_today
from hepatrial.edc.visits.services_record import visit_record
from hepatrial.errors import InputError, WorkflowError

__all__ = [
    "visit_screening_record",
    "visits_end_after_death",
    "visits_plan",
    "visits_status_refresh",
]


@transaction.atomic
def visits_plan(*, participant: Participant, user: Any) -> list[Visit]:
    """Place every protocol visit on the participant's calendar from day 0 (idempotent)."""
    require(user, "visit.plan")
    participant = Participant.objects.select_related("site").get(pk=participant.pk)
    day0 = participant.day0
    if day0 is None:
        raise WorkflowError(
            field="participant.day0",
            expected="the day of the first infusion (recorded with the infusion)",
            received=None,
        )
    protocol = study_protocol()
    today = site_today(participant=participant)
    definitions = {d.code: d for d in VisitDefinition.objects.filter(voided=False)}
    existing = {
        v.definition_id: v
        for v in Visit.objects.select_for_update().filter(
            participant=participant, unscheduled=False, voided=False
        )
    }
    why = f"schedule set from day 0 ({day0})"
    for definition in protocol.visits:
        window = visit_window(definition, day0)
        reference = definitions[definition.code]
        dates = {
            "target_date": window.target,
            "earliest_date": window.earliest,
            "latest_date": window.latest,
        }
        visit = existing.get(reference.pk)
        if visit is None:
            first_infusion = definition.day == 0
            status = scheduled_status(
                VisitStatus.PLANNED, earliest=window.earliest, latest=window.latest, today=today
            )
            record_create(
                Visit,
                user=user,
                participant=participant,
                definition=reference,
                code=definition.code,
                label=definition.label,
                visitnum=Decimal(definition.visitnum),
                status=VisitStatus.DONE if first_infusion else status,
                actual_date=day0 if first_infusion else None,
                **dates,
            )
            continue
        changes: dict[str, Any] = {k: v for k, v in dates.items() if getattr(visit, k) != v}
        if definition.day == 0 and visit.actual_date != day0:
            changes["actual_date"] = day0  # the day-0 visit is the first infusion's day
        if changes:
            visit.participant = participant
            actual = changes.get("actual_date", visit.actual_date)
            if visit.status == VisitStatus.DONE and actual is not None:
                changes.update(deviation_fields(visit, actual))
            status = scheduled_status(
                visit.status, earliest=window.earliest, latest=window.latest, today=today
            )
            if status != visit.status:
                changes["status"] = status
            record_update(
                Visit,
                visit.pk,
                user=user,
                expected_version=visit.version,
                reason=why,
                changes=changes,
            )
    done_visits_sync(participant, user)
    return list(Visit.objects.filter(participant=participant, unscheduled=False, voided=False))


@transaction.atomic
def visit_screening_record(*, user: Any, participant: Participant, actual_date: date) -> Visit:
    """Record the screening visit as done, before or after day 0 is known.

    Screening is a trial procedure, so it needs the participant's consent first (ICH E6(R3)).
    """
    require(user, "visit.record")
    participant = Participant.objects.select_related("site").get(pk=participant.pk)
    ensure_own_site(user, participant)
    if participant.status == Status.IDENTIFIED:
        raise WorkflowError(
            field="screening visit",
            expected="a participant who has consented",
            received=participant.status,
        )
    screening = [v for v in study_protocol().visits if v.epoch == "screening"]
    if not screening:
        raise WorkflowError(
            field="screening visit", expected="a protocol with a screening visit", received=None
        )
    definition = screening[0]
    reference = VisitDefinition.objects.get(code=definition.code)
    existing = Visit.objects.filter(
        participant=participant, definition=reference, unscheduled=False, voided=False
    ).first()
    if existing is not None:
        if existing.status in OPEN_STATUSES:
            return visit_record(user=user, visit=existing, actual_date=actual_date)
        raise WorkflowError(
            field=f"visit {definition.code}",
            expected="a screening visit not yet recorded (correct it with a reason instead)",
            received=existing.status,
        )
    visit = Visit(
        participant=participant,
        definition=reference,
        code=definition.code,
        label=definition.label,
        visitnum=Decimal(definition.visitnum),
    )
    check_date(visit, actual_date)
    dates: dict[str, Any] = {}
    if participant.day0 is not None:
        window = visit_window(definition, participant.day0)
        dates = {
            "target_date": window.target,
            "earliest_date": window.earliest,
            "latest_date": window.latest,
        }
    created = record_create(
        Visit,
        user=user,
        participant=participant,
        definition=reference,
        code=definition.code,
        label=definition.label,
        visitnum=Decimal(definition.visitnum),
        status=VisitStatus.DONE,
        actual_date=actual_date,
        **dates,
        **deviation_fields(visit, actual_date),
    )
    done_visits_sync(participant, user)
    return created


@transaction.atomic
def visits_status_refresh(*, user: Any, today: date) -> list[Visit]:
    """Move open visits to planned, due or overdue as of ``today``; return those that became
    overdue (for the notifications). Also re-runs the checks of done visits, so a form still
    missing after the entry period is queried. A locked study is left as it is."""
    require(user, "visit.refresh")
    if study_is_locked():
        return []
    became_overdue: list[Visit] = []
    open_visits = Visit.objects.select_for_update().filter(voided=False, status__in=OPEN_STATUSES)
    for visit in open_visits:
        status = scheduled_status(
            visit.status, earliest=visit.earliest_date, latest=visit.latest_date, today=today
        )
        if status == visit.status:
            continue
        updated = record_update(
            Visit,
            visit.pk,
            user=user,
            expected_version=visit.version,
            reason=f"{status} on {today} (window {visit.earliest_date} to {visit.latest_date})",
            changes={"status": status},
        )
        if status == VisitStatus.OVERDUE:
            became_overdue.append(updated)
    done = Visit.objects.filter(voided=False, status=VisitStatus.DONE).select_related("participant")
    for visit in done:
        visit_checks_sync(visit=visit, user=user, today=today)
    return became_overdue


def _ending(visit: Visit, died_on: date) -> tuple[str, str]:
    if visit.latest_date is not None and visit.latest_date < died_on:
        return VisitStatus.MISSED, f"window closed before the participant died on {died_on}"
    return VisitStatus.NOT_DONE, "participant died"


@transaction.atomic
def visits_end_after_death(*, participant: Participant, died_on: date, user: Any) -> list[Visit]:
    """End the schedule of a participant who died on ``died_on``: every visit still open becomes
    not done (reason "participant died"), or missed if its window had closed before the death.

    A visit already done after ``died_on`` contradicts the death date and is refused.
    """
    require(user, "visit.record")
    visits = list(
        Visit.objects.select_for_update().filter(participant_id=participant.pk, voided=False)
    )
    after = [
        v
        for v in visits
        if v.status == VisitStatus.DONE and v.actual_date is not None and v.actual_date > died_on
    ]
    if after:
        last = max(after, key=lambda v: v.actual_date or died_on)
        raise InputError(
            field="died_on",
            expected=f"a date on or after the last visit done ({last.code} on {last.actual_date})",
            received=died_on,
        )
    ended: list[Visit] = []
    for visit in visits:
        if visit.status not in OPEN_STATUSES:
            continue
        status, why = _ending(visit, died_on)
        ended.append(
            record_update(
                Visit,
                visit.pk,
                user=user,
                expected_version=visit.version,
                reason=f"{why} ({died_on})" if status == VisitStatus.NOT_DONE else why,
                changes={"status": status, "reason": why},
            )
        )
    return ended
