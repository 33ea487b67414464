"""Monte Carlo power and type I error of the trial design, vectorized over replicates.

Each scenario's replicates are simulated and tested as arrays (:mod:`hepatrial.stats`'s batched
kernels), in chunks of ``CHUNK`` replicates. The random stream of chunk c of scenario k comes from
``SeedSequence(seed).spawn(K)[k].spawn(C_k)[c]``, so a chunk's result does not depend on where or
in which order it runs: a grid spread over a Dask cluster gives exactly the counts of a
single-process run with the same seed. The Monte Carlo standard error of a rejection rate p over
R replicates is √(p(1 − p)/R) (binomial; e.g. Morris, White & Crowther 2019, Stat Med 38:2074,
Table 6).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from hepatrial.errors import InputError
from hepatrial.simulate._design_scenario import DesignScenario
from hepatrial.simulate._design_tests import (
    SURVIVAL_TESTS,
    TESTS,
    UnitSummary,
    p_values,
    summarize,
)
from hepatrial.simulate._design_trials import SimulatedTrials, simulate_trials

__all__ = [
    "CHUNK",
    "TESTS",
    "DesignEvaluation",
    "DesignScenario",
    "RejectionRate",
    "ScenarioResult",
    "SimulatedTrials",
    "evaluate_design",
    "simulate_trials",
]

# Replicates per unit of work. Part of the definition of the random stream: changing it changes
# which numbers each replicate gets (not the distribution).
CHUNK = 5000


@dataclass(frozen=True, slots=True)
class _Unit:
    scenario_index: int
    chunk: int
    replicates: int
    seed: np.random.SeedSequence
    scenario: DesignScenario
    alpha: float
    permutations: int


def _run_unit(unit: _Unit) -> tuple[int, int, UnitSummary]:
    """Simulate and test one chunk: the function a Dask worker runs."""
    rng = np.random.default_rng(unit.seed)
    trials = simulate_trials(unit.scenario, unit.replicates, rng)
    p = p_values(trials, rng, permutations=unit.permutations)
    return unit.scenario_index, unit.chunk, summarize(trials, p, unit.alpha)


@dataclass(frozen=True, slots=True)
class RejectionRate:
    """How often one test rejected in one scenario: type I error when its null is true, power
    otherwise, with the Monte Carlo standard error."""

    test: str
    null_true: bool
    replicates: int
    rejections: int
    undefined: int

    @property
    def rate(self) -> float:
        return self.rejections / self.replicates

    @property
    def mc_se(self) -> float:
        return math.sqrt(self.rate * (1.0 - self.rate) / self.replicates)


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    """One scenario: its rejection rate per test, mean deaths and mean observed MELD values."""

    scenario: DesignScenario
    rates: tuple[RejectionRate, ...]
    mean_deaths: float
    mean_meld_observed: tuple[float, float]

    def rate(self, test: str) -> RejectionRate:
        """The rejection rate of ``test`` (one of :data:`TESTS`)."""
        for rate in self.rates:
            if rate.test == test:
                return rate
        names = [r.test for r in self.rates]
        raise InputError(field="test", expected=f"one of {names}", received=test)


@dataclass(frozen=True, slots=True)
class DesignEvaluation:
    """Power and type I error of every test in every scenario."""

    results: tuple[ScenarioResult, ...]
    replicates: int
    seed: int
    alpha: float
    permutations: int
    notes: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row per scenario and test, with the scenario's parameters."""
        rows = []
        for index, result in enumerate(self.results):
            s = result.scenario
            for rate in result.rates:
                rows.append(
                    {
                        "scenario": index,
                        "n": s.n,
                        "n_reference": s.n_reference,
                        "n_other": s.n_other,
                        "control_mortality_1y": s.control_mortality_1y,
                        "hazard_ratio": s.hazard_ratio,
                        "meld_difference_w24": s.meld_difference[0],
                        "meld_difference_w48": s.meld_difference[1],
                        "meld_change_sd_w24": s.meld_change_sd[0],
                        "meld_change_sd_w48": s.meld_change_sd[1],
                        "accrual_days": s.accrual_days,
                        "dropout_1y": s.dropout_1y,
                        "analysis_day": s.analysis_day,
                        "test": rate.test,
                        "measure": "type I error" if rate.null_true else "power",
                        "rejection_rate": rate.rate,
                        "mc_se": rate.mc_se,
                        "rejections": rate.rejections,
                        "undefined": rate.undefined,
                        "replicates": rate.replicates,
                        "mean_deaths": result.mean_deaths,
                        "mean_meld_observed_w24": result.mean_meld_observed[0],
                        "mean_meld_observed_w48": result.mean_meld_observed[1],
                    }
                )
        return pd.DataFrame(rows)


def _null_true(scenario: DesignScenario, test: str) -> bool:
    if test in SURVIVAL_TESTS:
        return scenario.hazard_ratio == 1.0
    return scenario.meld_null(0 if test == "meld_w24" else 1)


def _units(
    scenarios: Sequence[DesignScenario], replicates: int, seed: int, alpha: float, permutations: int
) -> list[_Unit]:
    roots = np.random.SeedSequence(seed).spawn(len(scenarios))
    chunks = math.ceil(replicates / CHUNK)
    units = []
    for index, (scenario, root) in enumerate(zip(scenarios, roots, strict=True)):
        for chunk, child in enumerate(root.spawn(chunks)):
            size = min(CHUNK, replicates - chunk * CHUNK)
            units.append(_Unit(index, chunk, size, child, scenario, alpha, permutations))
    return units


def _run_distributed(
    units: list[_Unit], address: str, progress: Callable[[int], None] | None
) -> list[tuple[int, int, UnitSummary]]:
    # imported here: Dask is needed only when a grid is spread over a cluster
    from distributed import Client, as_completed

    done = []
    with Client(address, set_as_default=False) as client:  # type: ignore[no-untyped-call]
        futures = client.map(_run_unit, units, pure=False)
        for future in as_completed(futures, loop=client.loop):  # type: ignore[no-untyped-call]
            result = future.result()
            done.append(result)
            if progress is not None:
                progress(result[2].replicates)
    return done


def _check_arguments(
    scenarios: Sequence[DesignScenario],
    replicates: int,
    seed: int,
    alpha: float,
    permutations: int,
) -> None:
    if not scenarios or not all(isinstance(s, DesignScenario) for s in scenarios):
        raise InputError(
            field="scenarios", expected="one or more DesignScenario", received=scenarios
        )
    for name, value, low in (("replicates", replicates, 1), ("seed", seed, 0)):
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise InputError(field=name, expected=f"a whole number ≥ {low}", received=value)
    if not isinstance(permutations, int) or permutations < 0:
        raise InputError(
            field="permutations",
            expected="a whole number ≥ 0 (0: no exact test)",
            received=permutations,
        )
    if not isinstance(alpha, float | int) or not 0 < alpha < 1:
        raise InputError(field="alpha", expected="a level strictly between 0 and 1", received=alpha)


def evaluate_design(
    scenarios: Sequence[DesignScenario],
    replicates: int,
    seed: int,
    alpha: float = 0.05,
    scheduler: str | None = None,
    *,
    permutations: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> DesignEvaluation:
    """Monte Carlo rejection rates of every test (:data:`TESTS`) in every scenario.

    ``replicates`` trials are simulated per scenario. ``scheduler`` is the address of a Dask
    scheduler to spread the chunks over (``None``: run here, one chunk after another); the
    counts are identical either way for the same ``seed``. ``permutations`` random labellings
    per trial for the exact log-rank test (0 leaves it out). ``progress`` is called with the
    number of replicates each finished chunk held.
    """
    _check_arguments(scenarios, replicates, seed, alpha, permutations)
    units = _units(scenarios, replicates, seed, float(alpha), permutations)
    if scheduler is None:
        done = []
        for unit in units:
            done.append(_run_unit(unit))
            if progress is not None:
                progress(unit.replicates)
    else:
        done = _run_distributed(units, scheduler, progress)
    done.sort(key=lambda item: (item[0], item[1]))
    results = []
    for index, scenario in enumerate(scenarios):
        mine = [summary for k, _, summary in done if k == index]
        tests = list(mine[0].rejections)
        rates = tuple(
            RejectionRate(
                test=test,
                null_true=_null_true(scenario, test),
                replicates=replicates,
                rejections=sum(m.rejections[test] for m in mine),
                undefined=sum(m.undefined[test] for m in mine),
            )
            for test in tests
        )
        meld = tuple(sum(m.meld_observed[k] for m in mine) / replicates for k in (0, 1))
        results.append(
            ScenarioResult(
                scenario=scenario,
                rates=rates,
                mean_deaths=sum(m.deaths for m in mine) / replicates,
                mean_meld_observed=(meld[0], meld[1]),
            )
        )
    notes = [
        f"a trial rejects when p ≤ {alpha:g}; an undefined p-value (e.g. no death) does not reject"
    ]
    if permutations:
        notes.append(
            f"the exact log-rank test uses {permutations} random labellings per trial (or every "
            "labelling when there are no more than that)"
        )
    return DesignEvaluation(
        tuple(results), replicates, seed, float(alpha), permutations, tuple(notes)
    )
