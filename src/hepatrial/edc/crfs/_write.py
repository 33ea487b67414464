"""What every form service does around its write: lock and guard the visit, refuse voided
records, and run the data checks of the records touched."""

from __future__ import annotations

from datetime import date
from typing import Any

from hepatrial.edc.crfs import checks
from hepatrial.edc.crfs.models import ClinicalAssessment, LabResult
from hepatrial.edc.queries.checks import Finding
from hepatrial.edc.visits._guards import ensure_own_site
from hepatrial.edc.visits.models import Visit, VisitStatus
from hepatrial.edc.visits.services import visit_checks_sync, visit_date_guard
from hepatrial.errors import InputError

__all__ = ["checks_sync", "open_visit", "queries_sync", "record_live"]


def open_visit(visit: Visit, user: Any) -> Visit:
    """The visit, locked so that writes at one visit (and their score derivations) queue, after
    checking that ``user`` works at the participant's site and the visit may hold data."""
    locked = Visit.objects.select_for_update().get(pk=visit.pk)
    ensure_own_site(user, locked.participant)
    visit_date_guard(visit=locked)
    return locked


def record_live(model: type[Any], pk: Any) -> None:
    """Refuse to change a record already voided."""
    if model._default_manager.filter(pk=pk, voided=True).exists():
        raise InputError(
            field=f"{model.__name__} {pk}", expected="a record not voided", received="voided"
        )


def queries_sync(record: Any, findings: list[Finding], user: Any, rules: tuple[str, ...]) -> None:
    """Hand the findings of ``record`` under ``rules`` to the queries app."""
    from hepatrial.edc.queries.services import auto_queries_sync

    auto_queries_sync(record=record, findings=findings, user=user, rules=rules)


def checks_sync(visit: Visit, user: Any) -> None:
    """Run the checks of every live form at ``visit``, of the participant's weights (each is
    compared with the one before), and of the visit itself (missing forms)."""
    labs = list(LabResult.objects.filter(visit=visit, voided=False))
    by_code = {lab.code: lab.value_std for lab in labs}
    for lab in labs:
        findings = checks.lab_flag_findings(lab.flags)
        if lab.code == "INR":
            findings += checks.pt_inr_findings(by_code.get("PT"), lab.value_std)
        queries_sync(lab, findings, user, checks.LAB_RULES)
    assessments = (
        ClinicalAssessment.objects.filter(
            participant_id=visit.participant_id,
            voided=False,
            visit__voided=False,
            visit__status=VisitStatus.DONE,
        )
        .select_related("visit")
        .order_by("visit__actual_date", "visit__visitnum")
    )
    previous: tuple[str, date, float] | None = None
    for assessment in assessments:
        findings = checks.weight_change_findings(assessment.weight_kg, previous)
        queries_sync(assessment, findings, user, checks.ASSESSMENT_RULES)
        if assessment.weight_kg is not None and assessment.visit.actual_date is not None:
            previous = (assessment.visit.code, assessment.visit.actual_date, assessment.weight_kg)
    visit_checks_sync(visit=visit, user=user)
