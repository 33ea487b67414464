"""Satterthwaite degrees of freedom for contrasts of the MMRM fixed effects.

For a contrast ``l`` the variance of ``l β̂`` is ``l C(θ) lᵀ`` with ``C = (Xᵀ V(θ)⁻¹ X)⁻¹``;
treating it as a scaled χ² and matching two moments gives (Satterthwaite 1946, "An approximate
distribution of estimates of variance components", Biometrics Bulletin 2:110–114; Giesbrecht &
Burns 1985,
Biometrics 41:477–486, as SAS PROC MIXED ``DDFM=SATTERTHWAITE`` and R's lmerTest compute it,
Kuznetsova, Brockhoff & Christensen 2017, J. Stat. Softw. 82(13))::

    df = 2 (l C lᵀ)² / (gᵀ A g),   g_k = l (∂C/∂θ_k) lᵀ,   A = [-∂²ℓ_R/∂θ²]⁻¹

with ``∂C/∂θ_k = C (Σ_i X_iᵀ V_i⁻¹ (∂V_i/∂θ_k) V_i⁻¹ X_i) C``. The sum runs per pattern of
observed visits, so no N × N matrix is formed. The df do not depend on how θ is parametrised,
because ``g`` and ``A`` transform together at the optimum.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from hepatrial.stats._mmrm_covariance import Structure, covariance_matrix
from hepatrial.stats._mmrm_fit import Pattern, covariance_derivatives

__all__ = ["satterthwaite_df"]


def _coef_covariance_derivatives(
    structure: Structure,
    theta: NDArray[np.float64],
    patterns: tuple[Pattern, ...],
    n_visits: int,
    coef_covariance: NDArray[np.float64],
) -> NDArray[np.float64]:
    """∂C/∂θ_k stacked along k."""
    sigma = covariance_matrix(structure, theta, n_visits)
    derivatives = covariance_derivatives(structure, theta, n_visits)
    n_fixed = coef_covariance.shape[0]
    middle = np.zeros((theta.size, n_fixed, n_fixed))
    for pattern in patterns:
        index = pattern.block
        k, n, _ = pattern.design.shape
        vx = (np.linalg.inv(sigma[index]) @ pattern.design.reshape(k, n * n_fixed)).reshape(
            k, n, n_fixed
        )
        # Σ over participants of (V⁻¹X)_ap (V⁻¹X)_bq as one matrix product, then contracted
        # with each ∂V/∂θ_k.
        by_participant = vx.transpose(1, 0, 2).reshape(n, k * n_fixed)
        outer = (by_participant.T @ by_participant).reshape(k, n_fixed, k, n_fixed)
        block = derivatives[:, index[0], index[1]]
        middle += np.tensordot(block, outer.transpose(0, 2, 1, 3), axes=([1, 2], [0, 1]))
    return np.asarray(coef_covariance @ middle @ coef_covariance, dtype=np.float64)


def satterthwaite_df(
    structure: Structure,
    theta: NDArray[np.float64],
    information: NDArray[np.float64],
    patterns: tuple[Pattern, ...],
    n_visits: int,
    coef_covariance: NDArray[np.float64],
    contrasts: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Satterthwaite df of each row of ``contrasts`` (one contrast of the fixed effects per row)."""
    d_cov = _coef_covariance_derivatives(structure, theta, patterns, n_visits, coef_covariance)
    theta_covariance = np.linalg.inv(information)
    variance = np.einsum("mp,pq,mq->m", contrasts, coef_covariance, contrasts)
    gradient = np.einsum("mp,kpq,mq->mk", contrasts, d_cov, contrasts)
    spread = np.einsum("mk,kl,ml->m", gradient, theta_covariance, gradient)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(2.0 * variance**2 / spread, dtype=np.float64)
