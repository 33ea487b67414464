"""RMST against R's survival (rmean, se(rmean)) on aml and veteran (tests/reference/rmst)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hepatrial.errors import InputError
from hepatrial.stats.rmst import rmst

REF = Path(__file__).resolve().parents[1] / "reference" / "rmst"
RTOL = 1e-6
REFERENCE = pd.read_csv(REF / "rmst.csv", dtype={"group": str})


def _data(dataset: str) -> tuple[pd.Series, pd.Series, pd.Series]:
    frame = pd.read_csv(REF / f"{dataset}.csv")
    group = frame["x"] if dataset == "aml" else frame["trt"].astype(str)
    return frame["time"], frame["status"], group


@pytest.mark.parametrize(
    "row", list(REFERENCE.itertuples()), ids=lambda r: f"{r.dataset}-{r.group}-{r.tau}"
)
def test_rmst_and_its_standard_error_match_survival_rmean(row: pd.Series) -> None:
    time, status, group = _data(row.dataset)
    result = rmst(time, status, None if row.group == "all" else group, tau=row.tau)
    estimate = next(e for e in result.estimates if e.group == row.group)
    assert estimate.rmst == pytest.approx(row.rmean, rel=RTOL)
    assert estimate.std_error == pytest.approx(row.se_rmean, rel=RTOL)


def test_difference_variance_is_the_sum_of_the_arm_variances() -> None:
    time, status, group = _data("veteran")
    ref = REFERENCE[(REFERENCE["dataset"] == "veteran") & (REFERENCE["tau"] == 365)]
    by_group = ref.set_index("group")
    result = rmst(time, status, group, tau=365)
    diff = result.difference
    assert diff is not None
    assert (diff.group, diff.reference) == ("2", "1")
    assert diff.difference == pytest.approx(
        by_group.loc["2", "rmean"] - by_group.loc["1", "rmean"], rel=RTOL
    )
    expected_se = np.hypot(by_group.loc["1", "se_rmean"], by_group.loc["2", "se_rmean"])
    assert diff.std_error == pytest.approx(expected_se, rel=RTOL)
    assert diff.lower < diff.difference < diff.upper
    assert 0 < diff.p_value < 1


def test_reference_arm_can_be_chosen_and_flips_the_sign() -> None:
    time, status, group = _data("veteran")
    default = rmst(time, status, group, tau=365).difference
    flipped = rmst(time, status, group, tau=365, reference="2").difference
    assert default is not None
    assert flipped is not None
    assert flipped.difference == pytest.approx(-default.difference)


def test_follow_up_ending_before_tau_is_carried_flat_with_a_note() -> None:
    time, status, group = _data("aml")
    result = rmst(time, status, group, tau=200)
    assert any("Maintained: follow-up ends at 161" in note for note in result.notes)


def test_an_arm_without_events_has_rmst_tau_zero_se_and_a_note() -> None:
    result = rmst([10, 20, 30, 400, 400, 400], [1, 1, 0, 0, 0, 0], ["A"] * 3 + ["B"] * 3, tau=365)
    arm_b = result.estimates[1]
    assert arm_b.rmst == 365
    assert arm_b.std_error == 0
    assert any("group B had no event" in note for note in result.notes)
    assert result.difference is not None
    assert np.isfinite(result.difference.p_value)


def test_all_censored_data_give_notes_and_no_nan() -> None:
    result = rmst([100, 200, 400, 400], [0, 0, 0, 0], ["A", "A", "B", "B"], tau=365)
    assert [e.rmst for e in result.estimates] == [365, 365]
    assert result.difference is not None
    assert result.difference.difference == 0
    assert np.isnan(result.difference.p_value)
    assert any("no p-value" in note for note in result.notes)


def test_a_single_participant_gives_an_estimate_and_a_note() -> None:
    result = rmst([100], [1], tau=365)
    assert result.estimates[0].rmst == 100
    assert any("single participant" in note for note in result.notes)


def test_tau_must_be_positive() -> None:
    with pytest.raises(InputError, match="tau: expected a finite time > 0, got 0"):
        rmst([1, 2], [1, 0], tau=0)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0.1, 50), st.booleans()), min_size=1, max_size=30),
    st.floats(1, 60),
)
def test_rmst_lies_between_zero_and_tau_and_grows_with_tau(
    rows: list[tuple[float, bool]], tau: float
) -> None:
    time = [r[0] for r in rows]
    event = [r[1] for r in rows]
    short = rmst(time, event, tau=tau).estimates[0]
    longer = rmst(time, event, tau=tau + 5).estimates[0]
    assert 0 <= short.rmst <= tau + 1e-9
    assert longer.rmst >= short.rmst - 1e-9
    assert short.std_error >= 0
