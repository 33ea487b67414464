"""By-visit descriptive summaries and the Wilcoxon rank-sum test as a sensitivity analysis.

- Summaries per visit x arm: n, mean, SD with the n - 1 divisor, median, Q1 and Q3 by linear
  interpolation between order statistics (Hyndman & Fan 1996, Am Stat 50:361-365, definition 7,
  R's default ``quantile`` type), min and max, for a value and for its change from baseline.
- Wilcoxon rank-sum (Mann-Whitney) test as R's ``wilcox.test(x, y)``: W is the rank sum of x minus
  n_x (n_x + 1) / 2 (Mann & Whitney 1947, Ann Math Stat 18:50-60). Exact p from the null
  distribution of W when both samples have fewer than 50 values and no ties; otherwise the normal
  approximation with the tie-corrected variance and, by default, a continuity correction of 1/2
  (Hollander, Wolfe & Chicken 2014, Nonparametric Statistical Methods, 3rd ed., section 4.1).
- Hodges-Lehmann shift: the median of all differences x_i - y_j (Hodges & Lehmann 1963, Ann Math
  Stat 34:598-611), with the distribution-free interval from order statistics of those differences
  (Bauer 1972, JASA 67:687-690) when the exact null distribution applies, as R's ``conf.int``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.stats import norm, rankdata

from hepatrial.errors import InputError

__all__ = [
    "VisitArmSummary",
    "VisitSummary",
    "VisitWilcoxon",
    "WilcoxonByVisit",
    "WilcoxonResult",
    "visit_summary",
    "wilcoxon_by_visit",
    "wilcoxon_rank_sum",
]

Alternative = Literal["two-sided", "less", "greater"]
_ALTERNATIVES: tuple[str, ...] = ("two-sided", "less", "greater")
_EXACT_LIMIT = 50
SENSITIVITY_NOTE = (
    "the Wilcoxon rank-sum test per visit is a sensitivity analysis; the registered analysis of "
    "change over visits is the MMRM"
)
TIES_NOTE = "ties are present: the exact p-value is not available, normal approximation"
NO_INTERVAL_NOTE = (
    "normal approximation: no interval for the Hodges-Lehmann shift, and the shift is the median "
    "of pairwise differences, which may differ slightly from R's asymptotic estimate"
)


@dataclass(frozen=True, slots=True)
class VisitArmSummary:
    """Descriptive statistics of one variable ("value" or "change") in one arm at one visit."""

    visit: object
    arm: str
    variable: str
    n: int
    mean: float
    sd: float
    median: float
    q1: float
    q3: float
    min: float
    max: float


@dataclass(frozen=True, slots=True)
class VisitSummary:
    """Summaries per visit x arm, visits in their sorted order, arms sorted by name."""

    rows: tuple[VisitArmSummary, ...]
    notes: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row per variable x visit x arm."""
        columns = (
            "variable",
            "visit",
            "arm",
            "n",
            "mean",
            "sd",
            "median",
            "q1",
            "q3",
            "min",
            "max",
        )
        return pd.DataFrame(
            [{c: getattr(r, c) for c in columns} for r in self.rows], columns=columns
        )


@dataclass(frozen=True, slots=True)
class WilcoxonResult:
    """A two-sample Wilcoxon rank-sum test of x against y; W as R reports it."""

    statistic: float
    p_value: float
    n_x: int
    n_y: int
    alternative: str
    exact: bool
    correct: bool
    method: str
    shift: float
    conf_low: float | None
    conf_high: float | None
    conf_level: float
    notes: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row; an unavailable interval bound is NaN, and ``notes`` says why."""
        return pd.DataFrame(
            {
                "n_x": [self.n_x],
                "n_y": [self.n_y],
                "W": [self.statistic],
                "p_value": [self.p_value],
                "alternative": [self.alternative],
                "method": [self.method],
                "shift": [self.shift],
                "conf_low": [math.nan if self.conf_low is None else self.conf_low],
                "conf_high": [math.nan if self.conf_high is None else self.conf_high],
            }
        )


@dataclass(frozen=True, slots=True)
class VisitWilcoxon:
    """The rank-sum test at one visit; ``test`` is None when an arm has no values there."""

    visit: object
    test: WilcoxonResult | None


@dataclass(frozen=True, slots=True)
class WilcoxonByVisit:
    """Rank-sum tests of ``arms[0]`` (x) against ``arms[1]`` (y) at each visit."""

    arms: tuple[str, str]
    visits: tuple[VisitWilcoxon, ...]
    notes: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row per visit; W and p are NaN where a note says the test was not possible."""
        columns = ("visit", "n_x", "n_y", "W", "p_value", "shift", "method")
        rows = []
        for v in self.visits:
            t = v.test
            rows.append(
                {
                    "visit": v.visit,
                    "n_x": t.n_x if t else None,
                    "n_y": t.n_y if t else None,
                    "W": t.statistic if t else math.nan,
                    "p_value": t.p_value if t else math.nan,
                    "shift": t.shift if t else math.nan,
                    "method": t.method if t else "not tested: an arm has no values",
                }
            )
        return pd.DataFrame(rows, columns=columns)


def _check_columns(data: pd.DataFrame, columns: Sequence[str | None]) -> None:
    if not isinstance(data, pd.DataFrame):
        raise InputError(field="data", expected="a pandas DataFrame", received=type(data).__name__)
    for name in columns:
        if name is not None and name not in data.columns:
            raise InputError(
                field="column", expected=f"one of {list(map(str, data.columns))}", received=name
            )


def _numeric(values: object, field: str) -> NDArray[np.float64]:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(field=field, expected="numeric values", received=values) from None
    if array.ndim != 1:
        raise InputError(field=field, expected="a one-dimensional sequence", received=array.shape)
    if np.isinf(array).any():
        raise InputError(field=field, expected="finite values", received="an infinite value")
    return array


def _describe(values: NDArray[np.float64]) -> tuple[float, ...]:
    if values.size == 0:
        return (math.nan,) * 7
    q1, median, q3 = np.quantile(values, [0.25, 0.5, 0.75], method="linear")
    sd = float(np.std(values, ddof=1)) if values.size > 1 else math.nan
    return (
        float(values.mean()),
        sd,
        float(median),
        float(q1),
        float(q3),
        float(values.min()),
        float(values.max()),
    )


def _sorted_labels(series: pd.Series) -> list[object]:
    present = series.dropna()
    if isinstance(series.dtype, pd.CategoricalDtype):
        return [c for c in series.cat.categories if c in set(present)]
    return sorted(present.unique().tolist())


def visit_summary(
    data: pd.DataFrame, *, value: str, visit: str, arm: str, change: str | None = None
) -> VisitSummary:
    """n, mean, SD, median, Q1, Q3, min and max per visit x arm of ``value`` (and ``change``).

    Visits are ordered by their categories when ``visit`` is categorical, else by sorted label,
    so pass a numeric visit (e.g. AVISITN) or an ordered categorical, not "Week 4"-style text.
    Missing values are left out of n. SD uses the n - 1 divisor; Q1/Q3 are Hyndman & Fan
    (1996) type 7, as R's ``quantile``. A visit where an arm has no value, and a cell with a single
    value (SD undefined), are reported in ``notes`` rather than passed silently as NaN.
    """
    _check_columns(data, (value, visit, arm, change))
    visits = _sorted_labels(data[visit])
    arms = [str(a) for a in _sorted_labels(data[arm])]
    arm_labels = data[arm].astype(str)
    variables = [("value", value)] + ([("change", change)] if change is not None else [])
    rows: list[VisitArmSummary] = []
    notes: list[str] = []
    for label, column in variables:
        numbers = _numeric(data[column], column)
        for v in visits:
            at_visit = (data[visit] == v).to_numpy()
            for a in arms:
                cell = numbers[at_visit & (arm_labels == a).to_numpy()]
                cell = cell[~np.isnan(cell)]
                if cell.size == 0:
                    notes.append(
                        f"{column} at visit {v}: arm {a} has no values; statistics are NaN"
                    )
                elif cell.size == 1:
                    notes.append(f"{column} at visit {v}: arm {a} has one value; the SD is NaN")
                mean, sd, median, q1, q3, low, high = _describe(cell)
                rows.append(
                    VisitArmSummary(
                        v, a, label, int(cell.size), mean, sd, median, q1, q3, low, high
                    )
                )
    return VisitSummary(rows=tuple(rows), notes=tuple(notes))


def _rank_sum_counts(n_x: int, n_y: int) -> list[int]:
    """Number of arrangements giving each W = 0..n_x n_y, with no ties.

    The counts are the coefficients of the Gaussian binomial [n_x + n_y choose n_x]_q
    (Andrews 1976, The Theory of Partitions, Thm 3.1), built as a product of
    (1 - q^(n_y + k)) / (1 - q^k) with exact integer arithmetic.
    """
    size = n_x * n_y + 1
    coef = [0] * size
    coef[0] = 1
    for k in range(1, n_x + 1):
        shift = n_y + k
        for i in range(size - 1, shift - 1, -1):
            coef[i] -= coef[i - shift]
        for i in range(k, size):
            coef[i] += coef[i - k]
    return coef


def _exact_p(w: float, n_x: int, n_y: int, alternative: str) -> float:
    counts = _rank_sum_counts(n_x, n_y)
    total = math.comb(n_x + n_y, n_x)
    k = int(w)

    def lower(q: int) -> float:
        return sum(counts[: q + 1]) / total if q >= 0 else 0.0

    def upper(q: int) -> float:
        return sum(counts[max(q, 0) :]) / total

    if alternative == "less":
        return lower(k)
    if alternative == "greater":
        return upper(k)
    tail = upper(k) if w > n_x * n_y / 2 else lower(k)
    return min(2.0 * tail, 1.0)


def _exact_quantile(prob: float, n_x: int, n_y: int) -> int:
    """Smallest w with P(W <= w) >= prob under the no-ties null, as R's ``qwilcox``."""
    counts = _rank_sum_counts(n_x, n_y)
    total = math.comb(n_x + n_y, n_x)
    target = prob - 10 * np.finfo(np.float64).eps
    running = 0
    for w, count in enumerate(counts):
        running += count
        if running / total >= target:
            return w
    return n_x * n_y


def _shift_interval(
    xs: NDArray[np.float64], ys: NDArray[np.float64], alternative: str, conf_level: float
) -> tuple[float, float, tuple[str, ...]]:
    """Order statistics of the sorted differences bounding the shift (Bauer 1972), R's indices."""
    n_x, n_y = int(xs.size), int(ys.size)
    diffs = np.sort(np.subtract.outer(xs, ys).ravel())
    alpha = 1.0 - conf_level
    sides = 2 if alternative == "two-sided" else 1
    # R widens to the extreme differences when the sample cannot reach the requested level.
    lower_index = max(_exact_quantile(alpha / sides, n_x, n_y), 1)
    upper_index = n_x * n_y - lower_index
    low = float(diffs[lower_index - 1]) if alternative != "less" else -math.inf
    high = float(diffs[upper_index]) if alternative != "greater" else math.inf
    counts = _rank_sum_counts(n_x, n_y)
    achieved_alpha = sides * sum(counts[:lower_index]) / math.comb(n_x + n_y, n_x)
    notes: tuple[str, ...] = ()
    if achieved_alpha - alpha > alpha / 2:
        notes = (
            f"samples too small for a {conf_level:g} interval of the shift: "
            f"the interval given has level {1 - achieved_alpha:.2g}",
        )
    return low, high, notes


def wilcoxon_rank_sum(
    x: object,
    y: object,
    *,
    alternative: Alternative = "two-sided",
    exact: bool | None = None,
    correct: bool = True,
    conf_level: float = 0.95,
) -> WilcoxonResult:
    """Two-sample Wilcoxon rank-sum test, as R's ``wilcox.test(x, y)`` with the same options.

    W is the sum of the mid-ranks of x in the pooled sample minus n_x (n_x + 1) / 2 (Mann &
    Whitney 1947). With ``exact=None`` the exact null distribution is used when both samples have
    fewer than 50 values; ties always force the normal approximation (with a note, as R warns),
    whose variance is n_x n_y / 12 * (N + 1 - sum(t^3 - t) / (N (N - 1))) and whose continuity
    correction is 1/2 towards the null when ``correct`` (Hollander, Wolfe & Chicken 2014, §4.1).
    Missing values are dropped, as R does.

    ``shift`` is the Hodges-Lehmann estimate, the median of all x_i - y_j. Its interval is the
    exact one R gives with ``conf.int=TRUE`` (one-sided alternatives give an infinite bound); it is
    None, with a note, when the normal approximation is used, since R's asymptotic interval comes
    from a root search to a tolerance of 1e-4 and is not reproduced here.
    """
    if not 0.0 < conf_level < 1.0:
        raise InputError(field="conf_level", expected="a number in (0, 1)", received=conf_level)
    if alternative not in _ALTERNATIVES:
        raise InputError(
            field="alternative", expected=f"one of {list(_ALTERNATIVES)}", received=alternative
        )
    xs = _numeric(x, "x")
    ys = _numeric(y, "y")
    xs, ys = xs[~np.isnan(xs)], ys[~np.isnan(ys)]
    if xs.size == 0 or ys.size == 0:
        raise InputError(
            field="x" if xs.size == 0 else "y",
            expected="at least one non-missing value",
            received="no values",
        )
    n_x, n_y = int(xs.size), int(ys.size)
    pooled = np.concatenate([xs, ys])
    w = float(rankdata(pooled)[:n_x].sum() - n_x * (n_x + 1) / 2)
    _, tie_sizes = np.unique(pooled, return_counts=True)
    has_ties = bool((tie_sizes > 1).any())
    want_exact = (n_x < _EXACT_LIMIT and n_y < _EXACT_LIMIT) if exact is None else exact
    shift = float(np.median(np.subtract.outer(xs, ys)))
    if want_exact and not has_ties:
        low, high, notes = _shift_interval(xs, ys, alternative, conf_level)
        bounds: tuple[float | None, float | None] = (low, high)
        p, method = _exact_p(w, n_x, n_y, alternative), "exact test"
    else:
        p, normal_notes = _normal_p(w, n_x, n_y, tie_sizes, alternative, correct)
        ties_note = (TIES_NOTE,) if want_exact else ()
        notes = (*ties_note, *normal_notes, NO_INTERVAL_NOTE)
        method = "test with continuity correction" if correct else "test"
        bounds = (None, None)
    return WilcoxonResult(
        statistic=w,
        p_value=p,
        n_x=n_x,
        n_y=n_y,
        alternative=alternative,
        exact=bounds[0] is not None,
        correct=correct,
        method=f"Wilcoxon rank sum {method}",
        shift=shift,
        conf_low=bounds[0],
        conf_high=bounds[1],
        conf_level=conf_level,
        notes=notes,
    )


def _normal_p(
    w: float,
    n_x: int,
    n_y: int,
    tie_sizes: NDArray[np.int64],
    alternative: str,
    correct: bool,
) -> tuple[float, tuple[str, ...]]:
    """p from the tie-corrected normal approximation, continuity-corrected as R's wilcox.test."""
    n = n_x + n_y
    ties_term = float((tie_sizes.astype(np.float64) ** 3 - tie_sizes).sum()) / (n * (n - 1))
    sigma = math.sqrt(n_x * n_y / 12.0 * (n + 1 - ties_term))
    if sigma == 0.0:
        return 1.0, ("all values are equal: the test statistic has no variance, p is 1",)
    z = w - n_x * n_y / 2.0
    correction = 0.0
    if correct:
        two_sided = math.copysign(0.5, z) if z != 0 else 0.0
        correction = {"two-sided": two_sided, "greater": 0.5, "less": -0.5}[alternative]
    zc = (z - correction) / sigma
    if alternative == "less":
        return float(norm.cdf(zc)), ()
    if alternative == "greater":
        return float(norm.sf(zc)), ()
    return min(1.0, 2.0 * float(min(norm.cdf(zc), norm.sf(zc)))), ()


def wilcoxon_by_visit(
    data: pd.DataFrame,
    *,
    value: str,
    visit: str,
    arm: str,
    arms: tuple[str, str] | None = None,
    alternative: Alternative = "two-sided",
    exact: bool | None = None,
    correct: bool = True,
    conf_level: float = 0.95,
) -> WilcoxonByVisit:
    """The rank-sum test of ``value`` between two arms at each visit (a sensitivity analysis).

    ``arms`` orders the comparison (x, y) as in ``wilcox.test(x, y)``; by default the two arms
    present, sorted by name. A visit where an arm has no value is kept with ``test=None`` and a
    note. Methods and references as ``wilcoxon_rank_sum``; p-values are not adjusted for
    multiplicity.
    """
    _check_columns(data, (value, visit, arm))
    arm_labels = data[arm].astype(str)
    present = [str(a) for a in _sorted_labels(data[arm])]
    if arms is None:
        if len(present) != 2:
            raise InputError(field=arm, expected="exactly two arms", received=present)
        arms = (present[0], present[1])
    elif len(arms) != 2 or arms[0] == arms[1]:
        raise InputError(field="arms", expected="two distinct arm labels", received=arms)
    numbers = _numeric(data[value], value)
    notes = [SENSITIVITY_NOTE, "p-values are not adjusted for multiplicity across visits"]
    results: list[VisitWilcoxon] = []
    for v in _sorted_labels(data[visit]):
        at_visit = (data[visit] == v).to_numpy()
        x = numbers[at_visit & (arm_labels == arms[0]).to_numpy()]
        y = numbers[at_visit & (arm_labels == arms[1]).to_numpy()]
        x, y = x[~np.isnan(x)], y[~np.isnan(y)]
        if x.size == 0 or y.size == 0:
            empty = arms[0] if x.size == 0 else arms[1]
            notes.append(f"visit {v}: arm {empty} has no values of {value}; not tested")
            results.append(VisitWilcoxon(v, None))
            continue
        test = wilcoxon_rank_sum(
            x, y, alternative=alternative, exact=exact, correct=correct, conf_level=conf_level
        )
        notes.extend(f"visit {v}: {n}" for n in test.notes)
        results.append(VisitWilcoxon(v, test))
    return WilcoxonByVisit(arms=arms, visits=tuple(results), notes=tuple(notes))
