"""Checks every clinical event date passes, shared by outcomes and safety.

An event happens to a participant between identification and today at the participant's site,
and never after their death. Decompensation and transplant are outcomes counted from
randomization (the protocol's origin), so they need a participant who was randomized; an adverse
event needs a participant who consented (adverse events are collected from consent).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from hepatrial.design.workflow import Status
from hepatrial.edc.core.permissions import SITE_ROLES, role_of
from hepatrial.edc.participants.models import Participant
from hepatrial.errors import AccessDeniedError, InputError, WorkflowError

__all__ = [
    "event_date_check",
    "participant_check",
    "require_consented",
    "require_randomized",
    "site_date",
    "site_today",
]

# Statuses only a randomized participant can have held; a participant who died or withdrew
# was randomized if their audited status history holds one of these.
_RANDOMIZED = (
    Status.RANDOMIZED,
    Status.INFUSED,
    Status.IN_FOLLOW_UP,
    Status.COMPLETED,
    Status.LOST,
)
_NOT_CONSENTED = (Status.IDENTIFIED, Status.DIED)


def participant_check(participant: Any, user: Any) -> Participant:
    """The participant's current row, locked for the transaction; site staff only their site's."""
    found = (
        Participant.objects.select_for_update()
        .select_related("site")
        .filter(pk=getattr(participant, "pk", None))
        .first()
        if isinstance(participant, Participant)
        else None
    )
    if found is None or found.voided:
        raise InputError(
            field="participant",
            expected="an existing participant that is not voided",
            received=participant,
        )
    own = getattr(user, "site_code", "")
    if role_of(user) in SITE_ROLES and own and own != found.site.code:
        raise AccessDeniedError(
            field="participant",
            expected=f"a participant of site {own}",
            received=f"{found.study_id} of site {found.site.code}",
        )
    return found


def site_today(participant: Participant, today: dt.date | None = None) -> dt.date:
    """``today`` when the caller passes its clock (the demo replays past dates), else today's
    date where the participant is followed (stored timestamps are UTC)."""
    if today is not None:
        if not isinstance(today, dt.date) or isinstance(today, dt.datetime):
            raise InputError(field="today", expected="a date", received=today)
        return today
    return timezone.now().astimezone(ZoneInfo(participant.site.time_zone)).date()


def site_date(participant: Participant, moment: dt.datetime) -> dt.date:
    """The date at the participant's site of a UTC moment."""
    return moment.astimezone(ZoneInfo(participant.site.time_zone)).date()


def _held(participant: Participant, statuses: tuple[Status, ...]) -> bool:
    if participant.status in statuses:
        return True
    return bool(participant.history.filter(status__in=statuses).exists())  # type: ignore[attr-defined]


def require_randomized(participant: Participant, *, what: str) -> None:
    if not _held(participant, _RANDOMIZED):
        raise WorkflowError(
            field="participant",
            expected=f"a randomized participant ({what} is counted from randomization)",
            received=f"{participant.study_id}, {participant.status}, never randomized",
        )


def require_consented(participant: Participant, *, what: str) -> None:
    consented = participant.status not in _NOT_CONSENTED or bool(
        participant.history.exclude(status__in=_NOT_CONSENTED).exists()  # type: ignore[attr-defined]
    )
    if not consented:
        raise WorkflowError(
            field="participant",
            expected=f"a participant who consented ({what} is collected from consent)",
            received=f"{participant.study_id}, {participant.status}",
        )


def event_date_check(
    participant: Participant,
    *,
    field: str,
    value: Any,
    died_on: dt.date | None,
    today: dt.date | None = None,
    required: bool = True,
) -> dt.date | None:
    """``value`` as a date between identification and today, not after ``died_on``."""
    if value is None and not required:
        return None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InputError(field=field, expected="a date (YYYY-MM-DD)", received=value)
    if value < participant.identified_on:
        raise InputError(
            field=field,
            expected=f"a date on or after identification ({participant.identified_on})",
            received=value,
        )
    today = site_today(participant, today)
    if value > today:
        raise InputError(
            field=field, expected=f"a date no later than today ({today})", received=value
        )
    if died_on is not None and value > died_on:
        raise InputError(
            field=field,
            expected=f"a date no later than the participant's death ({died_on})",
            received=value,
        )
    return value
