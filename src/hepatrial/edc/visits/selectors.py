"""Reads of visits, as rows ready for pages and the API. Visits reveal no allocation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from hepatrial.edc.core.clock import replayed_day
from hepatrial.edc.participants.models import Participant
from hepatrial.edc.visits.models import Visit, VisitStatus
from hepatrial.edc.visits.rules import OPEN_STATUSES

__all__ = ["VisitRow", "site_today", "visit_get", "visit_list", "visits_overdue"]


def site_today(*, participant: Participant) -> date:
    """Today's date where the participant is followed (the site's time zone, not UTC), or the
    replayed day while the demo replays the past (:mod:`hepatrial.edc.core.clock`)."""
    replayed = replayed_day()
    if replayed is not None:
        return replayed
    return timezone.localdate(timezone=ZoneInfo(participant.site.time_zone))


@dataclass(frozen=True, slots=True)
class VisitRow:
    """One visit of one participant."""

    id: Any
    participant_id: Any
    study_id: str
    site: str
    code: str
    label: str
    visitnum: Decimal
    unscheduled: bool
    target_date: date | None
    earliest_date: date | None
    latest_date: date | None
    status: str
    actual_date: date | None
    reason: str
    deviation: bool
    deviation_text: str
    version: int


def _row(visit: Visit, status: str | None = None) -> VisitRow:
    return VisitRow(
        id=visit.pk,
        participant_id=visit.participant_id,
        study_id=visit.participant.study_id,
        site=visit.participant.site.code,
        code=visit.code,
        label=visit.label,
        visitnum=visit.visitnum,
        unscheduled=visit.unscheduled,
        target_date=visit.target_date,
        earliest_date=visit.earliest_date,
        latest_date=visit.latest_date,
        status=status or visit.status,
        actual_date=visit.actual_date,
        reason=visit.reason,
        deviation=visit.deviation,
        deviation_text=visit.deviation_text,
        version=visit.version,
    )


def _visits() -> Any:
    return Visit.objects.filter(voided=False).select_related("participant__site")


def visit_get(*, visit_id: Any) -> VisitRow:
    return _row(_visits().get(pk=visit_id))


def visit_list(*, participant_id: Any) -> list[VisitRow]:
    """Every visit of a participant, scheduled and unscheduled, in VISITNUM order."""
    return [_row(v) for v in _visits().filter(participant_id=participant_id).order_by("visitnum")]


def visits_overdue(*, today: date) -> list[VisitRow]:
    """Visits whose window closed before ``today`` without a visit, by study ID and VISITNUM.

    Computed from the dates, so it holds even between two status refreshes.
    """
    candidates = _visits().filter(status__in=OPEN_STATUSES, latest_date__lt=today)
    return [
        _row(visit, VisitStatus.OVERDUE)
        for visit in candidates.order_by("participant__study_id", "visitnum")
    ]
