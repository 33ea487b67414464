"""Date guards and automatic checks shared by the visit services and the crfs services.

A visit date is refused when it cannot be true (:func:`check_date`); a date outside the window
is accepted as a deviation (:func:`deviation_fields`). :func:`visit_checks_sync` runs every check
of a visit and hands the findings to the queries app.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.apps import apps

from hepatrial.design.schedule import visit_window, window_position
from hepatrial.design.workflow import Status
from hepatrial.edc.core.permissions import SITE_ROLES, role_of
from hepatrial.edc.participants.models import Participant
from hepatrial.edc.queries.checks import Finding
from hepatrial.edc.study.selectors import study_protocol
from hepatrial.edc.visits import checks
from hepatrial.edc.visits.models import Visit, VisitStatus
from hepatrial.edc.visits.rules import check_visit_date
from hepatrial.edc.visits.selectors import site_today
from hepatrial.errors import AccessDeniedError, WorkflowError
from hepatrial.protocol import Visit as ProtocolVisit

__all__ = [
    "check_date",
    "deviation_fields",
    "done_visits_sync",
    "ensure_own_site",
    "participant_death_date",
    "visit_checks_sync",
    "visit_date_guard",
    "visit_locked",
]


def ensure_own_site(user: Any, participant: Participant) -> None:
    """Site staff record data only for the participants of their own site."""
    own = getattr(user, "site_code", "")
    site = participant.site.code
    if role_of(user) in SITE_ROLES and own and own != site:
        raise AccessDeniedError(
            field="site", expected=f"a participant of site {own}", received=f"site {site}"
        )


def participant_death_date(participant: Participant) -> date | None:
    """The recorded date of death of a participant who died, if the outcomes app has it."""
    if participant.status != Status.DIED or not apps.is_installed("hepatrial.edc.outcomes"):
        return None
    try:
        death = apps.get_model("outcomes", "Death")
    except LookupError:
        return None
    died_on: date | None = (
        death._default_manager.filter(participant_id=participant.pk, voided=False)
        .values_list("died_on", flat=True)
        .first()
    )
    return died_on


def _protocol_visit(visit: Visit) -> ProtocolVisit | None:
    return None if visit.unscheduled else study_protocol().visit(visit.code)


def check_date(visit: Visit, when: date, *, field: str = "actual_date") -> None:
    """Refuse ``when`` as the date of ``visit`` when it cannot be true (see ``rules``)."""
    participant = visit.participant
    definition = _protocol_visit(visit)
    check_visit_date(
        when,
        today=site_today(participant=participant),
        identified_on=participant.identified_on,
        day0=participant.day0,
        pre_treatment=definition is not None and definition.day < 0,
        died_on=participant_death_date(participant),
        field=field,
    )


def visit_date_guard(*, visit: Visit) -> None:
    """Refuse data at ``visit`` unless it is done on a possible date: not before day 0 (except
    screening), not after death, not in the future. The crfs services call it on every entry."""
    if visit.voided or visit.status != VisitStatus.DONE or visit.actual_date is None:
        raise WorkflowError(
            field=f"visit {visit.code}",
            expected="a visit recorded as done (record the visit date first)",
            received=visit.status if not visit.voided else "a voided visit",
        )
    check_date(visit, visit.actual_date, field=f"visit {visit.code} date")


def deviation_fields(visit: Visit, actual: date) -> dict[str, Any]:
    """The deviation flag and text of ``visit`` done on ``actual`` (cleared inside the window)."""
    definition = _protocol_visit(visit)
    day0 = visit.participant.day0
    if definition is None or day0 is None:
        return {"deviation": False, "deviation_text": ""}
    position = window_position(definition, day0, actual)
    if position.in_window:
        return {"deviation": False, "deviation_text": ""}
    text = checks.deviation_text(visit.code, actual, visit_window(definition, day0), position)
    return {"deviation": True, "deviation_text": text}


def _findings(visit: Visit, today: date) -> list[Finding]:
    if visit.voided or visit.status != VisitStatus.DONE or visit.actual_date is None:
        return []
    from hepatrial.edc.crfs.selectors import visit_form_codes

    actual = visit.actual_date
    found: list[Finding] = []
    definition = _protocol_visit(visit)
    day0 = visit.participant.day0
    if definition is not None and day0 is not None:
        window = visit_window(definition, day0)
        found += checks.window_findings(
            visit.code, actual, window, window_position(definition, day0, actual)
        )
        earlier = (
            Visit.objects.filter(
                participant_id=visit.participant_id,
                unscheduled=False,
                voided=False,
                status=VisitStatus.DONE,
                visitnum__lt=visit.visitnum,
            )
            .exclude(actual_date=None)
            .values_list("code", "actual_date")
        )
        found += checks.date_order_findings(visit.code, actual, list(earlier))
    required, present = visit_form_codes(visit=visit)
    found += checks.missing_form_findings(
        visit.code, actual, today=today, required=required, present=present
    )
    return found


def visit_checks_sync(*, visit: Visit, user: Any, today: date | None = None) -> None:
    """Run every check of ``visit`` and hand the findings to the queries app."""
    from hepatrial.edc.queries.services import auto_queries_sync

    when = today if today is not None else site_today(participant=visit.participant)
    auto_queries_sync(
        record=visit, findings=_findings(visit, when), user=user, rules=checks.VISIT_RULES
    )


def done_visits_sync(participant: Participant, user: Any) -> None:
    """Run the checks of every done visit of ``participant``: visit dates are checked against
    each other, so a change to one visit can fire or silence a check on another."""
    today = site_today(participant=participant)
    done = Visit.objects.filter(
        participant=participant, voided=False, status=VisitStatus.DONE
    ).select_related("participant")
    for visit in done:
        visit_checks_sync(visit=visit, user=user, today=today)


def visit_locked(visit: Visit) -> Visit:
    """``visit`` read again under a row lock, for a change."""
    return Visit.objects.select_for_update().get(pk=visit.pk)
