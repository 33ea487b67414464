"""REML fit of a linear model with correlated residuals within participant (the MMRM engine).

The restricted log-likelihood of generalised least squares (Harville 1977, "Maximum likelihood
approaches to variance component estimation", JASA 72:320–338; Pinheiro & Bates 2000, *Mixed-Effects
Models in S and S-PLUS*, §2.2.5 and §5.1), on the scale ``nlme::gls`` reports::

    ℓ_R(θ) = -½ [(N - p) log 2π + Σ_i log|V_i| + log|Xᵀ V⁻¹ X| + rᵀ V⁻¹ r]

with ``V_i`` the rows and columns of the residual covariance for the visits participant ``i`` was
seen at and ``r = y - X β̂(θ)``. Its gradient is the standard REML score (Harville 1977, eq. 4.4)
``∂ℓ_R/∂θ_k = -½ tr[(V⁻¹ - V⁻¹X(XᵀV⁻¹X)⁻¹XᵀV⁻¹ - V⁻¹rrᵀV⁻¹) ∂V/∂θ_k]``, accumulated per pattern of
observed visits so that each pattern needs one Cholesky factor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

from hepatrial.stats._mmrm_covariance import Structure, covariance_matrix, start_theta

__all__ = ["Pattern", "RemlFit", "fit_reml", "group_patterns"]

_LOG_2PI = float(np.log(2.0 * np.pi))
# Central-difference steps for ∂Σ/∂θ (a cheap smooth map) and for the Hessian of ℓ_R from its score.
_COVARIANCE_STEP = 1e-6
_HESSIAN_STEP = 1e-5
# The score at the optimum must be this small relative to the log-likelihood's scale.
_SCORE_TOLERANCE = 1e-4


@dataclass(frozen=True, slots=True)
class Pattern:
    """Participants seen at the same visits: responses ``(n, k)`` and design ``(k, n, p)``."""

    visits: NDArray[np.intp]
    response: NDArray[np.float64]
    design: NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class RemlFit:
    """Optimum of the REML log-likelihood for one covariance structure."""

    structure: Structure
    coef: NDArray[np.float64]
    coef_covariance: NDArray[np.float64]
    residual_covariance: NDArray[np.float64]
    loglik: float
    converged: bool
    problem: str


@dataclass(frozen=True, slots=True)
class _Evaluation:
    loglik: float
    score: NDArray[np.float64]
    coef: NDArray[np.float64]
    coef_covariance: NDArray[np.float64]


def group_patterns(
    visit_index: NDArray[np.intp],
    subject_index: NDArray[np.intp],
    response: NDArray[np.float64],
    design: NDArray[np.float64],
) -> tuple[Pattern, ...]:
    """Group rows (sorted by subject then visit) by each subject's set of observed visits."""
    by_pattern: dict[tuple[int, ...], list[NDArray[np.intp]]] = {}
    boundaries = np.flatnonzero(np.diff(subject_index)) + 1
    for rows in np.split(np.arange(subject_index.size), boundaries):
        key = tuple(int(v) for v in visit_index[rows])
        by_pattern.setdefault(key, []).append(rows)
    patterns = []
    for key, members in by_pattern.items():
        rows = np.stack(members)
        patterns.append(
            Pattern(np.array(key, dtype=np.intp), response[rows], design[rows].transpose(1, 0, 2))
        )
    return tuple(patterns)


def _covariance_derivatives(
    structure: Structure, theta: NDArray[np.float64], n_visits: int
) -> NDArray[np.float64]:
    derivatives = np.empty((theta.size, n_visits, n_visits))
    for k in range(theta.size):
        step = np.zeros(theta.size)
        step[k] = _COVARIANCE_STEP
        derivatives[k] = (
            covariance_matrix(structure, theta + step, n_visits)
            - covariance_matrix(structure, theta - step, n_visits)
        ) / (2.0 * _COVARIANCE_STEP)
    return derivatives


def _evaluate(
    theta: NDArray[np.float64],
    structure: Structure,
    n_visits: int,
    patterns: tuple[Pattern, ...],
    n_obs: int,
) -> _Evaluation | None:
    sigma = covariance_matrix(structure, theta, n_visits)
    n_fixed = patterns[0].design.shape[2]
    xtvx = np.zeros((n_fixed, n_fixed))
    xtvy = np.zeros(n_fixed)
    yvy = 0.0
    logdet = 0.0
    inverses = []
    for pattern in patterns:
        block = sigma[np.ix_(pattern.visits, pattern.visits)]
        eigenvalues = np.linalg.eigvalsh(block)
        if not eigenvalues[0] > 1e-12 * max(eigenvalues[-1], 0.0):
            return None
        inverse = np.linalg.inv(block)
        inverses.append(inverse)
        vx = np.einsum("ab,bnp->anp", inverse, pattern.design)
        xtvx += np.einsum("anp,anq->pq", pattern.design, vx)
        xtvy += np.einsum("anp,na->p", vx, pattern.response)
        yvy += float(np.einsum("na,ab,nb->", pattern.response, inverse, pattern.response))
        logdet += pattern.response.shape[0] * float(np.linalg.slogdet(block)[1])
    sign, log_det_xtvx = np.linalg.slogdet(xtvx)
    if sign <= 0:
        return None
    coef_covariance = np.asarray(np.linalg.inv(xtvx), dtype=np.float64)
    coef = np.asarray(coef_covariance @ xtvy, dtype=np.float64)
    loglik = -0.5 * ((n_obs - n_fixed) * _LOG_2PI + logdet + log_det_xtvx + yvy - coef @ xtvy)
    # G collects V⁻¹ - V⁻¹X(XᵀV⁻¹X)⁻¹XᵀV⁻¹ - V⁻¹rrᵀV⁻¹ over participants, visit by visit.
    g = np.zeros((n_visits, n_visits))
    for pattern, inverse in zip(patterns, inverses, strict=True):
        residual = pattern.response - np.einsum("anp,p->na", pattern.design, coef)
        hat = np.einsum("anp,pq,bnq->ab", pattern.design, coef_covariance, pattern.design)
        middle = (
            pattern.response.shape[0] * np.eye(pattern.visits.size)
            - (hat + residual.T @ residual) @ inverse
        )
        g[np.ix_(pattern.visits, pattern.visits)] += inverse @ middle
    derivatives = _covariance_derivatives(structure, theta, n_visits)
    score = np.asarray(-0.5 * np.einsum("kab,ab->k", derivatives, g), dtype=np.float64)
    return _Evaluation(float(loglik), score, coef, coef_covariance)


def _hessian(
    score: Callable[[NDArray[np.float64]], NDArray[np.float64] | None], theta: NDArray[np.float64]
) -> NDArray[np.float64] | None:
    columns = []
    for k in range(theta.size):
        step = np.zeros(theta.size)
        step[k] = _HESSIAN_STEP * max(1.0, abs(float(theta[k])))
        upper, lower = score(theta + step), score(theta - step)
        if upper is None or lower is None:
            return None
        columns.append((upper - lower) / (2.0 * step[k]))
    hessian = np.column_stack(columns)
    return np.asarray(0.5 * (hessian + hessian.T), dtype=np.float64)


def fit_reml(
    structure: Structure,
    patterns: tuple[Pattern, ...],
    n_visits: int,
    n_obs: int,
    start_covariance: NDArray[np.float64],
) -> RemlFit:
    """Maximise ℓ_R over the structure's parameters with L-BFGS-B from the moment start.

    Converged means: the optimizer's score is near zero and the Hessian of ``-ℓ_R`` (central
    differences of the analytic score) is positive definite, i.e. a proper local maximum.
    """

    def objective(theta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        evaluation = _evaluate(theta, structure, n_visits, patterns, n_obs)
        if evaluation is None:
            # Rejecting a singular trial point makes the line search step back.
            return np.inf, np.zeros(theta.size)
        return -evaluation.loglik, -evaluation.score

    def score(theta: NDArray[np.float64]) -> NDArray[np.float64] | None:
        evaluation = _evaluate(theta, structure, n_visits, patterns, n_obs)
        return None if evaluation is None else evaluation.score

    theta0 = start_theta(structure, start_covariance, n_visits)
    result = minimize(
        objective,
        theta0,
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 5000, "ftol": 1e-15, "gtol": 1e-10},
    )
    theta = np.asarray(result.x, dtype=float)
    sigma = covariance_matrix(structure, theta, n_visits)
    final = _evaluate(theta, structure, n_visits, patterns, n_obs)
    if final is None:
        n_fixed = patterns[0].design.shape[2]
        nan = np.full(n_fixed, np.nan)
        return RemlFit(
            structure,
            nan,
            np.full((n_fixed, n_fixed), np.nan),
            sigma,
            np.nan,
            False,
            "the residual covariance became singular",
        )
    problem = ""
    hessian = _hessian(score, theta)
    scale = max(1.0, abs(final.loglik))
    if float(np.max(np.abs(final.score))) > _SCORE_TOLERANCE * scale:
        problem = f"the optimizer stopped away from a maximum ({result.message})"
    elif hessian is None or not np.all(np.isfinite(hessian)):
        problem = "the Hessian of the REML log-likelihood could not be evaluated"
    else:
        eigenvalues = np.linalg.eigvalsh(-hessian)
        if not eigenvalues[0] > 1e-8 * max(1.0, float(eigenvalues[-1])):
            problem = "the Hessian of the REML log-likelihood is not positive definite"
    return RemlFit(
        structure,
        final.coef,
        final.coef_covariance,
        sigma,
        final.loglik,
        problem == "",
        problem,
    )
