"""Cox proportional hazards regression with Efron or Breslow handling of tied event times.

Cox (1972), "Regression models and life-tables", JRSS B 34:187–220; Breslow (1974), Biometrics
30:89–99; Efron (1977), "The efficiency of Cox's likelihood function for censored data", JASA
72:557–565. The fit (Newton–Raphson with step halving from β = 0) and the Wald, likelihood-ratio and
score tests follow Therneau & Grambsch (2000), *Modeling Survival Data*, §3.2–3.4, and are checked
against R's ``survival::coxph``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.stats import chi2, norm

from hepatrial.errors import InputError
from hepatrial.stats._survival_data import ArrayLike, check_conf_level, check_time_event

__all__ = ["ChiSquareTest", "CoxResult", "Ties", "cox"]

Ties = Literal["efron", "breslow"]
Covariates: TypeAlias = "pd.DataFrame | Mapping[str, ArrayLike] | ArrayLike"

_MAX_ITER = 30
_MAX_HALVINGS = 30
_RELATIVE_TOLERANCE = 1e-10
# R's coxph flags a coefficient as possibly infinite when the next Newton step is still larger
# than sqrt(1e-9) times the coefficient after the log-likelihood has converged.
_INFINITE_TOLERANCE = float(np.sqrt(1e-9))


@dataclass(frozen=True, slots=True)
class ChiSquareTest:
    """A chi-square test: statistic, degrees of freedom and p-value."""

    statistic: float
    df: int
    p_value: float


@dataclass(frozen=True, slots=True, eq=False)
class CoxResult:
    """Fitted Cox model: coefficients (log hazard ratios), their Wald inference and global tests."""

    names: tuple[str, ...]
    coef: NDArray[np.float64]
    std_error: NDArray[np.float64]
    covariance: NDArray[np.float64]
    hazard_ratio: NDArray[np.float64]
    hr_lower: NDArray[np.float64]
    hr_upper: NDArray[np.float64]
    z: NDArray[np.float64]
    p_value: NDArray[np.float64]
    loglik_null: float
    loglik: float
    likelihood_ratio: ChiSquareTest
    wald: ChiSquareTest
    score: ChiSquareTest
    n: int
    n_event: int
    ties: Ties
    conf_level: float
    iterations: int
    converged: bool
    notes: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row per covariate: coefficient, SE, hazard ratio with its limits, z and p."""
        return pd.DataFrame(
            {
                "term": self.names,
                "coef": self.coef,
                "std_error": self.std_error,
                "hazard_ratio": self.hazard_ratio,
                "hr_lower": self.hr_lower,
                "hr_upper": self.hr_upper,
                "z": self.z,
                "p_value": self.p_value,
            }
        )

    def tests_frame(self) -> pd.DataFrame:
        """The global likelihood-ratio, Wald and score tests, one row each."""
        rows = [
            ("likelihood ratio", self.likelihood_ratio),
            ("wald", self.wald),
            ("score", self.score),
        ]
        return pd.DataFrame(
            [[name, t.statistic, t.df, t.p_value] for name, t in rows],
            columns=["test", "statistic", "df", "p_value"],
        )


@dataclass(frozen=True, slots=True)
class _RiskSets:
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
    ) -> _RiskSets:
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

    def derivatives(
        self, beta: NDArray[np.float64]
    ) -> tuple[float, NDArray[np.float64], NDArray[np.float64]]:
        """Log partial likelihood, score vector and observed information at ``beta``."""
        eta = self.x @ beta
        w = np.exp(eta)
        wx = w[:, None] * self.x
        wxx = wx[:, :, None] * self.x[:, None, :]
        s0 = w[::-1].cumsum()[::-1][self.start]
        s1 = wx[::-1].cumsum(axis=0)[::-1][self.start]
        s2 = wxx[::-1].cumsum(axis=0)[::-1][self.start]
        k = self.start.size
        dead = self.event
        a = np.bincount(self.death_time, weights=w[dead], minlength=k)
        b = np.zeros_like(s1)
        np.add.at(b, self.death_time, wx[dead])
        c = np.zeros_like(s2)
        np.add.at(c, self.death_time, wxx[dead])
        f, j = self.fraction, self.row_time
        den = s0[j] - f * a[j]
        mean = (s1[j] - f[:, None] * b[j]) / den[:, None]
        second = (s2[j] - f[:, None, None] * c[j]) / den[:, None, None]
        loglik = float(eta[dead].sum() - np.log(den).sum())
        score = self.x[dead].sum(axis=0) - mean.sum(axis=0)
        information = (second - mean[:, :, None] * mean[:, None, :]).sum(axis=0)
        return loglik, score, information


def _design(covariates: Covariates, n: int) -> tuple[NDArray[np.float64], tuple[str, ...]]:
    raw: NDArray[Any] | None
    if isinstance(covariates, pd.DataFrame):
        names = tuple(str(c) for c in covariates.columns)
        raw = covariates.to_numpy()
    elif isinstance(covariates, Mapping):
        names = tuple(str(c) for c in covariates)
        raw = np.column_stack([np.asarray(v) for v in covariates.values()]) if names else None
    else:
        given = np.asarray(covariates)
        raw = given[:, None] if given.ndim == 1 else given
        names = tuple(f"x{i + 1}" for i in range(raw.shape[1])) if raw.ndim == 2 else ()
    if raw is None or raw.ndim != 2 or raw.shape[1] == 0:
        raise InputError(
            field="covariates",
            expected="a table with at least one column",
            received="no covariate" if raw is None else f"shape {raw.shape}",
        )
    if raw.shape[0] != n:
        raise InputError(
            field="covariates", expected=f"{n} rows (one per time)", received=f"{raw.shape[0]} rows"
        )
    try:
        x = raw.astype(np.float64)
    except (TypeError, ValueError):
        raise InputError(
            field="covariates", expected="numeric columns", received=f"type {raw.dtype}"
        ) from None
    bad = ~np.isfinite(x)
    if bad.any():
        row, column = (int(i) for i in np.argwhere(bad)[0])
        raise InputError(
            field=f"covariates[{names[column]}][{row}]",
            expected="a finite number (drop incomplete rows first)",
            received=float(x[row, column]),
        )
    return x, names


def _binary_without_events(
    x: NDArray[np.float64], event: NDArray[np.bool_], names: tuple[str, ...]
) -> list[str]:
    notes = []
    for column, name in enumerate(names):
        levels = np.unique(x[:, column])
        if levels.size != 2:
            continue
        for level in levels:
            if not event[x[:, column] == level].any():
                notes.append(
                    f"{name} = {level:g} had no events: the hazard ratio for {name} is not "
                    "estimable (monotone likelihood); its estimate and Wald test are meaningless"
                )
    return notes


def cox(
    time: ArrayLike,
    event: ArrayLike,
    covariates: Covariates,
    *,
    ties: Ties = "efron",
    conf_level: float = 0.95,
) -> CoxResult:
    """Fit a Cox proportional hazards model by maximum partial likelihood.

    ``covariates`` is a DataFrame, a mapping of name to column, or an (n × p) array (named
    ``x1 … xp``); rows must be complete. Newton–Raphson starts at β = 0 and halves a step that
    lowers the log partial likelihood (Therneau & Grambsch 2000, §3.2). Wald, likelihood-ratio
    and score tests of β = 0 are reported with p degrees of freedom; hazard-ratio limits are
    exp(β ± z·SE). A covariate level with no events makes its coefficient run to ±∞ (monotone
    likelihood; Heinze & Schemper 2001, Biometrics 57:114–119): ``notes`` says so.
    """
    times, events = check_time_event(time, event)
    x, names = _design(covariates, times.size)
    if ties not in ("efron", "breslow"):
        raise InputError(field="ties", expected="'efron' or 'breslow'", received=ties)
    level = check_conf_level(conf_level)
    p = x.shape[1]
    notes: list[str] = []
    constant = [name for column, name in enumerate(names) if np.ptp(x[:, column]) == 0.0]
    if not events.any():
        notes.append("no events: the Cox model is not estimable")
    if constant:
        notes.append(
            f"covariate(s) {', '.join(constant)} do not vary: their effect is not estimable"
        )
    if notes:
        return _not_estimable(names, times.size, int(events.sum()), ties, level, notes)
    if np.linalg.matrix_rank(x - x.mean(axis=0)) < p:
        raise InputError(
            field="covariates",
            expected="linearly independent columns",
            received=f"collinear columns among {list(names)}",
        )
    # centring changes no coefficient but keeps exp(xβ) away from overflow
    risk = _RiskSets.build(times, events, x - x.mean(axis=0), ties)
    beta = np.zeros(p)
    loglik_null, score0, info0 = risk.derivatives(beta)
    loglik, score, info = loglik_null, score0, info0
    converged = False
    iterations = 0
    while iterations < _MAX_ITER:
        iterations += 1
        step = np.linalg.solve(info, score)
        candidate = beta + step
        new_loglik, new_score, new_info = risk.derivatives(candidate)
        halvings = 0
        while not new_loglik >= loglik and halvings < _MAX_HALVINGS:
            candidate = (beta + candidate) / 2.0
            new_loglik, new_score, new_info = risk.derivatives(candidate)
            halvings += 1
        change = abs(new_loglik - loglik)
        beta, loglik, score, info = candidate, new_loglik, new_score, new_info
        if change <= _RELATIVE_TOLERANCE * abs(loglik):
            converged = True
            break
    covariance: NDArray[np.float64] = np.linalg.inv(info).astype(np.float64)
    if not converged:
        notes.append(
            f"Newton–Raphson did not converge in {_MAX_ITER} iterations: estimates are unreliable"
        )
    monotone = _binary_without_events(x, events, names)
    next_step = np.abs(covariance @ score)
    infinite = [
        name
        for name, s, b in zip(names, next_step, beta, strict=True)
        if s > _INFINITE_TOLERANCE * max(abs(b), 1.0)
    ]
    notes.extend(monotone)
    if infinite and not monotone:
        notes.append(
            f"the coefficient(s) of {', '.join(infinite)} may be infinite (monotone likelihood): "
            "the log-likelihood converged while they kept growing"
        )
    std_error = np.sqrt(np.diag(covariance))
    z_crit = float(norm.ppf(1.0 - (1.0 - level) / 2.0))
    z = beta / std_error
    with np.errstate(over="ignore"):
        hazard_ratio = np.exp(beta)
        hr_lower = np.exp(beta - z_crit * std_error)
        hr_upper = np.exp(beta + z_crit * std_error)
    lr = 2.0 * (loglik - loglik_null)
    wald = float(beta @ info @ beta)
    score_stat = float(score0 @ np.linalg.solve(info0, score0))
    return CoxResult(
        names=names,
        coef=beta,
        std_error=std_error,
        covariance=covariance,
        hazard_ratio=hazard_ratio,
        hr_lower=hr_lower,
        hr_upper=hr_upper,
        z=z,
        p_value=2.0 * norm.sf(np.abs(z)),
        loglik_null=loglik_null,
        loglik=loglik,
        likelihood_ratio=ChiSquareTest(lr, p, float(chi2.sf(lr, p))),
        wald=ChiSquareTest(wald, p, float(chi2.sf(wald, p))),
        score=ChiSquareTest(score_stat, p, float(chi2.sf(score_stat, p))),
        n=times.size,
        n_event=int(events.sum()),
        ties=ties,
        conf_level=level,
        iterations=iterations,
        converged=converged,
        notes=tuple(notes),
    )


def _not_estimable(
    names: tuple[str, ...], n: int, n_event: int, ties: Ties, level: float, notes: list[str]
) -> CoxResult:
    """A result whose every estimate is NaN, with ``notes`` saying why (never a silent NaN)."""
    p = len(names)
    nan = np.full(p, np.nan)
    undefined = ChiSquareTest(float("nan"), p, float("nan"))
    return CoxResult(
        names=names,
        coef=nan,
        std_error=nan,
        covariance=np.full((p, p), np.nan),
        hazard_ratio=nan,
        hr_lower=nan,
        hr_upper=nan,
        z=nan,
        p_value=nan,
        loglik_null=float("nan"),
        loglik=float("nan"),
        likelihood_ratio=undefined,
        wald=undefined,
        score=undefined,
        n=n,
        n_event=n_event,
        ties=ties,
        conf_level=level,
        iterations=0,
        converged=False,
        notes=tuple(notes),
    )
