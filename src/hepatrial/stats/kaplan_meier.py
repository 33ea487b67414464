"""Kaplan–Meier survival curves with Greenwood standard errors, confidence limits and medians.

Kaplan & Meier (1958), "Nonparametric estimation from incomplete observations", JASA 53:457–481;
Greenwood (1926), "The natural duration of cancer", Reports on Public Health and Medical Subjects
33:1–26. Confidence limits (plain, log, log-log) and the median with its confidence interval follow
Therneau & Grambsch (2000), *Modeling Survival Data*, §2.1, and are checked against R's
``survival::survfit`` and its printed summary (``summary(fit)$table``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.stats import norm

from hepatrial.errors import InputError
from hepatrial.stats._survival_data import (
    ArrayLike,
    check_conf_level,
    check_groups,
    check_time_event,
    format_time,
)

__all__ = [
    "ConfType",
    "KaplanMeierCurve",
    "KaplanMeierResult",
    "MedianSurvival",
    "SurvivalAtTime",
    "kaplan_meier",
]

ConfType = Literal["log", "log-log", "plain"]
_CONF_TYPES: tuple[str, ...] = ("log", "log-log", "plain")
# survfit's print treats a curve within this distance of 0.5 as exactly 0.5 (products of fractions
# such as (19/20)(18/19)…(10/11) miss 0.5 by rounding); R uses sqrt(machine epsilon).
_HALF_TOLERANCE = float(np.sqrt(np.finfo(np.float64).eps))


@dataclass(frozen=True, slots=True)
class MedianSurvival:
    """Median survival and its confidence limits; ``None`` where the curve never reaches 0.5."""

    group: str
    median: float | None
    lower: float | None
    upper: float | None


@dataclass(frozen=True, slots=True)
class SurvivalAtTime:
    """The Kaplan–Meier estimate at one time, with its Greenwood standard error and limits."""

    group: str
    time: float
    n_risk: int
    survival: float
    std_error: float
    lower: float
    upper: float


@dataclass(frozen=True, slots=True, eq=False)
class KaplanMeierCurve:
    """One group's curve: one row per distinct observed time, as ``survfit`` lists it.

    ``std_error`` is the Greenwood standard error of the survival estimate itself (R's
    ``summary(fit)$std.err``); ``std_error_log`` is that of log survival (R's ``fit$std.err``).
    """

    group: str
    time: NDArray[np.float64]
    n_risk: NDArray[np.int64]
    n_event: NDArray[np.int64]
    n_censor: NDArray[np.int64]
    survival: NDArray[np.float64]
    std_error: NDArray[np.float64]
    std_error_log: NDArray[np.float64]
    lower: NDArray[np.float64]
    upper: NDArray[np.float64]
    median: MedianSurvival
    conf_type: ConfType
    conf_level: float

    def survival_at(self, t: float) -> SurvivalAtTime:
        """The estimate at time ``t`` (the step function is right-continuous), as R's
        ``summary(fit, times = t)`` gives it."""
        if not np.isfinite(t) or t < 0:
            raise InputError(field="t", expected="a finite time ≥ 0", received=t)
        row = int(np.searchsorted(self.time, t, side="right")) - 1
        total = int(self.n_risk[0]) if self.n_risk.size else 0
        removed_before = int(np.sum(self.n_event[self.time < t] + self.n_censor[self.time < t]))
        if row < 0:
            lower, upper = _limits(np.ones(1), np.zeros(1), self.conf_type, self.conf_level)
            return SurvivalAtTime(
                self.group, float(t), total, 1.0, 0.0, float(lower[0]), float(upper[0])
            )
        return SurvivalAtTime(
            group=self.group,
            time=float(t),
            n_risk=total - removed_before,
            survival=float(self.survival[row]),
            std_error=float(self.std_error[row]),
            lower=float(self.lower[row]),
            upper=float(self.upper[row]),
        )

    def to_frame(self) -> pd.DataFrame:
        """The survival table, one row per distinct time."""
        return pd.DataFrame(
            {
                "group": self.group,
                "time": self.time,
                "n_risk": self.n_risk,
                "n_event": self.n_event,
                "n_censor": self.n_censor,
                "survival": self.survival,
                "std_error": self.std_error,
                "lower": self.lower,
                "upper": self.upper,
            }
        )


@dataclass(frozen=True, slots=True, eq=False)
class KaplanMeierResult:
    """Kaplan–Meier curves, one per group (a single group ``"all"`` when none is given)."""

    curves: tuple[KaplanMeierCurve, ...]
    conf_type: ConfType
    conf_level: float
    notes: tuple[str, ...]

    @property
    def groups(self) -> tuple[str, ...]:
        return tuple(curve.group for curve in self.curves)

    @property
    def medians(self) -> tuple[MedianSurvival, ...]:
        return tuple(curve.median for curve in self.curves)

    def curve(self, group: str) -> KaplanMeierCurve:
        """The curve of one group, by its label."""
        for candidate in self.curves:
            if candidate.group == group:
                return candidate
        raise InputError(field="group", expected=f"one of {list(self.groups)}", received=group)

    def survival_at(self, t: float) -> tuple[SurvivalAtTime, ...]:
        """Each group's estimate at time ``t`` with its confidence limits."""
        return tuple(curve.survival_at(t) for curve in self.curves)

    def median_frame(self) -> pd.DataFrame:
        """Median survival per group with its confidence limits (missing where not reached)."""
        return pd.DataFrame(
            [[m.group, m.median, m.lower, m.upper] for m in self.medians],
            columns=["group", "median", "lower", "upper"],
        )

    def to_frame(self) -> pd.DataFrame:
        """All groups' survival tables stacked, with a ``group`` column."""
        return pd.concat([curve.to_frame() for curve in self.curves], ignore_index=True)


def _limits(
    survival: NDArray[np.float64],
    se_log: NDArray[np.float64],
    conf_type: ConfType,
    conf_level: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Pointwise limits from the Greenwood SE of log S (Therneau & Grambsch 2000, §2.1.1).

    Where S = 0 every type is undefined, and where S = 1 the log-log type is undefined; those
    limits are NaN, exactly where ``survfit`` gives NA.
    """
    z = float(norm.ppf(1.0 - (1.0 - conf_level) / 2.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        if conf_type == "plain":
            half = z * se_log * survival
            lower = np.clip(survival - half, 0.0, 1.0)
            upper = np.clip(survival + half, 0.0, 1.0)
        elif conf_type == "log":
            lower = survival * np.exp(-z * se_log)
            upper = np.minimum(survival * np.exp(z * se_log), 1.0)
        else:
            log_minus_log = np.log(-np.log(survival))
            shift = z * se_log / np.abs(np.log(survival))
            lower = np.exp(-np.exp(log_minus_log + shift))
            upper = np.exp(-np.exp(log_minus_log - shift))
            undefined = survival >= 1.0
            lower[undefined] = np.nan
            upper[undefined] = np.nan
    zero = survival <= 0.0
    lower[zero] = np.nan
    upper[zero] = np.nan
    return lower, upper


def _first_below_half(curve: NDArray[np.float64], time: NDArray[np.float64]) -> float | None:
    """Where a curve first reaches 0.5, by the rule of ``survfit``'s printed summary.

    The earliest time at which the curve is at or below 0.5; if it sits exactly at 0.5 there and
    drops lower later, the midpoint between that time and the time of the drop, which for
    uncensored data is the usual sample median (Therneau & Grambsch 2000, §2.1.3).
    """
    keep = np.flatnonzero(~np.isnan(curve) & (curve < 0.5 + _HALF_TOLERANCE))
    if keep.size == 0:
        return None
    first = keep[0]
    if abs(curve[first] - 0.5) < _HALF_TOLERANCE:
        later = keep[curve[keep] < curve[first]]
        if later.size:
            return float((time[first] + time[later[0]]) / 2.0)
    return float(time[first])


def _curve(
    label: str,
    time: NDArray[np.float64],
    event: NDArray[np.bool_],
    conf_type: ConfType,
    level: float,
) -> tuple[KaplanMeierCurve, list[str]]:
    notes: list[str] = []
    distinct, index = np.unique(time, return_inverse=True)
    n_event = np.bincount(index, weights=event, minlength=distinct.size).astype(np.int64)
    n_total = np.bincount(index, minlength=distinct.size).astype(np.int64)
    n_censor = n_total - n_event
    n_risk = time.size - np.concatenate(([0], np.cumsum(n_total)[:-1])).astype(np.int64)
    survival: NDArray[np.float64] = np.cumprod(1.0 - n_event / n_risk).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        greenwood = np.cumsum(
            np.where(n_event > 0, n_event / (n_risk * (n_risk - n_event).astype(np.float64)), 0.0)
        )
        se_log = np.sqrt(greenwood)
        std_error = np.where(survival > 0.0, survival * se_log, np.nan)
    lower, upper = _limits(survival, se_log, conf_type, level)
    median = MedianSurvival(
        group=label,
        median=_first_below_half(survival, distinct),
        lower=_first_below_half(lower, distinct),
        upper=_first_below_half(upper, distinct),
    )
    where = "" if label == "all" else f" in group {label}"
    if time.size == 1:
        notes.append(f"only one participant{where}: the curve rests on a single observation")
    if not event.any():
        notes.append(f"no events{where}: survival stays at 1 and the median is not reached")
    elif median.median is None:
        notes.append(f"the median survival{where} is not reached")
    if median.median is not None and (median.lower is None or median.upper is None):
        notes.append(
            f"a confidence limit of the median{where} is not reached: "
            "the confidence curve does not fall to 0.5"
        )
    if (survival <= 0.0).any():
        first_zero = format_time(float(distinct[np.argmax(survival <= 0.0)]))
        notes.append(
            f"survival{where} reaches 0 at time {first_zero}: from there its standard error and "
            "confidence limits are undefined (NaN, as in R)"
        )
    if conf_type == "log-log" and (survival >= 1.0).any():
        notes.append(
            f"log-log confidence limits{where} are undefined (NaN, as in R) while survival is 1"
        )
    curve = KaplanMeierCurve(
        group=label,
        time=distinct,
        n_risk=n_risk,
        n_event=n_event,
        n_censor=n_censor,
        survival=survival,
        std_error=std_error,
        std_error_log=se_log,
        lower=lower,
        upper=upper,
        median=median,
        conf_type=conf_type,
        conf_level=level,
    )
    return curve, notes


def kaplan_meier(
    time: ArrayLike,
    event: ArrayLike,
    *,
    conf_type: ConfType = "log",
    conf_level: float = 0.95,
    group: ArrayLike | None = None,
) -> KaplanMeierResult:
    """Kaplan–Meier estimate of survival, per group when ``group`` is given.

    ``time`` is follow-up (e.g. days from randomization), ``event`` is 1 for the event and 0 for
    censoring. ``conf_type`` is ``"log"`` (R's default), ``"log-log"`` or ``"plain"``. Standard
    errors are Greenwood's (1926); the median and its confidence limits are where the curve and its
    confidence limits first reach 0.5, as ``print(survfit(...))`` reports them (Brookmeyer &
    Crowley 1982, Biometrics 38:29–41, for the limits).
    """
    times, events = check_time_event(time, event)
    if conf_type not in _CONF_TYPES:
        raise InputError(
            field="conf_type", expected=f"one of {list(_CONF_TYPES)}", received=conf_type
        )
    level = check_conf_level(conf_level)
    if group is None:
        subsets = [("all", np.ones(times.size, dtype=bool))]
    else:
        groups = check_groups(group, times.size)
        subsets = [(label, groups.codes == k) for k, label in enumerate(groups.labels)]
    curves: list[KaplanMeierCurve] = []
    notes: list[str] = []
    for label, mask in subsets:
        curve, curve_notes = _curve(label, times[mask], events[mask], conf_type, level)
        curves.append(curve)
        notes.extend(curve_notes)
    return KaplanMeierResult(
        curves=tuple(curves), conf_type=conf_type, conf_level=level, notes=tuple(notes)
    )
