"""The study dashboard: enrolment against target, screening, participants, overdue visits,
open queries and serious adverse event reports coming due. Each panel shows only when the
user's role may read what it lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from hepatrial.edc.core.permissions import SITE_ROLES, allowed, role_of
from hepatrial.edc.participants.selectors import screen_failures_by_criterion
from hepatrial.edc.queries.models import OUTSTANDING
from hepatrial.edc.queries.selectors import query_list
from hepatrial.edc.safety.selectors import sae_reports_due
from hepatrial.edc.study.selectors import study_protocol
from hepatrial.edc.visits.selectors import visits_overdue
from hepatrial.edc.web._access import page_requires
from hepatrial.edc.web.charts import enrollment_chart
from hepatrial.edc.web.queries import (
    participants_next_due,
    randomization_dates,
    screening_summary,
)

__all__ = ["dashboard"]

# the dashboard shows the head of each list; the full lists have their own pages
SCREENING_ROWS = 15
NEXT_DUE_ROWS = 25
QUERY_ROWS = 20


def _months_later(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1, day=1) - dt.timedelta(
        days=1
    )


def _own_site(user: Any) -> str | None:
    """The site a site-staff user is limited to, or None for study-wide roles."""
    own = getattr(user, "site_code", "")
    return own if role_of(user) in SITE_ROLES and own else None


def _enrollment(zone: Any, today: dt.date) -> dict[str, Any]:
    design = study_protocol().design
    dates = randomization_dates(zone=zone)
    start = design.enrollment_period.start
    end = _months_later(start, design.enrollment_period.months)
    return {
        "randomized": len(dates),
        "target": design.target_enrollment,
        "start": start,
        "planned_end": end,
        "chart": enrollment_chart(
            randomized_on=dates,
            target=design.target_enrollment,
            start=start,
            planned_end=end,
            today=today,
            label=_("Participants randomized over time, against the target of %(n)d")
            % {"n": design.target_enrollment},
            target_label=_("target %(n)d") % {"n": design.target_enrollment},
            planned_label=_("planned accrual"),
        ),
    }


def _screen_failures() -> list[dict[str, Any]]:
    texts = {c.code: c.text for c in study_protocol().eligibility.criteria}
    return [
        {"code": code, "text": texts.get(code, ""), "n": n}
        for code, n in screen_failures_by_criterion().items()
    ]


@page_requires(None)
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    zone = request.site_zone  # type: ignore[attr-defined]
    now = timezone.now()
    today = timezone.localdate(now, zone)
    site = _own_site(user)
    context: dict[str, Any] = {
        "today": today,
        "enrollment": _enrollment(zone, today),
        "failures": _screen_failures(),
    }
    if allowed(user, "participant.view"):
        context["screening"] = screening_summary(user=user, recent=SCREENING_ROWS)
        context["on_study"] = participants_next_due(user=user, today=today, limit=NEXT_DUE_ROWS)
        context["overdue"] = [
            visit for visit in visits_overdue(today=today) if site is None or visit.site == site
        ]
    if allowed(user, "query.view"):
        outstanding = [
            q for q in query_list(user=user) if q.status in {s.value for s in OUTSTANDING}
        ]
        context["open_queries"] = outstanding[:QUERY_ROWS]
        context["open_queries_total"] = len(outstanding)
    if allowed(user, "ae.view"):
        context["sae_due"] = [
            due for due in sae_reports_due(now=now) if site is None or due.site_code == site
        ]
        context["sae_report"] = allowed(user, "sae.report")
    return render(request, "web/dashboard.html", context)
