"""Risk-set sums of the Cox partial likelihood and its first three derivatives.

The log partial likelihood with Breslow (1974) or Efron (1977) handling of ties, its score and
observed information follow Therneau & Grambsch (2000), *Modeling Survival Data*, §3.2–3.3. Firth's
penalty ½ log|I(β)| (Firth 1993, Biometrika 80:27–38; Heinze & Schemper 2001, Biometrics
57:114–119) also needs ∂I/∂β_k, the third derivative: with ``m = N1/D`` the weighted covariate
mean and ``V = N2/D - m mᵀ`` the weighted covariance over the (Efron-adjusted) risk set of one
death,

    ∂V/∂β_k = N3_k/D - (N2/D) m_k - V_·k mᵀ - m V_k·

where ``N_r`` is the risk-set sum of ``exp(xβ) x^{⊗r}``. Efron's adjustment subtracts a fraction
of the tied deaths' own sums from every ``N_r`` and ``D``, which is linear in the weights, so the
same formula holds for both tie methods.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

__all__ = ["Derivatives", "RiskSets", "Ties"]

Ties = Literal["efron", "breslow"]


@dataclass(frozen=True, slots=True)
class Derivatives:
    """Log partial likelihood, score, information and (when asked) ∂I/∂β_k stacked along k."""

    loglik: float
    score: NDArray[np.float64]
    information: NDArray[np.float64]
    information_derivative: NDArray[np.float64] | None

    def penalized(self) -> tuple[float, NDArray[np.float64]]:
        """Firth's l*(β) = l(β) + ½ log|I(β)| and its score U*_k = U_k + ½ tr(I⁻¹ ∂I/∂β_k).

        Heinze & Schemper (2001), eq. (2) and the modified score of their §2.
        """
        if self.information_derivative is None:
            raise RuntimeError("the information derivative was not computed")
        sign, logdet = np.linalg.slogdet(self.information)
        if sign <= 0:
            return -np.inf, np.full(self.score.size, np.nan)
        inverse = np.linalg.inv(self.information)
        trace = np.einsum("ab,kba->k", inverse, self.information_derivative)
        return self.loglik + 0.5 * float(logdet), self.score + 0.5 * trace


@dataclass(frozen=True, slots=True)
class RiskSets:
    """The sorted data and, per distinct event time, its position and deaths, for fast sums."""

    x: NDArray[np.float64]
    event: NDArray[np.bool_]
    start: NDArray[np.intp]
    death_time: NDArray[np.intp]
    fraction: NDArray[np.float64]
    row_time: NDArray[np.intp]

    @classmethod
    def build(
        cls, time: NDArray[np.float64], event: NDArray[np.bool_], x: NDArray[np.float64], ties: Ties
    ) -> RiskSets:
        order = np.lexsort((~event, time))
        time, event, x = time[order], event[order], x[order]
        event_times, counts = np.unique(time[event], return_counts=True)
        start = np.searchsorted(time, event_times, side="left")
        death_time = np.searchsorted(event_times, time[event])
        # Efron replaces the j-th of d tied deaths' risk set by one with (j/d) of each tied
        # death removed; Breslow keeps the full risk set for all of them.
        row_time = np.repeat(np.arange(event_times.size), counts)
        within = np.arange(row_time.size) - np.repeat(np.cumsum(counts) - counts, counts)
        fraction = within / np.repeat(counts, counts) if ties == "efron" else np.zeros(within.size)
        return cls(x, event, start.astype(np.intp), death_time, fraction, row_time)

    def _per_death(self, weighted: NDArray[np.float64]) -> NDArray[np.float64]:
        """Risk-set sum of ``weighted`` for each death, less its Efron fraction of tied deaths."""
        at_risk = weighted[::-1].cumsum(axis=0)[::-1][self.start]
        tied = np.zeros_like(at_risk)
        np.add.at(tied, self.death_time, weighted[self.event])
        f = self.fraction.reshape((-1,) + (1,) * (weighted.ndim - 1))
        return np.asarray(at_risk[self.row_time] - f * tied[self.row_time], dtype=np.float64)

    def derivatives(self, beta: NDArray[np.float64], *, third: bool = False) -> Derivatives:
        """Log partial likelihood, score and observed information (and ∂I/∂β if ``third``)."""
        eta = self.x @ beta
        w = np.exp(eta)
        wx = w[:, None] * self.x
        wxx = wx[:, :, None] * self.x[:, None, :]
        den = self._per_death(w)
        mean = self._per_death(wx) / den[:, None]
        second = self._per_death(wxx) / den[:, None, None]
        dead = self.event
        loglik = float(eta[dead].sum() - np.log(den).sum())
        score = self.x[dead].sum(axis=0) - mean.sum(axis=0)
        covariance = second - mean[:, :, None] * mean[:, None, :]
        information = covariance.sum(axis=0)
        derivative = None
        if third:
            wxxx = wxx[:, :, :, None] * self.x[:, None, None, :]
            third_moment = self._per_death(wxxx) / den[:, None, None, None]
            # index order (death, a, b, k): ∂V_ab/∂β_k
            d_cov = (
                third_moment
                - second[:, :, :, None] * mean[:, None, None, :]
                - covariance[:, :, None, :] * mean[:, None, :, None]
                - mean[:, :, None, None] * covariance[:, None, :, :]
            )
            derivative = np.asarray(d_cov.sum(axis=0).transpose(2, 0, 1), dtype=np.float64)
        return Derivatives(loglik, score, information, derivative)
