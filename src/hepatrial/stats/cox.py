"""Cox proportional hazards regression with Efron or Breslow ties, optionally Firth-penalized.

Cox (1972), "Regression models and life-tables", JRSS B 34:187–220; Breslow (1974), Biometrics
30:89–99; Efron (1977), "The efficiency of Cox's likelihood function for censored data", JASA
72:557–565. The fit (Newton–Raphson with step halving from β = 0) and the Wald, likelihood-ratio and
score tests follow Therneau & Grambsch (2000), *Modeling Survival Data*, §3.2–3.4, and are checked
against R's ``survival::coxph``. Firth's penalty (Firth 1993, "Bias reduction of maximum likelihood
estimates", Biometrika 80:27–38) as applied to Cox regression by Heinze & Schemper (2001), "A
solution to the problem of monotone likelihood in Cox regression", Biometrics 57:114–119, with
profile penalized-likelihood intervals, is checked against a direct numerical maximisation.
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
from hepatrial.stats._cox_fit import Optimum, maximize, objective, profile_limit, profile_loglik
from hepatrial.stats._cox_risk import RiskSets, Ties
from hepatrial.stats._survival_data import ArrayLike, check_conf_level, check_time_event

__all__ = ["ChiSquareTest", "ConfInt", "CoxResult", "Penalty", "Ties", "cox"]

Penalty = Literal["none", "firth"]
ConfInt = Literal["wald", "profile"]
Covariates: TypeAlias = "pd.DataFrame | Mapping[str, ArrayLike] | ArrayLike"

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
    """Fitted Cox model: coefficients (log hazard ratios), their inference and global tests.

    With ``penalty="firth"``, ``loglik``, ``loglik_null`` and ``likelihood_ratio`` are those of the
    penalized likelihood l*(β); ``covariance`` is I(β̂)⁻¹ in both cases. ``conf_int`` says how the
    hazard-ratio limits and the per-coefficient ``p_value`` were obtained: Wald (z-test), or
    profile likelihood (limits where the profile drops by χ²₁/2; p from the profile
    likelihood-ratio test of β_j = 0). ``z`` is always the Wald statistic.
    """

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
    penalty: Penalty
    conf_int: ConfInt
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
) -> list[tuple[str, float]]:
    """(name, level) of each level of a two-valued covariate that had no events."""
    empty = []
    for column, name in enumerate(names):
        levels = np.unique(x[:, column])
        if levels.size != 2:
            continue
        for level in levels:
            if not event[x[:, column] == level].any():
                empty.append((name, float(level)))
    return empty


def _check_options(ties: str, penalty: str, conf_int: str | None) -> tuple[Ties, Penalty, ConfInt]:
    if ties not in ("efron", "breslow"):
        raise InputError(field="ties", expected="'efron' or 'breslow'", received=ties)
    if penalty not in ("none", "firth"):
        raise InputError(field="penalty", expected="'none' or 'firth'", received=penalty)
    interval = conf_int if conf_int is not None else ("profile" if penalty == "firth" else "wald")
    if interval not in ("wald", "profile"):
        raise InputError(field="conf_int", expected="'wald' or 'profile'", received=interval)
    return ties, penalty, interval  # type: ignore[return-value]


def _monotone_notes(
    x: NDArray[np.float64], events: NDArray[np.bool_], names: tuple[str, ...], fit: Optimum
) -> list[str]:
    monotone = [
        f"{name} = {level:g} had no events: the hazard ratio for {name} is not "
        "estimable (monotone likelihood); its estimate and Wald test are meaningless"
        for name, level in _binary_without_events(x, events, names)
    ]
    # R's coxph flags a coefficient whose next Newton step is still large after convergence.
    covariance = np.linalg.inv(fit.derivatives.information)
    next_step = np.abs(covariance @ fit.derivatives.score)
    infinite = [
        name
        for name, s, b in zip(names, next_step, fit.beta, strict=True)
        if s > _INFINITE_TOLERANCE * max(abs(b), 1.0)
    ]
    if infinite and not monotone:
        monotone.append(
            f"the coefficient(s) of {', '.join(infinite)} may be infinite (monotone likelihood): "
            "the log-likelihood converged while they kept growing"
        )
    return monotone


def _firth_notes(
    x: NDArray[np.float64], events: NDArray[np.bool_], names: tuple[str, ...]
) -> list[str]:
    notes = [
        "Firth-penalized partial likelihood (Heinze & Schemper 2001): log-likelihoods and the "
        "likelihood-ratio test are of l(β) + ½ log|I(β)|; the score test is the ordinary one"
    ]
    notes += [
        f"Firth-penalized estimate: finite although the likelihood is monotone "
        f"({name} = {level:g} had no events)"
        for name, level in _binary_without_events(x, events, names)
    ]
    return notes


def _profile(
    risk: RiskSets,
    fit: Optimum,
    std_error: NDArray[np.float64],
    level: float,
    firth: bool,
    names: tuple[str, ...],
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], list[str]]:
    """Profile-likelihood limits and likelihood-ratio p-values of each coefficient."""
    quantile = float(chi2.ppf(level, 1))
    p = fit.beta.size
    lower, upper, p_value = np.empty(p), np.empty(p), np.empty(p)
    notes = []
    for j in range(p):
        lower[j] = profile_limit(risk, fit, j, float(std_error[j]), quantile, firth, -1)
        upper[j] = profile_limit(risk, fit, j, float(std_error[j]), quantile, firth, +1)
        at_zero = profile_loglik(risk, fit, j, 0.0, firth)[0]
        p_value[j] = float(chi2.sf(max(2.0 * (fit.loglik - at_zero), 0.0), 1))
        for side, value in (("lower", lower[j]), ("upper", upper[j])):
            if not np.isfinite(value):
                notes.append(
                    f"the profile-likelihood {side} limit of {names[j]} is infinite: the "
                    "likelihood stays within the χ² cut-off however far the coefficient goes"
                )
    return lower, upper, p_value, notes


def cox(
    time: ArrayLike,
    event: ArrayLike,
    covariates: Covariates,
    *,
    ties: Ties = "efron",
    conf_level: float = 0.95,
    penalty: Penalty = "none",
    conf_int: ConfInt | None = None,
) -> CoxResult:
    """Fit a Cox proportional hazards model by maximum (optionally penalized) partial likelihood.

    ``covariates`` is a DataFrame, a mapping of name to column, or an (n × p) array (named
    ``x1 … xp``); rows must be complete. Newton–Raphson starts at β = 0 and halves a step that
    lowers the log partial likelihood (Therneau & Grambsch 2000, §3.2). Wald, likelihood-ratio
    and score tests of β = 0 are reported with p degrees of freedom. A covariate level with no
    events makes the ordinary coefficient run to ±∞ (monotone likelihood; Heinze & Schemper 2001,
    Biometrics 57:114–119): ``notes`` says so.

    ``penalty="firth"`` maximises l*(β) = l(β) + ½ log|I(β)| (Firth 1993; Heinze & Schemper 2001)
    with either tie method; its estimate is finite under monotone likelihood. ``conf_int`` is
    ``"wald"`` (exp(β ± z·SE)) or ``"profile"`` (profile (penalized) likelihood, Heinze & Schemper's
    recommendation and R coxphf's default); by default profile with Firth, Wald without.
    """
    times, events = check_time_event(time, event)
    x, names = _design(covariates, times.size)
    options = _check_options(ties, penalty, conf_int)
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
        return _not_estimable(names, times.size, int(events.sum()), options, level, notes)
    if np.linalg.matrix_rank(x - x.mean(axis=0)) < p:
        raise InputError(
            field="covariates",
            expected="linearly independent columns",
            received=f"collinear columns among {list(names)}",
        )
    firth = options[1] == "firth"
    # centring changes no coefficient but keeps exp(xβ) away from overflow
    risk = RiskSets.build(times, events, x - x.mean(axis=0), options[0])
    loglik_null, _, null = objective(risk, np.zeros(p), firth)
    fit = maximize(risk, np.zeros(p), firth)
    info = fit.derivatives.information
    covariance: NDArray[np.float64] = np.linalg.inv(info).astype(np.float64)
    if not fit.converged:
        notes.append(
            f"Newton–Raphson did not converge in {fit.iterations} iterations: "
            "estimates are unreliable"
        )
    if firth:
        notes.extend(_firth_notes(x, events, names))
    else:
        notes.extend(_monotone_notes(x, events, names, fit))
    beta = fit.beta
    std_error = np.sqrt(np.diag(covariance))
    z = beta / std_error
    p_value = 2.0 * norm.sf(np.abs(z))
    z_crit = float(norm.ppf(1.0 - (1.0 - level) / 2.0))
    lower, upper = beta - z_crit * std_error, beta + z_crit * std_error
    if options[2] == "profile":
        lower, upper, p_value, profile_notes = _profile(risk, fit, std_error, level, firth, names)
        notes.extend(profile_notes)
    with np.errstate(over="ignore"):
        hazard_ratio, hr_lower, hr_upper = np.exp(beta), np.exp(lower), np.exp(upper)
    lr = 2.0 * (fit.loglik - loglik_null)
    wald = float(beta @ info @ beta)
    score_stat = float(null.score @ np.linalg.solve(null.information, null.score))
    return CoxResult(
        names=names,
        coef=beta,
        std_error=std_error,
        covariance=covariance,
        hazard_ratio=hazard_ratio,
        hr_lower=hr_lower,
        hr_upper=hr_upper,
        z=z,
        p_value=p_value,
        loglik_null=loglik_null,
        loglik=fit.loglik,
        likelihood_ratio=ChiSquareTest(lr, p, float(chi2.sf(lr, p))),
        wald=ChiSquareTest(wald, p, float(chi2.sf(wald, p))),
        score=ChiSquareTest(score_stat, p, float(chi2.sf(score_stat, p))),
        n=times.size,
        n_event=int(events.sum()),
        ties=options[0],
        penalty=options[1],
        conf_int=options[2],
        conf_level=level,
        iterations=fit.iterations,
        converged=fit.converged,
        notes=tuple(notes),
    )


def _not_estimable(
    names: tuple[str, ...],
    n: int,
    n_event: int,
    options: tuple[Ties, Penalty, ConfInt],
    level: float,
    notes: list[str],
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
        ties=options[0],
        penalty=options[1],
        conf_int=options[2],
        conf_level=level,
        iterations=0,
        converged=False,
        notes=tuple(notes),
    )
