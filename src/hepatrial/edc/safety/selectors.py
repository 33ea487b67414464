"""Reads of adverse events, and of the SAE reports that are coming due."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.utils import timezone

from hepatrial.edc.core.permissions import SITE_ROLES, require, role_of
from hepatrial.edc.safety.models import AdverseEvent
from hepatrial.errors import InputError

__all__ = ["AdverseEventRow", "SaeDue", "adverse_event_list", "sae_reports_due"]


@dataclass(frozen=True, slots=True)
class SaeDue:
    adverse_event_id: UUID
    participant_id: UUID
    study_id: str
    site_code: str
    term: str
    grade: int
    awareness_at: dt.datetime
    due_at: dt.datetime
    overdue: bool


def sae_reports_due(
    *, now: dt.datetime, within: dt.timedelta = dt.timedelta(hours=24)
) -> list[SaeDue]:
    """Serious events not yet reported whose report is due by ``now + within`` (overdue ones
    first, then by due time)."""
    if not isinstance(now, dt.datetime) or timezone.is_naive(now):
        raise InputError(field="now", expected="an aware date and time", received=now)
    if not isinstance(within, dt.timedelta) or within < dt.timedelta(0):
        raise InputError(field="within", expected="a duration of zero or more", received=within)
    events = (
        AdverseEvent.objects.filter(
            voided=False,
            serious=True,
            reported_at__isnull=True,
            sae_report_due_at__lte=now + within,
        )
        .select_related("participant__site")
        .order_by("sae_report_due_at")
    )
    return [
        SaeDue(
            adverse_event_id=ae.pk,
            participant_id=ae.participant_id,
            study_id=ae.participant.study_id,
            site_code=ae.participant.site.code,
            term=ae.term,
            grade=ae.grade,
            awareness_at=ae.awareness_at,
            due_at=ae.sae_report_due_at,  # type: ignore[arg-type]
            overdue=ae.sae_report_due_at < now,  # type: ignore[operator]
        )
        for ae in events
    ]


@dataclass(frozen=True, slots=True)
class AdverseEventRow:
    id: UUID
    version: int
    participant_id: UUID
    study_id: str
    term: str
    onset_on: dt.date
    resolved_on: dt.date | None
    grade: int
    seriousness: tuple[str, ...]
    serious: bool
    relatedness: str
    action_taken: str
    outcome: str
    awareness_at: dt.datetime
    sae_report_due_at: dt.datetime | None
    reported_at: dt.datetime | None


def adverse_event_list(
    *, user: Any, participant_id: Any = None, serious: bool | None = None
) -> list[AdverseEventRow]:
    """The adverse events ``user`` may see (site staff: their site's), by participant and onset."""
    require(user, "ae.view")
    events = AdverseEvent.objects.filter(voided=False).select_related("participant")
    if participant_id is not None:
        events = events.filter(participant_id=participant_id)
    if serious is not None:
        events = events.filter(serious=serious)
    if role_of(user) in SITE_ROLES and getattr(user, "site_code", ""):
        events = events.filter(participant__site__code=user.site_code)
    return [
        AdverseEventRow(
            id=ae.pk,
            version=ae.version,
            participant_id=ae.participant_id,
            study_id=ae.participant.study_id,
            term=ae.term,
            onset_on=ae.onset_on,
            resolved_on=ae.resolved_on,
            grade=ae.grade,
            seriousness=ae.seriousness,
            serious=ae.serious,
            relatedness=ae.relatedness,
            action_taken=ae.action_taken,
            outcome=ae.outcome,
            awareness_at=ae.awareness_at,
            sae_report_due_at=ae.sae_report_due_at,
            reported_at=ae.reported_at,
        )
        for ae in events.order_by("participant__study_id", "onset_on", "created_at")
    ]
