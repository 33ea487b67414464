"""Cumulative incidence and Gray's test against R's cmprsk on mgus2 (reference/competing_risks)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hepatrial.errors import InputError
from hepatrial.stats.competing_risks import cumulative_incidence, gray_test

REF = Path(__file__).resolve().parents[1] / "reference" / "competing_risks"
RTOL = 1e-6


@pytest.fixture(scope="module")
def mgus2() -> pd.DataFrame:
    return pd.read_csv(REF / "mgus2_competing.csv")


def _compare(result: pd.DataFrame, reference: pd.DataFrame) -> None:
    merged = reference.merge(result, on=["group", "cause", "time"], validate="one_to_one")
    assert len(merged) == len(reference)
    missing = merged["est"].isna()
    assert merged.loc[missing, "estimate"].isna().all()
    assert merged.loc[missing, "variance"].isna().all()
    known = merged[~missing]
    np.testing.assert_allclose(known["estimate"], known["est"], rtol=RTOL, atol=1e-12)
    np.testing.assert_allclose(known["variance"], known["var"], rtol=RTOL, atol=1e-15)


def test_cumulative_incidence_by_sex_matches_cmprsk_estimate_and_variance(
    mgus2: pd.DataFrame,
) -> None:
    reference = pd.read_csv(REF / "cuminc_by_sex.csv")
    result = cumulative_incidence(
        mgus2["etime"], mgus2["event"], mgus2["sex"], times=reference["time"].unique()
    )
    _compare(result.to_frame(), reference)


def test_cumulative_incidence_without_group_matches_cmprsk(mgus2: pd.DataFrame) -> None:
    reference = pd.read_csv(REF / "cuminc_overall.csv")
    reference["group"] = "all"
    result = cumulative_incidence(mgus2["etime"], mgus2["event"], times=reference["time"].unique())
    _compare(result.to_frame(), reference)


def test_cumulative_incidence_by_three_age_groups_matches_cmprsk() -> None:
    data = pd.read_csv(REF / "mgus2_competing_age.csv")
    reference = pd.read_csv(REF / "cuminc_by_age.csv")
    result = cumulative_incidence(
        data["etime"], data["event"], data["agegrp"], times=reference["time"].unique()
    )
    _compare(result.to_frame(), reference)


def test_times_after_last_follow_up_are_nan_with_a_note(mgus2: pd.DataFrame) -> None:
    result = cumulative_incidence(mgus2["etime"], mgus2["event"], mgus2["sex"], times=[12, 430])
    frame = result.to_frame()
    assert frame.loc[frame["time"] == 430, "estimate"].isna().all()
    assert any("not estimable" in note and "430" in note for note in result.notes)


@pytest.mark.parametrize(("filename", "groups"), [("gray_test_by_sex.csv", "sex")])
def test_gray_test_by_sex_matches_cmprsk(mgus2: pd.DataFrame, filename: str, groups: str) -> None:
    reference = pd.read_csv(REF / filename)
    for row in reference.itertuples():
        result = gray_test(mgus2["etime"], mgus2["event"], mgus2[groups], cause=row.cause)
        assert result.statistic == pytest.approx(row.stat, rel=RTOL)
        assert result.p_value == pytest.approx(row.pv, rel=RTOL)
        assert result.df == row.df


def test_gray_test_with_three_groups_matches_cmprsk() -> None:
    data = pd.read_csv(REF / "mgus2_competing_age.csv")
    reference = pd.read_csv(REF / "gray_test_by_age.csv")
    for row in reference.itertuples():
        result = gray_test(data["etime"], data["event"], data["agegrp"], cause=row.cause)
        assert result.statistic == pytest.approx(row.stat, rel=RTOL)
        assert result.df == 2
        # R prints 1 - pchisq(...), which underflows to 0 where the survival function does not.
        assert result.p_value == pytest.approx(row.pv, rel=RTOL, abs=1e-15)


def test_an_arm_with_no_event_of_the_cause_gives_zero_incidence_and_a_note() -> None:
    time = [5, 8, 12, 20, 3, 9, 15, 30]
    event = [1, 2, 1, 0, 2, 0, 2, 0]
    group = ["A"] * 4 + ["B"] * 4
    incidence = cumulative_incidence(time, event, group, times=[10, 20])
    frame = incidence.to_frame()
    in_b = frame[(frame["group"] == "B") & (frame["cause"] == 1)]
    assert (in_b["estimate"] == 0).all()
    assert (in_b["variance"] == 0).all()
    test = gray_test(time, event, group, cause=1)
    assert np.isfinite(test.statistic)
    assert any("group B had no event of cause 1" in note for note in test.notes)


def test_all_censored_data_give_a_note_not_a_crash() -> None:
    incidence = cumulative_incidence([1, 2, 3], [0, 0, 0], times=[2])
    assert len(incidence.to_frame()) == 0
    assert any("no participant had an event" in note for note in incidence.notes)
    test = gray_test([1, 2, 3, 4], [0, 0, 0, 0], ["A", "A", "B", "B"])
    assert np.isnan(test.statistic)
    assert any("not estimable" in note for note in test.notes)


def test_a_single_participant_gives_an_estimate_and_a_note() -> None:
    incidence = cumulative_incidence([7.0], [1], times=[5, 7])
    assert incidence.estimate.tolist() == [0.0, 1.0]
    assert any("single participant" in note for note in incidence.notes)


def test_gray_test_needs_two_groups() -> None:
    with pytest.raises(InputError, match="group: expected at least two groups"):
        gray_test([1, 2], [1, 2], ["A", "A"])


def test_mismatched_lengths_name_the_field() -> None:
    with pytest.raises(InputError, match="event: expected 3 values"):
        cumulative_incidence([1, 2, 3], [1, 0])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 20), st.sampled_from([0, 1, 2])), min_size=1, max_size=40))
def test_incidences_of_all_causes_add_up_to_one_minus_kaplan_meier(
    rows: list[tuple[int, int]],
) -> None:
    time = np.array([r[0] for r in rows], dtype=float)
    event = np.array([r[1] for r in rows])
    grid = np.arange(0.0, float(time.max()) + 1)
    frame = cumulative_incidence(time, event, times=grid).to_frame()
    total = frame.groupby("time")["estimate"].sum().reindex(grid, fill_value=0.0)
    surv = np.array(
        [
            np.prod(
                [
                    1 - np.sum((time == u) & (event > 0)) / np.sum(time >= u)
                    for u in np.unique(time[event > 0])
                    if u <= t
                ]
            )
            for t in grid
        ]
    )
    np.testing.assert_allclose(total.to_numpy(), 1 - surv, atol=1e-12)
    assert (frame["variance"] >= -1e-15).all()
    estimates = frame.sort_values(["cause", "time"]).groupby("cause")["estimate"]
    assert all(np.all(np.diff(v.to_numpy()) >= -1e-15) for _, v in estimates)
