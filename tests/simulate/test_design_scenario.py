"""Design scenarios and the vectorized trial simulator."""

from __future__ import annotations

import numpy as np
import pytest

from hepatrial.errors import InputError
from hepatrial.protocol import load_seed_protocol
from hepatrial.simulate import DesignScenario, simulate_trials


def test_the_registered_design_is_read_from_the_protocol() -> None:
    scenario = DesignScenario.from_protocol(load_seed_protocol())
    assert (scenario.n, scenario.n_reference, scenario.n_other) == (22, 11, 11)
    assert scenario.meld_days == (168.0, 336.0)
    assert scenario.follow_up_days == 365.0
    assert scenario.accrual_days == pytest.approx(365.25)


def test_overrides_of_the_registered_design_are_checked() -> None:
    with pytest.raises(InputError, match="hazard_ratio"):
        DesignScenario.from_protocol(load_seed_protocol(), hazard_ratio=-1.0)
    with pytest.raises(InputError, match="nonsense"):
        DesignScenario().replace(nonsense=1)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"n": 3}, "n"),
        ({"control_mortality_1y": 1.0}, "control_mortality_1y"),
        ({"meld_change_sd": (4.0, 0.0)}, "meld_change_sd"),
        ({"meld_change_correlation": 1.0}, "meld_change_correlation"),
        ({"dropout_1y": 1.0}, "dropout_1y"),
        ({"meld_days": (336.0, 168.0)}, "meld_days"),
        ({"allocation_ratio": 0.0}, "allocation_ratio"),
        ({"n": 5, "allocation_ratio": 4.0}, "n"),
    ],
)
def test_an_impossible_scenario_names_the_field(change: dict[str, object], field: str) -> None:
    with pytest.raises(InputError, match=f"^{field}: expected"):
        DesignScenario(**change)  # type: ignore[arg-type]


def test_a_two_to_one_allocation_gives_unequal_arms() -> None:
    scenario = DesignScenario(n=30, allocation_ratio=2.0)
    assert (scenario.n_reference, scenario.n_other) == (10, 20)


def test_simulated_one_year_mortality_and_hazard_ratio_are_the_scenarios() -> None:
    scenario = DesignScenario(n=200, control_mortality_1y=0.3, hazard_ratio=0.5)
    trials = simulate_trials(scenario, 200, np.random.default_rng(1))
    died = trials.event & (trials.time <= 365)
    reference = died[:, trials.group[0] == 0].mean()
    other = died[:, trials.group[0] == 1].mean()
    # 20,000 participants per arm: the binomial SE is about 0.003
    assert reference == pytest.approx(0.3, abs=0.015)
    assert other == pytest.approx(1 - 0.7**0.5, abs=0.015)


def test_times_are_whole_days_within_follow_up() -> None:
    trials = simulate_trials(DesignScenario(dropout_1y=0.2), 500, np.random.default_rng(2))
    assert trials.time.shape == (500, 22)
    np.testing.assert_array_equal(trials.time, np.round(trials.time))
    assert trials.time.max() <= 365
    # dropouts are censored before a year
    assert ((~trials.event) & (trials.time < 365)).any()


def test_meld_change_is_missing_for_those_who_died_before_the_visit() -> None:
    trials = simulate_trials(
        DesignScenario(control_mortality_1y=0.6), 400, np.random.default_rng(3)
    )
    died_early = trials.event & (trials.time < 168)
    assert died_early.any()
    assert np.isnan(trials.meld_change[..., 0][died_early]).all()
    alive = trials.time >= 365
    assert not np.isnan(trials.meld_change[..., 1][alive]).any()


def test_meld_change_has_the_scenarios_mean_difference_sd_and_correlation() -> None:
    scenario = DesignScenario(
        n=100, meld_difference=(-2.0, -3.0), meld_change_sd=(4.0, 5.0), control_mortality_1y=0.01
    )
    trials = simulate_trials(scenario, 400, np.random.default_rng(4))
    other = trials.group[0] == 1
    w24, w48 = trials.meld_change[..., 0], trials.meld_change[..., 1]
    assert np.nanmean(w24[:, other]) - np.nanmean(w24[:, ~other]) == pytest.approx(-2.0, abs=0.1)
    assert np.nanmean(w48[:, other]) - np.nanmean(w48[:, ~other]) == pytest.approx(-3.0, abs=0.12)
    assert np.nanstd(w48[:, ~other]) == pytest.approx(5.0, rel=0.02)
    both = ~np.isnan(w48[:, ~other])
    reference_24, reference_48 = w24[:, ~other][both], w48[:, ~other][both]
    assert np.corrcoef(reference_24, reference_48)[0, 1] == pytest.approx(0.6, abs=0.02)


def test_an_early_analysis_censors_those_enrolled_late() -> None:
    scenario = DesignScenario(accrual_days=365.0, analysis_day=400.0)
    trials = simulate_trials(scenario, 300, np.random.default_rng(5))
    assert (trials.time < 365).mean() > 0.5
    assert np.isnan(trials.meld_change[..., 1]).mean() > 0.5


def test_simulation_needs_at_least_one_replicate() -> None:
    with pytest.raises(InputError, match="replicates"):
        simulate_trials(DesignScenario(), 0, np.random.default_rng(0))
