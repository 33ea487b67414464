"""Visit dates (jittered in their windows, sometimes outside or missed) and the lab results and
clinical assessments taken at them, as the site enters them (vectorized over visits)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hepatrial.clinical import standardize_lab
from hepatrial.clinical.catalogue import LAB_CATALOGUE
from hepatrial.errors import LimitError
from hepatrial.protocol import Protocol
from hepatrial.protocol.visits import Visit
from hepatrial.simulate._latent import Latent, grades_at, labs_at
from hepatrial.simulate.cohort_model import AssessmentDraw, LabDraw
from hepatrial.simulate.scenario import Scenario

__all__ = ["Measured", "follow_up_visits", "jitter_days", "measure", "visit_content"]

Int = NDArray[np.int64]

_MAX_OUTSIDE_DAYS = 10
_LATE_SHARE = 0.7  # a visit outside its window is more often late than early
_DIALYSIS_CREATININE_UMOL_L = 350.0  # above it the participant is on dialysis (assumed)
_ASCITES_WEIGHT_KG = {"none": 0.0, "mild": 1.0, "moderate_severe": 3.0}
# Entry errors: (factor applied to the value, unit typed) per test; each trips a limit or the
# unit mix-up rule of the catalogue (liver-scores.md §8).
_ERRORS: dict[str, float] = {
    "BILI": 1 / 17.1,  # a mg/dL figure typed under µmol/L
    "ALB": 1 / 10.0,  # g/dL under g/L
    "CREAT": 1 / 88.4,  # mg/dL under µmol/L
    "ALT": 100.0,  # two extra zeros
    "AST": 100.0,
    "ALP": 100.0,
    "PT": 10.0,  # a slipped decimal point
    "INR": 10.0,
    "SODIUM": 10.0,
}
_FALLBACK_FACTOR = 1000.0  # when the usual slip would pass every check unnoticed


def follow_up_visits(protocol: Protocol) -> tuple[Visit, ...]:
    """The visits from day 0 on (everything but screening), in order."""
    return tuple(v for v in protocol.visits if v.epoch != "screening")


def visit_content(protocol: Protocol, visit_code: str) -> tuple[tuple[str, ...], bool]:
    """The lab codes taken at a visit, and whether it has a clinical assessment."""
    labs: list[str] = []
    assessment = False
    for procedure in protocol.procedures_at(visit_code):
        if procedure.kind == "labs":
            labs += [m for m in procedure.measures if m not in labs]
        elif procedure.kind == "clinical_assessment":
            assessment = True
    return tuple(labs), assessment


def jitter_days(
    visits: tuple[Visit, ...], n: int, scenario: Scenario, rng: np.random.Generator
) -> tuple[Int, NDArray[np.bool_]]:
    """Actual study days (n × visits, increasing along a row) and which visits are missed.

    Inside the window uniformly; with the scenario's probability 1-10 days outside (late more
    often). Day 0 is never moved or missed, nor is the last visit (the survival contact).
    """
    p_out = scenario.number("conduct", "out_of_window_probability")
    p_miss = scenario.number("conduct", "missed_visit_probability")
    days = np.empty((n, len(visits)), dtype=np.int64)
    missed = np.zeros((n, len(visits)), dtype=np.bool_)
    for j, visit in enumerate(visits):
        low, high = visit.day - visit.window.before, visit.day + visit.window.after
        day = rng.integers(low, high + 1, n)
        outside = rng.random(n) < p_out
        by = rng.integers(1, _MAX_OUTSIDE_DAYS + 1, n)
        late = rng.random(n) < _LATE_SHARE
        day = np.where(outside, np.where(late, high + by, low - by), day)
        fixed = visit.window.before == 0 and visit.window.after == 0
        days[:, j] = visit.day if fixed else day
        if j:
            days[:, j] = np.maximum(days[:, j], days[:, j - 1] + 1)
        if not fixed and j < len(visits) - 1:
            missed[:, j] = rng.random(n) < p_miss
    return days, missed


@dataclass(frozen=True, slots=True)
class Measured:
    """Labs and assessments of many (person, day) pairs, in the order asked."""

    labs: list[tuple[LabDraw, ...]]
    assessments: list[AssessmentDraw]


def _entered(code: str, values: NDArray[np.float64]) -> list[float]:
    """Values as the analyser reports them: at the catalogue's precision, and always inside the
    hard limits (an analyser reports nothing else)."""
    test = LAB_CATALOGUE[code]
    low = test.hard.low if test.hard.low is not None else 0.0
    high = test.hard.high if test.hard.high is not None else np.inf
    clipped = np.clip(values, low * 1.05 + 10.0**-test.decimals, high * 0.95)
    return [float(x) for x in np.round(clipped, test.decimals)]


def _wrong(code: str, entered: float) -> LabDraw:
    test = LAB_CATALOGUE[code]
    unit = test.canonical_unit
    for factor in (_ERRORS[code], _FALLBACK_FACTOR):
        wrong = float(round(entered * factor, max(test.decimals, 1)))
        if _trips(code, wrong, unit):
            return LabDraw(code, wrong, unit, correction=(entered, unit))
    return LabDraw(code, entered, unit)


def _trips(code: str, value: float, unit: str) -> bool:
    """Whether the EDC would reject ``value`` or flag it for a query."""
    try:
        return bool(standardize_lab(code, value, unit).flags)
    except LimitError:
        return True


def measure(
    scenario: Scenario,
    protocol: Protocol,
    latent: Latent,
    *,
    rows: NDArray[np.intp],
    days: Int,
    m: NDArray[np.float64],
    codes: tuple[str, ...],
    weight: NDArray[np.float64],
    recent_ascites: NDArray[np.bool_],
    recent_he: NDArray[np.bool_],
    rng: np.random.Generator,
) -> Measured:
    """Labs ``codes`` and an assessment for each (``rows[k]``, ``days[k]``) with latent MELD
    ``m[k]``; ``weight`` is each person's screening weight."""
    values = labs_at(scenario, latent, rows, m, rng)
    ascites, he = grades_at(scenario, latent, rows, m, recent_ascites, recent_he, rng)
    p_error = scenario.number("conduct", "lab_entry_error_probability")
    errors = rng.random((len(rows), len(codes))) < p_error
    creatinine = values["CREAT"]
    body = weight + 0.8 * rng.standard_normal(len(rows))
    body += np.vectorize(_ASCITES_WEIGHT_KG.__getitem__, otypes=[float])(ascites)
    columns = [_entered(code, values[code]) for code in codes]
    units = [LAB_CATALOGUE[code].canonical_unit for code in codes]
    wrong = errors.tolist()
    labs = [
        tuple(
            _wrong(code, columns[c][k]) if wrong[k][c] else LabDraw(code, columns[c][k], units[c])
            for c, code in enumerate(codes)
        )
        for k in range(len(rows))
    ]
    assessments = [
        AssessmentDraw(
            ascites_grade=str(ascites[k]),
            he_grade=str(he[k]),
            weight_kg=float(round(body[k], 1)),
            dialysis=bool(creatinine[k] > _DIALYSIS_CREATININE_UMOL_L),
        )
        for k in range(len(rows))
    ]
    return Measured(labs=labs, assessments=assessments)
