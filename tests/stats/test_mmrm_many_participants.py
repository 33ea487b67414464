"""The MMRM on thousands of participants: the unstructured fit reaches the REML maximum.

On many participants ℓ_R is steep and L-BFGS-B alone stops short of the maximum, so the
unstructured fit used to fall back to Toeplitz; Fisher scoring now finishes the job.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hepatrial.stats import mmrm

N_VISITS = 6
EFFECT_PER_VISIT = -0.5


def _trial(n: int, rng: np.random.Generator) -> pd.DataFrame:
    arm = rng.integers(0, 2, n)
    baseline = rng.normal(20.0, 5.0, n)
    subject_effect = rng.normal(0.0, 3.0, n)
    noise = np.empty((n, N_VISITS))
    previous = rng.normal(0.0, 2.0, n)
    for visit in range(N_VISITS):
        # AR(1) within participant plus a random intercept: the unstructured model holds
        previous = 0.6 * previous + rng.normal(0.0, 1.6, n)
        noise[:, visit] = previous
    trend = EFFECT_PER_VISIT * arm[:, None] * np.arange(1, N_VISITS + 1)
    change = -0.2 * baseline[:, None] + subject_effect[:, None] + noise + trend
    seen = rng.random((n, N_VISITS)) > 0.1
    table = pd.DataFrame(
        {
            "subject": np.repeat(np.arange(n), N_VISITS),
            "visit": np.tile(np.arange(N_VISITS), n),
            "arm": np.repeat(arm, N_VISITS),
            "baseline": np.repeat(baseline, N_VISITS),
            "change": change.ravel(),
        }
    )
    return table[seen.ravel()]


def test_unstructured_fit_on_2000_participants_converges_without_falling_back() -> None:
    data = _trial(2000, np.random.default_rng(3))
    result = mmrm(
        data, response="change", subject="subject", visit="visit", arm="arm", baseline="baseline"
    )
    assert result.converged
    assert result.covariance == "unstructured"
    assert not any("did not converge" in note for note in result.notes)
    table = result.to_frame()
    truth = EFFECT_PER_VISIT * np.arange(1, N_VISITS + 1)
    assert np.all(np.abs(table.estimate - truth) < 4.0 * table.std_error)
    # Satterthwaite df approach the residual df when the covariance is well estimated.
    assert np.all(table.df > 0.5 * result.df_residual / N_VISITS)
