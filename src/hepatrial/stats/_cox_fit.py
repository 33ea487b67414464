"""Maximising the (optionally Firth-penalized) Cox partial likelihood, and its profile intervals.

Newton–Raphson with step halving from β = 0 (Therneau & Grambsch 2000, §3.2). With Firth's
penalty the step uses the modified score U* and the information I(β) of the unpenalized
likelihood, as in Heinze & Schemper (2001), Biometrics 57:114–119, §2; the penalized likelihood
l*(β) = l(β) + ½ log|I(β)| has a finite maximum even when the ordinary one runs to infinity
(monotone likelihood). Profile-likelihood limits (Venzon & Moolgavkar 1988, Applied Statistics
37:87–94; Heinze & Schemper 2001, §3) solve 2[l*(β̂) − max_{β₋ⱼ} l*(b, β₋ⱼ)] = χ²₁(level) for b
on each side of β̂ⱼ by bracketing and Brent's method.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import brentq

from hepatrial.stats._cox_risk import Derivatives, RiskSets

__all__ = ["Optimum", "maximize", "objective", "profile_limit", "profile_loglik"]

_MAX_ITER = 30
_MAX_ITER_FIRTH = 100
_MAX_HALVINGS = 30
_RELATIVE_TOLERANCE = 1e-10
# Firth's step uses I(β), not the Hessian of l*, so it converges linearly: stop on the step size.
_STEP_TOLERANCE = 1e-10
# A Newton step larger than this (on the log hazard ratio scale) is shortened: it keeps the first
# steps of a monotone likelihood from overflowing exp(xβ).
_MAX_STEP = 5.0
# The search for a profile limit stops this many standard errors from the estimate, or where the
# coefficient has moved the linear predictor by this much (exp(xβ) would overflow not far beyond):
# a limit further out is reported as infinite.
_BRACKET_LIMIT = 50.0


@dataclass(frozen=True, slots=True)
class Optimum:
    """Where the maximisation stopped, with the derivatives there."""

    beta: NDArray[np.float64]
    loglik: float
    derivatives: Derivatives
    iterations: int
    converged: bool


def objective(
    risk: RiskSets, beta: NDArray[np.float64], firth: bool
) -> tuple[float, NDArray[np.float64], Derivatives]:
    """The log-likelihood to maximise (penalized if ``firth``), its gradient and derivatives."""
    derivatives = risk.derivatives(beta, third=firth)
    if firth:
        loglik, score = derivatives.penalized()
        return loglik, score, derivatives
    return derivatives.loglik, derivatives.score, derivatives


def maximize(
    risk: RiskSets,
    start: NDArray[np.float64],
    firth: bool,
    free: NDArray[np.bool_] | None = None,
) -> Optimum:
    """Newton–Raphson with step halving over the ``free`` coordinates (all by default)."""
    beta = start.astype(np.float64).copy()
    free = np.ones(beta.size, dtype=bool) if free is None else free
    loglik, score, derivatives = objective(risk, beta, firth)
    converged = False
    iterations = 0
    limit = _MAX_ITER_FIRTH if firth else _MAX_ITER
    while iterations < limit and free.any():
        iterations += 1
        step = np.zeros(beta.size)
        info = derivatives.information[np.ix_(free, free)]
        try:
            step[free] = np.linalg.solve(info, score[free])
        except np.linalg.LinAlgError:
            break
        largest = float(np.max(np.abs(step)))
        if largest > _MAX_STEP:
            step *= _MAX_STEP / largest
        candidate = beta + step
        new = objective(risk, candidate, firth)
        halvings = 0
        while not new[0] >= loglik and halvings < _MAX_HALVINGS:
            candidate = (beta + candidate) / 2.0
            new = objective(risk, candidate, firth)
            halvings += 1
        change = abs(new[0] - loglik)
        moved = float(np.max(np.abs(candidate - beta)))
        beta = candidate
        loglik, score, derivatives = new
        if firth:
            done = moved <= _STEP_TOLERANCE * max(1.0, float(np.max(np.abs(beta))))
        else:
            done = change <= _RELATIVE_TOLERANCE * abs(loglik)
        if done:
            converged = True
            break
    return Optimum(beta, loglik, derivatives, iterations, converged)


def profile_loglik(
    risk: RiskSets, optimum: Optimum, index: int, value: float, firth: bool
) -> tuple[float, NDArray[np.float64]]:
    """max over the other coefficients of the (penalized) log-likelihood with β_index = value."""
    start = optimum.beta.copy()
    start[index] = value
    free = np.ones(start.size, dtype=bool)
    free[index] = False
    fit = maximize(risk, start, firth, free)
    return fit.loglik, fit.beta


def profile_limit(
    risk: RiskSets,
    optimum: Optimum,
    index: int,
    std_error: float,
    quantile: float,
    firth: bool,
    direction: int,
) -> float:
    """The profile-likelihood limit of coefficient ``index`` above (+1) or below (−1) β̂.

    Returns ±inf when the drop in the profile log-likelihood stays below ``quantile / 2`` out to
    ``_BRACKET_LIMIT`` standard errors: the likelihood is flat there (an infinite limit).
    """
    centre = float(optimum.beta[index])
    target = optimum.loglik - quantile / 2.0
    scale = std_error if np.isfinite(std_error) and std_error > 0 else 1.0

    def drop(value: float) -> float:
        return profile_loglik(risk, optimum, index, value, firth)[0] - target

    inner, width = centre, scale
    spread = float(np.ptp(risk.x[:, index]))
    reach = _BRACKET_LIMIT * min(max(scale, 1.0), 1.0 / spread if spread > 0 else 1.0)
    while width <= reach:
        outer = centre + direction * width
        if drop(outer) < 0.0:
            return float(brentq(drop, min(inner, outer), max(inner, outer), xtol=1e-12))
        inner, width = outer, width * 2.0
    return float(direction * np.inf)
