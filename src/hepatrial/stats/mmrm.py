"""Mixed model for repeated measures (MMRM): REML, arm difference per visit, pre-specified fallback.

The model is the one of Mallinckrodt et al. (2008), "Recommendations for the primary analysis of
continuous endpoints in longitudinal clinical trials", Drug Inf. J. 42:303–319: fixed effects
intercept + baseline + visit + arm-within-visit, so that each ``arm[a]:visit[v]`` coefficient *is*
the difference between arm ``a`` and the reference arm at visit ``v``; residuals are correlated
within participant across visits (see :mod:`hepatrial.stats._mmrm_covariance`), and a participant
contributes the visits they were seen at (valid under missing at random). The fit maximises the
restricted likelihood (:mod:`hepatrial.stats._mmrm_fit`) and is checked against ``nlme::gls``.

Degrees of freedom are by default Satterthwaite's (:mod:`hepatrial.stats._mmrm_satterthwaite`, as
SAS PROC MIXED ``DDFM=SATTERTHWAITE`` and R's lmerTest and mmrm packages), checked against lmerTest.
``df="residual"`` gives the residual ``N - p`` that ``nlme::gls`` uses, which overstates the
information in small trials. Kenward–Roger's adjustment of the standard errors is not provided.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.stats import t as t_dist

from hepatrial.errors import InputError
from hepatrial.stats._mmrm_covariance import STRUCTURES, Structure
from hepatrial.stats._mmrm_design import Design, build_design
from hepatrial.stats._mmrm_fit import Pattern, RemlFit, fit_reml, group_patterns
from hepatrial.stats._mmrm_satterthwaite import satterthwaite_df
from hepatrial.stats._survival_data import check_conf_level

__all__ = ["DfMethod", "MmrmResult", "VisitDifference", "mmrm"]

DfMethod = Literal["satterthwaite", "residual"]

_DF_NOTES: dict[str, str] = {
    "residual": (
        "degrees of freedom are the residual N - p reported by nlme::gls, not Kenward-Roger or "
        "Satterthwaite: intervals may be too narrow in small samples"
    ),
    "satterthwaite": (
        "degrees of freedom by Satterthwaite's approximation (as SAS DDFM=SATTERTHWAITE and "
        "lmerTest); standard errors are not Kenward-Roger adjusted, so intervals may still be "
        "slightly narrow in small samples"
    ),
}


@dataclass(frozen=True, slots=True)
class VisitDifference:
    """Difference in mean response between ``arm`` and ``reference`` at one visit."""

    visit: str
    arm: str
    reference: str
    estimate: float
    std_error: float
    lower: float
    upper: float
    df: float
    t_value: float
    p_value: float


@dataclass(frozen=True, slots=True, eq=False)
class MmrmResult:
    """REML fit of the MMRM: fixed effects, residual covariance and the arm difference per visit.

    ``df`` holds the degrees of freedom of each fixed effect's t-test by ``df_method``;
    ``df_residual`` is N - p whichever method is used.
    """

    response: str
    covariance: Structure | None
    covariance_requested: Structure
    visits: tuple[str, ...]
    arms: tuple[str, ...]
    names: tuple[str, ...]
    coef: NDArray[np.float64]
    std_error: NDArray[np.float64]
    coef_covariance: NDArray[np.float64]
    residual_covariance: NDArray[np.float64]
    loglik: float
    df_residual: int
    df_method: DfMethod
    df: NDArray[np.float64]
    differences: tuple[VisitDifference, ...]
    n_subjects: int
    n_obs: int
    conf_level: float
    converged: bool
    notes: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """The MMRM table: one row per visit and non-reference arm, difference with CI and p."""
        columns = [
            "visit",
            "arm",
            "reference",
            "estimate",
            "std_error",
            "lower",
            "upper",
            "df",
            "t_value",
            "p_value",
        ]
        rows = [{name: getattr(d, name) for name in columns} for d in self.differences]
        return pd.DataFrame(rows, columns=columns)

    def fixed_effects(self) -> pd.DataFrame:
        """One row per fixed effect: estimate, SE, df, t and two-sided p on ``df``."""
        t_value = self.coef / self.std_error
        return pd.DataFrame(
            {
                "term": self.names,
                "estimate": self.coef,
                "std_error": self.std_error,
                "df": self.df,
                "t_value": t_value,
                "p_value": _two_sided_p(t_value, self.df),
            }
        )


def _two_sided_p(
    t_value: NDArray[np.float64], df: NDArray[np.float64] | float
) -> NDArray[np.float64]:
    df = np.broadcast_to(np.asarray(df, dtype=float), t_value.shape)
    with np.errstate(invalid="ignore"):
        p = 2.0 * t_dist.sf(np.abs(t_value), np.where(df > 0, df, np.nan))
    return np.asarray(p, dtype=float)


def _check_structures(
    covariance: str, fallback: Sequence[str]
) -> tuple[Structure, tuple[Structure, ...]]:
    for field, value in [("covariance", covariance), *(("fallback", f) for f in fallback)]:
        if value not in STRUCTURES:
            raise InputError(
                field=field, expected=f"one of {', '.join(STRUCTURES)}", received=value
            )
    order: list[Structure] = [covariance]  # type: ignore[list-item]
    order += [f for f in fallback if f not in order]  # type: ignore[misc]
    return order[0], tuple(order)


def _start_covariance(design: Design) -> NDArray[np.float64]:
    # Moment start: pairwise covariance of OLS residuals, or only their variances when that
    # matrix is incomplete or not positive definite.
    coef, *_ = np.linalg.lstsq(design.x, design.y, rcond=None)
    residual = design.y - design.x @ coef
    wide = np.full((design.n_subjects, len(design.visits)), np.nan)
    wide[design.subject_index, design.visit_index] = residual
    start = pd.DataFrame(wide).cov(min_periods=2).to_numpy()
    if np.all(np.isfinite(start)):
        eigenvalues = np.linalg.eigvalsh(start)
        if eigenvalues[0] > 1e-6 * eigenvalues[-1]:
            return np.asarray(start, dtype=np.float64)
    pooled = float(np.mean(residual**2)) or 1.0
    variances = np.diag(start)
    return np.diag(np.where(np.isfinite(variances) & (variances > 0), variances, pooled))


def _fit_in_order(
    order: tuple[Structure, ...], design: Design, patterns: tuple[Pattern, ...], notes: list[str]
) -> RemlFit:
    start = _start_covariance(design)
    for structure in order:
        fit = fit_reml(structure, patterns, len(design.visits), design.y.size, start)
        if fit.converged:
            if structure != order[0]:
                notes.append(
                    f"fitted with {structure} covariance, the pre-specified fallback for {order[0]}"
                )
            return fit
        notes.append(f"{structure} covariance did not converge: {fit.problem}")
    notes.append("no covariance structure converged: the estimates are not reliable")
    return fit


def _degrees_of_freedom(
    method: DfMethod,
    fit: RemlFit,
    design: Design,
    patterns: tuple[Pattern, ...],
    notes: list[str],
) -> tuple[DfMethod, NDArray[np.float64]]:
    p = len(design.names)
    residual = np.full(p, float(design.y.size - p))
    if method == "residual":
        return "residual", residual
    if not fit.converged or fit.theta is None or fit.information is None:
        notes.append("Satterthwaite degrees of freedom need a converged fit: residual N - p used")
        return "residual", residual
    df = satterthwaite_df(
        fit.structure,
        fit.theta,
        fit.information,
        patterns,
        len(design.visits),
        fit.coef_covariance,
        np.eye(p),
    )
    return "satterthwaite", df


def _differences(
    design: Design, fit: RemlFit, df: NDArray[np.float64], conf_level: float
) -> tuple[VisitDifference, ...]:
    rows = []
    for arm in design.arms[1:]:
        for visit in design.visits:
            name = f"arm[{arm}]:visit[{visit}]"
            if name in design.names:
                k = design.names.index(name)
                estimate = float(fit.coef[k])
                se = float(np.sqrt(fit.coef_covariance[k, k]))
                dof = float(df[k])
            else:
                estimate = se = dof = np.nan
            quantile = float(t_dist.ppf(0.5 + conf_level / 2.0, dof)) if dof > 0 else np.nan
            t_value = estimate / se
            p = float(_two_sided_p(np.array([t_value]), dof)[0])
            rows.append(
                VisitDifference(
                    visit,
                    arm,
                    design.arms[0],
                    estimate,
                    se,
                    estimate - quantile * se,
                    estimate + quantile * se,
                    dof,
                    t_value,
                    p,
                )
            )
    return tuple(rows)


def mmrm(
    data: pd.DataFrame,
    *,
    response: str,
    subject: str,
    visit: str,
    arm: str,
    baseline: str | None = None,
    covariance: Structure = "unstructured",
    fallback: Sequence[Structure] = ("toeplitz", "ar1", "cs"),
    conf_level: float = 0.95,
    df: DfMethod = "satterthwaite",
) -> MmrmResult:
    """Fit the MMRM by REML and estimate the arm difference at each visit.

    ``data`` is long: one row per participant and visit. Visits are ordered by their categorical
    order if ``visit`` is an ordered categorical, otherwise by sorted value; AR(1) and Toeplitz
    correlations use these positions. Arms are sorted as R sorts factor levels and the first is the
    reference. If the requested structure does not converge, or its REML Hessian is not positive
    definite, the structures in ``fallback`` are tried in order and a note names the one used.

    ``df`` chooses the degrees of freedom of the t-tests and intervals: ``"satterthwaite"`` (the
    default; Satterthwaite 1946, as SAS ``DDFM=SATTERTHWAITE`` and lmerTest, with the observed
    REML information of the covariance parameters) or ``"residual"`` (N - p, as ``nlme::gls``).
    Method: Mallinckrodt et al. (2008); REML per Harville (1977); validated against ``nlme::gls``
    (estimates) and lmerTest (Satterthwaite df).
    """
    check_conf_level(conf_level)
    if df not in ("satterthwaite", "residual"):
        raise InputError(field="df", expected="'satterthwaite' or 'residual'", received=df)
    requested, order = _check_structures(covariance, fallback)
    design = build_design(
        data, response=response, subject=subject, visit=visit, arm=arm, baseline=baseline
    )
    notes = list(design.notes)
    p = len(design.names)
    df_residual = design.y.size - p
    n_visits = len(design.visits)
    patterns = group_patterns(design.visit_index, design.subject_index, design.y, design.x)
    if df_residual > 0:
        fit = _fit_in_order(order, design, patterns, notes)
        df_method, df_coef = _degrees_of_freedom(df, fit, design, patterns, notes)
        notes.append(_DF_NOTES[df_method])
    else:
        notes.append(
            f"{design.y.size} observations for {p} fixed effects: too few to estimate the "
            "residual covariance by REML, nothing was fitted"
        )
        fit = RemlFit(
            structure=requested,
            coef=np.full(p, np.nan),
            coef_covariance=np.full((p, p), np.nan),
            residual_covariance=np.full((n_visits, n_visits), np.nan),
            loglik=np.nan,
            converged=False,
            problem="",
        )
        df_method, df_coef = df, np.full(p, np.nan)
    return MmrmResult(
        response=response,
        covariance=fit.structure if fit.converged else None,
        covariance_requested=requested,
        visits=design.visits,
        arms=design.arms,
        names=design.names,
        coef=fit.coef,
        std_error=np.sqrt(np.diag(fit.coef_covariance)),
        coef_covariance=fit.coef_covariance,
        residual_covariance=fit.residual_covariance,
        loglik=fit.loglik,
        df_residual=df_residual,
        df_method=df_method,
        df=df_coef,
        differences=_differences(design, fit, df_coef, conf_level),
        n_subjects=design.n_subjects,
        n_obs=int(design.y.size),
        conf_level=conf_level,
        converged=fit.converged,
        notes=tuple(notes),
    )
