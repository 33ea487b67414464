"""The daily job moves visits to overdue and e-mails the site's coordinator a digest."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import mail
from django.utils import timezone

from hepatrial.edc.jobs import daily_jobs_run
from hepatrial.edc.visits.models import Visit


def test_overdue_visits_are_flagged_and_the_coordinator_is_told(
    planned: dict[str, Any], users: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    users["coordinator"].email = "coordinator@hospital.example"
    users["coordinator"].save()
    week24 = planned["W24"]  # ahead of today: planned until its window closes
    later = week24.latest_date + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        run = daily_jobs_run(user=users["data_manager"], today=later, now=timezone.now())
    assert run.overdue >= 1
    assert Visit.objects.get(pk=week24.pk).status == "overdue"
    digests = [m for m in mail.outbox if "coordinator@hospital.example" in m.to]
    assert digests
    assert "W24" in digests[0].body or week24.label in digests[0].body
    again = daily_jobs_run(user=users["data_manager"], today=later, now=timezone.now())
    assert again.overdue == 0
