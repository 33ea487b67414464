"""Batched RMST against R's survival (print.rmean) and the scalar hepatrial.stats.rmst."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hepatrial.errors import InputError
from hepatrial.stats import rmst, rmst_batched

REFERENCE = Path(__file__).parents[1] / "reference" / "rmst"
SAME = 1e-10


@pytest.mark.parametrize("tau", [40.0, 100.0])
def test_batched_rmst_reproduces_r_on_aml(tau: float) -> None:
    aml = pd.read_csv(REFERENCE / "aml.csv")
    ref = pd.read_csv(REFERENCE / "rmst.csv").query("dataset == 'aml' and tau == @tau")
    group = (aml.x == "Nonmaintained").to_numpy(int)[None, :]
    result = rmst_batched(
        aml.time.to_numpy()[None, :], aml.status.to_numpy()[None, :], group, tau=tau
    )
    maintained = ref[ref.group == "Maintained"].iloc[0]
    other = ref[ref.group == "Nonmaintained"].iloc[0]
    assert result.rmst[0, 0] == pytest.approx(maintained.rmean, rel=1e-9)
    assert result.rmst[0, 1] == pytest.approx(other.rmean, rel=1e-9)
    assert result.std_error[0, 0] == pytest.approx(maintained.se_rmean, rel=1e-9)
    assert result.std_error[0, 1] == pytest.approx(other.se_rmean, rel=1e-9)


@pytest.mark.parametrize("tau", [20.0, 40.0, 60.0])
def test_batched_rmst_equals_the_scalar_rmst_on_every_trial(tau: float) -> None:
    rng = np.random.default_rng(11)
    time = np.ceil(rng.exponential(30.0, (300, 12))).clip(max=40.0)
    event = (rng.random((300, 12)) < 0.7) & (time < 40.0)
    group = np.zeros((300, 12), dtype=int)
    group[:, 6:] = 1
    batch = rmst_batched(time, event, group, tau=tau)
    for r in range(time.shape[0]):
        scalar = rmst(time[r], event[r], group[r], tau=tau)
        diff = scalar.difference
        assert diff is not None
        assert batch.rmst[r, 0] == pytest.approx(scalar.estimates[0].rmst, abs=SAME)
        assert batch.std_error[r, 1] == pytest.approx(scalar.estimates[1].std_error, abs=SAME)
        assert batch.difference[r] == pytest.approx(diff.difference, abs=SAME)
        assert batch.difference_std_error[r] == pytest.approx(diff.std_error, abs=SAME)
        if np.isnan(diff.p_value):
            assert np.isnan(batch.p_value[r])
        else:
            assert batch.p_value[r] == pytest.approx(diff.p_value, abs=SAME)


def test_rmst_without_deaths_is_tau_with_no_p_value() -> None:
    result = rmst_batched([[10.0, 20.0, 30.0, 40.0]], [[0, 0, 0, 0]], [[0, 0, 1, 1]], tau=40.0)
    # both curves stay at 1 and are carried flat to tau
    np.testing.assert_allclose(result.rmst[0], [40.0, 40.0])
    assert np.isnan(result.p_value[0])


def test_rmst_needs_both_arms_in_every_trial() -> None:
    with pytest.raises(InputError, match="group"):
        rmst_batched([[1.0, 2.0]], [[1, 1]], [[1, 1]], tau=5.0)


def test_rmst_rejects_a_non_positive_tau() -> None:
    with pytest.raises(InputError, match="tau"):
        rmst_batched([[1.0, 2.0]], [[1, 1]], [[0, 1]], tau=0.0)
