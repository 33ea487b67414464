"""Competing risks: Aalen–Johansen cumulative incidence and Gray's K-sample test.

Both reproduce R's ``cmprsk`` (``cuminc`` and its ``Tests``): the same estimate, the same variance
and the same statistic, checked in ``tests/stats/test_competing_risks.py`` against reference values
kept in ``tests/reference/competing_risks/``.

Notation (one group, one cause of interest "1", every other cause pooled as "2"): at each distinct
time ``u``, ``Y(u)`` are at risk, ``d1(u)`` and ``d2(u)`` fail from cause 1 and from another cause,
``S`` is the all-cause Kaplan–Meier survival, ``F1`` and ``F2`` the cumulative incidences.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats as sps

from hepatrial.errors import InputError
from hepatrial.stats._survival_data import (
    ArrayLike,
    check_conf_level,
    check_groups,
    format_time,
)

__all__ = ["CumulativeIncidence", "GrayTest", "cumulative_incidence", "gray_test"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class CumulativeIncidence:
    """Cumulative incidence of each cause (and group) at the requested times.

    ``estimate[i]`` and ``variance[i]`` belong to ``group[i]``, ``cause[i]`` and ``time[i]``. The
    variance is cmprsk's (see :func:`cumulative_incidence`); ``lower``/``upper`` are pointwise
    intervals on the log(-log) scale. A time after a group's last follow-up is not estimable: its
    row holds NaN and a note says so.
    """

    group: tuple[Hashable, ...]
    cause: tuple[Hashable, ...]
    time: FloatArray
    estimate: FloatArray
    variance: FloatArray
    lower: FloatArray
    upper: FloatArray
    conf_level: float
    notes: tuple[str, ...]

    @property
    def std_error(self) -> FloatArray:
        """Square root of the variance."""
        return np.sqrt(self.variance)

    def to_frame(self) -> pd.DataFrame:
        """One row per group, cause and time."""
        return pd.DataFrame(
            {
                "group": list(self.group),
                "cause": list(self.cause),
                "time": self.time,
                "estimate": self.estimate,
                "variance": self.variance,
                "std_error": self.std_error,
                "lower": self.lower,
                "upper": self.upper,
            }
        )


@dataclass(frozen=True, slots=True)
class GrayTest:
    """Gray's test of equal cumulative incidence of ``cause`` across the groups."""

    cause: Hashable
    groups: tuple[Hashable, ...]
    statistic: float
    df: int
    p_value: float
    score: FloatArray
    covariance: FloatArray
    notes: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row: cause, statistic, df and p-value (cmprsk's ``Tests`` row)."""
        return pd.DataFrame(
            {
                "cause": [self.cause],
                "statistic": [self.statistic],
                "df": [self.df],
                "p_value": [self.p_value],
            }
        )


@dataclass(frozen=True, slots=True)
class _Counts:
    """Risk set and failures of one group at the pooled distinct times."""

    at_risk: FloatArray
    d1: FloatArray
    d2: FloatArray


def _inputs(
    time: ArrayLike, event: ArrayLike, group: ArrayLike | None
) -> tuple[FloatArray, NDArray[np.object_], NDArray[np.object_]]:
    t = np.asarray(time, dtype=np.float64).ravel()
    e = np.asarray(event, dtype=object).ravel()
    n = t.size
    if n == 0:
        raise InputError(field="time", expected="at least one participant", received="0 rows")
    if e.size != n:
        raise InputError(field="event", expected=f"{n} values (one per time)", received=e.size)
    if not np.all(np.isfinite(t)) or np.any(t < 0):
        bad = t[~(np.isfinite(t) & (t >= 0))][0]
        raise InputError(field="time", expected="finite times >= 0", received=float(bad))
    if any(pd.isna(v) for v in e):
        raise InputError(field="event", expected="a code for every participant", received=None)
    if group is None:
        g = np.full(n, "all", dtype=object)
    else:
        groups = check_groups(group, n)
        g = np.asarray(groups.labels, dtype=object)[groups.codes]
    return t, e, g


def _levels(values: NDArray[np.object_]) -> list[Hashable]:
    """Distinct values in sorted order, as R orders factor levels and causes."""
    return sorted(set(values.tolist()))


def _counts(
    t: FloatArray, is1: NDArray[np.bool_], is2: NDArray[np.bool_], grid: FloatArray
) -> _Counts:
    order = np.argsort(t, kind="stable")
    ts = t[order]
    at_risk = (ts.size - np.searchsorted(ts, grid, side="left")).astype(np.float64)
    idx = np.searchsorted(grid, t)
    d1 = np.bincount(idx[is1], minlength=grid.size).astype(np.float64)
    d2 = np.bincount(idx[is2], minlength=grid.size).astype(np.float64)
    return _Counts(at_risk=at_risk, d1=d1, d2=d2)


def _tie_weight(d: FloatArray, y: FloatArray) -> FloatArray:
    """Var of a hazard jump d/Y: d/Y² with the hypergeometric factor (Y-d)/(Y-1) for ties."""
    safe_y = np.where(y > 0, y, 1.0)
    factor = np.where(d > 1, (safe_y - d) / np.where(safe_y > 1, safe_y - 1.0, 1.0), 1.0)
    return np.where(d > 0, factor * d / safe_y**2, 0.0)


def _aalen_johansen(c: _Counts) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """S(u-), S(u), F1(u) and Var F1(u) at each grid time (Aalen & Johansen 1978; Gray's variance).

    Var F1(t) = Σ_{u≤t} S(u-)² { [1 - (F1(t)-F1(u))/S(u)]² v1(u) + [(F1(t)-F1(u))/S(u)]² v2(u) },
    with v_j = d_j/Y² · (Y-d_j)/(Y-1). It is the variance of the first-order expansion of F1(t) in
    the hazard jumps d1/Y and d2/Y, treated as uncorrelated with hypergeometric variance; this is
    the variance that cmprsk::cuminc reports (Gray, cmprsk documentation; Marubini & Valsecchi 1995,
    Analysing Survival Data from Clinical Trials, ch. 10). The ratio is 0 once S(u) = 0.
    """
    y = c.at_risk
    safe_y = np.where(y > 0, y, 1.0)
    step = np.where(y > 0, 1.0 - (c.d1 + c.d2) / safe_y, 1.0)
    s_after: FloatArray = np.cumprod(step).astype(np.float64)
    s_before = np.concatenate(([1.0], s_after[:-1]))
    f1 = np.cumsum(s_before * c.d1 / safe_y)
    inv_s = np.where(s_after > 0, 1.0 / np.where(s_after > 0, s_after, 1.0), 0.0)
    w1 = s_before**2 * _tie_weight(c.d1, y)
    w2 = s_before**2 * _tie_weight(c.d2, y)
    a1 = 1.0 + f1 * inv_s
    a2 = f1 * inv_s
    v1 = np.cumsum(w1 * a1**2 + w2 * a2**2)
    v2 = np.cumsum((w1 * a1 + w2 * a2) * inv_s)
    v3 = np.cumsum((w1 + w2) * inv_s**2)
    var = v1 + f1**2 * v3 - 2.0 * f1 * v2
    # Between cause-1 jumps the variance is constant; carry the value from the last jump rather
    # than recompute it, so rounding does not make a flat step wobble.
    jump = np.flatnonzero(c.d1 > 0)
    if jump.size == 0:
        return s_before, s_after, f1, np.zeros_like(f1)
    pos = np.searchsorted(jump, np.arange(y.size), side="right") - 1
    var = np.where(pos >= 0, var[jump[np.maximum(pos, 0)]], 0.0)
    return s_before, s_after, f1, var


def _loglog_interval(f: FloatArray, var: FloatArray, z: float) -> tuple[FloatArray, FloatArray]:
    """F^exp(±z·se/(F log F)): the log(-log) interval (Kalbfleisch & Prentice 2002, §4.3)."""
    inner = (f > 0) & (f < 1) & np.isfinite(var)
    safe = np.where(inner, f, 0.5)
    half = z * np.sqrt(np.where(inner, var, 0.0)) / (safe * np.log(safe))
    lower = np.where(inner, safe ** np.exp(-half), f)
    upper = np.where(inner, safe ** np.exp(half), f)
    return lower, upper


def cumulative_incidence(
    time: ArrayLike,
    event: ArrayLike,
    group: ArrayLike | None = None,
    *,
    times: ArrayLike | None = None,
    cencode: Hashable = 0,
    conf_level: float = 0.95,
) -> CumulativeIncidence:
    """Aalen–Johansen cumulative incidence of every cause, per group, at ``times``.

    ``event`` holds a cause code per participant, ``cencode`` marks the censored; every other code
    is a cause, competing with the rest. The estimate is F_c(t) = Σ_{u≤t} S(u-) d_c(u)/Y(u) (Aalen &
    Johansen 1978; Kalbfleisch & Prentice 2002, §8.2) and the variance is the one R's
    ``cmprsk::cuminc`` reports (Gray 1988; see ``_aalen_johansen``). ``times`` default to the
    distinct event times; a time after a group's last follow-up gives NaN with a note, as
    ``cmprsk::timepoints`` gives NA.
    """
    t, e, g = _inputs(time, event, group)
    conf_level = check_conf_level(conf_level)
    censored = np.array([v == cencode for v in e], dtype=bool)
    causes = _levels(e[~censored])
    groups = _levels(g)
    if times is None:
        at = np.unique(t[~censored])
    else:
        at = np.unique(np.asarray(times, dtype=np.float64).ravel())
        if at.size == 0 or not np.all(np.isfinite(at)):
            raise InputError(field="times", expected="finite times", received=at.tolist())
    notes: list[str] = []
    if not causes:
        notes.append("no participant had an event of any cause: every cumulative incidence is 0")
    z = float(sps.norm.ppf(0.5 + conf_level / 2))
    rows_g: list[Hashable] = []
    rows_c: list[Hashable] = []
    parts: list[FloatArray] = []
    for lvl in groups:
        in_g = g == lvl
        tg = t[in_g]
        grid = np.unique(tg)
        last = float(tg.max())
        beyond = at > last
        if np.any(beyond):
            notes.append(
                f"group {lvl}: follow-up ends at {format_time(last)}, so times after it "
                f"({', '.join(format_time(x) for x in at[beyond])}) are not estimable (NaN)"
            )
        if tg.size == 1:
            notes.append(f"group {lvl} has a single participant: its variance is 0 or undefined")
        for cause in causes:
            is1 = np.array([v == cause for v in e[in_g]], dtype=bool)
            is2 = ~censored[in_g] & ~is1
            counts = _counts(tg, is1, is2, grid)
            _, _, f1, var = _aalen_johansen(counts)
            pos = np.searchsorted(grid, at, side="right") - 1
            est = np.where(pos >= 0, f1[np.maximum(pos, 0)], 0.0)
            v = np.where(pos >= 0, var[np.maximum(pos, 0)], 0.0)
            est = np.where(beyond, np.nan, est)
            v = np.where(beyond, np.nan, v)
            rows_g.extend([lvl] * at.size)
            rows_c.extend([cause] * at.size)
            parts.append(np.vstack([at, est, v]))
    stacked = np.hstack(parts) if parts else np.empty((3, 0))
    lower, upper = _loglog_interval(stacked[1], stacked[2], z)
    return CumulativeIncidence(
        group=tuple(rows_g),
        cause=tuple(rows_c),
        time=stacked[0],
        estimate=stacked[1],
        variance=stacked[2],
        lower=lower,
        upper=upper,
        conf_level=conf_level,
        notes=tuple(notes),
    )


def _gray_score_and_covariance(
    per_group: Sequence[_Counts],
) -> tuple[FloatArray, FloatArray]:
    """Score vector and its covariance for Gray's test with rho = 0 (Gray 1988, §2).

    Group k's score is z_k = Σ_t [d1_k(t) - d1(t)·R_k(t)/R(t)], where R_k = Y_k(1-F1_k(t-))/S_k(t-)
    is the subdistribution risk set and R = Σ_r R_r.

    The covariance is Gray's estimator as cmprsk computes it: the first-order expansion of z in
    the hazard jumps of each group r, evaluated under the null hypothesis. With h_r = Y_r/S_r(t-),
    h = Σ_r h_r, the pooled cumulative incidence F (jumps d1/h), a_kr = h_k(1[k=r] - h_r/h) and
    G_kr(u) = Σ_{t>u} a_kr(t) d1(t) / (h(t)(1-F(t-))), the cause-1 jump of group r at u enters
    with coefficient a_kr + (1 - (1-F(u))/S_r(u))·G_kr and variance S_r(u-) d1/(h Y_r) (its
    expectation under the null) times (1 - (d1-1)/(h S_r(u-) - 1)) for ties; the other-cause jump
    enters with coefficient ((1-F(u))/S_r(u))·G_kr and variance S_r(u-)² d2_r/Y_r² ·
    (Y_r-d2_r)/(Y_r-1).
    """
    k = len(per_group)
    y = np.vstack([c.at_risk for c in per_group])
    d1 = np.vstack([c.d1 for c in per_group])
    d2 = np.vstack([c.d2 for c in per_group])
    s_before = np.ones_like(y)
    s_after = np.ones_like(y)
    f1_before = np.zeros_like(y)
    for r, c in enumerate(per_group):
        s_before[r], s_after[r], f1, _ = _aalen_johansen(c)
        f1_before[r] = np.concatenate(([0.0], f1[:-1]))
    alive = y > 0
    safe_sb = np.where(alive, s_before, 1.0)
    risk = np.where(alive, y * (1 - f1_before) / safe_sb, 0.0)
    total_risk = risk.sum(axis=0)
    nd1 = d1.sum(axis=0)
    score = (d1 - nd1 * risk / np.where(total_risk > 0, total_risk, 1.0)).sum(axis=1)

    h_r = np.where(alive, y / safe_sb, 0.0)
    h = h_r.sum(axis=0)
    safe_h = np.where(h > 0, h, 1.0)
    pooled = np.cumsum(nd1 / safe_h)
    pooled_before = pooled - nd1 / safe_h
    a = h_r[:, None, :] * (np.eye(k)[:, :, None] - h_r[None, :, :] / safe_h)
    remaining = 1.0 - pooled_before
    increment = a * np.where(
        remaining > 0, nd1 / (safe_h * np.where(remaining > 0, remaining, 1)), 0
    )
    cum = np.cumsum(increment, axis=2)
    future = cum[:, :, -1:] - cum

    has_after = s_after > 0
    safe_sa = np.where(has_after, s_after, 1.0)
    ratio = np.where(has_after, (1.0 - pooled) / safe_sa, 0.0)
    coef1 = a + np.where(has_after, 1.0 - ratio, 1.0)[None] * future
    tie1 = np.where(nd1 > 1, 1.0 - (nd1 - 1) / np.maximum(h * s_before - 1.0, 1e-300), 1.0)
    var1 = np.where(alive & (nd1 > 0), tie1 * s_before * nd1 / (safe_h * np.where(alive, y, 1)), 0)
    coef2 = ratio[None] * future
    var2 = np.where(has_after, s_before**2 * _tie_weight(d2, y), 0.0)
    cov = np.einsum("irt,jrt->ij", coef1 * var1[None], coef1) + np.einsum(
        "irt,jrt->ij", coef2 * var2[None], coef2
    )
    return score, cov


def gray_test(
    time: ArrayLike,
    event: ArrayLike,
    group: ArrayLike,
    *,
    cause: Hashable = 1,
    cencode: Hashable = 0,
) -> GrayTest:
    """Gray's K-sample test (rho = 0) of equal cumulative incidence of ``cause`` across groups.

    Gray RJ (1988), "A class of K-sample tests for comparing the cumulative incidence of a
    competing risk", Ann Stat 16:1141-1154. As in R's ``cmprsk::cuminc``, the statistic is
    z' V⁻¹ z on the scores of the first K-1 groups (groups in sorted order) and is referred to a
    chi-squared distribution with K-1 degrees of freedom. When V is singular (e.g. no event of the
    cause) the statistic is not computed: it is NaN and a note says why.
    """
    t, e, g = _inputs(time, event, group)
    groups = _levels(g)
    notes: list[str] = []
    if len(groups) < 2:
        raise InputError(field="group", expected="at least two groups", received=len(groups))
    censored = np.array([v == cencode for v in e], dtype=bool)
    is1 = np.array([v == cause for v in e], dtype=bool)
    is2 = ~censored & ~is1
    grid = np.unique(t)
    per_group = [_counts(t[g == lvl], is1[g == lvl], is2[g == lvl], grid) for lvl in groups]
    score, cov = _gray_score_and_covariance(per_group)
    z = score[:-1]
    v = cov[:-1, :-1]
    df = len(groups) - 1
    if not is1.any():
        notes.append(f"no participant had an event of cause {cause}: Gray's test is not estimable")
    for lvl, c in zip(groups, per_group, strict=True):
        if not c.d1.any():
            notes.append(f"group {lvl} had no event of cause {cause}")
    if np.linalg.matrix_rank(v) < df:
        if is1.any():
            notes.append("the score covariance is singular: Gray's test is not estimable")
        stat = float("nan")
        p = float("nan")
    else:
        stat = float(z @ np.linalg.solve(v, z))
        p = float(sps.chi2.sf(stat, df))
    return GrayTest(
        cause=cause,
        groups=tuple(groups),
        statistic=stat,
        df=df,
        p_value=p,
        score=score,
        covariance=cov,
        notes=tuple(notes),
    )
