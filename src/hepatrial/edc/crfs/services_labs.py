"""Lab results: entered one at a time or as a panel (all or nothing), corrected and voided.

Values go through ``standardize_lab``: beyond a hard limit they are refused with its message;
beyond a soft limit or typical of another unit they are kept and queried.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from hepatrial.clinical.labs import LabValue, standardize_lab, standardize_panel
from hepatrial.edc.core.permissions import require
from hepatrial.edc.core.services import record_create, record_update, record_void, require_reason
from hepatrial.edc.crfs import checks
from hepatrial.edc.crfs._write import open_visit, queries_sync, record_live
from hepatrial.edc.crfs.models import LabResult
from hepatrial.edc.crfs.services_scores import after_write
from hepatrial.edc.study.selectors import study_protocol
from hepatrial.edc.visits.models import Visit
from hepatrial.errors import InputError

__all__ = ["lab_panel_enter", "lab_result_correct", "lab_result_enter", "lab_result_void"]


def _lab_fields(lab: LabValue, value: object, unit: str) -> dict[str, Any]:
    return {
        "value_entered": value if isinstance(value, str) else repr(value),
        "unit_entered": unit,
        "value_std": lab.value_std,
        "unit_std": lab.unit_std,
        "flags": [{"kind": f.kind, "message": f.message} for f in lab.flags],
    }


def _check_codes(visit: Visit, codes: list[str]) -> None:
    known = [m.code for m in study_protocol().measures.labs]
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise InputError(
            field="code", expected=f"a lab test of the protocol ({', '.join(known)})",
            received=", ".join(map(str, unknown)),
        )  # fmt: skip
    entered = set(
        LabResult.objects.filter(visit=visit, voided=False, code__in=codes).values_list(
            "code", flat=True
        )
    )
    if entered:
        raise InputError(
            field="code",
            expected=f"a test not yet entered at {visit.code} (correct the entered result instead)",
            received=", ".join(sorted(entered)),
        )


@transaction.atomic
def lab_result_enter(
    *, user: Any, visit: Visit, code: str, value: float | str, unit: str
) -> LabResult:
    """Enter one lab result at a done visit, as reported (value and unit as on the report)."""
    require(user, "crf.enter")
    locked = open_visit(visit, user)
    _check_codes(locked, [code])
    lab = standardize_lab(code, value, unit)
    result = record_create(
        LabResult,
        user=user,
        participant_id=locked.participant_id,
        visit=locked,
        code=code,
        **_lab_fields(lab, value, unit),
    )
    after_write(locked, user, f"{code} entered")
    return result


@transaction.atomic
def lab_panel_enter(
    *, user: Any, visit: Visit, values: Mapping[str, tuple[float | str, str]]
) -> list[LabResult]:
    """Enter several results of one visit together: all are stored, or, if any one is not
    acceptable, none is and the error lists every problem."""
    require(user, "crf.enter")
    if not values:
        raise InputError(field="values", expected="at least one lab result", received=values)
    locked = open_visit(visit, user)
    _check_codes(locked, list(values))
    panel = standardize_panel(values)
    results = [
        record_create(
            LabResult,
            user=user,
            participant_id=locked.participant_id,
            visit=locked,
            code=code,
            **_lab_fields(panel[code], values[code][0], values[code][1]),
        )
        for code in panel
    ]
    after_write(locked, user, f"{', '.join(panel)} entered")
    return results


@transaction.atomic
def lab_result_correct(
    *,
    user: Any,
    result: LabResult,
    expected_version: int,
    value: float | str,
    unit: str,
    reason: str,
) -> LabResult:
    """Correct a lab result read at ``expected_version``, with the reason; the scores that use
    it are derived again. A concurrent correction from the same version is a ConflictError."""
    require(user, "crf.enter")
    why = require_reason(reason)
    locked = open_visit(result.visit, user)
    lab = standardize_lab(result.code, value, unit)
    corrected = record_update(
        LabResult,
        result.pk,
        user=user,
        expected_version=expected_version,
        reason=why,
        changes=_lab_fields(lab, value, unit),
    )
    after_write(locked, user, f"{result.code} corrected: {why}")
    return corrected


@transaction.atomic
def lab_result_void(
    *, user: Any, result: LabResult, expected_version: int, reason: str
) -> LabResult:
    """Void a lab result with the reason (it stays in the trail); its queries close and the
    scores that used it are derived again or voided."""
    require(user, "crf.enter")
    why = require_reason(reason)
    record_live(LabResult, result.pk)
    locked = open_visit(result.visit, user)
    # A voided record takes no queries, so its own are closed while it is still live.
    queries_sync(result, [], user, checks.LAB_RULES)
    voided = record_void(
        LabResult, result.pk, user=user, expected_version=expected_version, reason=why
    )
    after_write(locked, user, f"{result.code} voided: {why}")
    return voided
