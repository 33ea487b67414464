"""Latent liver disease severity over time, and the labs and grades it produces (vectorized).

Each person has a latent MELD path ``M(t)``: a random intercept, an Ornstein-Uhlenbeck
deviation (stationary SD and 24-week correlation from the scenario, V4), a linear drift, and the
arm's MELD change. The three MELD labs are built so that the MELD equation (without its floors)
of the noise-free labs is exactly ``M(t)``: a difference in ``M`` splits among bilirubin, INR and
creatinine by fixed shares, and each person has their own zero-sum split on top. Albumin and
sodium follow ``M`` with the scenario's correlations; enzymes are lognormal per person. Measured
values add the within-person variation of V1.

MELD equation (Kamath 2001; OPTN policy 9.1.D): 9.57 ln Cr + 3.78 ln bili + 11.2 ln INR + 6.43,
with creatinine and bilirubin in mg/dL.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hepatrial.clinical.catalogue import BILIRUBIN_UMOL_PER_MG_DL, CREATININE_UMOL_PER_MG_DL
from hepatrial.simulate.scenario import Scenario

__all__ = ["GRID_FIRST_DAY", "GRID_LAST_DAY", "Latent", "draw_latent", "grades_at", "labs_at"]

Float = NDArray[np.float64]

GRID_FIRST_DAY = -40  # screening may come up to 28 days (+ consent lags) before day 0
GRID_LAST_DAY = 410  # the day-365 contact's window closes on day 393; late visits up to +10

# MELD coefficients (×10 form of Kamath 2001 / OPTN 9.1.D).
_C_CREAT, _C_BILI, _C_INR, _C_CONST = 9.57, 3.78, 11.2, 6.43
_GRADE_WEIGHT_MELD = 0.6  # how much of the latent grade propensity the MELD explains
_RECENT_EVENT_DAYS = 60  # a decompensation worsens the grade for two months
_RECENT_EVENT_SHIFT = 1.5


@dataclass(frozen=True, slots=True)
class Latent:
    """Per person (rows): the latent MELD on each day of the grid, and person-level effects."""

    meld: Float  # n × days, column j is day GRID_FIRST_DAY + j
    split: Float  # n × 3 (bilirubin, INR, creatinine), MELD points, rows sum to 0
    albumin: Float  # n, standard normal person effects
    sodium: Float
    alt: Float
    ast: Float
    alp: Float
    ascites: Float
    he: Float
    alcohol: NDArray[np.bool_]

    def at(self, rows: NDArray[np.intp], days: NDArray[np.intp]) -> Float:
        return self.meld[rows, np.clip(days, GRID_FIRST_DAY, GRID_LAST_DAY) - GRID_FIRST_DAY]


def meld_reference(scenario: Scenario) -> float:
    """The (unfloored) MELD of the scenario's median bilirubin, INR and creatinine."""
    bili = scenario.number("labs", "bilirubin_umol_l") / BILIRUBIN_UMOL_PER_MG_DL
    creat = scenario.number("labs", "creatinine_umol_l") / CREATININE_UMOL_PER_MG_DL
    inr = scenario.number("labs", "inr")
    return float(
        _C_CREAT * np.log(creat) + _C_BILI * np.log(bili) + _C_INR * np.log(inr) + _C_CONST
    )


def ou_tau_days(scenario: Scenario) -> float:
    """Correlation time of the within-person deviation: exp(-168/tau) is the 24-week correlation."""
    rho = scenario.number("course", "within_person_correlation_24w")
    return float(168.0 / -np.log(min(max(rho, 1e-9), 1 - 1e-9)))


def draw_latent(
    scenario: Scenario,
    rng: np.random.Generator,
    *,
    alcohol: NDArray[np.bool_],
    meld_change: Float,
    onset_days: float,
) -> Latent:
    """Latent paths for ``len(alcohol)`` people; ``meld_change`` is each one's arm effect."""
    n = len(alcohol)
    days = np.arange(GRID_FIRST_DAY, GRID_LAST_DAY + 1)
    meld = scenario.record("baseline", "meld")
    within = scenario.number("course", "within_person_meld_sd")
    a = float(np.exp(-1.0 / ou_tau_days(scenario)))
    intercept = meld["mean"] + meld["between_sd"] * rng.standard_normal(n)
    path = np.empty((n, len(days)))
    x = within * rng.standard_normal(n)
    shocks = rng.standard_normal((n, len(days)))
    scale = within * np.sqrt(1.0 - a * a)
    for j in range(len(days)):
        if j:
            x = a * x + scale * shocks[:, j]
        path[:, j] = x
    drift = scenario.number("course", "meld_drift_per_year") * np.clip(days, 0, None) / 365.0
    ramp = np.clip(days / onset_days, 0.0, 1.0)
    path += intercept[:, None] + drift[None, :] + meld_change[:, None] * ramp[None, :]
    split = scenario.number("labs", "meld_split_sd") * rng.standard_normal((n, 3))
    split -= split.mean(axis=1, keepdims=True)
    normals = rng.standard_normal((n, 7))
    return Latent(
        meld=path,
        split=split,
        albumin=normals[:, 0],
        sodium=normals[:, 1],
        alt=normals[:, 2],
        ast=normals[:, 3],
        alp=normals[:, 4],
        ascites=normals[:, 5],
        he=normals[:, 6],
        alcohol=alcohol,
    )


def _standardized_meld(scenario: Scenario, m: Float) -> Float:
    meld = scenario.record("baseline", "meld")
    total = np.hypot(meld["between_sd"], scenario.number("course", "within_person_meld_sd"))
    return (m - meld["mean"]) / (total if total > 0 else 1.0)


def true_meld_labs(scenario: Scenario, latent: Latent, rows: NDArray[np.intp], m: Float) -> Float:
    """Noise-free bilirubin (µmol/L), INR and creatinine (µmol/L) for latent MELD ``m``: n × 3."""
    shares = scenario.record("labs", "meld_shares")
    excess = m - meld_reference(scenario)
    split = latent.split[rows]
    bili = scenario.number("labs", "bilirubin_umol_l") * np.exp(
        (shares["bilirubin"] * excess + split[:, 0]) / _C_BILI
    )
    inr = scenario.number("labs", "inr") * np.exp((shares["inr"] * excess + split[:, 1]) / _C_INR)
    creat = scenario.number("labs", "creatinine_umol_l") * np.exp(
        (shares["creatinine"] * excess + split[:, 2]) / _C_CREAT
    )
    return np.column_stack([bili, inr, creat])


def _lognormal_noise(rng: np.random.Generator, cv: float, n: int) -> Float:
    return np.asarray(np.exp(np.sqrt(np.log1p(cv * cv)) * rng.standard_normal(n)), np.float64)


def labs_at(
    scenario: Scenario, latent: Latent, rows: NDArray[np.intp], m: Float, rng: np.random.Generator
) -> dict[str, Float]:
    """Measured labs (canonical units, unrounded) for people ``rows`` with latent MELD ``m``."""
    n = len(rows)
    cv = scenario.record("labs", "measurement_cv")
    true = true_meld_labs(scenario, latent, rows, m)
    z = _standardized_meld(scenario, m)
    alb = scenario.record("labs", "albumin_g_l")
    na = scenario.record("labs", "sodium_mmol_l")
    r_alb, r_na = alb["meld_correlation"], na["meld_correlation"]
    albumin = alb["mean"] + alb["sd"] * (r_alb * z + np.sqrt(1 - r_alb**2) * latent.albumin[rows])
    sodium = na["mean"] + na["sd"] * (r_na * z + np.sqrt(1 - r_na**2) * latent.sodium[rows])
    pt = scenario.number("labs", "pt_control_s") * true[:, 1] * _lognormal_noise(rng, cv["pt"], n)
    out = {
        "BILI": true[:, 0] * _lognormal_noise(rng, cv["bilirubin"], n),
        "CREAT": true[:, 2] * _lognormal_noise(rng, cv["creatinine"], n),
        "PT": pt,
        # INR is computed from the PT by the analyser (ISI 1.0, B10), so the two agree.
        "INR": pt / scenario.number("labs", "pt_control_s"),
        "ALB": albumin * _lognormal_noise(rng, cv["albumin"], n),
        "SODIUM": sodium
        + scenario.number("labs", "sodium_measurement_sd") * rng.standard_normal(n),
    }
    alcohol = latent.alcohol[rows]
    for code, key, effect, cv_key in (
        ("ALT", "alt_u_l", latent.alt, "alt"),
        ("AST", "ast_u_l", latent.ast, "ast"),
        ("ALP", "alp_u_l", latent.alp, "alp"),
    ):
        spec = scenario.record("labs", key)
        median = np.where(alcohol, spec.get("alcohol_median", spec["median"]), spec["median"])
        out[code] = median * spec["gsd"] ** effect[rows] * _lognormal_noise(rng, cv[cv_key], n)
    return out


def grades_at(
    scenario: Scenario,
    latent: Latent,
    rows: NDArray[np.intp],
    m: Float,
    recent_ascites: NDArray[np.bool_],
    recent_he: NDArray[np.bool_],
    rng: np.random.Generator,
) -> tuple[NDArray[np.str_], NDArray[np.str_]]:
    """Ascites and encephalopathy grade codes: an ordered probit on the MELD, a person effect, a
    recent decompensation of that kind and visit noise, cut where the baseline mix is the
    scenario's."""
    z = _standardized_meld(scenario, m)
    n = len(rows)
    w = _GRADE_WEIGHT_MELD
    grades = []
    for name, effect, recent in (
        ("ascites_grade", latent.ascites, recent_ascites),
        ("he_grade", latent.he, recent_he),
    ):
        mix = scenario.value("baseline", name)
        codes = list(mix)
        cuts = _probit_cuts([mix[c] for c in codes])
        u = w * z + np.sqrt(1 - w * w) * effect[rows]
        u = u + 0.3 * rng.standard_normal(n) + _RECENT_EVENT_SHIFT * recent
        index = np.searchsorted(cuts, u / np.sqrt(1 + 0.09))
        grades.append(np.asarray(codes, dtype=np.str_)[index])
    return grades[0], grades[1]


def _probit_cuts(probabilities: list[float]) -> Float:
    from statistics import NormalDist

    cumulative = np.cumsum(probabilities)[:-1]
    normal = NormalDist()
    return np.array([normal.inv_cdf(min(max(p, 1e-9), 1 - 1e-9)) for p in cumulative])


def days_since(onsets: Float, day: NDArray[np.intp]) -> NDArray[np.bool_]:
    """Whether an onset (NaN: none) lies within the recent-event window before ``day``."""
    with np.errstate(invalid="ignore"):
        return (onsets <= day) & (onsets > day - _RECENT_EVENT_DAYS)
