"""ADSL: one row per screened participant with dates, status, population flags and baselines."""

from __future__ import annotations

import copy
from datetime import date

import pandas as pd

from hepatrial.datasets import ADSL_VARIABLES, derive_adsl
from hepatrial.protocol import Protocol
from hepatrial.tabulate import Tabulations

LOW = "Low dose (1×10^6 cells/kg)"
MIDHIGH = "Medium-high dose (3×10^6 cells/kg)"


def u(number: str) -> str:
    return f"NCT06167473-{number}"


def _row(adsl: pd.DataFrame, number: str) -> pd.Series:
    return adsl.set_index("USUBJID").loc[u(number)]


def _day(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def test_adsl_has_one_row_per_screened_participant_in_the_adam_order(adsl: pd.DataFrame) -> None:
    assert list(adsl.columns) == list(ADSL_VARIABLES)
    assert list(adsl["USUBJID"]) == [u(n) for n in ("001", "002", "003", "004", "005", "006")]


def test_a_screen_failure_is_in_adsl_but_in_no_analysis_population(adsl: pd.DataFrame) -> None:
    failed = _row(adsl, "004")
    assert (failed["ITTFL"], failed["SAFFL"], failed["PPFL"]) == ("N", "N", "N")
    assert pd.isna(failed["TRT01P"])
    assert pd.isna(failed["RANDDT"])
    assert (failed["EOSSTT"], failed["DCSREAS"]) == ("DISCONTINUED", "SCREEN FAILURE")
    assert list(adsl.loc[adsl["ITTFL"] == "Y", "SUBJID"]) == ["001", "002", "003", "005", "006"]


def test_randomized_but_never_infused_is_itt_but_not_safety(adsl: pd.DataFrame) -> None:
    row = _row(adsl, "006")
    assert (row["ITTFL"], row["SAFFL"], row["PPFL"]) == ("Y", "N", "N")
    assert (row["TRT01P"], row["TRT01PN"]) == (LOW, 1)
    assert pd.isna(row["TRT01A"])
    assert pd.isna(row["TRTSDT"])
    assert row["EOSSTT"] == "ONGOING"
    assert pd.isna(row["DCSREAS"])


def test_treatment_and_dates_come_from_dm_and_the_infusion(adsl: pd.DataFrame) -> None:
    row = _row(adsl, "002")
    assert (row["TRT01P"], row["TRT01PN"], row["TRT01A"], row["TRT01AN"]) == (
        MIDHIGH, 2, MIDHIGH, 2
    )  # fmt: skip
    assert row["RFICDT"] == _day("2025-01-08")
    assert row["RANDDT"] == _day("2025-01-15")
    assert row["TRTSDT"] == row["TRTEDT"] == _day("2025-01-16")


def test_a_death_sets_the_death_date_and_is_the_last_known_alive_date(adsl: pd.DataFrame) -> None:
    row = _row(adsl, "001")
    assert row["DTHDT"] == row["LSTALVDT"] == _day("2025-04-20")
    assert row["DTHFL"] == "Y"
    assert (row["EOSSTT"], row["DCSREAS"], row["EOSDT"]) == (
        "DISCONTINUED", "DEATH", _day("2025-04-20")
    )  # fmt: skip


def test_last_known_alive_is_the_latest_contact_of_any_kind(adsl: pd.DataFrame) -> None:
    # 002: last visit 2025-05-20, withdrawal recorded 2025-06-01.
    assert _row(adsl, "002")["LSTALVDT"] == _day("2025-06-01")
    assert _row(adsl, "002")["DCSREAS"] == "WITHDRAWAL BY SUBJECT"
    # 003: a clinical event on 2026-02-15 is later than the last visit; a visit after the cut
    # (2026-04-01) does not count.
    assert _row(adsl, "003")["LSTALVDT"] == _day("2026-02-15")
    # 006: an adverse event on 2025-05-10 after the last visit on 2025-05-01.
    assert _row(adsl, "006")["LSTALVDT"] == _day("2025-05-10")
    assert pd.isna(_row(adsl, "002")["DTHDT"])
    assert pd.isna(_row(adsl, "002")["DTHFL"])


def test_an_earlier_data_cut_ignores_later_records(cohort: Tabulations, protocol: Protocol) -> None:
    adsl = derive_adsl(cohort, protocol=protocol, cutoff=date(2025, 4, 30))
    dead_later = _row(adsl, "005")
    assert pd.isna(dead_later["DTHDT"])
    assert dead_later["EOSSTT"] == "ONGOING"
    assert dead_later["LSTALVDT"] == _day("2025-04-27")
    assert _row(adsl, "006")["LSTALVDT"] == _day("2025-04-01")


def test_a_liver_transplant_is_recorded_as_an_intercurrent_event(adsl: pd.DataFrame) -> None:
    row = _row(adsl, "005")
    assert (row["LTXDT"], row["LTXFL"]) == (_day("2025-04-01"), "Y")
    assert pd.isna(_row(adsl, "001")["LTXFL"])


def test_baseline_scores_are_the_last_on_or_before_the_infusion(adsl: pd.DataFrame) -> None:
    row = _row(adsl, "001")
    # MELD 25 at screening, 24 on the infusion day, 22 after it: 24 is the baseline.
    assert (row["MELDBL"], row["MELDNABL"], row["CPSCBL"], row["CPCLASBL"]) == (24, 26, 10, "C")
    assert (row["BILIBL"], row["ALBBL"], row["INRBL"]) == (80, 25, 2.0)


def test_a_missing_baseline_is_blank_not_zero(adsl: pd.DataFrame) -> None:
    row = _row(adsl, "003")
    for name in ("MELDBL", "MELDNABL", "CPSCBL", "CPCLASBL", "BILIBL", "ALBBL", "INRBL"):
        assert pd.isna(row[name]), name
    # 006 has a MELD score but was never infused, so there is no baseline.
    assert pd.isna(_row(adsl, "006")["MELDBL"])


def test_deriving_adsl_leaves_the_tabulations_unchanged(
    cohort: Tabulations, protocol: Protocol, cutoff: date
) -> None:
    before = copy.deepcopy(cohort)
    derive_adsl(cohort, protocol=protocol, cutoff=cutoff)
    assert cohort.domains.keys() == before.domains.keys()
    for code, frame in before.domains.items():
        pd.testing.assert_frame_equal(cohort[code], frame)


def test_missing_domains_give_blank_values_not_errors(
    cohort: Tabulations, protocol: Protocol, cutoff: date
) -> None:
    only_dm = Tabulations(studyid=cohort.studyid, domains={"DM": cohort["DM"]})
    adsl = derive_adsl(only_dm, protocol=protocol, cutoff=cutoff)
    assert adsl["SAFFL"].eq("N").all()
    assert adsl["EOSSTT"].eq("ONGOING").all()
    assert _row(adsl, "002")["LSTALVDT"] == _day("2025-01-15")
