"""Satterthwaite degrees of freedom of the MMRM against R's lmerTest.

A random-intercept model fitted by ``lmer`` (REML) is the compound-symmetry MMRM when the
between-subject variance is positive, so lmerTest's Satterthwaite df are the reference for the CS
fit (tests/reference/mmrm/satterthwaite.R, output satterthwaite.csv).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import t

from hepatrial.stats import MmrmResult, mmrm

REFERENCE = Path(__file__).parents[1] / "reference" / "mmrm"
ITERATIVE = 1e-4
CONFIGS = ("full", "baseline", "missing")


def _data(config: str) -> tuple[pd.DataFrame, str | None]:
    if config == "missing":
        return pd.read_csv(REFERENCE / "orthodont_missing.csv"), "baseline"
    data = pd.read_csv(REFERENCE / "orthodont.csv")
    if config == "full":
        return data, None
    baseline = data.loc[data.age == 8, ["subject", "distance"]]
    return data[data.age > 8].merge(baseline.rename(columns={"distance": "baseline"})), "baseline"


def _fit(config: str) -> MmrmResult:
    data, baseline = _data(config)
    return mmrm(
        data,
        response="distance",
        subject="subject",
        visit="age",
        arm="sex",
        baseline=baseline,
        covariance="cs",
    )


def _reference(config: str) -> pd.DataFrame:
    table = pd.read_csv(REFERENCE / "satterthwaite.csv")
    return table[table.config == config]


@pytest.mark.parametrize("config", CONFIGS)
def test_cs_mmrm_estimates_ses_and_satterthwaite_df_match_lmertest(config: str) -> None:
    result = _fit(config)
    ref = _reference(config)
    table = result.fixed_effects()
    assert result.df_method == "satterthwaite"
    assert result.covariance == "cs"
    assert result.loglik == pytest.approx(ref.loglik.iloc[0], rel=ITERATIVE)
    np.testing.assert_allclose(table.estimate, ref.estimate, rtol=ITERATIVE)
    np.testing.assert_allclose(table.std_error, ref.std_error, rtol=ITERATIVE)
    np.testing.assert_allclose(table.df, ref.df, rtol=ITERATIVE)
    np.testing.assert_allclose(table.p_value, ref.p_value, rtol=ITERATIVE)


@pytest.mark.parametrize("config", CONFIGS)
def test_arm_difference_per_visit_uses_its_satterthwaite_df_for_the_interval(config: str) -> None:
    result = _fit(config)
    ref = _reference(config)
    ref = ref[ref.term.str.contains(":armMale")]
    table = result.to_frame()
    np.testing.assert_allclose(table.df, ref.df, rtol=ITERATIVE)
    np.testing.assert_allclose(table.p_value, ref.p_value, rtol=ITERATIVE)
    # lmerTest's confint is profile-based, so the t interval is checked from its own parts.
    half = t.ppf(0.975, ref.df.to_numpy()) * ref.std_error.to_numpy()
    np.testing.assert_allclose(table.upper - table.lower, 2 * half, rtol=ITERATIVE)


def test_unbalanced_data_give_fewer_df_than_the_residual_n_minus_p() -> None:
    result = _fit("missing")
    differences = result.to_frame()
    assert (differences.df < result.df_residual).all()
    # Missing visits make the df differ between visits (balanced data would give equal ones).
    assert differences.df.nunique() == len(differences)


def test_residual_df_remain_available_on_request() -> None:
    data, baseline = _data("missing")
    result = mmrm(
        data,
        response="distance",
        subject="subject",
        visit="age",
        arm="sex",
        baseline=baseline,
        covariance="cs",
        df="residual",
    )
    assert result.df_method == "residual"
    assert (result.to_frame().df == result.df_residual).all()
