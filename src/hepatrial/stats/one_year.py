"""One-year summaries of the primary outcome: mortality with exact tests, and survival difference.

- Mortality at the horizon among participants whose status there is known: Clopper–Pearson exact
  intervals per arm (Clopper & Pearson 1934, Biometrika 26:404–413) and Fisher's exact test,
  two-sided (Fisher 1935; the conditional maximum-likelihood odds ratio as R's ``fisher.test``).
- The difference in Kaplan–Meier survival at the horizon, with Greenwood standard errors summed
  over independent arms and a normal (plain) interval (Klein & Moeschberger 2003, §7.8).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.stats import beta, fisher_exact, norm
from scipy.stats.contingency import odds_ratio

from hepatrial.errors import InputError
from hepatrial.stats._survival_data import (
    ArrayLike,
    check_conf_level,
    check_groups,
    check_time_event,
    format_time,
)
from hepatrial.stats.kaplan_meier import kaplan_meier

__all__ = [
    "ArmMortality",
    "MortalityResult",
    "SurvivalDifference",
    "clopper_pearson",
    "mortality_1y",
    "survival_difference_1y",
]


def clopper_pearson(deaths: int, n: int, conf_level: float = 0.95) -> tuple[float, float]:
    """Exact binomial interval for ``deaths`` of ``n`` (Clopper & Pearson 1934), as binom.test."""
    if n < 1 or not 0 <= deaths <= n:
        raise InputError(field="deaths", expected=f"a count between 0 and n = {n}", received=deaths)
    alpha = 1 - check_conf_level(conf_level)
    lower = 0.0 if deaths == 0 else float(beta.ppf(alpha / 2, deaths, n - deaths + 1))
    upper = 1.0 if deaths == n else float(beta.ppf(1 - alpha / 2, deaths + 1, n - deaths))
    return lower, upper


@dataclass(frozen=True, slots=True)
class ArmMortality:
    """Deaths by the horizon in one arm, among those whose status at the horizon is known."""

    group: str
    n: int
    n_known: int
    deaths: int
    proportion: float
    lower: float
    upper: float


@dataclass(frozen=True, slots=True)
class MortalityResult:
    """Mortality at the horizon per arm, with Fisher's exact test between the two arms."""

    horizon: float
    arms: tuple[ArmMortality, ...]
    fisher_p_value: float
    odds_ratio: float
    conf_level: float
    notes: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row per arm; the test's p-value and odds ratio repeat on each row."""
        return pd.DataFrame(
            {
                "group": [a.group for a in self.arms],
                "horizon": self.horizon,
                "n": [a.n for a in self.arms],
                "n_known": [a.n_known for a in self.arms],
                "deaths": [a.deaths for a in self.arms],
                "proportion": [a.proportion for a in self.arms],
                "lower": [a.lower for a in self.arms],
                "upper": [a.upper for a in self.arms],
                "fisher_p_value": self.fisher_p_value,
                "odds_ratio": self.odds_ratio,
            }
        )


def _two_groups(
    group: ArrayLike, n: int, reference: str | None
) -> tuple[NDArray[np.intp], list[str], list[str]]:
    """Group codes, the labels in sorted order, and the order (reference first)."""
    groups = check_groups(group, n)
    labels = list(groups.labels)
    if len(labels) != 2:
        raise InputError(field="group", expected="exactly two arms", received=len(labels))
    ref = labels[0] if reference is None else reference
    if ref not in labels:
        raise InputError(field="reference", expected=f"one of {labels}", received=ref)
    return groups.codes, labels, [ref, labels[1 - labels.index(ref)]]


def mortality_1y(
    time: ArrayLike,
    event: ArrayLike,
    group: ArrayLike,
    *,
    horizon: float = 365.0,
    conf_level: float = 0.95,
    reference: str | None = None,
) -> MortalityResult:
    """Deaths by ``horizon`` per arm with Clopper–Pearson intervals, and Fisher's exact test.

    A participant's status at the horizon is known if they died at or before it, or were followed
    to it; those censored earlier are left out, and a note counts them. The odds ratio is the
    conditional maximum-likelihood estimate (as R's ``fisher.test``) of the other arm against
    ``reference`` (default: the first label in sorted order).
    """
    times, events = check_time_event(time, event)
    level = check_conf_level(conf_level)
    if not np.isfinite(horizon) or horizon <= 0:
        raise InputError(field="horizon", expected="a finite time > 0", received=horizon)
    codes, labels, order = _two_groups(group, times.size, reference)
    died = events & (times <= horizon)
    known = died | (times >= horizon)
    notes: list[str] = []
    arms: list[ArmMortality] = []
    for label in order:
        in_arm = codes == labels.index(label)
        n_known = int(np.sum(known & in_arm))
        deaths = int(np.sum(died & in_arm))
        lost = int(np.sum(in_arm)) - n_known
        if lost:
            notes.append(
                f"arm {label}: {lost} participant(s) censored before {format_time(horizon)} "
                "have unknown status and are left out of the mortality counts"
            )
        if n_known == 0:
            notes.append(f"arm {label}: no participant has a known status at the horizon")
            arms.append(ArmMortality(label, int(np.sum(in_arm)), 0, 0, np.nan, np.nan, np.nan))
            continue
        lower, upper = clopper_pearson(deaths, n_known, level)
        arms.append(
            ArmMortality(
                label, int(np.sum(in_arm)), n_known, deaths, deaths / n_known, lower, upper
            )
        )
    if any(a.n_known == 0 for a in arms):
        p = odds = float("nan")
        notes.append("Fisher's exact test needs a known status in both arms: it is not computed")
    else:
        table = np.array([[a.deaths, a.n_known - a.deaths] for a in reversed(arms)])
        p = float(fisher_exact(table, alternative="two-sided").pvalue)
        odds = float(odds_ratio(table, kind="conditional").statistic)
        if not table[:, 0].any():
            notes.append("no deaths by the horizon in either arm: Fisher's p-value is 1")
    return MortalityResult(float(horizon), tuple(arms), p, odds, level, tuple(notes))


@dataclass(frozen=True, slots=True)
class SurvivalDifference:
    """Kaplan–Meier survival at the horizon per arm and the difference ``group - reference``."""

    horizon: float
    reference: str
    group: str
    survival_reference: float
    survival_group: float
    std_error_reference: float
    std_error_group: float
    difference: float
    std_error: float
    lower: float
    upper: float
    conf_level: float
    notes: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row: both arms' survival, the difference, its standard error and limits."""
        return pd.DataFrame(
            [
                {
                    "horizon": self.horizon,
                    "reference": self.reference,
                    "group": self.group,
                    "survival_reference": self.survival_reference,
                    "survival_group": self.survival_group,
                    "difference": self.difference,
                    "std_error": self.std_error,
                    "lower": self.lower,
                    "upper": self.upper,
                }
            ]
        )


def survival_difference_1y(
    time: ArrayLike,
    event: ArrayLike,
    group: ArrayLike,
    *,
    horizon: float = 365.0,
    conf_level: float = 0.95,
    reference: str | None = None,
) -> SurvivalDifference:
    """Difference in Kaplan–Meier survival at ``horizon`` (other arm minus ``reference``).

    Var = SE_a² + SE_b² with Greenwood standard errors on the survival scale, and the interval is
    difference ± z·SE. An arm whose follow-up ends before the horizon has no estimate there: the
    difference is NaN and a note says why; an arm with no death by the horizon has survival 1 and
    standard error 0, which a note points out.
    """
    times, events = check_time_event(time, event)
    level = check_conf_level(conf_level)
    if not np.isfinite(horizon) or horizon <= 0:
        raise InputError(field="horizon", expected="a finite time > 0", received=horizon)
    _, _, order = _two_groups(group, times.size, reference)
    fit = kaplan_meier(times, events, group=group, conf_level=level)
    notes: list[str] = []
    surv: list[float] = []
    ses: list[float] = []
    for label in order:
        curve = fit.curve(label)
        at = curve.survival_at(horizon)
        s, se = at.survival, at.std_error
        if float(curve.time[-1]) < horizon and curve.survival[-1] > 0:
            notes.append(
                f"arm {label}: follow-up ends at {format_time(float(curve.time[-1]))}, before "
                f"{format_time(horizon)}: survival at the horizon is not estimable (NaN)"
            )
            s = se = float("nan")
        elif s == 0:
            notes.append(f"arm {label}: survival reaches 0 by the horizon; its Greenwood SE is 0")
            se = 0.0
        elif se == 0:
            notes.append(f"arm {label}: no death by the horizon, so its standard error is 0")
        surv.append(s)
        ses.append(se)
    z = float(norm.ppf(0.5 + level / 2))
    diff = surv[1] - surv[0]
    se_diff = float(np.hypot(ses[0], ses[1]))
    if se_diff == 0 and np.isfinite(diff):
        notes.append("both arms have zero variance at the horizon: the interval has zero width")
    return SurvivalDifference(
        horizon=float(horizon),
        reference=order[0],
        group=order[1],
        survival_reference=surv[0],
        survival_group=surv[1],
        std_error_reference=ses[0],
        std_error_group=ses[1],
        difference=diff,
        std_error=se_diff,
        lower=diff - z * se_diff,
        upper=diff + z * se_diff,
        conf_level=level,
        notes=tuple(notes),
    )
