"""Read-only selectors for the pages, built so a page costs the same number of queries whether
the study has 3 participants or 1,000 (each list is one query, joined in Python).

Masking: the arm is read only for participants whose allocation
:func:`~hepatrial.edc.core.masking.allocation_visible` lets ``user`` see; for a masked user the
arm is not even fetched. Nothing here reads a dose, cell count or volume.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, QuerySet
from django.utils import timezone

from hepatrial.design.workflow import TERMINAL
from hepatrial.edc.core.masking import allocation_visible
from hepatrial.edc.core.permissions import SITE_ROLES, require, role_of
from hepatrial.edc.participants.models import EligibilityAnswer, Participant
from hepatrial.edc.queries.models import OUTSTANDING, Query
from hepatrial.edc.randomization.models import Allocation, UnblindingRequest
from hepatrial.edc.study.models import Arm
from hepatrial.edc.visits.models import Visit
from hepatrial.edc.visits.rules import OPEN_STATUSES, scheduled_status

__all__ = [
    "ParticipantLine",
    "ScreeningSummary",
    "arms_visible",
    "participant_lines",
    "participants_next_due",
    "participants_of",
    "randomization_dates",
    "screening_summary",
]


@dataclass(frozen=True, slots=True)
class ParticipantLine:
    """One participant as the participant list and the dashboard show it."""

    id: Any
    study_id: str
    site: str
    status: str
    day0: dt.date | None
    study_day: int | None
    arm: str | None  # None: not randomized, or not visible to the reader
    arm_label: str | None
    next_visit: str | None
    next_visit_label: str | None
    next_visit_target: dt.date | None
    next_visit_latest: dt.date | None
    next_visit_status: str | None
    open_queries: int


def participants_of(user: Any) -> QuerySet[Participant]:
    """The participants ``user`` may see: site staff with a site see their site's only."""
    require(user, "participant.view")
    found = Participant.objects.filter(voided=False).select_related("site")
    own = getattr(user, "site_code", "")
    if role_of(user) in SITE_ROLES and own:
        found = found.filter(site__code=own)
    return found


def arms_visible(user: Any, participants: QuerySet[Participant]) -> dict[Any, str]:
    """The arm of each participant among ``participants`` whose allocation ``user`` may see.

    The rule stays in :func:`allocation_visible`: asked once for the role, then once for each
    participant the user asked to unblind (the only way a masked user sees an arm).
    """
    if allocation_visible(user):
        visible: Any = participants
    else:
        asked = set(
            UnblindingRequest.objects.filter(
                requested_by_id=getattr(user, "pk", None),
                voided=False,
                participant__in=participants,
            ).values_list("participant_id", flat=True)
        )
        visible = [pid for pid in asked if allocation_visible(user, participant_id=pid)]
        if not visible:
            return {}
    return dict(
        Allocation.objects.filter(voided=False, participant__in=visible).values_list(
            "participant_id", "arm"
        )
    )


def _arm_labels() -> dict[str, str]:
    return dict(Arm.objects.values_list("code", "label"))


def _study_day(day0: dt.date | None, today: dt.date) -> int | None:
    # Study day 0 is the day of the first infusion (DESIGN.md, "Time").
    return None if day0 is None else (today - day0).days


def participant_lines(
    *, user: Any, today: dt.date, offset: int = 0, limit: int | None = None, ids: Any = None
) -> list[ParticipantLine]:
    """The participants ``user`` may see, in study-ID order, with the next visit due.

    ``offset`` and ``limit`` give one page of the list; ``ids`` keeps only those participants.
    ``today`` is the site's date; the next visit is the earliest one not yet done, missed or
    not done, with its status (planned, due, overdue) as of ``today``.
    """
    participants = participants_of(user)
    if ids is not None:
        participants = participants.filter(pk__in=list(ids))
    found = list(participants[offset : offset + limit] if limit else participants)
    if not found:
        return []
    keys = [participant.pk for participant in found]
    arms = arms_visible(user, participants.filter(pk__in=keys))
    labels = _arm_labels() if arms else {}
    upcoming: dict[Any, dict[str, Any]] = {}
    open_visits = (
        Visit.objects.filter(voided=False, status__in=OPEN_STATUSES, participant_id__in=keys)
        .order_by("participant_id", "target_date", "visitnum")
        .values("participant_id", "code", "label", "status", "target_date", "earliest_date",
                "latest_date")
    )  # fmt: skip
    for visit in open_visits:
        upcoming.setdefault(visit["participant_id"], visit)
    queries = dict(
        Query.objects.filter(voided=False, status__in=OUTSTANDING, participant_id__in=keys)
        .order_by()
        .values("participant_id")
        .annotate(n=Count("id"))
        .values_list("participant_id", "n")
    )
    return [_line(p, upcoming.get(p.pk), arms, labels, queries, today) for p in found]


def _line(
    participant: Participant,
    visit: dict[str, Any] | None,
    arms: dict[Any, str],
    labels: dict[str, str],
    queries: dict[Any, int],
    today: dt.date,
) -> ParticipantLine:
    arm = arms.get(participant.pk)
    status = None
    if visit is not None:
        status = scheduled_status(
            visit["status"],
            earliest=visit["earliest_date"],
            latest=visit["latest_date"],
            today=today,
        )
    return ParticipantLine(
        id=participant.pk,
        study_id=participant.study_id,
        site=participant.site.code,
        status=participant.status,
        day0=participant.day0,
        study_day=_study_day(participant.day0, today),
        arm=arm,
        arm_label=labels.get(arm) if arm else None,
        next_visit=visit["code"] if visit else None,
        next_visit_label=visit["label"] if visit else None,
        next_visit_target=visit["target_date"] if visit else None,
        next_visit_latest=visit["latest_date"] if visit else None,
        next_visit_status=status,
        open_queries=queries.get(participant.pk, 0),
    )


def participants_next_due(*, user: Any, today: dt.date, limit: int) -> list[ParticipantLine]:
    """The ``limit`` participants on study whose next visit comes first (overdue ones first)."""
    participants = participants_of(user).exclude(status__in=[s.value for s in TERMINAL])
    visits = (
        Visit.objects.filter(voided=False, status__in=OPEN_STATUSES, participant__in=participants)
        .order_by("target_date", "visitnum")
        .values_list("participant_id", flat=True)
    )
    picked: list[Any] = []
    for participant_id in visits.iterator(chunk_size=500):
        if participant_id not in picked:
            picked.append(participant_id)
            if len(picked) == limit:
                break
    lines = participant_lines(user=user, today=today, ids=picked) if picked else []
    return sorted(lines, key=lambda line: (line.next_visit_target or dt.date.max, line.study_id))


@dataclass(frozen=True, slots=True)
class ScreeningSummary:
    """How many candidates are in each status, and the most recently identified ones."""

    total: int
    by_status: list[tuple[str, int]]
    recent: list[dict[str, Any]]


def screening_summary(*, user: Any, recent: int) -> ScreeningSummary:
    """Counts of candidates by status, and the ``recent`` latest identified with the criteria
    each failed (from the recorded eligibility answers)."""
    participants = participants_of(user)
    counts = dict(
        participants.order_by().values("status").annotate(n=Count("id")).values_list("status", "n")
    )
    latest = list(
        participants.select_related("consent").order_by("-identified_on", "-study_id")[:recent]
    )
    failed: dict[Any, list[str]] = {}
    answers = EligibilityAnswer.objects.filter(
        voided=False, met=False, participant_id__in=[p.pk for p in latest]
    ).order_by("criterion_code")
    for answer in answers.values("participant_id", "criterion_code"):
        failed.setdefault(answer["participant_id"], []).append(answer["criterion_code"])
    rows = []
    for participant in latest:
        consent = getattr(participant, "consent", None)
        rows.append(
            {
                "id": participant.pk,
                "study_id": participant.study_id,
                "site": participant.site.code,
                "identified_on": participant.identified_on,
                "consent_date": consent.consent_date if consent and not consent.voided else None,
                "status": participant.status,
                "failed_criteria": failed.get(participant.pk, []),
            }
        )
    return ScreeningSummary(
        total=sum(counts.values()), by_status=sorted(counts.items()), recent=rows
    )


def randomization_dates(*, zone: ZoneInfo) -> list[dt.date]:
    """The date (in ``zone``) each participant was randomized: counts only, no arm, no ID."""
    moments = Allocation.objects.filter(voided=False, participant__voided=False).values_list(
        "randomized_at", flat=True
    )
    return sorted(timezone.localtime(moment, zone).date() for moment in moments)
