"""The tests of the design evaluation, applied to a batch of simulated trials.

Each test gives one p-value per trial; a trial rejects H0 when its p-value is at most alpha. A
p-value that is undefined (no death in the trial, fewer than two MELD values in an arm) counts as
not rejecting, as a real trial could not reject either, and is counted separately.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hepatrial.simulate._design_trials import SimulatedTrials
from hepatrial.stats.batched_logrank import log_rank_batched, log_rank_exact_batched
from hepatrial.stats.batched_rmst import rmst_batched
from hepatrial.stats.batched_tests import fisher_exact_batched, welch_t_batched

__all__ = ["SURVIVAL_TESTS", "TESTS", "UnitSummary", "p_values", "summarize"]

# name → what the test compares; the first four test survival, the last two MELD change
TESTS: dict[str, str] = {
    "log_rank": "log-rank test (chi-square, 1 df)",
    "log_rank_exact": "permutation log-rank test (Monte Carlo or full enumeration)",
    "fisher_1y": "Fisher's exact test of mortality at the horizon",
    "rmst": "difference in restricted mean survival time to the horizon (Wald)",
    "meld_w24": "Welch t-test of MELD change at week 24 among those observed",
    "meld_w48": "Welch t-test of MELD change at week 48 among those observed",
}
SURVIVAL_TESTS = ("log_rank", "log_rank_exact", "fisher_1y", "rmst")


def p_values(
    trials: SimulatedTrials, rng: np.random.Generator, *, permutations: int
) -> dict[str, NDArray[np.float64]]:
    """Every test's p-value per trial; the exact log-rank test is left out when
    ``permutations`` is 0."""
    horizon = trials.scenario.follow_up_days
    time, event, group = trials.time, trials.event, trials.group
    out: dict[str, NDArray[np.float64]] = {"log_rank": log_rank_batched(time, event, group).p_value}
    if permutations > 0:
        out["log_rank_exact"] = log_rank_exact_batched(
            time, event, group, rng=rng, n_resamples=permutations
        ).p_value
    died = event & (time <= horizon)
    known = died | (time >= horizon)
    other = group == 1
    table = np.empty((trials.replicates, 2, 2), dtype=np.int64)
    for row, in_arm in enumerate((other, ~other)):
        deaths = (died & in_arm).sum(axis=1)
        table[:, row, 0] = deaths
        table[:, row, 1] = (known & in_arm).sum(axis=1) - deaths
    fisher = fisher_exact_batched(table)
    # an arm with no participant of known status makes the test undefined (mortality_1y too)
    fisher[table.sum(axis=2).min(axis=1) == 0] = np.nan
    out["fisher_1y"] = fisher
    out["rmst"] = rmst_batched(time, event, group, tau=horizon).p_value
    for index, name in enumerate(("meld_w24", "meld_w48")):
        out[name] = welch_t_batched(trials.meld_change[..., index], group).p_value
    return out


@dataclass(frozen=True, slots=True)
class UnitSummary:
    """What one batch of trials contributes: rejections and undefined p-values per test, and
    totals of deaths and observed MELD values (for means over all replicates)."""

    replicates: int
    rejections: dict[str, int]
    undefined: dict[str, int]
    deaths: int
    meld_observed: tuple[int, int]


def summarize(
    trials: SimulatedTrials, p: dict[str, NDArray[np.float64]], alpha: float
) -> UnitSummary:
    """Count rejections (p ≤ alpha) and undefined p-values per test."""
    observed = (~np.isnan(trials.meld_change)).sum(axis=(0, 1))
    return UnitSummary(
        replicates=trials.replicates,
        rejections={name: int(np.sum(values <= alpha)) for name, values in p.items()},
        undefined={name: int(np.sum(np.isnan(values))) for name, values in p.items()},
        deaths=int(trials.event.sum()),
        meld_observed=(int(observed[0]), int(observed[1])),
    )
