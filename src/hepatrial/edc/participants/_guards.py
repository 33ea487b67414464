"""Guards the participant services share: the row lock, the site, dates, and status changes."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from hepatrial.design.workflow import Status
from hepatrial.edc.core.permissions import SITE_ROLES, role_of
from hepatrial.edc.core.services import record_update
from hepatrial.edc.participants.models import Participant
from hepatrial.errors import AccessDeniedError, InputError


def locked_participant(participant: Participant) -> Participant:
    """The participant's current row, locked for the rest of the transaction.

    Services read status and version from this row, never from the caller's copy, so two
    concurrent actions on one participant queue and the second sees what the first did.
    """
    current = (
        Participant.objects.select_for_update()
        .select_related("site")
        .filter(pk=getattr(participant, "pk", participant))
        .first()
    )
    if current is None or current.voided:
        raise InputError(
            field="participant",
            expected="an existing participant that is not voided",
            received=str(participant),
        )
    return current


def ensure_site(user: Any, site_code: str) -> None:
    """Site staff attached to a site act only on that site's participants."""
    own = getattr(user, "site_code", "")
    if role_of(user) in SITE_ROLES and own and own != site_code:
        raise AccessDeniedError(
            field="site", expected=f"a participant of site {own}", received=f"site {site_code}"
        )


def site_today(participant_or_site: Any, today: dt.date | None) -> dt.date:
    """``today`` if given, else today's date at the participant's site (dates are local)."""
    if today is not None:
        return check_date("today", today)
    site = getattr(participant_or_site, "site", participant_or_site)
    return timezone.localdate(timezone=ZoneInfo(site.time_zone))


def check_date(
    field: str,
    value: object,
    *,
    today: dt.date | None = None,
    not_before: tuple[str, dt.date | None] | None = None,
) -> dt.date:
    """``value`` as a date no later than ``today`` and not before ``not_before``'s date."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InputError(field=field, expected="a date", received=value)
    if today is not None and value > today:
        raise InputError(
            field=field,
            expected=f"a date no later than today ({today.isoformat()})",
            received=value.isoformat(),
        )
    if not_before is not None:
        label, earliest = not_before
        if earliest is not None and value < earliest:
            raise InputError(
                field=field,
                expected=f"a date on or after the {label} ({earliest.isoformat()})",
                received=value.isoformat(),
            )
    return value


def set_status(user: Any, participant: Participant, target: Status, why: str) -> Participant:
    """Move ``participant`` (a locked current row) to ``target``, which next_status gave."""
    return record_update(
        Participant,
        participant.pk,
        user=user,
        expected_version=participant.version,
        reason=why,
        changes={"status": target.value},
    )
