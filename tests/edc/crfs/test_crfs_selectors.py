"""What pages read: a participant's lab table by visit, and one visit's forms."""

from __future__ import annotations

from typing import Any

from hepatrial.edc.crfs.selectors import lab_table, visit_forms
from hepatrial.edc.crfs.services import (
    clinical_assessment_enter,
    lab_panel_enter,
    lab_result_void,
)


def test_the_lab_table_shows_canonical_values_and_scores_by_visit(
    w4: Any, participant: Any, coordinator: Any
) -> None:
    results = lab_panel_enter(
        user=coordinator,
        visit=w4,
        values={"BILI": ("3", "mg/dL"), "ALB": ("2.9", "g/dL")},
    )
    table = lab_table(participant_id=participant.pk)
    assert [column.code for column in table] == ["D0", "W4"]  # the done visits, in order
    week4 = table[1]
    assert (week4.labs["BILI"].value_std_text, week4.labs["BILI"].unit_std) == ("51.3", "umol/L")
    assert (week4.labs["ALB"].value_std_text, week4.labs["ALB"].unit_std) == ("29.0", "g/L")
    assert (week4.labs["BILI"].value_entered, week4.labs["BILI"].unit_entered) == ("3", "mg/dL")
    assert set(week4.scores) == {"ALBI"}
    lab_result_void(user=coordinator, result=results[0], expected_version=1, reason="wrong tube")
    week4 = lab_table(participant_id=participant.pk)[1]
    assert set(week4.labs) == {"ALB"}
    assert week4.scores == {}


def test_a_visits_forms_list_what_is_entered_and_what_is_missing(w4: Any, coordinator: Any) -> None:
    lab_panel_enter(user=coordinator, visit=w4, values={"INR": ("1.2", "ratio")})
    clinical_assessment_enter(user=coordinator, visit=w4, weight_kg=70.0, dialysis=False)
    forms = visit_forms(visit_id=w4.pk)
    assert forms.visit.code == "W4"
    assert [lab.code for lab in forms.labs] == ["INR"]
    assert forms.assessment is not None
    assert forms.assessment.weight_kg == 70.0
    assert forms.missing == (
        "ALT", "AST", "ALP", "BILI", "ALB", "PT", "CREAT", "SODIUM", "ASCITES_GRADE", "HE_GRADE",
    )  # fmt: skip
