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

__all__ = ["Pattern", "RemlFit", "covariance_derivatives", "fit_reml", "group_patterns"]

_LOG_2PI = float(np.log(2.0 * np.pi))
# Central-difference steps for ∂Σ/∂θ (a cheap smooth map) and for the Hessian of ℓ_R from its score.
_COVARIANCE_STEP = 1e-6
_HESSIAN_STEP = 1e-5
# The score at the optimum must be this small relative to the log-likelihood's scale.
_SCORE_TOLERANCE = 1e-4
# Fisher scoring polishes an L-BFGS-B result whose score is above this (relative) level; it stops
# when a step moves no parameter by more than _STEP_TOLERANCE.
_POLISH_TOLERANCE = 1e-9
_STEP_TOLERANCE = 1e-10
# Scoring from a converging start needs about ten steps; an unbounded ℓ_R (too few participants
# for the structure) would walk towards a singular Σ for ever, so it stops early.
_MAX_SCORING = 25
_MAX_HALVINGS = 30


@dataclass(frozen=True, slots=True)
class Pattern:
    """Participants seen at the same visits: responses ``(n, k)`` and design ``(k, n, p)``."""

    visits: NDArray[np.intp]
    response: NDArray[np.float64]
    design: NDArray[np.float64]

    @property
    def block(self) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        """Index of the pattern's rows and columns in a ``T × T`` matrix."""
        return self.visits[:, None], self.visits[None, :]


@dataclass(frozen=True, slots=True)
class RemlFit:
    """Optimum of the REML log-likelihood for one covariance structure.

    ``theta`` are the structure's unconstrained parameters at the optimum and ``information`` the
    observed information ``-∂²ℓ_R/∂θ²`` there (``None`` when it could not be evaluated).
    """

    structure: Structure
    coef: NDArray[np.float64]
    coef_covariance: NDArray[np.float64]
    residual_covariance: NDArray[np.float64]
    loglik: float
    converged: bool
    problem: str
    theta: NDArray[np.float64] | None = None
    information: NDArray[np.float64] | None = None


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
        # Contiguous (visit, participant, effect) blocks reshape to matrices without copying.
        blocks = np.ascontiguousarray(design[rows].transpose(1, 0, 2))
        patterns.append(Pattern(np.array(key, dtype=np.intp), response[rows], blocks))
    return tuple(patterns)


def _unstructured_derivatives(theta: NDArray[np.float64], n_visits: int) -> NDArray[np.float64]:
    """Σ = L Lᵀ with θ the lower triangle of L, its diagonal on the log scale (Pinheiro & Bates
    1996): ∂Σ/∂θ_k = ∂L Lᵀ + L ∂Lᵀ, where ∂L has the single entry c_k at (i_k, j_k), c_k = L_ii on
    the diagonal and 1 below it."""
    rows, columns = np.tril_indices(n_visits)
    factor = np.zeros((n_visits, n_visits))
    factor[rows, columns] = theta
    factor[np.diag_indices(n_visits)] = np.exp(np.diag(factor))
    scale = np.where(rows == columns, factor[rows, columns], 1.0)
    half = np.zeros((theta.size, n_visits, n_visits))
    half[np.arange(theta.size), rows, :] = scale[:, None] * factor[:, columns].T
    return np.asarray(half + half.transpose(0, 2, 1), dtype=np.float64)


def covariance_derivatives(
    structure: Structure, theta: NDArray[np.float64], n_visits: int
) -> NDArray[np.float64]:
    """∂Σ/∂θ_k stacked along k: exact for the unstructured log-Cholesky form, otherwise by
    central differences of the (smooth) parametrisation."""
    if structure == "unstructured":
        return _unstructured_derivatives(theta, n_visits)
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
    # A line search may try a θ whose exp() overflows: that point is rejected, not an error.
    with np.errstate(over="ignore", invalid="ignore"):
        sigma = covariance_matrix(structure, theta, n_visits)
    if not np.all(np.isfinite(sigma)):
        return None
    n_fixed = patterns[0].design.shape[2]
    xtvx = np.zeros((n_fixed, n_fixed))
    xtvy = np.zeros(n_fixed)
    yvy = 0.0
    logdet = 0.0
    inverses = []
    for pattern in patterns:
        # One symmetric eigendecomposition gives the check, the inverse and the log-determinant.
        eigenvalues, vectors = np.linalg.eigh(sigma[pattern.block])
        if not eigenvalues[0] > 1e-12 * max(eigenvalues[-1], 0.0):
            return None
        inverse = (vectors / eigenvalues) @ vectors.T
        inverses.append(inverse)
        # Plain matrix products over (visit, participant) rows: einsum would not use BLAS here.
        k, n, _ = pattern.design.shape
        stacked = pattern.design.reshape(k * n, n_fixed)
        vx = (inverse @ pattern.design.reshape(k, n * n_fixed)).reshape(k * n, n_fixed)
        xtvx += stacked.T @ vx
        xtvy += vx.T @ pattern.response.T.reshape(k * n)
        yvy += float(np.sum((pattern.response @ inverse) * pattern.response))
        logdet += n * float(np.sum(np.log(eigenvalues)))
    sign, log_det_xtvx = np.linalg.slogdet(xtvx)
    if sign <= 0:
        return None
    coef_covariance = np.asarray(np.linalg.inv(xtvx), dtype=np.float64)
    coef = np.asarray(coef_covariance @ xtvy, dtype=np.float64)
    loglik = -0.5 * ((n_obs - n_fixed) * _LOG_2PI + logdet + log_det_xtvx + yvy - coef @ xtvy)
    # G collects V⁻¹ - V⁻¹X(XᵀV⁻¹X)⁻¹XᵀV⁻¹ - V⁻¹rrᵀV⁻¹ over participants, visit by visit.
    g = np.zeros((n_visits, n_visits))
    for pattern, inverse in zip(patterns, inverses, strict=True):
        k, n, _ = pattern.design.shape
        stacked = pattern.design.reshape(k * n, n_fixed)
        residual = pattern.response - (stacked @ coef).reshape(k, n).T
        hat = (stacked @ coef_covariance).reshape(k, n * n_fixed) @ stacked.reshape(
            k, n * n_fixed
        ).T
        middle = (
            pattern.response.shape[0] * np.eye(pattern.visits.size)
            - (hat + residual.T @ residual) @ inverse
        )
        g[pattern.block] += inverse @ middle
    derivatives = covariance_derivatives(structure, theta, n_visits)
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


def _expected_information(
    theta: NDArray[np.float64], structure: Structure, n_visits: int, patterns: tuple[Pattern, ...]
) -> NDArray[np.float64]:
    """½ Σ_i tr(V_i⁻¹ ∂V_i/∂θ_k V_i⁻¹ ∂V_i/∂θ_l): the expected information of θ (ML form).

    Jennrich & Schluchter (1986), "Unbalanced repeated-measures models with structured covariance
    matrices", Biometrics 42:805–820, §3. It drops REML's O(p/N) correction, which is harmless for
    a scoring direction, and costs nothing per participant: one term per pattern of visits.
    """
    sigma = covariance_matrix(structure, theta, n_visits)
    derivatives = covariance_derivatives(structure, theta, n_visits)
    information = np.zeros((theta.size, theta.size))
    for pattern in patterns:
        index = pattern.block
        scaled = np.linalg.inv(sigma[index]) @ derivatives[:, index[0], index[1]]
        count = pattern.response.shape[0]
        information += 0.5 * count * np.einsum("kab,lba->kl", scaled, scaled)
    return information


def _fisher_scoring(
    theta: NDArray[np.float64],
    structure: Structure,
    n_visits: int,
    patterns: tuple[Pattern, ...],
    n_obs: int,
) -> NDArray[np.float64]:
    """Fisher scoring with step halving from ``theta``, for fits L-BFGS-B left short of the top.

    On many participants ℓ_R is steep and L-BFGS-B's first trial steps leave the parameter space;
    scoring steps are scaled by the information and stay inside (Jennrich & Schluchter 1986).
    """
    current = _evaluate(theta, structure, n_visits, patterns, n_obs)
    if current is None:
        return theta
    for _ in range(_MAX_SCORING):
        information = _expected_information(theta, structure, n_visits, patterns)
        try:
            step = np.linalg.solve(information, current.score)
        except np.linalg.LinAlgError:
            break
        for _ in range(_MAX_HALVINGS):
            candidate = _evaluate(theta + step, structure, n_visits, patterns, n_obs)
            # Near the top ℓ_R changes less than its rounding error: allow for that.
            slack = 1e-12 * max(1.0, abs(current.loglik))
            if candidate is not None and candidate.loglik >= current.loglik - slack:
                break
            step = step / 2.0
        else:
            break
        theta, current = theta + step, candidate
        if float(np.max(np.abs(step))) <= _STEP_TOLERANCE * max(1.0, float(np.max(np.abs(theta)))):
            break
    return theta


def fit_reml(
    structure: Structure,
    patterns: tuple[Pattern, ...],
    n_visits: int,
    n_obs: int,
    start_covariance: NDArray[np.float64],
) -> RemlFit:
    """Maximise ℓ_R over the structure's parameters with L-BFGS-B from the moment start.

    When L-BFGS-B stops with a score that is not yet near zero (typical with thousands of
    participants), Fisher scoring takes over from where it stopped.

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
    final = _evaluate(theta, structure, n_visits, patterns, n_obs)
    if final is None or np.max(np.abs(final.score)) > _POLISH_TOLERANCE * max(
        1.0, abs(final.loglik)
    ):
        theta = _fisher_scoring(
            theta if final is not None else theta0, structure, n_visits, patterns, n_obs
        )
        final = _evaluate(theta, structure, n_visits, patterns, n_obs)
    sigma = covariance_matrix(structure, theta, n_visits)
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
            theta,
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
        theta,
        None if hessian is None else -hessian,
    )
