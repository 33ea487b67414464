"""One participant's whole journey through the services, on SQLite and on PostgreSQL."""

from __future__ import annotations

from typing import Any

from hepatrial.clinical.scores import meld_na
from hepatrial.edc.core.audit import audit_verify
from hepatrial.edc.crfs.models import DerivedScore, LabResult


def test_a_participant_goes_from_identification_to_a_signed_casebook(
    journey: dict[str, Any],
) -> None:
    participant = journey["participant"]
    assert participant.status == "completed"
    assert participant.day0.isoformat() == "2024-03-08"
    assert journey["allocation"].arm in ("LOW", "MIDHIGH")
    assert journey["infusion"].within_tolerance
    done = [v for v in journey["visits"] if v.status == "done"]
    codes = {v.code for v in done}
    assert {"SCR", "D0", "W1", "W4", "W8", "W12", "W24", "W48", "D365"} <= codes
    assert not any(v.deviation for v in done)
    assert journey["query"].status == "resolved"
    assert not journey["signature"].voided
    assert audit_verify().ok


def test_scores_derived_at_each_visit_match_the_clinical_rules(journey: dict[str, Any]) -> None:
    participant = journey["participant"]
    week4 = next(v for v in journey["visits"] if v.code == "W4")
    labs = {r.code: r.value_std for r in LabResult.objects.filter(visit=week4, voided=False)}
    expected = meld_na(
        bilirubin=labs["BILI"], creatinine=labs["CREAT"], inr=labs["INR"], sodium=labs["SODIUM"]
    )
    stored = DerivedScore.objects.get(visit=week4, code="MELD_NA", voided=False)
    assert stored.value == expected.score
    assert stored.formula == expected.formula
    derived_visits = DerivedScore.objects.filter(participant=participant, code="CHILD_PUGH")
    assert derived_visits.values("visit").distinct().count() >= 7
