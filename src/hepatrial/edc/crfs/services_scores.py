"""Deriving the liver scores of a visit from its live labs, assessment and demographics.

A score is created when every input the protocol lists for it is there, updated with the reason
when one changed, and voided when one is gone; inputs that did not change write nothing. Each
recomputation is a history row of the score, with its reason, in the audit trail.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from hepatrial.edc.core.permissions import require
from hepatrial.edc.core.services import record_create, record_update, record_void, require_reason
from hepatrial.edc.crfs._write import checks_sync, open_visit
from hepatrial.edc.crfs.assessment import FIELDS, measure_values
from hepatrial.edc.crfs.derive import age_in_years, derive_score
from hepatrial.edc.crfs.models import ClinicalAssessment, Demographics, DerivedScore, LabResult
from hepatrial.edc.study.selectors import study_protocol
from hepatrial.edc.visits.models import Visit

__all__ = ["after_write", "scores_derive", "visit_scores_derive"]


def _inputs(visit: Visit) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    values: dict[str, Any] = {}
    sources: dict[str, dict[str, Any]] = {}
    for lab in LabResult.objects.filter(visit=visit, voided=False):
        values[lab.code] = lab.value_std
        sources[lab.code] = {"value": lab.value_std, "unit": lab.unit_std, "record": str(lab.pk)}
    assessment = ClinicalAssessment.objects.filter(visit=visit, voided=False).first()
    if assessment is not None:
        stored = {field: getattr(assessment, field) for field in FIELDS.values()}
        for code, value in measure_values(stored).items():
            values[code] = value
            sources[code] = {"value": value, "record": str(assessment.pk)}
    return values, sources


def _person(visit: Visit) -> tuple[bool | None, int | None, dict[str, dict[str, Any]]]:
    demographics = Demographics.objects.filter(
        participant_id=visit.participant_id, voided=False
    ).first()
    if demographics is None or visit.actual_date is None:
        return None, None, {}
    age = age_in_years(demographics.birth_date, visit.actual_date)
    record = str(demographics.pk)
    return (
        demographics.sex == Demographics.Sex.FEMALE,
        age,
        {
            "SEX": {"value": demographics.sex, "record": record},
            "AGE": {"value": age, "record": record},
        },
    )


def _score_codes(visit: Visit) -> tuple[str, ...]:
    protocol = study_protocol()
    if visit.unscheduled:
        return tuple(s.code for s in protocol.measures.scores)
    return tuple(
        code
        for procedure in protocol.procedures_at(visit.code)
        if procedure.kind == "scores"
        for code in procedure.scores
    )


def visit_scores_derive(visit: Visit, user: Any, why: str) -> list[DerivedScore]:
    """Derive the scores of ``visit`` (already locked) again; ``why`` is the reason recorded."""
    protocol = study_protocol()
    values, sources = _inputs(visit)
    female, age, person = _person(visit)
    live = {s.code: s for s in DerivedScore.objects.filter(visit=visit, voided=False)}
    derived: list[DerivedScore] = []
    for code in _score_codes(visit):
        score = derive_score(protocol, code, values, female=female, age=age)
        current = live.get(code)
        if score is None:
            if current is not None:
                record_void(
                    DerivedScore,
                    current.pk,
                    user=user,
                    expected_version=current.version,
                    reason=f"{why}; an input of {code} is no longer there",
                )
            continue
        names = next(s.inputs for s in protocol.measures.scores if s.code == code)
        used = {name: sources[name] for name in names if name in sources}
        if code == "MELD3":
            used |= person
        fields = {
            "value": float(score.value),
            "grade": score.grade,
            "formula": score.formula,
            "inputs": used,
            "details": dict(score.details),
        }
        if current is None:
            derived.append(
                record_create(
                    DerivedScore,
                    user=user,
                    participant_id=visit.participant_id,
                    visit=visit,
                    code=code,
                    **fields,
                )
            )
        elif any(getattr(current, k) != v for k, v in fields.items()):
            derived.append(
                record_update(
                    DerivedScore,
                    current.pk,
                    user=user,
                    expected_version=current.version,
                    reason=f"derived again: {why}",
                    changes=fields,
                )
            )
        else:
            derived.append(current)
    return derived


@transaction.atomic
def scores_derive(*, user: Any, visit: Visit, reason: str = "scores derived") -> list[DerivedScore]:
    """Derive every score the protocol plans at ``visit`` from its live inputs.

    A score is created when its inputs are complete, updated (with ``reason``) when they changed,
    and voided when one is gone; unchanged inputs write nothing. Returns the live scores.
    """
    require(user, "crf.enter")
    return visit_scores_derive(open_visit(visit, user), user, require_reason(reason))


def after_write(visit: Visit, user: Any, why: str) -> None:
    """After a write at ``visit``: derive its scores again, then run the checks."""
    visit_scores_derive(visit, user, why)
    checks_sync(visit, user)
