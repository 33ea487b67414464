"""The schedule of assessments comes from the protocol's visits and procedures, as data."""

from __future__ import annotations

import pytest

from hepatrial.errors import InputError
from hepatrial.protocol import ScheduleOfAssessments, load_seed_protocol, schedule_of_assessments


@pytest.fixture(scope="module")
def soa() -> ScheduleOfAssessments:
    return schedule_of_assessments(load_seed_protocol())


def _done_at(soa: ScheduleOfAssessments, procedure: str) -> list[str]:
    return [v.code for v in soa.visits if soa.is_done(procedure, v.code)]


def test_columns_are_the_visits_in_order_with_their_windows(soa: ScheduleOfAssessments) -> None:
    assert [v.code for v in soa.visits] == [
        "SCR", "D0", "W1", "W4", "W8", "W12", "W24", "W48", "D365",
    ]  # fmt: skip
    labels = {v.code: v.window_label for v in soa.visits}
    assert labels["SCR"] == "days -28 to -1"
    assert labels["D0"] == "day 0"
    assert labels["W1"] == "day 7 ± 2"
    assert labels["W24"] == "day 168 ± 14"
    assert labels["D365"] == "days 365 to 393"


def test_rows_are_the_procedures_with_one_mark_per_visit(soa: ScheduleOfAssessments) -> None:
    assert [row.code for row in soa.rows][:3] == ["CONSENT", "ELIGIBILITY", "DEMOGRAPHICS"]
    assert all(len(row.marks) == len(soa.visits) for row in soa.rows)
    assert all(any(row.marks) for row in soa.rows)


def test_consent_is_at_screening_and_the_infusion_on_day_0(soa: ScheduleOfAssessments) -> None:
    assert _done_at(soa, "CONSENT") == ["SCR"]
    assert _done_at(soa, "RANDOMIZATION") == ["D0"]
    assert _done_at(soa, "INFUSION") == ["D0"]


def test_labs_run_from_screening_to_week_48_and_survival_to_1_year(
    soa: ScheduleOfAssessments,
) -> None:
    labs = ["SCR", "D0", "W1", "W4", "W8", "W12", "W24", "W48"]
    assert _done_at(soa, "LIVER_LABS") == labs
    assert _done_at(soa, "SCORE_LABS") == labs
    assert _done_at(soa, "SURVIVAL") == ["W1", "W4", "W8", "W12", "W24", "W48", "D365"]


def test_a_row_says_what_it_collects(soa: ScheduleOfAssessments) -> None:
    rows = {row.code: row for row in soa.rows}
    assert rows["LIVER_LABS"].collects == ("ALT", "AST", "ALP", "BILI", "ALB", "PT", "INR")
    assert rows["SCORES"].collects == ("MELD", "MELD_NA", "MELD3", "CHILD_PUGH", "ALBI")
    assert rows["CONSENT"].collects == ()


def test_unknown_visit_or_procedure_is_an_input_error(soa: ScheduleOfAssessments) -> None:
    with pytest.raises(InputError, match="visit: expected one of 'SCR'"):
        soa.is_done("CONSENT", "W2")
    with pytest.raises(InputError, match="procedure: expected one of 'CONSENT'"):
        soa.is_done("XRAY", "SCR")
