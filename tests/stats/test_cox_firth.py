"""Firth-penalized Cox regression against a direct maximisation of the penalized likelihood.

R's ``coxphf`` is not packaged for Debian, so the reference here is independent code: the log
partial likelihood and its information are summed by brute force over each risk set (Breslow
1974; Efron 1977), the penalty ½ log|I(β)| of Firth (1993) / Heinze & Schemper (2001) is added,
and scipy's Nelder–Mead maximises it; profile limits are solved with Brent's method on the same
function. None of this shares code with ``hepatrial.stats``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.typing import NDArray
from scipy.optimize import brentq, minimize, minimize_scalar
from scipy.stats import chi2

from hepatrial.errors import InputError
from hepatrial.stats import cox

REFERENCE = Path(__file__).parents[1] / "reference" / "survival"
TOLERANCE = 1e-5

Array = NDArray[np.float64]


def _penalized_loglik(
    time: Array, event: Array, x: Array, ties: str, penalty: bool = True
) -> Callable[[Array], float]:
    """l(β) + ½ log|I(β)| (or l(β) alone) summed death by death over explicit risk sets."""
    x = x - x.mean(axis=0)

    def value(beta: Array) -> float:
        w = np.exp(x @ beta)
        loglik = 0.0
        information = np.zeros((x.shape[1], x.shape[1]))
        for t in np.unique(time[event == 1]):
            at_risk = time >= t
            dead = (time == t) & (event == 1)
            d = int(dead.sum())
            loglik += float(x[dead].sum(axis=0) @ beta)
            for k in range(d):
                # Efron: the k-th tied death sees the risk set less k/d of every tied death
                share = k / d if ties == "efron" else 0.0
                weight = w * at_risk - share * w * dead
                total = weight.sum()
                mean = weight @ x / total
                loglik -= np.log(total)
                information += (x.T * weight) @ x / total - np.outer(mean, mean)
        if not penalty:
            return loglik
        return loglik + 0.5 * float(np.linalg.slogdet(information)[1])

    return value


def _maximise(function: Callable[[Array], float], start: Array) -> tuple[Array, float]:
    result = minimize(
        lambda b: -function(b),
        start,
        method="Nelder-Mead",
        options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 20000, "maxfev": 40000},
    )
    return np.asarray(result.x), -float(result.fun)


def _profile(function: Callable[[Array], float], p: int, j: int, value: float) -> float:
    if p == 1:
        return function(np.array([value]))
    assert p == 2, "the brute-force profile handles one nuisance coefficient"

    def at(other: float) -> float:
        beta = np.empty(2)
        beta[j], beta[1 - j] = value, other
        return -function(beta)

    return -float(minimize_scalar(at, bracket=(-1.0, 1.0), options={"xtol": 1e-12}).fun)


def _aml() -> tuple[Array, Array, Array]:
    aml = pd.read_csv(REFERENCE / "data_aml.csv")
    x = (aml.x == "Nonmaintained").to_numpy(float)[:, None]
    return aml.time.to_numpy(float), aml.status.to_numpy(float), x


def _ovarian() -> tuple[Array, Array, Array]:
    ova = pd.read_csv(REFERENCE / "data_ovarian.csv")
    x = np.column_stack([ova.rx.to_numpy(float), ova.age.to_numpy(float) / 10.0])
    return ova.futime.to_numpy(float), ova.fustat.to_numpy(float), x


def _monotone() -> tuple[Array, Array, Array]:
    # Every death is in arm 1, with tied times: the ordinary partial likelihood is monotone.
    time = np.array([3, 5, 5, 8, 10, 12, 15, 15, 20, 30, 35, 40, 45, 50, 60, 70], dtype=float)
    event = np.array([1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], dtype=float)
    arm = np.array([1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0], dtype=float)
    return time, event, arm[:, None]


DATA = {"aml": _aml, "ovarian": _ovarian, "monotone": _monotone}
CASES = [(d, t) for d in DATA for t in ("breslow", "efron")]


@pytest.mark.parametrize(("data", "ties"), CASES)
def test_firth_estimate_profile_limits_and_lr_test_match_direct_maximisation(
    data: str, ties: str
) -> None:
    time, event, x = DATA[data]()
    p = x.shape[1]
    function = _penalized_loglik(time, event, x, ties)
    best, top = _maximise(function, np.zeros(p))
    fit = cox(time, event, x, ties=ties, penalty="firth")  # type: ignore[arg-type]
    assert fit.converged
    np.testing.assert_allclose(fit.coef, best, rtol=TOLERANCE, atol=TOLERANCE)
    assert fit.loglik == pytest.approx(top, rel=1e-9)
    assert fit.loglik_null == pytest.approx(function(np.zeros(p)), rel=1e-12)
    assert fit.likelihood_ratio.statistic == pytest.approx(
        2.0 * (top - function(np.zeros(p))), rel=TOLERANCE
    )
    cut = chi2.ppf(0.95, 1) / 2.0
    for j in range(p):

        def drop(value: float, j: int = j) -> float:
            return top - _profile(function, p, j, value) - cut

        lower = brentq(drop, best[j] - 20.0, best[j], xtol=1e-12)
        upper = brentq(drop, best[j], best[j] + 20.0, xtol=1e-12)
        assert np.log(fit.hr_lower[j]) == pytest.approx(lower, rel=TOLERANCE, abs=TOLERANCE)
        assert np.log(fit.hr_upper[j]) == pytest.approx(upper, rel=TOLERANCE, abs=TOLERANCE)
        p_profile = chi2.sf(2.0 * (top - _profile(function, p, j, 0.0)), 1)
        assert fit.p_value[j] == pytest.approx(p_profile, rel=1e-4)


def test_monotone_likelihood_gives_a_finite_firth_estimate_where_the_ordinary_fit_diverges() -> (
    None
):
    time, event, x = _monotone()
    ordinary = cox(time, event, {"arm": x[:, 0]}, conf_int="profile")
    firth = cox(time, event, {"arm": x[:, 0]}, penalty="firth")
    assert any("had no events" in note and "not estimable" in note for note in ordinary.notes)
    assert ordinary.coef[0] > 8.0
    assert np.isinf(ordinary.hr_upper[0])
    assert 1.0 < firth.coef[0] < 5.0
    assert np.isfinite(firth.hr_upper[0])
    assert firth.hr_upper[0] > firth.hazard_ratio[0]
    assert firth.hr_lower[0] > 1.0
    assert (
        "Firth-penalized estimate: finite although the likelihood is monotone (arm = 0 had no "
        "events)" in firth.notes
    )
    assert not any("not estimable" in note for note in firth.notes)


@pytest.mark.parametrize(
    ("data", "columns"),
    [
        ("veteran", ["trt", "karno", "diagtime", "age", "prior"]),
        ("lung", ["age", "sex", "ph_ecog"]),
    ],
)
def test_on_a_large_dataset_firth_barely_moves_the_ordinary_estimate(
    data: str, columns: list[str]
) -> None:
    table = pd.read_csv(REFERENCE / f"data_{data}.csv").dropna(subset=columns)
    time, event = table.columns[0], table.columns[1]
    ordinary = cox(table[time], table[event], table[columns])
    firth = cox(table[time], table[event], table[columns], penalty="firth", conf_int="wald")
    # The bias correction is O(1/n): a small fraction of a standard error at n = 137 or 227
    # (0.17 SE for veteran's skewed diagtime, a few hundredths for the others).
    shift = np.abs(firth.coef - ordinary.coef) / ordinary.std_error
    assert 0.0 < shift.max() < 0.25
    assert np.median(shift) < 0.05
    np.testing.assert_allclose(firth.std_error, ordinary.std_error, rtol=0.05)


def test_profile_limits_without_penalty_match_the_brute_force_partial_likelihood() -> None:
    time, event, x = _ovarian()
    function = _penalized_loglik(time, event, x, "efron", penalty=False)
    fit = cox(time, event, x, conf_int="profile")
    wald = cox(time, event, x)
    np.testing.assert_allclose(fit.coef, wald.coef)
    cut = chi2.ppf(0.95, 1) / 2.0
    for j in range(2):

        def drop(value: float, j: int = j) -> float:
            return fit.loglik - _profile(function, 2, j, value) - cut

        lower = brentq(drop, fit.coef[j] - 20.0, fit.coef[j], xtol=1e-12)
        upper = brentq(drop, fit.coef[j], fit.coef[j] + 20.0, xtol=1e-12)
        assert np.log(fit.hr_lower[j]) == pytest.approx(lower, rel=TOLERANCE, abs=TOLERANCE)
        assert np.log(fit.hr_upper[j]) == pytest.approx(upper, rel=TOLERANCE, abs=TOLERANCE)
    # Profile limits are not the symmetric Wald ones on this small sample.
    assert not np.allclose(fit.hr_lower, wald.hr_lower, rtol=1e-3)


def test_heinze_schemper_breast_cancer_grade_gets_a_finite_firth_estimate() -> None:
    # The 100 breast-cancer patients of Heinze & Schemper (2001, §5), as distributed with R's
    # coxphf (data/breast.txt): no patient with grade G = 0 died, so G's ordinary estimate diverges.
    breast = pd.read_csv(REFERENCE / "data_breast.csv")
    columns = ["T", "N", "G", "CD"]
    x = breast[columns].to_numpy(float)
    time, event = breast.TIME.to_numpy(float), breast.CENS.to_numpy(float)
    ordinary = cox(time, event, breast[columns], ties="breslow")
    fit = cox(time, event, breast[columns], ties="breslow", penalty="firth")
    assert ordinary.coef[2] > 15.0
    function = _penalized_loglik(time, event, x, "breslow")
    best, top = _maximise(function, np.zeros(4))
    np.testing.assert_allclose(fit.coef, best, rtol=TOLERANCE, atol=TOLERANCE)
    assert fit.loglik == pytest.approx(top, rel=1e-9)
    assert 0.0 < fit.coef[2] < 5.0
    assert 1.0 < fit.hr_lower[2] < fit.hazard_ratio[2] < fit.hr_upper[2] < np.inf
    assert (
        "Firth-penalized estimate: finite although the likelihood is monotone (G = 0 had no "
        "events)" in fit.notes
    )


def test_unknown_penalty_or_interval_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        cox([5, 6, 7], [1, 0, 1], [1, 0, 1], penalty="ridge")  # type: ignore[arg-type]
    assert caught.value.field == "penalty"
    with pytest.raises(InputError) as caught:
        cox([5, 6, 7], [1, 0, 1], [1, 0, 1], conf_int="score")  # type: ignore[arg-type]
    assert caught.value.field == "conf_int"
