"""One-year mortality (Fisher, Clopper-Pearson) and KM survival difference, against R."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hepatrial.errors import InputError
from hepatrial.stats.one_year import clopper_pearson, mortality_1y, survival_difference_1y

REF = Path(__file__).resolve().parents[1] / "reference" / "rmst"
RTOL = 1e-6
EXACT = pd.read_csv(REF / "exact_tests.csv").set_index("quantity")["value"]


def _trial(deaths_low: int, deaths_high: int) -> tuple[list[float], list[int], list[str]]:
    """11 per arm; deaths before day 365, survivors followed past it."""
    time: list[float] = []
    event: list[int] = []
    group: list[str] = []
    for label, deaths in (("low", deaths_low), ("high", deaths_high)):
        time += [100.0] * deaths + [400.0] * (11 - deaths)
        event += [1] * deaths + [0] * (11 - deaths)
        group += [label] * 11
    return time, event, group


def test_fisher_p_value_and_clopper_pearson_limits_match_r() -> None:
    result = mortality_1y(*_trial(3, 7), reference="high")
    high, low = result.arms
    assert result.fisher_p_value == pytest.approx(EXACT["fisher_p"], rel=RTOL)
    assert (low.lower, low.upper) == pytest.approx(
        (EXACT["cp_low_lower"], EXACT["cp_low_upper"]), rel=RTOL
    )
    assert (high.lower, high.upper) == pytest.approx(
        (EXACT["cp_high_lower"], EXACT["cp_high_upper"]), rel=RTOL
    )
    # fisher.test finds the conditional MLE with uniroot's default tolerance, hence 1e-3.
    assert result.odds_ratio == pytest.approx(EXACT["fisher_or"], rel=1e-3)


def test_an_arm_with_zero_deaths_gives_a_zero_lower_limit_and_r_p_value() -> None:
    result = mortality_1y(*_trial(0, 4), reference="high")
    low = result.arms[1]
    assert low.deaths == 0
    assert low.lower == 0
    assert low.upper == pytest.approx(EXACT["cp_zero_upper"], rel=RTOL)
    assert result.fisher_p_value == pytest.approx(EXACT["fisher_p_zero"], rel=RTOL)


def test_participants_censored_before_the_horizon_are_left_out_with_a_note() -> None:
    time, event, group = _trial(3, 7)
    time[-1] = 200.0
    result = mortality_1y(time, event, group)
    high = next(a for a in result.arms if a.group == "high")
    assert (high.n, high.n_known) == (11, 10)
    assert any("arm high: 1 participant(s) censored before 365" in n for n in result.notes)


def test_all_censored_before_the_horizon_gives_notes_not_a_crash() -> None:
    result = mortality_1y([10, 20, 30, 40], [0, 0, 0, 0], ["A", "A", "B", "B"])
    assert np.isnan(result.fisher_p_value)
    assert any("not computed" in note for note in result.notes)


def test_no_deaths_anywhere_gives_p_one_and_a_note() -> None:
    result = mortality_1y([400, 400, 400, 400], [0, 0, 0, 0], ["A", "A", "B", "B"])
    assert result.fisher_p_value == 1
    assert any("no deaths" in note for note in result.notes)


def test_clopper_pearson_rejects_impossible_counts() -> None:
    with pytest.raises(InputError, match="deaths: expected a count between 0 and n = 3, got 4"):
        clopper_pearson(4, 3)


def test_mortality_needs_exactly_two_arms() -> None:
    with pytest.raises(InputError, match="group: expected exactly two arms, got 1"):
        mortality_1y([1, 2], [1, 0], ["A", "A"])


def test_survival_difference_uses_r_km_and_greenwood_errors() -> None:
    km = pd.read_csv(REF / "km_at_times.csv", dtype={"group": str}).set_index(["group", "time"])
    data = pd.read_csv(REF / "veteran.csv")
    for horizon in (90, 365):
        result = survival_difference_1y(
            data["time"], data["status"], data["trt"].astype(str), horizon=horizon
        )
        s1, se1 = km.loc[("1", horizon)]
        s2, se2 = km.loc[("2", horizon)]
        assert result.difference == pytest.approx(s2 - s1, rel=RTOL)
        assert result.std_error == pytest.approx(np.hypot(se1, se2), rel=RTOL)
        assert result.lower == pytest.approx(s2 - s1 - 1.959963984540054 * np.hypot(se1, se2))


def test_survival_difference_when_an_arm_has_no_deaths_notes_zero_variance() -> None:
    result = survival_difference_1y(*_trial(0, 4))
    assert result.survival_reference == pytest.approx(7 / 11)
    assert result.survival_group == 1
    assert any("no death by the horizon" in note for note in result.notes)


def test_survival_difference_past_follow_up_is_nan_with_a_note() -> None:
    result = survival_difference_1y([10, 20, 100, 30], [1, 0, 0, 1], ["A", "A", "B", "B"])
    assert np.isnan(result.difference)
    assert any("not estimable" in note for note in result.notes)


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 11), st.integers(0, 11))
def test_clopper_pearson_interval_contains_the_observed_proportion(k: int, m: int) -> None:
    n = max(k, m, 1)
    lower, upper = clopper_pearson(min(k, n), n)
    assert 0 <= lower <= min(k, n) / n <= upper <= 1
