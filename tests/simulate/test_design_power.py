"""Monte Carlo type I error and power of the design evaluation."""

from __future__ import annotations

import numpy as np
import pytest

from hepatrial.errors import InputError
from hepatrial.simulate import DesignScenario, evaluate_design

NULL = DesignScenario()


def _rate(evaluation, scenario: int, test: str) -> float:  # type: ignore[no-untyped-def]
    return float(evaluation.results[scenario].rate(test).rate)


def test_type_one_error_of_each_test_is_near_alpha_under_the_null() -> None:
    replicates = 6000
    evaluation = evaluate_design([NULL.replace(n=60)], replicates, seed=1, permutations=200)
    se = np.sqrt(0.05 * 0.95 / replicates)
    # log-rank and Welch are close to nominal at 30 per arm; the permutation and Fisher tests
    # are exact, hence at most alpha (discreteness makes them conservative)
    for test in ("log_rank", "meld_w24", "meld_w48"):
        assert _rate(evaluation, 0, test) == pytest.approx(0.05, abs=4 * se)
    for test in ("log_rank_exact", "fisher_1y"):
        assert _rate(evaluation, 0, test) <= 0.05 + 3 * se
    assert all(rate.null_true for rate in evaluation.results[0].rates)


def test_power_grows_as_the_hazard_ratio_moves_away_from_one() -> None:
    scenarios = [NULL.replace(n=200, hazard_ratio=hr) for hr in (1.0, 0.7, 0.5)]
    evaluation = evaluate_design(scenarios, 2000, seed=2, permutations=0)
    for test in ("log_rank", "fisher_1y", "rmst"):
        rates = [_rate(evaluation, k, test) for k in range(3)]
        assert rates[0] < rates[1] < rates[2], test
    assert not evaluation.results[1].rate("log_rank").null_true


def test_power_grows_with_the_sample_size() -> None:
    scenarios = [
        NULL.replace(n=n, hazard_ratio=0.5, meld_difference=(-2.0, -2.0)) for n in (22, 60, 200)
    ]
    evaluation = evaluate_design(scenarios, 2000, seed=3, permutations=100)
    for test in ("log_rank", "log_rank_exact", "meld_w24", "meld_w48"):
        rates = [_rate(evaluation, k, test) for k in range(3)]
        assert rates[0] < rates[1] < rates[2], test


def test_the_same_seed_gives_the_same_results_and_another_seed_does_not() -> None:
    scenarios = [NULL, NULL.replace(hazard_ratio=0.5)]
    first = evaluate_design(scenarios, 1500, seed=4, permutations=100)
    again = evaluate_design(scenarios, 1500, seed=4, permutations=100)
    other = evaluate_design(scenarios, 1500, seed=5, permutations=100)
    assert first == again
    assert first.to_frame().equals(again.to_frame())
    assert first != other


def test_a_scenarios_results_do_not_depend_on_the_other_scenarios_after_it() -> None:
    alone = evaluate_design([NULL], 1000, seed=6, permutations=0)
    with_more = evaluate_design([NULL, NULL.replace(n=40)], 1000, seed=6, permutations=0)
    assert alone.results[0] == with_more.results[0]


def test_the_table_has_one_row_per_scenario_and_test_with_monte_carlo_error() -> None:
    evaluation = evaluate_design(
        [NULL, NULL.replace(meld_difference=(-3.0, -3.0))], 500, seed=7, permutations=0
    )
    frame = evaluation.to_frame()
    assert len(frame) == 2 * 5
    assert "log_rank_exact" not in set(frame.test)
    row = frame[(frame.scenario == 1) & (frame.test == "meld_w24")].iloc[0]
    assert row.measure == "power"
    p = row.rejection_rate
    assert row.mc_se == pytest.approx(np.sqrt(p * (1 - p) / 500))
    assert (frame.mean_deaths > 0).all()


def test_progress_is_reported_for_every_replicate() -> None:
    seen: list[int] = []
    evaluate_design([NULL, NULL], 7000, seed=8, permutations=0, progress=seen.append)
    assert sum(seen) == 14000
    assert len(seen) == 4


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"replicates": 0}, "replicates"),
        ({"alpha": 1.5}, "alpha"),
        ({"permutations": -1}, "permutations"),
        ({"seed": -3}, "seed"),
    ],
)
def test_bad_evaluation_arguments_name_the_field(kwargs: dict[str, object], field: str) -> None:
    arguments: dict[str, object] = {"replicates": 10, "seed": 1, **kwargs}
    with pytest.raises(InputError, match=f"^{field}"):
        evaluate_design([NULL], **arguments)  # type: ignore[arg-type]
