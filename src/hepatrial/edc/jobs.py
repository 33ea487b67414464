"""The daily job: move visits to due and overdue, and send the reminders that follow.

Run once a day by the server's scheduler (``hepatrial jobs daily --as <data manager>``); the clock
is passed in, so the demo and the tests can run it for any day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from hepatrial.edc.core.notify import OverdueVisit, notify_overdue_visits, notify_sae_reports_due
from hepatrial.edc.visits.services import visits_status_refresh

__all__ = ["DailyRun", "daily_jobs_run"]


@dataclass(frozen=True, slots=True)
class DailyRun:
    overdue: int
    overdue_emails: int
    sae_emails: int


def daily_jobs_run(*, user: Any, today: dt.date, now: dt.datetime) -> DailyRun:
    """Refresh visit statuses as of ``today`` and e-mail the overdue visits and SAE reports due."""
    with transaction.atomic():
        overdue = visits_status_refresh(user=user, today=today)
        digest = [
            OverdueVisit(
                study_id=v.participant.study_id,
                site_code=v.participant.site.code,
                visit=v.label,
                target_on=v.target_date,
                window_closes_on=v.latest_date,
            )
            for v in overdue
        ]
        overdue_emails = notify_overdue_visits(visits=digest) if digest else 0
        sae_emails = notify_sae_reports_due(now=now)
    return DailyRun(overdue=len(overdue), overdue_emails=overdue_emails, sae_emails=sae_emails)
