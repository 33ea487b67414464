"""Restricted mean survival time per arm and its difference, on many trials at once.

The same estimator as :func:`hepatrial.stats.rmst`: the area under each arm's Kaplan–Meier curve
from 0 to tau (Royston & Parmar 2013, BMC Med Res Methodol 13:152), with the Greenwood-type
variance Σ_{t_i ≤ tau} A_i² d_i / (Y_i (Y_i − d_i)), A_i the area from t_i to tau (Klein &
Moeschberger 2003, §4.5), and the difference's variance the sum over independent arms (Uno et al.
2014, J Clin Oncol 32:2380). Each row of the (replicates × participants) arrays is one trial;
rows are sorted once and each arm's curve is read on the pooled sorted times.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.stats import norm

from hepatrial.errors import InputError
from hepatrial.stats._batched_rows import SortedRows, check_rows, sort_rows

__all__ = ["RmstBatch", "rmst_batched"]


@dataclass(frozen=True, slots=True, eq=False)
class RmstBatch:
    """Per trial: RMST of each arm (columns 0 = reference, 1 = other) with standard errors, and
    the difference other − reference with its standard error and Wald p-value (NaN where both
    arms have zero variance, as :func:`hepatrial.stats.rmst` reports it)."""

    tau: float
    rmst: NDArray[np.float64]
    std_error: NDArray[np.float64]
    difference: NDArray[np.float64]
    difference_std_error: NDArray[np.float64]
    p_value: NDArray[np.float64]


def _arm(
    rows: SortedRows, members: NDArray[np.float64], tau: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Area under one arm's Kaplan–Meier curve to tau and its variance, per row."""
    at_risk = rows.suffix_count(members)
    deaths = np.where(rows.last, rows.group_sum(rows.event * members), 0.0)
    step = np.divide(deaths, at_risk, out=np.zeros_like(deaths), where=deaths > 0)
    survival_after = np.cumprod(1.0 - step, axis=1)
    survival_before = np.ones_like(survival_after)
    survival_before[:, 1:] = survival_after[:, :-1]
    clipped = np.zeros((rows.time.shape[0], rows.n + 1))
    clipped[:, 1:] = np.minimum(rows.time, tau)
    pieces = survival_before * np.diff(clipped, axis=1)
    area_to = np.cumsum(pieces, axis=1)
    area = area_to[:, -1] + survival_after[:, -1] * (tau - clipped[:, -1])
    beyond = area[:, None] - area_to
    usable = (deaths > 0) & (at_risk > deaths) & (rows.time <= tau)
    safe = np.where(usable, at_risk * (at_risk - deaths), 1.0)
    variance = np.where(usable, beyond**2 * deaths / safe, 0.0).sum(axis=1)
    return area, variance


def rmst_batched(time: Any, event: Any, group: Any, *, tau: float) -> RmstBatch:
    """RMST to ``tau`` of both arms of every row (``group`` 0 = reference, 1 = other), and their
    difference, identical row by row to :func:`hepatrial.stats.rmst`.

    An arm whose follow-up ends before tau has its curve carried flat to tau, as R's
    ``survival`` does. Every row must have at least one participant in each arm.
    """
    if not isinstance(tau, int | float) or not np.isfinite(tau) or tau <= 0:
        raise InputError(field="tau", expected="a finite time > 0", received=tau)
    t, e, g = check_rows(time, event, group)
    counts = g.sum(axis=1)
    if ((counts == 0) | (counts == t.shape[1])).any():
        raise InputError(
            field="group", expected="both arms present in every row", received="a row with one"
        )
    rows = sort_rows(t, e, g)
    area_0, variance_0 = _arm(rows, 1.0 - rows.group, float(tau))
    area_1, variance_1 = _arm(rows, rows.group, float(tau))
    difference = area_1 - area_0
    se = np.sqrt(variance_0 + variance_1)
    z = np.divide(np.abs(difference), se, out=np.full_like(se, np.nan), where=se > 0)
    return RmstBatch(
        tau=float(tau),
        rmst=np.column_stack([area_0, area_1]),
        std_error=np.sqrt(np.column_stack([variance_0, variance_1])),
        difference=difference,
        difference_std_error=se,
        p_value=2.0 * norm.sf(z),
    )
