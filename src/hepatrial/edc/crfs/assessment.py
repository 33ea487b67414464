"""The clinical assessment form: which protocol measure each field holds, and what is accepted.

Pure: the protocol is passed in. Grades are the protocol's grade codes (``measures.clinical``);
body weight uses the same plausible adult range as the dose calculation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from hepatrial.clinical.dosing import WEIGHT_RANGE_KG
from hepatrial.errors import InputError
from hepatrial.protocol import ClinicalMeasure, Protocol

__all__ = ["FIELDS", "assessment_values", "measure_values"]

# Field of ClinicalAssessment for each clinical measure code of the protocol.
FIELDS: Mapping[str, str] = MappingProxyType(
    {"ASCITES_GRADE": "ascites_grade", "HE_GRADE": "he_grade", "WEIGHT": "weight_kg",
     "DIALYSIS": "dialysis"}
)  # fmt: skip
_CODES = {field: code for code, field in FIELDS.items()}


def _grade(measure: ClinicalMeasure, field: str, value: object) -> str:
    codes = [g.code for g in measure.grades]
    if value not in codes:
        raise InputError(field=field, expected=f"one of {', '.join(codes)}", received=value)
    return str(value)


def _weight(value: object) -> float:
    low, high = WEIGHT_RANGE_KG
    expected = f"a body weight ≥ {low:g} and ≤ {high:g} kg"
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(field="weight_kg", expected=expected, received=value)
    if not low <= value <= high:
        raise InputError(field="weight_kg", expected=expected, received=value)
    return float(value)


def assessment_values(protocol: Protocol, values: Mapping[str, object]) -> dict[str, Any]:
    """``values`` (field name → value, None for not assessed) checked and ready to store.

    Unknown fields, grades not in the protocol, weights outside the plausible range and a
    yes/no answer that is not a bool are InputErrors naming the field.
    """
    measures = {m.code: m for m in protocol.measures.clinical}
    checked: dict[str, Any] = {}
    for field, value in values.items():
        measure = measures.get(_CODES.get(field, ""))
        if measure is None:
            known = ", ".join(f for f, c in _CODES.items() if c in measures)
            raise InputError(
                field=field, expected=f"a clinical assessment field ({known})", received=value
            )
        if value is None:
            checked[field] = "" if measure.type == "grade" else None
        elif measure.type == "grade":
            checked[field] = _grade(measure, field, value)
        elif measure.type == "quantity":
            checked[field] = _weight(value)
        elif isinstance(value, bool):
            checked[field] = value
        else:
            raise InputError(field=field, expected="yes or no (True or False)", received=value)
    return checked


def measure_values(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Stored assessment fields as measure code → value, leaving out what was not assessed."""
    return {
        code: fields[field]
        for code, field in FIELDS.items()
        if field in fields and fields[field] not in (None, "")
    }
