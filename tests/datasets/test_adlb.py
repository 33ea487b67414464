"""ADLB: each lab and score per analysis visit, with baseline, change and one value per window."""

from __future__ import annotations

import copy

import pandas as pd
import pytest

from hepatrial.datasets import ADLB_VARIABLES, BASELINE_VISIT, derive_adlb
from hepatrial.protocol import Protocol
from hepatrial.tabulate import Tabulations


def u(number: str) -> str:
    return f"NCT06167473-{number}"


@pytest.fixture
def adlb(adsl: pd.DataFrame, cohort: Tabulations, protocol: Protocol) -> pd.DataFrame:
    return derive_adlb(adsl, cohort, protocol=protocol)


def _rows(adlb: pd.DataFrame, number: str, paramcd: str) -> pd.DataFrame:
    rows = adlb[(adlb["USUBJID"] == u(number)) & (adlb["PARAMCD"] == paramcd)]
    return rows.set_index(rows["ADT"].dt.strftime("%Y-%m-%d"))


def _values(row: pd.Series, *names: str) -> tuple[object, ...]:
    return tuple(None if pd.isna(row[n]) else row[n] for n in names)


def test_adlb_has_the_adam_variables_and_a_row_per_numeric_record(adlb: pd.DataFrame) -> None:
    assert list(adlb.columns) == list(ADLB_VARIABLES)
    # 15 LB records and 8 numeric RS records (the Child-Pugh class is text).
    assert len(adlb) == 23
    assert "CPCLASS" not in set(adlb["PARAMCD"])
    assert adlb["DTYPE"].isna().all()


def test_baseline_is_the_flagged_value_and_change_is_measured_from_it(adlb: pd.DataFrame) -> None:
    bili = _rows(adlb, "002", "BILI")
    base = bili.loc["2025-01-16"]
    assert _values(base, "AVISIT", "AVISITN", "ADY", "ABLFL", "BASE", "CHG", "ANL01FL") == (
        BASELINE_VISIT, 0, 0, "Y", 50, None, "Y"
    )  # fmt: skip
    week1 = bili.loc["2025-01-23"]
    assert _values(week1, "AVISIT", "AVISITN", "ADY", "BASE", "CHG", "PCHG", "ANL01FL") == (
        "Week 1", 3, 7, 50, -5, -10, "Y"
    )  # fmt: skip
    assert (bili["BASE"] == 50).all()


def test_a_screening_value_before_baseline_is_kept_but_not_analysed(adlb: pd.DataFrame) -> None:
    screening = _rows(adlb, "002", "BILI").loc["2025-01-10"]
    assert _values(screening, "AVISIT", "ADY", "ABLFL", "CHG", "ANL01FL") == (
        "Screening", -6, None, None, None
    )  # fmt: skip


def test_of_two_labs_in_one_window_the_one_closest_to_target_is_analysed(
    adlb: pd.DataFrame,
) -> None:
    # Week 4's target is day 28: day 30 (2 days away) beats day 24 (4 days away).
    bili = _rows(adlb, "002", "BILI")
    assert _values(bili.loc["2025-02-15"], "AVISIT", "ADY", "CHG", "PCHG", "ANL01FL") == (
        "Week 4", 30, 10, 20, "Y"
    )  # fmt: skip
    assert _values(bili.loc["2025-02-09"], "AVISIT", "ADY", "CHG", "ANL01FL") == (
        "Week 4", 24, -10, None
    )  # fmt: skip


def test_on_a_tie_the_earlier_of_two_labs_is_analysed(adlb: pd.DataFrame) -> None:
    # Week 1's target is day 7: days 5 and 9 are both 2 days away.
    bili = _rows(adlb, "001", "BILI")
    assert _values(bili.loc["2025-01-15"], "AVISIT", "CHG", "PCHG", "ANL01FL") == (
        "Week 1", -10, -12.5, "Y"
    )  # fmt: skip
    assert _values(bili.loc["2025-01-19"], "AVISIT", "ANL01FL") == ("Week 1", None)
    per_visit = adlb[adlb["ANL01FL"] == "Y"].groupby(["USUBJID", "PARAMCD", "AVISITN"]).size()
    assert (per_visit == 1).all()


def test_scores_get_baseline_and_change_like_labs(adlb: pd.DataFrame) -> None:
    meld = _rows(adlb, "001", "MELD")
    # MELD 25 at screening (day -7), 24 on day 0 (baseline), 22 at Week 1.
    assert _values(meld.loc["2025-01-03"], "AVISIT", "ABLFL", "ANL01FL") == (
        "Screening", None, None
    )  # fmt: skip
    assert _values(meld.loc["2025-01-10"], "ABLFL", "BASE") == ("Y", 24)
    week1 = meld.loc["2025-01-17"]
    assert _values(week1, "PARCAT1", "AVISIT", "CHG", "ANL01FL") == ("SCORE", "Week 1", -2, "Y")
    assert week1["PCHG"] == pytest.approx(-200 / 24)


def test_a_missing_baseline_leaves_change_blank(adlb: pd.DataFrame) -> None:
    row = _rows(adlb, "003", "BILI").loc["2025-02-08"]
    assert _values(row, "AVISIT", "AVAL", "BASE", "CHG", "PCHG", "ANL01FL") == (
        "Week 1", 30, None, None, None, "Y"
    )  # fmt: skip


def test_a_participant_never_infused_has_no_study_day_or_visit(adlb: pd.DataFrame) -> None:
    row = _rows(adlb, "006", "MELD").iloc[0]
    assert _values(row, "ADY", "AVISIT", "ABLFL", "BASE", "ANL01FL", "ITTFL", "SAFFL") == (
        None, None, None, None, None, "Y", "N"
    )  # fmt: skip


def test_labs_after_a_liver_transplant_are_flagged_and_not_analysed(adlb: pd.DataFrame) -> None:
    row = _rows(adlb, "005", "BILI").loc["2025-04-27"]
    assert _values(row, "AVISIT", "ADY", "LTXFL", "CHG", "ANL01FL") == (
        "Week 8", 56, "Y", -80, None
    )  # fmt: skip


def test_deriving_adlb_leaves_its_inputs_unchanged(
    adsl: pd.DataFrame, cohort: Tabulations, protocol: Protocol
) -> None:
    adsl_before, cohort_before = adsl.copy(deep=True), copy.deepcopy(cohort)
    derive_adlb(adsl, cohort, protocol=protocol)
    pd.testing.assert_frame_equal(adsl, adsl_before)
    for code, frame in cohort_before.domains.items():
        pd.testing.assert_frame_equal(cohort[code], frame)


def test_tabulations_without_labs_or_scores_give_an_empty_dataset(
    adsl: pd.DataFrame, cohort: Tabulations, protocol: Protocol
) -> None:
    only_dm = Tabulations(studyid=cohort.studyid, domains={"DM": cohort["DM"]})
    adlb = derive_adlb(adsl, only_dm, protocol=protocol)
    assert adlb.empty
    assert list(adlb.columns) == list(ADLB_VARIABLES)
