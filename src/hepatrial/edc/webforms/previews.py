"""What a form shows before it is saved: lab values standardized and the liver scores they give.

Nothing here decides anything: ``hepatrial.clinical.standardize_lab`` judges each value (hard
limit → refused, soft limit → kept with a warning, and a query once saved) and
``hepatrial.edc.crfs.derive.derive_score`` computes MELD, MELD-Na, MELD 3.0 and Child-Pugh with
the formulas of ``hepatrial.clinical.scores``, exactly as the services will when the panel is
saved. Nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hepatrial.clinical import standardize_lab
from hepatrial.edc.crfs.derive import age_in_years, derive_score
from hepatrial.edc.crfs.models import Demographics
from hepatrial.edc.crfs.selectors import visit_forms
from hepatrial.edc.study.selectors import study_protocol
from hepatrial.errors import HepatrialError

__all__ = ["LIVE_SCORES", "LabCheck", "LabPreview", "ScorePreview", "lab_preview"]

# The scores the lab form computes as values are typed (the four).
LIVE_SCORES = ("MELD", "MELD_NA", "MELD3", "CHILD_PUGH")


@dataclass(frozen=True, slots=True)
class LabCheck:
    """One typed value: standardized (``value_std`` in ``unit_std``), warned or refused."""

    code: str
    ok: bool
    value_std: float | None
    unit_std: str
    warnings: tuple[str, ...]
    error: str


@dataclass(frozen=True, slots=True)
class ScorePreview:
    code: str
    label: str
    value: float | None
    grade: str
    missing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LabPreview:
    labs: tuple[LabCheck, ...]
    scores: tuple[ScorePreview, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "labs": {
                c.code: {
                    "ok": c.ok,
                    "value_std": c.value_std,
                    "unit_std": c.unit_std,
                    "warnings": list(c.warnings),
                    "error": c.error,
                }
                for c in self.labs
            },
            "scores": {
                s.code: {"value": s.value, "grade": s.grade, "missing": list(s.missing)}
                for s in self.scores
            },
        }


def _check(code: str, value: str, unit: str) -> LabCheck:
    try:
        lab = standardize_lab(code, value, unit)
    except HepatrialError as error:
        return LabCheck(code, False, None, "", (), error.message)
    return LabCheck(
        code, True, lab.value_std, lab.unit_std, tuple(f.message for f in lab.flags), ""
    )


def _person(participant_id: Any, visit_date: Any) -> tuple[bool | None, int | None]:
    demographics = Demographics.objects.filter(participant_id=participant_id, voided=False).first()
    if demographics is None or visit_date is None:
        return None, None
    female = demographics.sex == Demographics.Sex.FEMALE
    return female, age_in_years(demographics.birth_date, visit_date)


def lab_preview(*, visit_id: Any, rows: Mapping[str, tuple[str, str]]) -> LabPreview:
    """``rows`` (test code → value and unit as typed) checked, and the live scores of the visit
    from those values over the visit's saved labs, clinical assessment and demographics."""
    protocol = study_protocol()
    forms = visit_forms(visit_id=visit_id)
    values: dict[str, Any] = {lab.code: lab.value_std for lab in forms.labs}
    if forms.assessment is not None:
        assessment = forms.assessment
        for code, value in (
            ("ASCITES_GRADE", assessment.ascites_grade),
            ("HE_GRADE", assessment.he_grade),
            ("DIALYSIS", assessment.dialysis),
        ):
            if value not in (None, ""):
                values[code] = value
    checks = tuple(_check(code, value, unit) for code, (value, unit) in rows.items() if value)
    for check in checks:
        if check.ok:
            values[check.code] = check.value_std
    female, age = _person(forms.visit.participant_id, forms.visit.actual_date)
    labels = {s.code: s.label for s in protocol.measures.scores}
    scores = []
    for code in LIVE_SCORES:
        if code not in labels:
            continue
        listed = next(s.inputs for s in protocol.measures.scores if s.code == code)
        missing = tuple(name for name in listed if values.get(name) is None)
        if code == "MELD3" and female is None:
            missing += ("SEX",)
        try:
            score = (
                None if missing else derive_score(protocol, code, values, female=female, age=age)
            )
        except HepatrialError:
            score = None
        scores.append(
            ScorePreview(
                code=code,
                label=labels[code],
                value=None if score is None else score.value,
                grade="" if score is None else score.grade,
                missing=missing,
            )
        )
    return LabPreview(labs=checks, scores=tuple(scores))
