"""How well a simulated cohort reproduces the published figures its scenario was built from.

Each :class:`Check` compares one figure of the scenario (the published value, or the assumption
it states) with the same quantity measured in a cohort, with a Monte Carlo standard error: a
binomial SE for proportions, a Poisson SE for rates. ``within`` says whether the difference is
within ``k`` standard errors. Everything is measured from what the site records (the labs as
entered and corrected, the dates), as an analyst would.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from hepatrial.clinical import compute_meld, lab_test
from hepatrial.protocol import Protocol
from hepatrial.simulate._visits import follow_up_visits
from hepatrial.simulate.cohort_model import Candidate, Cohort, LabDraw
from hepatrial.simulate.scenario import Scenario

__all__ = [
    "Check",
    "calibration_checks",
    "checks_frame",
    "correlation_check",
    "expected_log_bilirubin_correlation",
    "visit_correlation",
]

_C_BILI = 3.78  # the bilirubin coefficient of MELD (Kamath 2001)
_QUARTER = 90
_YEAR = 365


@dataclass(frozen=True, slots=True)
class Check:
    """One figure: the scenario's value, the cohort's estimate and its standard error."""

    figure: str
    source: str
    expected: float
    observed: float
    se: float
    n: float

    def within(self, k: float = 4.0) -> bool:
        return abs(self.observed - self.expected) <= k * self.se


def _std(labs: tuple[LabDraw, ...]) -> dict[str, float]:
    out = {}
    for lab in labs:
        value, unit = lab.final
        out[lab.code] = value * lab_test(lab.code).units[unit].factor
    return out


def _baseline(c: Candidate) -> dict[str, float] | None:
    d0 = next((v for v in c.visits if v.code == "D0" and v.labs), None)
    return _std(d0.labs) if d0 is not None else None


def _proportion(figure: str, source: str, expected: float, hits: int, n: int) -> Check:
    p = hits / n if n else math.nan
    se = math.sqrt(expected * (1 - expected) / n) if n else math.inf
    return Check(figure, source, expected, p, se, n)


def _followed(c: Candidate, day: int) -> bool:
    """Still under observation at ``day`` or died before it (withdrawals before it drop out)."""
    assert c.randomized_on is not None
    if c.death_on is not None and (c.death_on - c.randomized_on).days <= day:
        return True
    return c.withdrawn_on is None or (c.withdrawn_on - c.randomized_on).days > day


def _died_by(c: Candidate, day: int) -> bool:
    assert c.randomized_on is not None
    return c.death_on is not None and (c.death_on - c.randomized_on).days <= day


def calibration_checks(cohort: Cohort, *, scenario: Scenario, protocol: Protocol) -> list[Check]:
    """The scenario's published figures against ``cohort`` (best with thousands of people)."""
    checks: list[Check] = []
    screened = len(cohort.candidates)
    failed = len(cohort.screen_failures())
    p_fail = scenario.number("screening", "screen_failure_probability")
    checks.append(
        _proportion(
            "screen failure fraction",
            "screening.screen_failure_probability",
            p_fail,
            failed,
            screened,
        )
    )
    people = [c for c in cohort.randomized() if c.infused_on is not None]
    base = [(c, b) for c in people if (b := _baseline(c)) is not None]
    meld = compute_meld(
        bilirubin=np.array([b["BILI"] for _, b in base]),
        creatinine=np.array([b["CREAT"] for _, b in base]),
        inr=np.array([b["INR"] for _, b in base]),
        dialysis=np.array(
            [bool(c.visits[0].assessment and c.visits[0].assessment.dialysis) for c, _ in base]
        ),
    )
    lower = -math.inf
    for band in scenario.bands():
        upper = math.inf if band.below is None else band.below
        group = [c for (c, _), m in zip(base, meld, strict=True) if lower <= m < upper]
        group = [c for c in group if _followed(c, _QUARTER)]
        name = f"3-month mortality, baseline MELD {lower:g}-{upper:g}".replace("-inf-", "<")
        if len(group) >= 30:
            checks.append(
                _proportion(
                    name,
                    "course.mortality_3_month_by_meld (N1)",
                    band.probability,
                    sum(_died_by(c, _QUARTER) for c in group),
                    len(group),
                )
            )
        lower = upper
    year = [c for c in people if _followed(c, _YEAR)]
    deaths = sum(_died_by(c, _YEAR) for c in year)
    # An interval, not a point: from N5's stable trial population (15 %) to N4's hospitalised
    # Chinese cohorts (45 %); "se" is a quarter of the half-width so that 4 SE is the interval.
    checks.append(
        Check(
            "1-year mortality (range 0.15-0.45: N5 to N4)",
            "N4, N5",
            0.30,
            deaths / max(len(year), 1),
            0.15 / 4,
            len(year),
        )
    )
    checks += _decompensation_rates(people, scenario)
    fever = scenario.value("safety", "infusion_fever_probability")
    for arm, p in fever.items():
        group = [c for c in people if c.arm == arm]
        hits = sum(any(a.infusion_reaction for a in c.adverse_events) for c in group)
        checks.append(
            _proportion(
                f"infusion fever, {arm}",
                "safety.infusion_fever_probability",
                float(p),
                hits,
                len(group),
            )
        )
    checks.append(_window_check(people, scenario, protocol))
    return checks


def correlation_check(cohort: Cohort, *, scenario: Scenario) -> Check:
    """Log bilirubin at W12 against W24, against the closed form of the variance model.

    Deaths select the survivors who reach W24 (their MELD is lower and less spread), which
    lowers the correlation a little below the closed form; with ``course.mortality_scale`` 0 the
    closed form is exact.
    """
    r, pairs = visit_correlation(cohort, "BILI")
    expected = expected_log_bilirubin_correlation(scenario, lag_days=84)
    # Fisher's z: the SE of atanh(r) is 1/sqrt(n-3); mapped back to r by the derivative.
    se = (1 - expected**2) / math.sqrt(max(pairs - 3, 1))
    return Check(
        "correlation of log bilirubin, W12 vs W24",
        "course.within_person_* (V4), labs.* (B8, V1)",
        expected,
        r,
        se,
        pairs,
    )


def expected_log_bilirubin_correlation(scenario: Scenario, *, lag_days: float) -> float:
    """The model's correlation of log bilirubin between two visits ``lag_days`` apart, from the
    scenario: between-person MELD variance, the within-person OU deviation with its 24-week
    correlation (V4), the bilirubin share of MELD and its own person-level split (B8), and the
    measurement CV (V1). Deaths select survivors slightly; the check allows for it in its SE."""
    meld = scenario.record("baseline", "meld")
    within = scenario.number("course", "within_person_meld_sd")
    rho = scenario.number("course", "within_person_correlation_24w") ** (lag_days / 168.0)
    load = scenario.record("labs", "meld_shares")["bilirubin"] / _C_BILI
    split = scenario.number("labs", "meld_split_sd") ** 2 * (2 / 3) / _C_BILI**2
    cv = scenario.record("labs", "measurement_cv")["bilirubin"]
    noise = math.log1p(cv * cv)
    covariance = load**2 * (meld["between_sd"] ** 2 + within**2 * rho) + split
    variance = load**2 * (meld["between_sd"] ** 2 + within**2) + split + noise
    return float(covariance / variance)


def _decompensation_rates(people: list[Candidate], scenario: Scenario) -> list[Check]:
    years = 0.0
    for c in people:
        assert c.randomized_on is not None
        # At risk from randomization to death, withdrawal or transplant (no native-liver
        # decompensation after it), else to the day-365 contact.
        ends = [d for d in (c.death_on, c.withdrawn_on, c.transplant_on) if d is not None]
        last = c.visits[-1].actual_date if c.visits else None
        stop = min(ends) if ends else last
        if stop is not None:
            years += (stop - c.randomized_on).days / _YEAR
    checks = []
    for code, rate in scenario.value("course", "decompensation_per_year").items():
        count = sum(e.event_type == code for c in people for e in c.decompensations)
        checks.append(
            Check(
                f"{code} per person-year",
                "course.decompensation_per_year (N7)",
                float(rate),
                count / years,
                math.sqrt(float(rate) / years),
                years,
            )
        )
    return checks


def _window_check(people: list[Candidate], scenario: Scenario, protocol: Protocol) -> Check:
    windows = {v.code: v for v in follow_up_visits(protocol)}
    outside = total = 0
    for c in people:
        assert c.infused_on is not None
        for draw in c.visits:
            visit = windows[draw.code]
            if draw.actual_date is None or visit.window.before == visit.window.after == 0:
                continue
            total += 1
            day = (draw.actual_date - c.infused_on).days
            outside += not (
                visit.day - visit.window.before <= day <= visit.day + visit.window.after
            )
    expected = scenario.number("conduct", "out_of_window_probability")
    return _proportion(
        "visits outside their window", "conduct.out_of_window_probability", expected, outside, total
    )


def visit_correlation(
    cohort: Cohort, code: str, visits: tuple[str, str] = ("W12", "W24")
) -> tuple[float, int]:
    """Pearson correlation of log ``code`` (standardized) between two visits, and the pairs."""
    pairs = []
    for c in cohort.randomized():
        found = {v.code: _std(v.labs).get(code) for v in c.visits if v.labs}
        first, second = found.get(visits[0]), found.get(visits[1])
        if first and second and c.transplant_on is None:
            pairs.append((math.log(first), math.log(second)))
    if len(pairs) < 3:
        return math.nan, len(pairs)
    array = np.array(pairs)
    return float(np.corrcoef(array[:, 0], array[:, 1])[0, 1]), len(pairs)


def checks_frame(checks: list[Check], k: float = 4.0) -> pd.DataFrame:
    """The checks as a table: figure, source, expected, observed, SE, n and within k SE."""
    return pd.DataFrame(
        [
            {
                "figure": c.figure,
                "source": c.source,
                "expected": c.expected,
                "observed": c.observed,
                "se": c.se,
                "n": c.n,
                f"within {k:g} SE": c.within(k),
            }
            for c in checks
        ]
    )
