"""The default scenario reproduces the published figures it was built from, within Monte Carlo
error (4 standard errors), on a large simulated cohort without a treatment effect.

Expected values are the scenario's published figures (clinical-parameters.md rows N1, N7, S2,
and the screening and conduct assumptions), not outputs of the simulator; the correlation's
expected value is derived in closed form from the scenario's variance parameters.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from hepatrial.protocol import load_seed_protocol
from hepatrial.simulate import default_scenario, simulate_cohort
from hepatrial.simulate.calibration import Check, calibration_checks, correlation_check

N = 10_000


@pytest.fixture(scope="module")
def checks() -> dict[str, Check]:
    scenario = default_scenario()
    cohort = simulate_cohort(
        scenario,
        protocol=load_seed_protocol(),
        rng=np.random.default_rng(20231128),
        start=dt.date(2023, 11, 28),
        n_randomized=N,
    )
    return {
        c.figure: c
        for c in calibration_checks(cohort, scenario=scenario, protocol=load_seed_protocol())
    }


def _assert_within(check: Check) -> None:
    assert check.within(4.0), (
        f"{check.figure}: {check.observed:.4f} vs {check.expected:.4f} (SE {check.se:.4f})"
    )


def test_three_month_mortality_by_meld_band_is_wiesners(checks: dict[str, Check]) -> None:
    bands = [c for name, c in checks.items() if name.startswith("3-month mortality")]
    assert len(bands) >= 3
    for check in bands:
        _assert_within(check)


def test_one_year_mortality_lies_between_the_trial_and_the_chinese_hospital_figures(
    checks: dict[str, Check],
) -> None:
    _assert_within(checks["1-year mortality (range 0.15-0.45: N5 to N4)"])


@pytest.mark.parametrize("event", ["GI_BLEEDING", "ASCITES", "HEPATIC_ENCEPHALOPATHY"])
def test_annual_decompensation_rates_are_the_published_ones(
    checks: dict[str, Check], event: str
) -> None:
    _assert_within(checks[f"{event} per person-year"])


def test_the_screen_failure_fraction_is_the_designed_one(checks: dict[str, Check]) -> None:
    _assert_within(checks["screen failure fraction"])


def test_infusion_fever_follows_the_dose(checks: dict[str, Check]) -> None:
    _assert_within(checks["infusion fever, LOW"])
    _assert_within(checks["infusion fever, MIDHIGH"])


def test_a_lab_correlates_between_visits_as_the_variance_model_says() -> None:
    # Without deaths nobody is selected out before W24, so the closed form is exact.
    scenario = default_scenario().with_values(course={"mortality_scale": 0.0})
    cohort = simulate_cohort(
        scenario,
        protocol=load_seed_protocol(),
        rng=np.random.default_rng(7),
        start=dt.date(2023, 11, 28),
        n_randomized=N,
    )
    _assert_within(correlation_check(cohort, scenario=scenario))


def test_visits_fall_outside_their_window_at_the_designed_rate(checks: dict[str, Check]) -> None:
    _assert_within(checks["visits outside their window"])
