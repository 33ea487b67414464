"""ADTTE: survival, decompensation with death as a competing event, and the composite endpoint."""

from __future__ import annotations

import copy
from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hepatrial.datasets import (
    ADTTE_VARIABLES,
    CNSR_ADMINISTRATIVE,
    CNSR_COMPETING,
    CNSR_EVENT,
    CNSR_LAST_ALIVE,
    derive_adtte,
)
from hepatrial.errors import InputError
from hepatrial.tabulate import Tabulations, tabulation

END_OF_YEAR = "DAY 365 (END OF FOLLOW-UP)"


def u(number: str) -> str:
    return f"NCT06167473-{number}"


@pytest.fixture
def adtte(adsl: pd.DataFrame, cohort: Tabulations, cutoff: date) -> pd.DataFrame:
    return derive_adtte(adsl, cohort, cutoff=cutoff)


def _get(adtte: pd.DataFrame, number: str, paramcd: str) -> pd.Series:
    return adtte.set_index(["USUBJID", "PARAMCD"]).loc[(u(number), paramcd)]


def _summary(row: pd.Series) -> tuple[object, ...]:
    return (row["ADT"].date().isoformat(), row["AVAL"], row["CNSR"], row["EVNTTYPE"])


def test_adtte_has_six_parameters_for_each_randomized_participant(adtte: pd.DataFrame) -> None:
    assert list(adtte.columns) == list(ADTTE_VARIABLES)
    assert sorted(set(adtte["SUBJID"])) == ["001", "002", "003", "005", "006"]
    per_subject = adtte.groupby("USUBJID")["PARAMCD"].apply(list)
    expected = ["OS", "TTDECOMP", "TTDCDTH", "TTGIB", "TTASC", "TTHE"]
    assert all(params == expected for params in per_subject)


def test_a_screen_failure_has_no_time_to_event_rows(adtte: pd.DataFrame) -> None:
    assert u("004") not in set(adtte["USUBJID"])


def test_death_is_an_os_event_counted_from_randomization(adtte: pd.DataFrame) -> None:
    # Randomized 2025-01-10, died 2025-04-20: 21 + 28 + 31 + 20 = 100 days.
    row = _get(adtte, "001", "OS")
    assert _summary(row) == ("2025-04-20", 100, CNSR_EVENT, 1)
    assert row["STARTDT"] == pd.Timestamp("2025-01-10")
    assert (row["EVNTDESC"], row["SRCDOM"], row["SRCVAR"]) == ("DEATH", "ADSL", "DTHDT")
    assert pd.isna(row["CNSDTDSC"])


def test_os_is_censored_at_last_known_alive(adtte: pd.DataFrame) -> None:
    # 002 randomized 2025-01-15, withdrew 2025-06-01: 16 + 28 + 31 + 30 + 31 + 1 = 137 days.
    row = _get(adtte, "002", "OS")
    assert _summary(row) == ("2025-06-01", 137, CNSR_LAST_ALIVE, 0)
    assert row["CNSDTDSC"] == "LAST KNOWN ALIVE"
    # 006 (never infused, still in ITT) last seen at an AE on 2025-05-10: 30 + 9 = 39 days.
    assert _summary(_get(adtte, "006", "OS")) == ("2025-05-10", 39, CNSR_LAST_ALIVE, 0)


def test_os_is_censored_administratively_at_day_365(adtte: pd.DataFrame) -> None:
    # 003 randomized 2025-02-01 and seen alive on 2026-02-15, after day 365 (2026-02-01).
    row = _get(adtte, "003", "OS")
    assert _summary(row) == ("2026-02-01", 365, CNSR_ADMINISTRATIVE, 0)
    assert row["CNSDTDSC"] == END_OF_YEAR
    assert pd.isna(row["SRCDOM"])


def test_an_earlier_data_cut_censors_administratively_at_the_cut(
    adsl: pd.DataFrame, cohort: Tabulations
) -> None:
    adtte = derive_adtte(adsl, cohort, cutoff=date(2025, 12, 31))
    # 2025-02-01 to 2025-12-31 is 365 - 32 = 333 days.
    row = _get(adtte, "003", "OS")
    assert _summary(row) == ("2025-12-31", 333, CNSR_ADMINISTRATIVE, 0)
    assert row["CNSDTDSC"] == "DATA CUTOFF"


def test_the_first_of_several_decompensations_is_the_event(adtte: pd.DataFrame) -> None:
    # 001: ascites on 2025-03-01 (day 50), GI bleeding on 2025-03-21 (day 70), death on day 100.
    first = _get(adtte, "001", "TTDECOMP")
    assert _summary(first) == ("2025-03-01", 50, CNSR_EVENT, 1)
    assert first["EVNTDESC"] == "DECOMPENSATION: ASCITES"
    assert _summary(_get(adtte, "001", "TTASC")) == ("2025-03-01", 50, CNSR_EVENT, 1)
    assert _summary(_get(adtte, "001", "TTGIB")) == ("2025-03-21", 70, CNSR_EVENT, 1)


def test_decompensation_then_death_counts_the_decompensation_in_the_composite(
    adtte: pd.DataFrame,
) -> None:
    row = _get(adtte, "001", "TTDCDTH")
    assert _summary(row) == ("2025-03-01", 50, CNSR_EVENT, 1)


def test_death_before_a_decompensation_type_is_a_competing_event(adtte: pd.DataFrame) -> None:
    # 001 never had encephalopathy and died on day 100.
    row = _get(adtte, "001", "TTHE")
    assert _summary(row) == ("2025-04-20", 100, CNSR_COMPETING, 2)
    assert row["CMPEVFL"] == "Y"
    assert row["EVNTDESC"] == "DEATH (COMPETING EVENT)"
    assert pd.isna(_get(adtte, "001", "TTASC")["CMPEVFL"])


def test_decompensation_history_and_events_after_day_365_are_not_counted(
    adtte: pd.DataFrame,
) -> None:
    # 003: encephalopathy on 2025-01-28 (before randomization) and on 2026-02-15 (day 379).
    assert _summary(_get(adtte, "003", "TTHE")) == ("2026-02-01", 365, CNSR_ADMINISTRATIVE, 0)
    assert _summary(_get(adtte, "003", "TTDECOMP")) == ("2026-02-01", 365, CNSR_ADMINISTRATIVE, 0)


def test_a_transplant_keeps_os_follow_up_and_competes_with_decompensation(
    adtte: pd.DataFrame,
) -> None:
    # 005 randomized 2025-03-01, transplant 2025-04-01 (day 31), died 2025-07-01 (day 122).
    os_row = _get(adtte, "005", "OS")
    assert _summary(os_row) == ("2025-07-01", 122, CNSR_EVENT, 1)
    assert os_row["LTXFL"] == "Y"
    assert _summary(_get(adtte, "005", "TTDCDTH")) == ("2025-07-01", 122, CNSR_EVENT, 1)
    decomp = _get(adtte, "005", "TTDECOMP")
    assert _summary(decomp) == ("2025-04-01", 31, CNSR_COMPETING, 2)
    assert decomp["EVNTDESC"] == "LIVER TRANSPLANT (COMPETING EVENT)"
    assert pd.isna(_get(adtte, "001", "OS")["LTXFL"])


def test_deriving_adtte_leaves_its_inputs_unchanged(
    adsl: pd.DataFrame, cohort: Tabulations, cutoff: date
) -> None:
    adsl_before, cohort_before = adsl.copy(deep=True), copy.deepcopy(cohort)
    derive_adtte(adsl, cohort, cutoff=cutoff)
    pd.testing.assert_frame_equal(adsl, adsl_before)
    for code, frame in cohort_before.domains.items():
        pd.testing.assert_frame_equal(cohort[code], frame)


def test_no_randomized_participant_gives_an_empty_dataset(
    adsl: pd.DataFrame, cohort: Tabulations, cutoff: date
) -> None:
    nobody = adsl[adsl["ITTFL"] == "N"]
    adtte = derive_adtte(nobody, cohort, cutoff=cutoff)
    assert adtte.empty
    assert list(adtte.columns) == list(ADTTE_VARIABLES)


def test_a_horizon_below_one_day_is_rejected(
    adsl: pd.DataFrame, cohort: Tabulations, cutoff: date
) -> None:
    with pytest.raises(InputError, match="horizon_days: expected a whole number of days >= 1"):
        derive_adtte(adsl, cohort, cutoff=cutoff, horizon_days=0)


def _one(death_day: int | None, alive_day: int) -> tuple[pd.DataFrame, Tabulations]:
    origin = date(2025, 1, 1)
    death = origin + timedelta(days=death_day) if death_day is not None else None
    alive = death or origin + timedelta(days=alive_day)
    adsl = pd.DataFrame(
        {"STUDYID": ["S"], "USUBJID": ["S-1"], "SUBJID": ["1"], "SITEID": ["01"],
         "ARMCD": ["LOW"], "TRT01P": ["Low"], "TRT01PN": [1.0], "ITTFL": ["Y"], "SAFFL": ["Y"],
         "RANDDT": [pd.Timestamp(origin)], "DTHDT": [pd.Timestamp(death) if death else pd.NaT],
         "LTXDT": [pd.NaT], "LSTALVDT": [pd.Timestamp(alive)]}
    )  # fmt: skip
    return adsl, Tabulations(studyid="S", domains={"CE": tabulation("CE", [], studyid="S")})


@given(
    death_day=st.one_of(st.none(), st.integers(min_value=0, max_value=800)),
    alive_day=st.integers(min_value=0, max_value=800),
)
def test_os_time_is_capped_at_the_horizon_and_counts_deaths_within_it(
    death_day: int | None, alive_day: int
) -> None:
    adsl, tabulations = _one(death_day, alive_day)
    row = derive_adtte(adsl, tabulations, cutoff=date(2030, 1, 1)).iloc[0]
    last = death_day if death_day is not None else alive_day
    assert row["AVAL"] == min(last, 365)
    if death_day is not None and death_day <= 365:
        assert row["CNSR"] == CNSR_EVENT
    elif last >= 365:
        assert row["CNSR"] == CNSR_ADMINISTRATIVE
    else:
        assert row["CNSR"] == CNSR_LAST_ALIVE


def test_without_clinical_events_nobody_has_a_decompensation(
    adsl: pd.DataFrame, cohort: Tabulations, cutoff: date
) -> None:
    no_events = Tabulations(studyid=cohort.studyid, domains={"DM": cohort["DM"]})
    adtte = derive_adtte(adsl, no_events, cutoff=cutoff)
    decompensation = adtte[adtte["PARAMCD"] == "TTDECOMP"]
    assert set(decompensation["EVNTTYPE"]) == {0, 2}
    assert _summary(_get(adtte, "002", "TTDECOMP")) == ("2025-06-01", 137, CNSR_LAST_ALIVE, 0)
