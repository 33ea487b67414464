"""The log-rank test comparing survival between groups, optionally stratified, and its exact
permutation version for small trials.

Mantel (1966), "Evaluation of survival data and two new rank order statistics arising in its
consideration", Cancer Chemotherapy Reports 50:163–170; Peto & Peto (1972), JRSS A 135:185–207.
The hypergeometric variance and the stratified sum follow Kalbfleisch & Prentice (2002), *The
Statistical Analysis of Failure Time Data*, §7.2, and match R's ``survival::survdiff`` (rho = 0).
The permutation test follows Peto & Peto (1972) and Heimann & Neuhaus (1998), "Permutational
distribution of the log-rank statistic under random censorship with applications to carcinogenicity
assays", Biometrics 54:168–184.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from math import comb
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.stats import chi2

from hepatrial.errors import InputError
from hepatrial.stats._survival_data import ArrayLike, check_groups, check_time_event

__all__ = ["ExactLogRankResult", "LogRankResult", "log_rank", "log_rank_exact"]

# Labellings are scored in blocks of this many rows: (block × n) matrices stay a few megabytes.
_BLOCK = 1 << 15
# A permuted statistic within this relative distance of the observed one counts as "as extreme",
# so that labellings giving the same statistic up to rounding are not split arbitrarily.
_TIE_TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True, eq=False)
class LogRankResult:
    """Observed and expected events per group and the chi-square test of equal hazards.

    ``chi_square``, ``p_value`` are NaN only when the test is undefined (fewer than two groups, or
    no events); ``notes`` then says why.
    """

    groups: tuple[str, ...]
    n: NDArray[np.int64]
    observed: NDArray[np.float64]
    expected: NDArray[np.float64]
    variance: NDArray[np.float64]
    chi_square: float
    df: int
    p_value: float
    strata: tuple[str, ...]
    notes: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row per group: n, observed, expected, (O−E)²/E, and the test repeated on each row."""
        with np.errstate(divide="ignore", invalid="ignore"):
            contribution = (self.observed - self.expected) ** 2 / self.expected
        return pd.DataFrame(
            {
                "group": self.groups,
                "n": self.n,
                "observed": self.observed,
                "expected": self.expected,
                "o_minus_e_squared_over_e": contribution,
                "chi_square": self.chi_square,
                "df": self.df,
                "p_value": self.p_value,
            }
        )


def risk_table(
    time: NDArray[np.float64], event: NDArray[np.bool_], codes: NDArray[np.intp], k: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Numbers at risk and events per group at each distinct event time: two (m × k) arrays."""
    distinct, index = np.unique(time, return_inverse=True)
    flat = index * k + codes
    removed = np.bincount(flat, minlength=distinct.size * k).reshape(distinct.size, k)
    events = np.bincount(flat, weights=event, minlength=distinct.size * k).reshape(distinct.size, k)
    at_risk = removed[::-1].cumsum(axis=0)[::-1]
    has_event = events.sum(axis=1) > 0
    return at_risk[has_event].astype(np.float64), events[has_event]


def score_and_variance(
    at_risk: NDArray[np.float64], events: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Observed, expected (length k) and the hypergeometric covariance (k × k) of one stratum."""
    n = at_risk.sum(axis=1)
    d = events.sum(axis=1)
    share = at_risk / n[:, None]
    expected = (share * d[:, None]).sum(axis=0)
    # the (n − d)/(n − 1) factor corrects for tied events; a risk set of one has no variance
    spread = np.divide(d * (n - d), n - 1.0, out=np.zeros_like(n), where=n > 1.0)
    variance = np.diag((spread[:, None] * share).sum(axis=0)) - np.einsum(
        "j,ja,jb->ab", spread, share, share
    )
    return events.sum(axis=0), expected, variance


def log_rank(
    time: ArrayLike,
    event: ArrayLike,
    group: ArrayLike,
    *,
    strata: ArrayLike | None = None,
) -> LogRankResult:
    """Log-rank test of equal survival across groups, stratified when ``strata`` is given.

    The statistic is (O − E)ᵀ V⁻ (O − E) over the groups, with V the hypergeometric covariance
    summed over distinct event times (and over strata), and df = number of groups with a non-zero
    expected count − 1, as in ``survdiff`` (Kalbfleisch & Prentice 2002, §7.2).
    """
    times, events = check_time_event(time, event)
    groups = check_groups(group, times.size)
    k = len(groups.labels)
    if strata is None:
        stratum_codes = np.zeros(times.size, dtype=np.intp)
        stratum_labels: tuple[str, ...] = ()
    else:
        coded = check_groups(strata, times.size, field="strata")
        stratum_codes, stratum_labels = coded.codes, coded.labels
    observed = np.zeros(k)
    expected = np.zeros(k)
    variance = np.zeros((k, k))
    for s in range(int(stratum_codes.max()) + 1):
        mask = stratum_codes == s
        at_risk, counts = risk_table(times[mask], events[mask], groups.codes[mask], k)
        o, e, v = score_and_variance(at_risk, counts)
        observed += o
        expected += e
        variance += v
    n = np.bincount(groups.codes, minlength=k).astype(np.int64)
    notes: list[str] = []
    informative = np.flatnonzero(expected > 0)
    df = informative.size - 1
    if k < 2:
        notes.append(f"only one group ({groups.labels[0]}): the log-rank test is not defined")
        statistic = float("nan")
    elif not events.any():
        notes.append("no events in any group: the log-rank test is not defined")
        statistic = float("nan")
    elif df < 1:
        notes.append(
            "only one group has participants at risk at the event times: "
            "the log-rank test is not defined"
        )
        statistic = float("nan")
    else:
        # survdiff drops the last informative group; a generalized inverse keeps this exact when
        # a group contributes nothing (its row and column of V are zero).
        kept = informative[:-1]
        diff = (observed - expected)[kept]
        sub = variance[np.ix_(kept, kept)]
        statistic = float(diff @ np.linalg.pinv(sub) @ diff)
        for label, count in zip(groups.labels, observed, strict=True):
            if count == 0:
                notes.append(f"group {label} had no events: the test still applies")
    p_value = float(chi2.sf(statistic, df)) if np.isfinite(statistic) else float("nan")
    return LogRankResult(
        groups=groups.labels,
        n=n,
        observed=observed,
        expected=expected,
        variance=variance,
        chi_square=statistic,
        df=max(df, 0),
        p_value=p_value,
        strata=stratum_labels,
        notes=tuple(notes),
    )


@dataclass(frozen=True, slots=True, eq=False)
class ExactLogRankResult:
    """Permutation log-rank test of two groups.

    ``method`` is ``"enumeration"`` when every labelling with the observed group sizes was scored
    (the p-value is then exact) or ``"monte carlo"`` when ``n_labellings`` random labellings were.
    """

    groups: tuple[str, ...]
    chi_square: float
    p_value: float
    asymptotic_p_value: float
    method: Literal["enumeration", "monte carlo"]
    n_labellings: int
    notes: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row: the statistic, permutation and asymptotic p-values, and the method."""
        return pd.DataFrame(
            {
                "chi_square": [self.chi_square],
                "p_value": [self.p_value],
                "asymptotic_p_value": [self.asymptotic_p_value],
                "method": [self.method],
                "n_labellings": [self.n_labellings],
            }
        )


@dataclass(frozen=True, slots=True)
class _PooledRiskSets:
    """What every labelling shares: log-rank scores, the risk-set matrix and per-time weights.

    With x the 0/1 indicator of the first group, O − E = x·a where a_i = δ_i − Λ(t_i) is the
    log-rank (Savage) score from the pooled Nelson–Aalen estimate Λ (Peto & Peto 1972), and the
    variance is Σ_j c_j p_j (1 − p_j) with p_j = (x·R_j)/n_j the first group's share of risk set j.
    """

    scores: NDArray[np.float64]
    at_risk: NDArray[np.float64]
    n_at_risk: NDArray[np.float64]
    weight: NDArray[np.float64]

    @classmethod
    def build(cls, time: NDArray[np.float64], event: NDArray[np.bool_]) -> _PooledRiskSets:
        event_times = np.unique(time[event])
        at_risk = (time[:, None] >= event_times[None, :]).astype(np.float64)
        n = at_risk.sum(axis=0)
        d = (event[:, None] & (time[:, None] == event_times[None, :])).sum(axis=0).astype(float)
        hazard_cumulative = (at_risk * (d / n)[None, :]).sum(axis=1)
        weight = np.divide(d * (n - d), n - 1.0, out=np.zeros_like(n), where=n > 1.0)
        return cls(event.astype(np.float64) - hazard_cumulative, at_risk, n, weight)

    def statistic(self, labellings: NDArray[np.float64]) -> NDArray[np.float64]:
        """The log-rank chi-square of each row of a (labellings × n) 0/1 matrix."""
        score = labellings @ self.scores
        share = (labellings @ self.at_risk) / self.n_at_risk
        variance = (share * (1.0 - share)) @ self.weight
        # a zero variance forces O − E = 0 (each risk set is all in, or all out of, one group)
        return np.divide(score**2, variance, out=np.zeros_like(score), where=variance > 0.0)


def _count_at_least(
    pooled: _PooledRiskSets, blocks: Iterable[NDArray[np.intp]], n: int, observed: float
) -> int:
    threshold = observed * (1.0 - _TIE_TOLERANCE) - _TIE_TOLERANCE
    count = 0
    for members in blocks:
        labellings = np.zeros((members.shape[0], n))
        np.put_along_axis(labellings, members, 1.0, axis=1)
        count += int(np.count_nonzero(pooled.statistic(labellings) >= threshold))
    return count


def _all_subsets(n: int, size: int) -> Iterator[NDArray[np.intp]]:
    """Every size-``size`` subset of range(n) as rows of index blocks, generated in C."""
    combos = itertools.combinations(range(n), size)
    total = comb(n, size)

    def block(rows: int) -> NDArray[np.intp]:
        flat = np.fromiter(
            itertools.chain.from_iterable(itertools.islice(combos, rows)),
            dtype=np.intp,
            count=rows * size,
        )
        return flat.reshape(rows, size)

    sizes = [min(_BLOCK, total - start) for start in range(0, total, _BLOCK)]
    return (block(rows) for rows in sizes)


def log_rank_exact(
    time: ArrayLike,
    event: ArrayLike,
    group: ArrayLike,
    *,
    max_enumeration: int = 1_000_000,
    n_resamples: int = 100_000,
    rng: np.random.Generator | None = None,
) -> ExactLogRankResult:
    """Permutation log-rank test of two groups, exact by full enumeration when feasible.

    The reference distribution is the log-rank chi-square over all C(n, n₁) relabellings that keep
    the group sizes (the randomization distribution under H0 of equal survival; Heimann & Neuhaus
    1998). Each block of labellings is scored with two matrix products over the pooled risk sets,
    so C(22, 11) = 705,432 labellings take about a second. When C(n, n₁) exceeds
    ``max_enumeration``, ``n_resamples`` random labellings drawn from ``rng`` estimate the p-value
    as (1 + #as extreme)/(1 + n_resamples) (Phipson & Smyth 2010, Stat Appl Genet Mol Biol 9:39).
    """
    times, events = check_time_event(time, event)
    groups = check_groups(group, times.size)
    if len(groups.labels) > 2:
        raise InputError(
            field="group", expected="two groups", received=f"{len(groups.labels)} groups"
        )
    for name, value in (("max_enumeration", max_enumeration), ("n_resamples", n_resamples)):
        if not isinstance(value, int) or value < 1:
            raise InputError(field=name, expected="a positive whole number", received=value)
    asymptotic = log_rank(time, event, group)
    undefined = not np.isfinite(asymptotic.chi_square)
    if undefined:
        return ExactLogRankResult(
            groups=groups.labels,
            chi_square=float("nan"),
            p_value=float("nan"),
            asymptotic_p_value=float("nan"),
            method="enumeration",
            n_labellings=0,
            notes=(*asymptotic.notes, "the permutation test is not defined either"),
        )
    n = times.size
    first = groups.codes == 0
    size = int(first.sum())
    pooled = _PooledRiskSets.build(times, events)
    observed = float(pooled.statistic(first.astype(np.float64)[None, :])[0])
    total = comb(n, size)
    notes = list(asymptotic.notes)
    if total <= max_enumeration:
        count = _count_at_least(pooled, _all_subsets(n, size), n, observed)
        p_value = count / total
        method: Literal["enumeration", "monte carlo"] = "enumeration"
        n_labellings = total
    else:
        if rng is None:
            raise InputError(
                field="rng",
                expected=f"a numpy Generator: C({n}, {size}) = {total} labellings exceed "
                f"max_enumeration = {max_enumeration}, so the test samples them",
                received=rng,
            )
        blocks = []
        for start in range(0, n_resamples, _BLOCK):
            rows = min(_BLOCK, n_resamples - start)
            keys = rng.random((rows, n))
            blocks.append(np.argpartition(keys, size - 1, axis=1)[:, :size])
        count = _count_at_least(pooled, blocks, n, observed)
        p_value = (1 + count) / (1 + n_resamples)
        method = "monte carlo"
        n_labellings = n_resamples
        notes.append(
            f"Monte Carlo p-value from {n_resamples} random labellings "
            f"(standard error about {np.sqrt(p_value * (1 - p_value) / n_resamples):.2g})"
        )
    return ExactLogRankResult(
        groups=groups.labels,
        chi_square=observed,
        p_value=p_value,
        asymptotic_p_value=asymptotic.p_value,
        method=method,
        n_labellings=n_labellings,
        notes=tuple(notes),
    )
