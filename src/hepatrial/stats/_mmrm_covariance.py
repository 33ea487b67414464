"""Residual covariance structures of the MMRM on an unconstrained scale, for the REML optimizer.

Each structure maps a real vector ``theta`` to a positive-definite ``T × T`` covariance of the
residuals of one participant across the ``T`` scheduled visits, so that L-BFGS-B can search without
bounds. The forms are the ones ``nlme::gls`` fits (Pinheiro & Bates 2000, *Mixed-Effects Models in S
and S-PLUS*, §5.3): unstructured = ``corSymm`` with ``varIdent`` by visit, here as a log-Cholesky
factor (Pinheiro & Bates 1996, "Unconstrained parametrizations for variance-covariance matrices",
Statistics and Computing 6:289–296); Toeplitz = ``corARMA(p = T - 1)`` with one variance, through
partial autocorrelations (Monahan 1984, "A note on enforcing stationarity in autoregressive-moving
average models", Biometrika 71:403–404; Durbin 1960, Rev. Int. Stat. Inst. 28:233–244); AR(1) =
``corAR1`` on visit positions; compound symmetry = ``corCompSymm``.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit, logit

__all__ = ["STRUCTURES", "Structure", "covariance_matrix", "start_theta"]

Structure = Literal["unstructured", "toeplitz", "ar1", "cs"]
STRUCTURES: tuple[Structure, ...] = ("unstructured", "toeplitz", "ar1", "cs")


def _pacf_to_acf(pacf: NDArray[np.float64]) -> NDArray[np.float64]:
    """Autocorrelations at lags 1..p from partial autocorrelations (Durbin–Levinson recursion)."""
    p = pacf.size
    acf = np.empty(p + 1)
    acf[0] = 1.0
    phi = np.zeros(0)
    innovation = 1.0
    for k in range(1, p + 1):
        phi_kk = pacf[k - 1]
        acf[k] = phi_kk * innovation + float(phi @ acf[k - 1 : 0 : -1])
        phi = np.append(phi - phi_kk * phi[::-1], phi_kk)
        innovation *= 1.0 - phi_kk**2
    return acf


def _cs_floor(n_visits: int) -> float:
    # corCompSymm keeps the correlation above -1/(T-1), the bound for a positive-definite matrix.
    return -1.0 / (n_visits - 1)


@cache
def _lower_triangle(n_visits: int) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    # The optimizer builds Σ thousands of times; np.tril_indices was a third of an MMRM fit.
    rows, columns = np.tril_indices(n_visits)
    return rows, columns


def covariance_matrix(
    structure: Structure, theta: NDArray[np.float64], n_visits: int
) -> NDArray[np.float64]:
    """The ``T × T`` residual covariance of ``structure`` at unconstrained parameters ``theta``."""
    if structure == "unstructured":
        factor = np.zeros((n_visits, n_visits))
        factor[_lower_triangle(n_visits)] = theta
        diagonal = np.diag_indices(n_visits)
        factor[diagonal] = np.exp(factor[diagonal])
        return factor @ factor.T
    variance = float(np.exp(2.0 * theta[0]))
    if n_visits == 1:
        return np.array([[variance]])
    lag = np.abs(np.subtract.outer(np.arange(n_visits), np.arange(n_visits)))
    if structure == "toeplitz":
        acf = _pacf_to_acf(np.tanh(theta[1:]))
        return variance * acf[lag]
    if structure == "ar1":
        rho = float(np.tanh(theta[1]))
        return variance * rho ** lag.astype(float)
    floor = _cs_floor(n_visits)
    rho = floor + (1.0 - floor) * float(expit(theta[1]))
    return variance * np.where(lag == 0, 1.0, rho)


def start_theta(
    structure: Structure, start: NDArray[np.float64], n_visits: int
) -> NDArray[np.float64]:
    """Unconstrained parameters near the covariance ``start`` (a moment estimate from OLS)."""
    if structure == "unstructured":
        return np.asarray(np.linalg.cholesky(start)[np.tril_indices(n_visits)], dtype=float).copy()
    return _start_patterned(structure, start, n_visits)


def _start_patterned(
    structure: Structure, start: NDArray[np.float64], n_visits: int
) -> NDArray[np.float64]:
    variances = np.diag(start)
    log_sd = 0.5 * float(np.log(variances.mean()))
    if n_visits == 1:
        return np.array([log_sd])
    sd = np.sqrt(variances)
    correlation = start / np.outer(sd, sd)
    lag = np.abs(np.subtract.outer(np.arange(n_visits), np.arange(n_visits)))
    # A shrunken lag-1 correlation keeps the start well inside the parameter space.
    rho1 = float(np.clip(correlation[lag == 1].mean(), -0.5, 0.9))
    if structure == "toeplitz":
        pacf = np.zeros(n_visits - 1)
        pacf[0] = rho1
        return np.concatenate([[log_sd], np.arctanh(pacf)])
    if structure == "ar1":
        return np.array([log_sd, float(np.arctanh(rho1))])
    floor = _cs_floor(n_visits)
    rho = max(rho1, floor / 2.0)
    return np.array([log_sd, float(logit((rho - floor) / (1.0 - floor)))])
