"""Reads of outcome events: a participant's date of death, and the decompensation events."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from hepatrial.edc.core.permissions import SITE_ROLES, require, role_of
from hepatrial.edc.outcomes.models import Death, DecompensationEvent

__all__ = ["DecompensationRow", "death_on", "decompensation_list"]


def death_on(*, participant_id: Any) -> dt.date | None:
    """The recorded date of death, or None: the bound of every later clinical date."""
    return (
        Death.objects.filter(participant_id=participant_id, voided=False)
        .values_list("died_on", flat=True)
        .first()
    )


@dataclass(frozen=True, slots=True)
class DecompensationRow:
    id: UUID
    version: int
    participant_id: UUID
    study_id: str
    event_type: str
    onset_on: dt.date
    severity: str
    hospitalized: bool
    admitted_on: dt.date | None
    discharged_on: dt.date | None


def decompensation_list(*, user: Any, participant_id: Any = None) -> list[DecompensationRow]:
    """Decompensation events ``user`` may see, by participant and onset."""
    require(user, "event.view")
    events = DecompensationEvent.objects.filter(voided=False).select_related("participant")
    if participant_id is not None:
        events = events.filter(participant_id=participant_id)
    if role_of(user) in SITE_ROLES and getattr(user, "site_code", ""):
        events = events.filter(participant__site__code=user.site_code)
    return [
        DecompensationRow(
            id=e.pk,
            version=e.version,
            participant_id=e.participant_id,
            study_id=e.participant.study_id,
            event_type=e.event_type,
            onset_on=e.onset_on,
            severity=e.severity,
            hospitalized=e.hospitalized,
            admitted_on=e.admitted_on,
            discharged_on=e.discharged_on,
        )
        for e in events.order_by("participant__study_id", "onset_on")
    ]
