"""Batched log-rank and permutation log-rank against R survdiff, the scalar tests, lifelines."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lifelines.statistics import logrank_test

from hepatrial.errors import InputError
from hepatrial.stats import log_rank, log_rank_batched, log_rank_exact, log_rank_exact_batched

REFERENCE = Path(__file__).parents[1] / "reference" / "survival"
SAME = 1e-10


def _trials(
    replicates: int, n: int, seed: int, *, scale: float = 30.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Whole-day times with many ties, censoring, and 1:1 groups."""
    rng = np.random.default_rng(seed)
    time = np.ceil(rng.exponential(scale, (replicates, n))).clip(max=40.0)
    event = (rng.random((replicates, n)) < 0.7) & (time < 40.0)
    group = np.zeros((replicates, n), dtype=int)
    group[:, n // 2 :] = 1
    return time, event, group


def test_batched_log_rank_reproduces_r_survdiff_on_aml() -> None:
    aml = pd.read_csv(REFERENCE / "data_aml.csv")
    ref = pd.read_csv(REFERENCE / "ref_logrank.csv").query("analysis == 'aml'")
    # group 1 = Nonmaintained, the second level, whose observed/expected R lists second
    group = (aml.x == "Nonmaintained").to_numpy(int)[None, :]
    result = log_rank_batched(aml.time.to_numpy()[None, :], aml.status.to_numpy()[None, :], group)
    assert result.chi_square[0] == pytest.approx(ref.chisq.iloc[0], rel=1e-9)
    assert result.p_value[0] == pytest.approx(ref.p.iloc[0], rel=1e-9)
    assert result.observed[0] == ref.observed.iloc[1]
    assert result.expected[0] == pytest.approx(ref.expected.iloc[1], rel=1e-9)


def test_batched_log_rank_equals_scalar_log_rank_and_lifelines_on_every_trial() -> None:
    time, event, group = _trials(400, 22, seed=1)
    batch = log_rank_batched(time, event, group)
    for r in range(time.shape[0]):
        scalar = log_rank(time[r], event[r], group[r])
        if np.isnan(scalar.chi_square):
            assert np.isnan(batch.chi_square[r])
            continue
        assert abs(batch.chi_square[r] - scalar.chi_square) < SAME
        assert abs(batch.p_value[r] - scalar.p_value) < SAME
        one = group[r] == 1
        reference = logrank_test(time[r][~one], time[r][one], event[r][~one], event[r][one])
        assert abs(batch.chi_square[r] - reference.test_statistic) < SAME
        assert abs(batch.p_value[r] - reference.p_value) < SAME


@settings(max_examples=60, deadline=None)
@given(
    data=st.lists(
        st.tuples(st.integers(0, 6), st.booleans(), st.booleans()), min_size=2, max_size=12
    )
)
def test_batched_log_rank_matches_the_scalar_test_for_any_ties_and_censoring(
    data: list[tuple[int, bool, bool]],
) -> None:
    time = np.array([[float(t) for t, _, _ in data]])
    event = np.array([[e for _, e, _ in data]])
    group = np.array([[int(g) for _, _, g in data]])
    batch = log_rank_batched(time, event, group)
    scalar = log_rank(time[0], event[0], group[0])
    if np.isnan(scalar.chi_square) or len(scalar.groups) < 2:
        assert np.isnan(batch.chi_square[0])
    else:
        assert batch.chi_square[0] == pytest.approx(scalar.chi_square, abs=SAME)


def test_a_trial_without_deaths_has_an_undefined_log_rank_test() -> None:
    time = np.array([[5.0, 6.0, 7.0, 8.0], [5.0, 6.0, 7.0, 8.0]])
    event = np.array([[0, 0, 0, 0], [1, 0, 1, 0]])
    group = np.array([[0, 0, 1, 1], [0, 0, 1, 1]])
    result = log_rank_batched(time, event, group)
    assert np.isnan(result.p_value[0])
    assert np.isfinite(result.p_value[1])


def test_exact_test_by_enumeration_equals_the_scalar_exact_test() -> None:
    time, event, group = _trials(40, 10, seed=2)
    batch = log_rank_exact_batched(time, event, group, rng=np.random.default_rng(0))
    assert batch.method == "enumeration"
    assert batch.n_labellings == 252
    for r in range(time.shape[0]):
        scalar = log_rank_exact(time[r], event[r], group[r])
        if np.isnan(scalar.p_value):
            assert np.isnan(batch.p_value[r])
            continue
        assert batch.p_value[r] == pytest.approx(scalar.p_value, abs=SAME)
        assert batch.chi_square[r] == pytest.approx(scalar.chi_square, abs=SAME)


def test_monte_carlo_exact_p_values_agree_with_full_enumeration_within_monte_carlo_error() -> None:
    time, event, group = _trials(120, 14, seed=3)
    resamples = 2000
    batch = log_rank_exact_batched(
        time, event, group, rng=np.random.default_rng(4), n_resamples=resamples
    )
    assert batch.method == "monte carlo"
    z = []
    for r in range(time.shape[0]):
        exact = log_rank_exact(time[r], event[r], group[r]).p_value
        if np.isnan(exact):
            continue
        se = np.sqrt(max(exact * (1 - exact), 1e-4) / resamples)
        z.append((batch.p_value[r] - exact) / se)
    z_values = np.array(z)
    assert np.abs(z_values).max() < 5
    assert abs(z_values.mean()) < 4 / np.sqrt(z_values.size)


def test_exact_statistic_is_the_log_rank_chi_square() -> None:
    time, event, group = _trials(200, 22, seed=5)
    exact = log_rank_exact_batched(time, event, group, rng=np.random.default_rng(1))
    asymptotic = log_rank_batched(time, event, group)
    np.testing.assert_allclose(exact.chi_square, asymptotic.chi_square, atol=SAME)


def test_exact_test_needs_the_same_arm_sizes_in_every_trial() -> None:
    time, event, group = _trials(3, 8, seed=6)
    group[1] = [0, 0, 0, 1, 1, 1, 1, 1]
    with pytest.raises(InputError, match="group"):
        log_rank_exact_batched(time, event, group, rng=np.random.default_rng(0))


def test_batched_log_rank_rejects_a_group_code_other_than_0_or_1() -> None:
    time, event, group = _trials(2, 6, seed=7)
    group[0, 0] = 2
    with pytest.raises(InputError, match="group: expected only 0 and 1"):
        log_rank_batched(time, event, group)
