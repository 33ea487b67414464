"""Simulate many trials of one design scenario at once, as arrays (replicates × participants).

Survival is exponential in each arm (proportional hazards with the scenario's hazard ratio);
dropout is an independent exponential censoring; accrual is uniform and an analysis day censors
those enrolled late. Times are recorded in whole days (rounded up), as a trial records them, so
tied times occur as they do in real data. MELD change at the two visits is bivariate normal and is
missing for anyone who died or left follow-up before the visit; it is drawn independently of
survival given the arm [assumption: no informative link between MELD change and death].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hepatrial.errors import InputError
from hepatrial.simulate._design_scenario import DesignScenario

__all__ = ["SimulatedTrials", "simulate_trials"]


@dataclass(frozen=True, slots=True, eq=False)
class SimulatedTrials:
    """``replicates`` simulated trials of one scenario.

    ``time`` (days, whole) and ``event`` (death) are (replicates × n); ``group`` is 0 for the
    reference arm and 1 for the other (the same layout in every row); ``meld_change`` is
    (replicates × n × 2), weeks 24 and 48, NaN where not observed.
    """

    scenario: DesignScenario
    time: NDArray[np.float64]
    event: NDArray[np.bool_]
    group: NDArray[np.int8]
    meld_change: NDArray[np.float64]

    @property
    def replicates(self) -> int:
        return int(self.time.shape[0])


def simulate_trials(
    scenario: DesignScenario, replicates: int, rng: np.random.Generator
) -> SimulatedTrials:
    """Draw ``replicates`` trials of ``scenario`` from ``rng`` (no loop over replicates)."""
    if not isinstance(replicates, int) or isinstance(replicates, bool) or replicates < 1:
        raise InputError(field="replicates", expected="a whole number ≥ 1", received=replicates)
    n = scenario.n
    group = np.zeros(n, dtype=np.int8)
    group[scenario.n_reference :] = 1
    hazard = np.where(
        group == 1, scenario.hazard_reference * scenario.hazard_ratio, scenario.hazard_reference
    )
    shape = (replicates, n)
    death = rng.standard_exponential(shape) / hazard
    censor = np.full(shape, scenario.follow_up_days)
    if scenario.dropout_1y > 0:
        censor = np.minimum(censor, rng.standard_exponential(shape) / scenario.hazard_dropout)
    if scenario.analysis_day is not None:
        entry = rng.uniform(0.0, scenario.accrual_days, shape)
        censor = np.minimum(censor, np.maximum(scenario.analysis_day - entry, 0.0))
    followed = np.minimum(death, censor)
    event = death <= censor
    # whole days, as recorded; an analysis on the day of entry leaves zero follow-up
    time = np.ceil(followed)

    sd = np.asarray(scenario.meld_change_sd)
    rho = scenario.meld_change_correlation
    standard = rng.standard_normal((replicates, n, 2))
    correlated = np.empty_like(standard)
    correlated[..., 0] = standard[..., 0]
    correlated[..., 1] = rho * standard[..., 0] + np.sqrt(1.0 - rho**2) * standard[..., 1]
    mean = np.asarray(scenario.meld_change_reference)[None, :] + np.outer(
        group, scenario.meld_difference
    )
    meld = mean[None, :, :] + correlated * sd
    seen = followed[..., None] > np.asarray(scenario.meld_days)
    meld = np.where(seen, meld, np.nan)
    return SimulatedTrials(
        scenario=scenario,
        time=time,
        event=event,
        group=np.broadcast_to(group, shape),
        meld_change=meld,
    )
