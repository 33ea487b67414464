"""How a participant's path ends: withdrawn, lost to follow-up, completed or died.

Each ending records a :class:`~hepatrial.edc.participants.models.Disposition` (the SDTM DS
source) with its date, and moves the status as ``hepatrial.design.workflow`` allows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from hepatrial.design.workflow import next_status
from hepatrial.edc.core.permissions import require
from hepatrial.edc.core.services import record_create, require_reason
from hepatrial.edc.participants._guards import (
    check_date,
    ensure_site,
    locked_participant,
    set_status,
    site_today,
)
from hepatrial.edc.participants.models import Consent, Disposition, Participant
from hepatrial.edc.study.selectors import study_ensure_unlocked

__all__ = [
    "participant_complete",
    "participant_lose_to_follow_up",
    "participant_status_set_died",
    "participant_withdraw",
]


def _earliest(participant: Participant, since: str) -> tuple[str, dt.date | None]:
    """The date an ending cannot precede: identification, consent, or day 0 once infused."""
    if since == "identified":
        return "identification date", participant.identified_on
    if since == "day0" and participant.day0 is not None:
        return "day 0", participant.day0
    consent = Consent.objects.filter(participant=participant, voided=False).first()
    return "consent date", consent.consent_date if consent else None


def _end(
    *,
    user: Any,
    participant: Participant,
    action: str,
    event: str,
    field: str,
    on: object,
    since: str,
    reason: str | None,
    today: dt.date | None,
) -> Participant:
    """The shared path of every ending; ``reason`` None means the ending needs none."""
    require(user, "participant.status")
    why = "" if reason is None else require_reason(reason)
    study_ensure_unlocked()
    current = locked_participant(participant)
    ensure_site(user, current.site.code)
    target = next_status(current.status, action)
    floor = _earliest(current, since)
    when = check_date(field, on, today=site_today(current, today), not_before=floor)
    record_create(
        Disposition, user=user, participant=current, event=event, event_date=when, reason=why
    )
    return set_status(user, current, target, f"{event!s} on {when.isoformat()}")


@transaction.atomic
def participant_withdraw(
    *,
    user: Any,
    participant: Participant,
    withdrawn_on: dt.date,
    reason: str,
    today: dt.date | None = None,
) -> Participant:
    """The participant withdraws (or is withdrawn) from the trial, for the stated reason."""
    return _end(
        user=user,
        participant=participant,
        action="withdraw",
        event=Disposition.Event.WITHDRAWN,
        field="withdrawn_on",
        on=withdrawn_on,
        since="consent",
        reason=reason,
        today=today,
    )


@transaction.atomic
def participant_lose_to_follow_up(
    *,
    user: Any,
    participant: Participant,
    last_contact_on: dt.date,
    reason: str,
    today: dt.date | None = None,
) -> Participant:
    """The participant can no longer be reached; ``last_contact_on`` is the last known contact."""
    return _end(
        user=user,
        participant=participant,
        action="lose to follow-up",
        event=Disposition.Event.LOST,
        field="last_contact_on",
        on=last_contact_on,
        since="day0",
        reason=reason,
        today=today,
    )


@transaction.atomic
def participant_complete(
    *,
    user: Any,
    participant: Participant,
    completed_on: dt.date,
    today: dt.date | None = None,
) -> Participant:
    """The participant finished the scheduled follow-up."""
    return _end(
        user=user,
        participant=participant,
        action="complete",
        event=Disposition.Event.COMPLETED,
        field="completed_on",
        on=completed_on,
        since="day0",
        reason=None,
        today=today,
    )


@transaction.atomic
def participant_status_set_died(
    *,
    user: Any,
    participant: Participant,
    died_on: dt.date,
    today: dt.date | None = None,
) -> Participant:
    """Mark the participant as died; called by the outcomes app's death service.

    The outcomes app keeps the death's details (cause, source); this records the disposition.
    """
    return _end(
        user=user,
        participant=participant,
        action="die",
        event=Disposition.Event.DIED,
        field="died_on",
        on=died_on,
        since="identified",
        reason=None,
        today=today,
    )
