"""Fisher's exact test and Welch's t-test on many trials at once.

- Fisher's exact test of 2 × 2 tables, two-sided as R's ``fisher.test``: the p-value sums the
  hypergeometric probabilities of all tables with the observed margins whose probability is at
  most the observed one × (1 + 1e-7) (Fisher 1935; Agresti 2002, *Categorical Data Analysis*,
  §3.5.1).
- Welch's unequal-variance t-test with the Welch–Satterthwaite degrees of freedom (Welch 1947,
  Biometrika 34:28–35), on rows with missing values (NaN) left out, as
  ``scipy.stats.ttest_ind(equal_var=False, nan_policy="omit")``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.stats import hypergeom
from scipy.stats import t as student_t

from hepatrial.errors import InputError

__all__ = ["WelchBatch", "fisher_exact_batched", "welch_t_batched"]

# R's fisher.test: probabilities within this relative distance of the observed one count as equal.
_RELATIVE_ERROR = 1.0 + 1e-7


def fisher_exact_batched(table: Any) -> NDArray[np.float64]:
    """Two-sided p-values of Fisher's exact test for an (R × 2 × 2) array of count tables.

    Tables are laid out as for ``scipy.stats.fisher_exact``: ``[[a, b], [c, d]]``. A table with
    an empty row or column has p-value 1, as R and scipy give.
    """
    counts = np.asarray(table)
    if counts.ndim != 3 or counts.shape[1:] != (2, 2):
        raise InputError(
            field="table", expected="an array of shape (R, 2, 2)", received=f"shape {counts.shape}"
        )
    if not (np.isfinite(counts).all() and (counts >= 0).all() and (counts % 1 == 0).all()):
        raise InputError(field="table", expected="whole counts ≥ 0", received="other values")
    counts = counts.astype(np.int64)
    a = counts[:, 0, 0]
    row_1 = counts[:, 0].sum(axis=1)
    column_1 = counts[:, :, 0].sum(axis=1)
    total = counts.sum(axis=(1, 2))
    # every possible top-left cell 0..max(row 1); pmf is 0 outside each table's support
    support = np.arange(int(row_1.max()) + 1 if row_1.size else 1)
    pmf = hypergeom.pmf(support[None, :], total[:, None], column_1[:, None], row_1[:, None])
    pmf = np.nan_to_num(pmf, nan=0.0)
    observed = hypergeom.pmf(a, total, column_1, row_1)
    p_value = np.where(pmf <= (observed * _RELATIVE_ERROR)[:, None], pmf, 0.0).sum(axis=1)
    degenerate = (row_1 == 0) | (row_1 == total) | (column_1 == 0) | (column_1 == total)
    return np.asarray(np.where(degenerate, 1.0, np.minimum(p_value, 1.0)), dtype=np.float64)


@dataclass(frozen=True, slots=True, eq=False)
class WelchBatch:
    """Per trial: group sizes used, the mean difference (group 1 − group 0), Welch's t, its
    degrees of freedom and the two-sided p-value (NaN when a group has fewer than two values or
    both variances are 0)."""

    n: NDArray[np.int64]
    difference: NDArray[np.float64]
    statistic: NDArray[np.float64]
    df: NDArray[np.float64]
    p_value: NDArray[np.float64]


def welch_t_batched(values: Any, group: Any) -> WelchBatch:
    """Welch's t-test of group 1 against group 0 in every row; NaN values are left out.

    ``values`` and ``group`` are (replicates × participants) arrays; ``group`` is 0 or 1.
    """
    x = np.asarray(values, dtype=np.float64)
    g = np.asarray(group)
    if x.ndim != 2 or g.shape != x.shape:
        raise InputError(
            field="group",
            expected=f"the shape of values, a 2-D array {x.shape}",
            received=f"shape {g.shape}",
        )
    if not np.isin(g, (0, 1)).all():
        raise InputError(field="group", expected="only 0 and 1", received="other values")
    present = ~np.isnan(x)
    filled = np.where(present, x, 0.0)
    sizes, means, variances = [], [], []
    for code in (0, 1):
        member = present & (g == code)
        k = member.sum(axis=1).astype(np.float64)
        mean = np.divide((filled * member).sum(axis=1), k, out=np.full_like(k, np.nan), where=k > 0)
        squares = (np.where(member, filled - mean[:, None], 0.0) ** 2).sum(axis=1)
        variance = np.divide(squares, k - 1.0, out=np.full_like(k, np.nan), where=k > 1)
        sizes.append(k)
        means.append(mean)
        variances.append(variance)
    spread_0 = variances[0] / sizes[0]
    spread_1 = variances[1] / sizes[1]
    se2 = spread_0 + spread_1
    ok = (sizes[0] > 1) & (sizes[1] > 1) & (se2 > 0)
    safe_se2 = np.where(ok, se2, 1.0)
    difference = means[1] - means[0]
    statistic = np.where(ok, difference / np.sqrt(safe_se2), np.nan)
    denominator = spread_0**2 / np.maximum(sizes[0] - 1.0, 1.0) + spread_1**2 / np.maximum(
        sizes[1] - 1.0, 1.0
    )
    df = np.where(ok, safe_se2**2 / np.where(ok, denominator, 1.0), np.nan)
    p_value = np.where(ok, 2.0 * student_t.sf(np.abs(np.nan_to_num(statistic)), df), np.nan)
    return WelchBatch(
        n=np.column_stack(sizes).astype(np.int64),
        difference=difference,
        statistic=statistic,
        df=df,
        p_value=p_value,
    )
