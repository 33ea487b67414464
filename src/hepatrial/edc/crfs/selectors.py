"""Reads of the case report forms, as rows ready for pages and the API.

Nothing here reveals the allocation: labs, assessments and scores are the same whatever the arm.
Voided records are left out; their history stays in the audit trail.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from hepatrial.clinical.labs import LabValue
from hepatrial.edc.crfs.assessment import FIELDS, measure_values
from hepatrial.edc.crfs.models import ClinicalAssessment, Demographics, DerivedScore, LabResult
from hepatrial.edc.study.selectors import study_protocol
from hepatrial.edc.visits.checks import RequiredForm
from hepatrial.edc.visits.models import Visit, VisitStatus
from hepatrial.edc.visits.selectors import VisitRow, visit_get

__all__ = [
    "AssessmentRow",
    "LabRow",
    "ScoreRow",
    "VisitForms",
    "VisitLabs",
    "lab_table",
    "visit_form_codes",
    "visit_forms",
]


@dataclass(frozen=True, slots=True)
class LabRow:
    """A lab result: as entered, standardized (full precision and as reported), and its flags."""

    id: Any
    code: str
    value_entered: str
    unit_entered: str
    value_std: float
    value_std_text: str
    unit_std: str
    flags: tuple[str, ...]
    version: int


@dataclass(frozen=True, slots=True)
class AssessmentRow:
    id: Any
    ascites_grade: str
    he_grade: str
    weight_kg: float | None
    dialysis: bool | None
    version: int


@dataclass(frozen=True, slots=True)
class ScoreRow:
    """A derived score with its formula version and the inputs it used."""

    id: Any
    code: str
    value: float
    grade: str
    formula: str
    inputs: Mapping[str, Any]
    version: int


@dataclass(frozen=True, slots=True)
class VisitForms:
    """Everything entered at one visit, and what the protocol still expects there."""

    visit: VisitRow
    labs: tuple[LabRow, ...]
    assessment: AssessmentRow | None
    scores: tuple[ScoreRow, ...]
    required: tuple[str, ...]
    missing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class VisitLabs:
    """One column of a participant's lab table: a done visit with its labs and scores."""

    visit_id: Any
    code: str
    label: str
    visitnum: Any
    actual_date: date | None
    labs: Mapping[str, LabRow]
    scores: Mapping[str, ScoreRow]


def _lab_row(result: LabResult) -> LabRow:
    reported = LabValue(
        code=result.code,
        value_entered=result.value_entered,
        unit_entered=result.unit_entered,
        value=result.value_std,
        unit=result.unit_std,
        value_std=result.value_std,
        unit_std=result.unit_std,
    ).value_std_text
    return LabRow(
        id=result.pk,
        code=result.code,
        value_entered=result.value_entered,
        unit_entered=result.unit_entered,
        value_std=result.value_std,
        value_std_text=reported,
        unit_std=result.unit_std,
        flags=tuple(flag["message"] for flag in result.flags),
        version=result.version,
    )


def _assessment_row(assessment: ClinicalAssessment) -> AssessmentRow:
    return AssessmentRow(
        id=assessment.pk,
        ascites_grade=assessment.ascites_grade,
        he_grade=assessment.he_grade,
        weight_kg=assessment.weight_kg,
        dialysis=assessment.dialysis,
        version=assessment.version,
    )


def _score_row(score: DerivedScore) -> ScoreRow:
    return ScoreRow(
        id=score.pk,
        code=score.code,
        value=score.value,
        grade=score.grade,
        formula=score.formula,
        inputs=score.inputs,
        version=score.version,
    )


def _required(visit: Visit) -> tuple[RequiredForm, ...]:
    if visit.unscheduled:
        return ()
    forms = []
    for procedure in study_protocol().procedures_at(visit.code):
        if procedure.kind in ("labs", "clinical_assessment"):
            forms.append(RequiredForm(procedure.code, procedure.label, procedure.measures))
        elif procedure.kind == "demographics":
            forms.append(RequiredForm(procedure.code, procedure.label, (procedure.code,)))
    return tuple(forms)


def _present(visit: Visit) -> frozenset[str]:
    present = set(
        LabResult.objects.filter(visit=visit, voided=False).values_list("code", flat=True)
    )
    fields = (
        ClinicalAssessment.objects.filter(visit=visit, voided=False)
        .values(*FIELDS.values())
        .first()
    )
    present |= set(measure_values(fields or {}))
    if Demographics.objects.filter(participant_id=visit.participant_id, voided=False).exists():
        present |= {p.code for p in study_protocol().procedures if p.kind == "demographics"}
    return frozenset(present)


def visit_form_codes(*, visit: Visit) -> tuple[tuple[RequiredForm, ...], frozenset[str]]:
    """The forms the protocol requires at ``visit``, and the measure and form codes entered."""
    return _required(visit), _present(visit)


def visit_forms(*, visit_id: Any) -> VisitForms:
    """The forms of one visit: labs, clinical assessment, derived scores, and what is missing."""
    visit = Visit.objects.get(pk=visit_id, voided=False)
    forms, present = visit_form_codes(visit=visit)
    required = tuple(item for form in forms for item in form.items)
    assessment = ClinicalAssessment.objects.filter(visit=visit, voided=False).first()
    return VisitForms(
        visit=visit_get(visit_id=visit.pk),
        labs=tuple(_lab_row(r) for r in LabResult.objects.filter(visit=visit, voided=False)),
        assessment=None if assessment is None else _assessment_row(assessment),
        scores=tuple(_score_row(s) for s in DerivedScore.objects.filter(visit=visit, voided=False)),
        required=required,
        missing=tuple(code for code in required if code not in present),
    )


def lab_table(*, participant_id: Any) -> list[VisitLabs]:
    """A participant's labs (canonical units) and scores, one entry per done visit in order."""
    visits = Visit.objects.filter(
        participant_id=participant_id, voided=False, status=VisitStatus.DONE
    ).order_by("visitnum")
    labs: dict[Any, dict[str, LabRow]] = {}
    for result in LabResult.objects.filter(participant_id=participant_id, voided=False):
        labs.setdefault(result.visit_id, {})[result.code] = _lab_row(result)
    scores: dict[Any, dict[str, ScoreRow]] = {}
    for score in DerivedScore.objects.filter(participant_id=participant_id, voided=False):
        scores.setdefault(score.visit_id, {})[score.code] = _score_row(score)
    return [
        VisitLabs(
            visit_id=visit.pk,
            code=visit.code,
            label=visit.label,
            visitnum=visit.visitnum,
            actual_date=visit.actual_date,
            labs=labs.get(visit.pk, {}),
            scores=scores.get(visit.pk, {}),
        )
        for visit in visits
    ]
