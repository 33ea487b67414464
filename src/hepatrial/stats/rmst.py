"""Restricted mean survival time (RMST) up to a horizon tau, per arm and as a difference.

RMST(tau) is the area under the Kaplan–Meier curve from 0 to tau (Royston & Parmar 2013, BMC Med
Res Methodol 13:152). Its variance is the Greenwood-type sum Σ_{t_i≤tau} A_i² d_i/(Y_i(Y_i-d_i)),
with A_i the area under the curve from t_i to tau (Klein & Moeschberger 2003, §4.5), as R's
``survival`` reports ``se(rmean)`` and survRM2 computes it. Arms are independent, so the variance
of a difference is the sum of the two variances (Uno et al. 2014, J Clin Oncol 32:2380).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from hepatrial.errors import InputError
from hepatrial.stats._survival_data import (
    ArrayLike,
    check_conf_level,
    check_groups,
    check_time_event,
    format_time,
)
from hepatrial.stats.kaplan_meier import KaplanMeierCurve, kaplan_meier

__all__ = ["RmstDifference", "RmstEstimate", "RmstResult", "rmst"]


@dataclass(frozen=True, slots=True)
class RmstEstimate:
    """RMST of one group up to ``tau`` with its standard error and normal confidence limits."""

    group: str
    tau: float
    rmst: float
    std_error: float
    lower: float
    upper: float


@dataclass(frozen=True, slots=True)
class RmstDifference:
    """``group`` minus ``reference``: the difference in RMST with its standard error and limits."""

    group: str
    reference: str
    tau: float
    difference: float
    std_error: float
    lower: float
    upper: float
    p_value: float


@dataclass(frozen=True, slots=True)
class RmstResult:
    """RMST per group and, for two groups, their difference."""

    estimates: tuple[RmstEstimate, ...]
    difference: RmstDifference | None
    conf_level: float
    notes: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row per group, then a row for the difference (``group`` reads "B - A")."""
        rows = [
            [e.group, e.tau, e.rmst, e.std_error, e.lower, e.upper, np.nan] for e in self.estimates
        ]
        if self.difference is not None:
            d = self.difference
            rows.append(
                [
                    f"{d.group} - {d.reference}",
                    d.tau,
                    d.difference,
                    d.std_error,
                    d.lower,
                    d.upper,
                    d.p_value,
                ]
            )
        return pd.DataFrame(
            rows, columns=["group", "tau", "rmst", "std_error", "lower", "upper", "p_value"]
        )


def _area_and_variance(curve: KaplanMeierCurve, tau: float) -> tuple[float, float]:
    """Area under the step curve on [0, tau] and its Greenwood-type variance."""
    keep = curve.time <= tau
    times = curve.time[keep]
    surv = curve.survival[keep]
    knots = np.concatenate(([0.0], times, [tau]))
    heights = np.concatenate(([1.0], surv))
    pieces = heights * np.diff(knots)
    area = float(pieces.sum())
    # Area from each distinct time to tau: the pieces to its right, summed from the end.
    beyond = np.cumsum(pieces[::-1])[::-1][1:]
    d = curve.n_event[keep].astype(np.float64)
    y = curve.n_risk[keep].astype(np.float64)
    usable = (d > 0) & (y > d)
    safe = np.where(usable, y * (y - d), 1.0)
    variance = float(np.sum(np.where(usable, beyond**2 * d / safe, 0.0)))
    return area, variance


def rmst(
    time: ArrayLike,
    event: ArrayLike,
    group: ArrayLike | None = None,
    *,
    tau: float,
    conf_level: float = 0.95,
    reference: str | None = None,
) -> RmstResult:
    """Restricted mean survival time up to ``tau`` per group, and the difference for two groups.

    ``time`` and ``event`` as for :func:`~hepatrial.stats.kaplan_meier`. With two groups the
    difference is the other group minus ``reference`` (default: the first label in sorted order),
    with a normal confidence interval and Wald p-value. A group whose follow-up ends before ``tau``
    has its curve carried flat to ``tau``, as R's ``survival`` does; a note says so.
    """
    times, events = check_time_event(time, event)
    level = check_conf_level(conf_level)
    if not np.isfinite(tau) or tau <= 0:
        raise InputError(field="tau", expected="a finite time > 0", received=tau)
    fit = kaplan_meier(times, events, group=group, conf_level=level)
    z = float(norm.ppf(0.5 + level / 2))
    notes: list[str] = []
    estimates: list[RmstEstimate] = []
    labels = check_groups(group, times.size).labels if group is not None else ("all",)
    for curve in fit.curves:
        area, variance = _area_and_variance(curve, tau)
        se = float(np.sqrt(variance))
        last = float(curve.time[-1])
        if last < tau and curve.survival[-1] > 0:
            notes.append(
                f"group {curve.group}: follow-up ends at {format_time(last)}, before tau = "
                f"{format_time(tau)}; the curve is carried flat to tau"
            )
        if not curve.n_event[curve.time <= tau].any():
            notes.append(
                f"group {curve.group} had no event by tau = {format_time(tau)}: its RMST is "
                "the area under a flat curve and its standard error is 0"
            )
        if curve.n_risk[0] == 1:
            notes.append(f"group {curve.group} has a single participant: its standard error is 0")
        estimates.append(
            RmstEstimate(curve.group, float(tau), area, se, area - z * se, area + z * se)
        )
    difference = None
    if len(estimates) == 2:
        ref = labels[0] if reference is None else reference
        if ref not in labels:
            raise InputError(field="reference", expected=f"one of {list(labels)}", received=ref)
        base = estimates[labels.index(ref)]
        other = estimates[1 - labels.index(ref)]
        diff = other.rmst - base.rmst
        se = float(np.hypot(base.std_error, other.std_error))
        if se > 0:
            p = float(2 * norm.sf(abs(diff) / se))
        else:
            p = float("nan")
            notes.append("both arms have zero RMST variance: the difference has no p-value")
        difference = RmstDifference(
            other.group, base.group, float(tau), diff, se, diff - z * se, diff + z * se, p
        )
    elif reference is not None:
        raise InputError(field="reference", expected="exactly two groups", received=len(labels))
    return RmstResult(tuple(estimates), difference, level, tuple(notes))
