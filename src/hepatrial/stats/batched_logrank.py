"""The two-group log-rank test and its permutation version on many trials at once.

Each row of the (replicates × participants) arrays is one trial. The statistics are those of
:func:`hepatrial.stats.log_rank` and :func:`hepatrial.stats.log_rank_exact` (Mantel 1966; Peto &
Peto 1972; hypergeometric variance with the tie correction, Kalbfleisch & Prentice 2002, §7.2;
permutation distribution, Heimann & Neuhaus 1998, Biometrics 54:168–184), computed without a
Python loop over rows: each row is sorted once, and a risk set is then a suffix of the row.

For the permutation test the observed labelling and each relabelling x give
``O − E = x·a`` with a the log-rank (Savage) scores of the pooled sample and
``V = Σ_j w_j p_j (1 − p_j)`` with ``p_j = S_j(x)/n_j`` and ``S_j(x)`` the number of x's ones
from the start of risk set j onwards. Expanding ``V = S(x)·u − S(x)²·v`` makes the statistic of
B labellings for R trials three (B × n) by (n × R) matrix products.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from math import comb
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy.stats import chi2

from hepatrial.errors import InputError
from hepatrial.stats._batched_rows import SortedRows, check_rows, padded_cumsum, sort_rows

__all__ = [
    "ExactLogRankBatch",
    "LogRankBatch",
    "log_rank_batched",
    "log_rank_exact_batched",
]

# As in the scalar test: a relabelling within this relative distance of the observed statistic
# counts as "as extreme", so that rounding does not split equal statistics arbitrarily.
_TIE_TOLERANCE = 1e-9
# Trials that share one set of random labellings. Each trial's p-value is valid whatever the
# block; sharing makes the p-values of trials in a block slightly dependent (a set of labellings
# that happens to be extreme moves them together), so blocks are kept small: the Monte Carlo
# error of a rejection rate over many blocks is then close to the binomial one.
_BLOCK = 100


@dataclass(frozen=True, slots=True, eq=False)
class LogRankBatch:
    """Per trial: observed and expected events of group 1, the variance, chi-square and p-value.

    ``chi_square`` and ``p_value`` are NaN where the test is undefined (no events, or only one
    group at risk at the event times), as :func:`hepatrial.stats.log_rank` reports them.
    """

    observed: NDArray[np.float64]
    expected: NDArray[np.float64]
    variance: NDArray[np.float64]
    chi_square: NDArray[np.float64]
    p_value: NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class _Risk:
    """Per-position quantities of the pooled risk sets, read at tie-group ends."""

    rows: SortedRows
    at_risk: NDArray[np.float64]
    deaths: NDArray[np.float64]
    weight: NDArray[np.float64]

    @classmethod
    def build(cls, rows: SortedRows) -> _Risk:
        at_risk = (rows.n - rows.start).astype(np.float64)
        deaths = np.where(rows.last, rows.group_sum(rows.event), 0.0)
        # (n − d)/(n − 1) corrects for tied deaths; a risk set of one has no variance
        weight = np.divide(
            deaths * (at_risk - deaths),
            at_risk - 1.0,
            out=np.zeros_like(at_risk),
            where=at_risk > 1.0,
        )
        return cls(rows, at_risk, deaths, weight)


def log_rank_batched(time: Any, event: Any, group: Any) -> LogRankBatch:
    """Two-group log-rank test of every row of (replicates × participants) arrays.

    ``group`` is 0 for the reference arm and 1 for the other; ``observed``/``expected`` are group
    1's. Identical to :func:`hepatrial.stats.log_rank` row by row (survdiff, rho = 0), ties
    included.
    """
    t, e, g = check_rows(time, event, group)
    risk = _Risk.build(sort_rows(t, e, g))
    rows = risk.rows
    in_group = rows.suffix_count(rows.group)
    share = in_group / risk.at_risk
    observed = (rows.event * rows.group).sum(axis=1)
    expected = (risk.deaths * share).sum(axis=1)
    expected_other = (risk.deaths * (risk.at_risk - in_group) / risk.at_risk).sum(axis=1)
    variance = (risk.weight * share * (1.0 - share)).sum(axis=1)
    defined = (expected > 0) & (expected_other > 0)
    # a zero variance with both groups informative forces O − E = 0 (as survdiff's generalized
    # inverse does): the statistic is 0, not undefined
    statistic = np.divide(
        (observed - expected) ** 2, variance, out=np.zeros_like(variance), where=variance > 0
    )
    statistic = np.where(defined, statistic, np.nan)
    return LogRankBatch(observed, expected, variance, statistic, chi2.sf(statistic, 1))


@dataclass(frozen=True, slots=True, eq=False)
class ExactLogRankBatch:
    """Per trial: the log-rank chi-square and its permutation p-value.

    ``method`` is ``"enumeration"`` when all ``n_labellings`` = C(n, n₁) labellings were scored
    (exact p-values) or ``"monte carlo"`` when ``n_labellings`` random ones were, drawn afresh for
    every block of 100 trials (p = (1 + #as extreme)/(1 + n_labellings); Phipson & Smyth 2010,
    Stat Appl Genet Mol Biol 9:39).
    """

    chi_square: NDArray[np.float64]
    p_value: NDArray[np.float64]
    method: Literal["enumeration", "monte carlo"]
    n_labellings: int


def _scores_and_weights(
    risk: _Risk,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Savage scores a (R × n) and the weights u, v (R × (n+1)) placed at risk-set starts."""
    rows = risk.rows
    replicates, n = rows.time.shape
    hazard = np.where(rows.last, risk.deaths / risk.at_risk, 0.0)
    cumulative_hazard = np.take_along_axis(padded_cumsum(hazard), rows.end + 1, axis=1)
    scores = rows.event - cumulative_hazard
    flat = (rows.start + (n + 1) * np.arange(replicates)[:, None]).ravel()
    used = (rows.last & (risk.deaths > 0)).ravel()
    size = replicates * (n + 1)
    u_values = (risk.weight / risk.at_risk).ravel()[used]
    v_values = (risk.weight / risk.at_risk**2).ravel()[used]
    u = np.bincount(flat[used], weights=u_values, minlength=size).astype(np.float64)
    v = np.bincount(flat[used], weights=v_values, minlength=size).astype(np.float64)
    return scores, u.reshape(replicates, n + 1), v.reshape(replicates, n + 1)


def _statistics(
    labellings: NDArray[np.float64],
    scores: NDArray[np.float64],
    u: NDArray[np.float64],
    v: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Chi-square of each labelling (rows) for each trial (columns): a (B × R) array."""
    suffix = np.zeros((labellings.shape[0], labellings.shape[1] + 1))
    suffix[:, :-1] = np.cumsum(labellings[:, ::-1], axis=1)[:, ::-1]
    score = labellings @ scores.T
    variance = suffix @ u.T - (suffix**2) @ v.T
    # rounding can leave a true zero variance at ±1e-17; such a labelling has O − E = 0
    positive = variance > 1e-12
    return np.divide(score**2, variance, out=np.zeros_like(score), where=positive)


def _observed_statistics(
    group: NDArray[np.float64],
    scores: NDArray[np.float64],
    u: NDArray[np.float64],
    v: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Chi-square of each trial's own labelling (its sorted group indicator): length R."""
    suffix = np.zeros((group.shape[0], group.shape[1] + 1))
    suffix[:, :-1] = np.cumsum(group[:, ::-1], axis=1)[:, ::-1]
    score = (group * scores).sum(axis=1)
    variance = (suffix * u).sum(axis=1) - (suffix**2 * v).sum(axis=1)
    positive = variance > 1e-12
    statistic: NDArray[np.float64] = np.divide(
        score**2, variance, out=np.zeros_like(score), where=positive
    )
    return statistic


def _all_labellings(n: int, size: int) -> NDArray[np.float64]:
    total = comb(n, size)
    members = np.fromiter(
        itertools.chain.from_iterable(itertools.combinations(range(n), size)),
        dtype=np.intp,
        count=total * size,
    ).reshape(total, size)
    labellings = np.zeros((total, n))
    np.put_along_axis(labellings, members, 1.0, axis=1)
    return labellings


def log_rank_exact_batched(
    time: Any,
    event: Any,
    group: Any,
    *,
    rng: np.random.Generator,
    n_resamples: int = 1000,
    max_enumeration: int | None = None,
) -> ExactLogRankBatch:
    """Permutation log-rank test of every row; all rows must have the same size of group 1.

    When C(n, n₁) ≤ ``max_enumeration`` (default ``n_resamples``: enumerating is then no more work
    than sampling) every labelling is scored and the p-value is exact, as
    :func:`hepatrial.stats.log_rank_exact` by enumeration. Otherwise ``n_resamples`` random
    labellings of the sorted positions are drawn for each block of 100 trials; because the
    permutation distribution is uniform over all labellings, a random labelling of sorted
    positions is a random labelling of participants, so each trial's p-value is a valid Monte
    Carlo p-value.
    Rows whose log-rank test is undefined get NaN.
    """
    for name, value in (("n_resamples", n_resamples), ("max_enumeration", max_enumeration)):
        if value is not None and (not isinstance(value, int) or value < 1):
            raise InputError(field=name, expected="a positive whole number", received=value)
    t, e, g = check_rows(time, event, group)
    sizes = g.sum(axis=1)
    size = int(sizes[0])
    if not (sizes == size).all() or not 0 < size < t.shape[1]:
        raise InputError(
            field="group",
            expected="the same number of group-1 members (≥ 1, < n) in every row",
            received=f"between {int(sizes.min())} and {int(sizes.max())}",
        )
    n = t.shape[1]
    risk = _Risk.build(sort_rows(t, e, g))
    scores, u, v = _scores_and_weights(risk)
    observed = _observed_statistics(risk.rows.group, scores, u, v)
    undefined = np.isnan(log_rank_batched(t, e, g).chi_square)
    limit = n_resamples if max_enumeration is None else max_enumeration
    enumerate_all = comb(n, size) <= limit
    fixed = _all_labellings(n, size) if enumerate_all else None
    base = np.zeros(n)
    base[:size] = 1.0
    count = np.zeros(t.shape[0])
    for first in range(0, t.shape[0], _BLOCK):
        block = slice(first, first + _BLOCK)
        labellings = (
            fixed
            if fixed is not None
            else rng.permuted(np.broadcast_to(base, (n_resamples, n)), axis=1)
        )
        threshold = observed[block] * (1.0 - _TIE_TOLERANCE) - _TIE_TOLERANCE
        stats = _statistics(labellings, scores[block], u[block], v[block])
        count[block] = (stats >= threshold[None, :]).sum(axis=0)
    if fixed is not None:
        p_value = count / fixed.shape[0]
        method: Literal["enumeration", "monte carlo"] = "enumeration"
        n_labellings = fixed.shape[0]
    else:
        p_value = (1.0 + count) / (1.0 + n_resamples)
        method = "monte carlo"
        n_labellings = n_resamples
    observed = np.where(undefined, np.nan, observed)
    return ExactLogRankBatch(observed, np.where(undefined, np.nan, p_value), method, n_labellings)
