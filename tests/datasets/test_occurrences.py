"""ADAE and ADCE: event records flagged treatment-emergent and first occurrence."""

from __future__ import annotations

import copy

import pandas as pd

from hepatrial.datasets import ADAE_VARIABLES, ADCE_VARIABLES, derive_adae, derive_adce
from hepatrial.tabulate import Tabulations, tabulation


def u(number: str) -> str:
    return f"NCT06167473-{number}"


def _only(cohort: Tabulations, code: str, rows: list[dict[str, str]]) -> Tabulations:
    return Tabulations(cohort.studyid, {code: tabulation(code, rows, studyid=cohort.studyid)})


def _flags(frame: pd.DataFrame, number: str) -> list[tuple[object, ...]]:
    rows = frame[frame["USUBJID"] == u(number)]
    return [
        tuple(None if pd.isna(v) else v for v in row)
        for row in rows[["ASTDY", "TRTEMFL", "AOCCPFL"]].itertuples(index=False)
    ]


def test_events_after_the_infusion_are_treatment_emergent(
    adsl: pd.DataFrame, cohort: Tabulations
) -> None:
    adce = derive_adce(adsl, cohort)
    assert list(adce.columns) == list(ADCE_VARIABLES)
    # 001 infused 2025-01-10: ascites on day 50, GI bleeding on day 70.
    assert _flags(adce, "001") == [(50, "Y", "Y"), (70, "Y", "Y")]
    # 003 infused 2025-02-01: encephalopathy on day -4 (history) and on day 379.
    assert _flags(adce, "003") == [(-4, None, None), (379, "Y", "Y")]


def test_only_the_first_emergent_event_of_a_term_is_a_first_occurrence(
    adsl: pd.DataFrame, cohort: Tabulations
) -> None:
    again = [
        {"USUBJID": u("001"), "CETERM": "Ascites", "CEDECOD": "ASCITES", "CESTDTC": when}
        for when in ("2025-02-01", "2025-03-01")
    ]
    adce = derive_adce(adsl, _only(cohort, "CE", again))
    assert _flags(adce, "001") == [(22, "Y", "Y"), (50, "Y", None)]


def test_an_event_without_a_start_date_in_an_infused_participant_is_emergent(
    adsl: pd.DataFrame, cohort: Tabulations
) -> None:
    undated = [{"USUBJID": u("002"), "AETERM": "Nausea", "AETOXGR": "2", "AESTDTC": "2025-02"}]
    adae = derive_adae(adsl, _only(cohort, "AE", undated))
    assert list(adae.columns) == list(ADAE_VARIABLES)
    assert _flags(adae, "002") == [(None, "Y", "Y")]
    assert adae["ATOXGRN"].iloc[0] == 2


def test_events_of_a_participant_never_infused_are_not_treatment_emergent(
    adsl: pd.DataFrame, cohort: Tabulations
) -> None:
    adae = derive_adae(adsl, cohort)
    assert _flags(adae, "006") == [(None, None, None)]
    assert adae["SAFFL"].iloc[0] == "N"


def test_deriving_adae_and_adce_leaves_the_inputs_unchanged(
    adsl: pd.DataFrame, cohort: Tabulations
) -> None:
    adsl_before, cohort_before = adsl.copy(deep=True), copy.deepcopy(cohort)
    derive_adae(adsl, cohort)
    derive_adce(adsl, cohort)
    pd.testing.assert_frame_equal(adsl, adsl_before)
    for code, frame in cohort_before.domains.items():
        pd.testing.assert_frame_equal(cohort[code], frame)
