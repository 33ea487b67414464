"""Batched Fisher's exact test against R and scipy, and batched Welch t-test against scipy."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import fisher_exact, ttest_ind

from hepatrial.errors import InputError
from hepatrial.stats import fisher_exact_batched, welch_t_batched

REFERENCE = Path(__file__).parents[1] / "reference" / "rmst"
SAME = 1e-10


def test_batched_fisher_reproduces_r_fisher_test() -> None:
    ref = pd.read_csv(REFERENCE / "exact_tests.csv").set_index("quantity").value
    # R: matrix(c(3, 7, 8, 4), 2) and matrix(c(0, 4, 11, 7), 2), filled by column
    tables = np.array([[[3, 8], [7, 4]], [[0, 11], [4, 7]]])
    p = fisher_exact_batched(tables)
    assert p[0] == pytest.approx(ref["fisher_p"], rel=1e-9)
    assert p[1] == pytest.approx(ref["fisher_p_zero"], rel=1e-9)


def test_batched_fisher_equals_scipy_on_every_table_of_two_arms_of_eleven() -> None:
    # every death count per arm, every number known (dropouts), as the design produces them
    tables = np.array(
        [
            [[a, known_a - a], [c, known_c - c]]
            for known_a, known_c in ((11, 11), (9, 11), (11, 7))
            for a, c in itertools.product(range(known_a + 1), range(known_c + 1))
        ]
    )
    p = fisher_exact_batched(tables)
    expected = np.array([fisher_exact(table).pvalue for table in tables])
    np.testing.assert_allclose(p, expected, atol=SAME)


def test_batched_fisher_equals_scipy_on_random_larger_tables() -> None:
    tables = np.random.default_rng(5).integers(0, 60, (300, 2, 2))
    expected = np.array([fisher_exact(table).pvalue for table in tables])
    np.testing.assert_allclose(fisher_exact_batched(tables), expected, atol=SAME)


def test_a_table_with_an_empty_margin_has_p_value_one() -> None:
    tables = np.array([[[0, 0], [0, 0]], [[0, 5], [0, 6]], [[3, 0], [4, 0]]])
    np.testing.assert_array_equal(fisher_exact_batched(tables), [1.0, 1.0, 1.0])


def test_batched_fisher_rejects_tables_of_the_wrong_shape() -> None:
    with pytest.raises(InputError, match="table"):
        fisher_exact_batched(np.zeros((3, 2, 3)))


def test_batched_welch_equals_scipy_with_missing_values_left_out() -> None:
    rng = np.random.default_rng(8)
    values = rng.normal(0.0, 4.0, (500, 22))
    values[rng.random(values.shape) < 0.35] = np.nan
    group = np.zeros((500, 22), dtype=int)
    group[:, 11:] = 1
    batch = welch_t_batched(values, group)
    checked = 0
    for r in range(values.shape[0]):
        a = values[r][(group[r] == 0) & ~np.isnan(values[r])]
        b = values[r][(group[r] == 1) & ~np.isnan(values[r])]
        if min(a.size, b.size) < 2:
            assert np.isnan(batch.p_value[r])
            continue
        reference = ttest_ind(b, a, equal_var=False)
        assert batch.statistic[r] == pytest.approx(reference.statistic, abs=SAME)
        assert batch.df[r] == pytest.approx(reference.df, abs=SAME)
        assert batch.p_value[r] == pytest.approx(reference.pvalue, abs=SAME)
        assert batch.difference[r] == pytest.approx(b.mean() - a.mean(), abs=SAME)
        checked += 1
    assert checked > 450


def test_welch_is_undefined_with_fewer_than_two_values_in_an_arm() -> None:
    values = np.array([[1.0, np.nan, 2.0, 3.0], [1.0, 1.5, 2.0, 3.0]])
    group = np.array([[0, 0, 1, 1], [0, 0, 1, 1]])
    batch = welch_t_batched(values, group)
    assert np.isnan(batch.p_value[0])
    np.testing.assert_array_equal(batch.n[0], [1, 2])
    assert np.isfinite(batch.p_value[1])
