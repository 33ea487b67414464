"""The clinical assessment of a visit, and the participant's demographics (sex and date of birth,
which MELD 3.0 needs)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.db import transaction

from hepatrial.design.workflow import Status
from hepatrial.edc.core.permissions import require
from hepatrial.edc.core.services import record_create, record_update, record_void, require_reason
from hepatrial.edc.crfs import checks
from hepatrial.edc.crfs._write import open_visit, queries_sync, record_live
from hepatrial.edc.crfs.assessment import assessment_values
from hepatrial.edc.crfs.models import ClinicalAssessment, Demographics
from hepatrial.edc.crfs.services_scores import after_write
from hepatrial.edc.participants.models import Participant
from hepatrial.edc.study.selectors import study_protocol
from hepatrial.edc.visits._guards import ensure_own_site
from hepatrial.edc.visits.models import Visit, VisitStatus
from hepatrial.errors import InputError, WorkflowError

__all__ = [
    "clinical_assessment_correct",
    "clinical_assessment_enter",
    "clinical_assessment_void",
    "demographics_correct",
    "demographics_enter",
]


@transaction.atomic
def clinical_assessment_enter(
    *,
    user: Any,
    visit: Visit,
    ascites_grade: str | None = None,
    he_grade: str | None = None,
    weight_kg: float | None = None,
    dialysis: bool | None = None,
) -> ClinicalAssessment:
    """Enter the clinical assessment of a done visit; a measure not assessed is left None.
    Grades are the protocol's grade codes (``none``, ``mild``, ``moderate_severe``, ...)."""
    require(user, "crf.enter")
    given = {"ascites_grade": ascites_grade, "he_grade": he_grade, "weight_kg": weight_kg,
             "dialysis": dialysis}  # fmt: skip
    if all(value is None for value in given.values()):
        raise InputError(
            field="clinical assessment", expected="at least one measure", received=None
        )
    locked = open_visit(visit, user)
    if ClinicalAssessment.objects.filter(visit=locked, voided=False).exists():
        raise InputError(
            field="clinical assessment",
            expected=f"none yet at {locked.code} (correct the entered one instead)",
            received="an assessment already entered",
        )
    assessment = record_create(
        ClinicalAssessment,
        user=user,
        participant_id=locked.participant_id,
        visit=locked,
        **assessment_values(study_protocol(), given),
    )
    after_write(locked, user, "clinical assessment entered")
    return assessment


@transaction.atomic
def clinical_assessment_correct(
    *,
    user: Any,
    assessment: ClinicalAssessment,
    expected_version: int,
    reason: str,
    changes: Mapping[str, object],
) -> ClinicalAssessment:
    """Correct fields of an assessment (``{"weight_kg": 71.5}``; None clears a measure)."""
    require(user, "crf.enter")
    why = require_reason(reason)
    if not changes:
        raise InputError(field="changes", expected="at least one field to change", received={})
    locked = open_visit(assessment.visit, user)
    corrected = record_update(
        ClinicalAssessment,
        assessment.pk,
        user=user,
        expected_version=expected_version,
        reason=why,
        changes=assessment_values(study_protocol(), changes),
    )
    after_write(locked, user, f"clinical assessment corrected: {why}")
    return corrected


@transaction.atomic
def clinical_assessment_void(
    *, user: Any, assessment: ClinicalAssessment, expected_version: int, reason: str
) -> ClinicalAssessment:
    require(user, "crf.enter")
    why = require_reason(reason)
    record_live(ClinicalAssessment, assessment.pk)
    locked = open_visit(assessment.visit, user)
    queries_sync(assessment, [], user, checks.ASSESSMENT_RULES)
    voided = record_void(
        ClinicalAssessment, assessment.pk, user=user, expected_version=expected_version, reason=why
    )
    after_write(locked, user, f"clinical assessment voided: {why}")
    return voided


def _demographics_values(participant: Participant, sex: object, birth_date: object) -> None:
    if sex not in Demographics.Sex.values:
        raise InputError(field="sex", expected="F or M", received=sex)
    if (
        not isinstance(birth_date, date)
        or isinstance(birth_date, datetime)
        or birth_date >= participant.identified_on
    ):
        raise InputError(
            field="birth_date",
            expected=f"a date before the participant was identified ({participant.identified_on})",
            received=birth_date,
        )


def _derive_all(participant: Participant, user: Any, why: str) -> None:
    done = Visit.objects.select_for_update().filter(
        participant=participant, voided=False, status=VisitStatus.DONE
    )
    for visit in done:
        after_write(visit, user, why)


@transaction.atomic
def demographics_enter(
    *, user: Any, participant: Participant, sex: str, birth_date: date
) -> Demographics:
    """Record the participant's sex (``F``/``M``) and date of birth; MELD 3.0 is then derived
    at every visit where its labs are complete."""
    require(user, "crf.enter")
    participant = Participant.objects.select_related("site").get(pk=participant.pk)
    ensure_own_site(user, participant)
    if participant.status == Status.IDENTIFIED:
        raise WorkflowError(
            field="demographics",
            expected="a participant who has consented",
            received=participant.status,
        )
    _demographics_values(participant, sex, birth_date)
    if Demographics.objects.filter(participant=participant, voided=False).exists():
        raise InputError(
            field="demographics",
            expected="none yet for this participant (correct the entered ones instead)",
            received="demographics already entered",
        )
    demographics = record_create(
        Demographics, user=user, participant=participant, sex=sex, birth_date=birth_date
    )
    _derive_all(participant, user, "demographics entered")
    return demographics


@transaction.atomic
def demographics_correct(
    *,
    user: Any,
    demographics: Demographics,
    expected_version: int,
    reason: str,
    sex: str | None = None,
    birth_date: date | None = None,
) -> Demographics:
    require(user, "crf.enter")
    why = require_reason(reason)
    participant = Participant.objects.select_related("site").get(pk=demographics.participant_id)
    ensure_own_site(user, participant)
    new_sex = demographics.sex if sex is None else sex
    new_birth = demographics.birth_date if birth_date is None else birth_date
    _demographics_values(participant, new_sex, new_birth)
    corrected = record_update(
        Demographics,
        demographics.pk,
        user=user,
        expected_version=expected_version,
        reason=why,
        changes={"sex": new_sex, "birth_date": new_birth},
    )
    _derive_all(participant, user, f"demographics corrected: {why}")
    return corrected
