"""Natural history after randomization, vectorized over people: death, decompensation,
liver transplantation and withdrawal, in days from day 0.

- Death: a weekly piecewise-constant hazard. Its base is the published 3-month mortality of the
  band of the MELD measured on day 0 (N1, Wiesner 2003, by MELD at listing:
  ``-ln(1 - p) / 90`` per day); it changes with the latent MELD since day 0 by the HR per point
  (N3), and is multiplied by the scenario's mortality scale, the arm's hazard ratio, and the HR
  after a decompensation (N6) from the week after the first one. N1's figures are marginal
  (they include the deaths after a decompensation or a rising MELD within the 3 months), so the
  base is divided by the mean of those two multipliers over the first 3 months
  (:func:`marginal_factor`); the 3-month mortality by baseline band is then N1's. After a
  transplant the hazard is the post-transplant rate.
- Decompensations: independent Poisson processes per type at the published crude rates (N7),
  while on the native liver.
- Transplant and withdrawal: exponential times at the scenario's rates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hepatrial.simulate._latent import GRID_FIRST_DAY, GRID_LAST_DAY, Latent
from hepatrial.simulate.scenario import Scenario

__all__ = ["Course", "band_hazard_per_day", "draw_course", "marginal_factor"]

Float = NDArray[np.float64]

_WEEK = 7
_THREE_MONTHS_DAYS = 90.0
HORIZON_DAY = GRID_LAST_DAY - 7  # nothing is simulated beyond the last visit's latest date


@dataclass(frozen=True, slots=True)
class Course:
    """Event times in days from day 0 (``inf`` when not within the horizon), one per person, and
    decompensation onsets as (person, type code, day) triples in time order per person."""

    death: Float
    transplant: Float
    withdrawal: Float
    first_decompensation: Float
    decompensations: tuple[tuple[int, str, int], ...]


def band_hazard_per_day(scenario: Scenario, meld: NDArray[np.int64]) -> Float:
    """Daily death hazard for integer MELD scores, from the 3-month mortality of their band."""
    bands = scenario.bands()
    bounds = np.array([b.below if b.below is not None else np.inf for b in bands])
    probability = np.array([b.probability for b in bands])
    index = np.searchsorted(bounds, meld, side="right")
    daily = -np.log1p(-probability[np.minimum(index, len(bands) - 1)]) / _THREE_MONTHS_DAYS
    return np.asarray(daily, dtype=np.float64)


def marginal_factor(scenario: Scenario) -> float:
    """Mean over days 0-90 of the expected hazard multiplier from decompensation (N6) and from
    the latent MELD's change since day 0 (N3), for a person at the scenario's mean.

    With total decompensation rate lambda, P(decompensated by t) = 1 - exp(-lambda t); the MELD
    change at t is normal with mean drift*t and variance 2 s^2 (1 - exp(-t/tau)) (the
    Ornstein-Uhlenbeck deviation), so E[exp(b dM)] = exp(b drift t + b^2 s^2 (1 - exp(-t/tau))).
    """
    from hepatrial.simulate._latent import ou_tau_days

    t = np.arange(0.0, _THREE_MONTHS_DAYS + 1)
    rate = sum(scenario.value("course", "decompensation_per_year").values()) / 365.0
    hr = scenario.number("course", "death_hr_after_decompensation")
    decompensation = 1 + (hr - 1) * (1 - np.exp(-rate * t))
    b = np.log(scenario.number("course", "death_hr_per_meld_point"))
    drift = scenario.number("course", "meld_drift_per_year") / 365.0
    s = scenario.number("course", "within_person_meld_sd")
    meld = np.exp(b * drift * t + b * b * s * s * (1 - np.exp(-t / ou_tau_days(scenario))))
    return float(np.mean(decompensation * meld))


def _poisson_onsets(
    rng: np.random.Generator, n: int, rate_per_year: float, horizon: float
) -> tuple[NDArray[np.intp], Float]:
    counts = rng.poisson(rate_per_year * horizon / 365.0, n)
    people = np.repeat(np.arange(n), counts)
    return people, rng.uniform(0.0, horizon, counts.sum())


def draw_course(
    scenario: Scenario,
    latent: Latent,
    rows: NDArray[np.intp],
    *,
    death_hr: Float,
    baseline_meld: NDArray[np.int64],
    rng: np.random.Generator,
) -> Course:
    """Event times for the randomized people ``rows`` of ``latent`` (``death_hr`` and the MELD
    measured on day 0 per person)."""
    n = len(rows)
    horizon = float(HORIZON_DAY)
    transplant = rng.exponential(1.0, n) / max(
        scenario.number("course", "transplant_per_year") / 365.0, 1e-300
    )
    withdrawal = rng.exponential(1.0, n) / max(
        scenario.number("conduct", "withdrawal_per_year") / 365.0, 1e-300
    )
    withdrawal = np.maximum(withdrawal, 1.0)
    transplant = np.maximum(transplant, 1.0)

    events: list[tuple[int, str, float]] = []
    first = np.full(n, np.inf)
    for code, rate in scenario.value("course", "decompensation_per_year").items():
        people, days = _poisson_onsets(rng, n, float(rate), horizon)
        keep = days < transplant[people]
        people, days = people[keep], np.maximum(days[keep], 1.0)
        np.minimum.at(first, people, days)
        events += [(int(p), str(code), float(d)) for p, d in zip(people, days, strict=True)]

    weeks = np.arange(0, int(horizon) + 1, _WEEK)
    columns = weeks - GRID_FIRST_DAY
    m = latent.meld[rows][:, columns]
    change = m - latent.meld[rows][:, -GRID_FIRST_DAY][:, None]
    per_point = np.log(scenario.number("course", "death_hr_per_meld_point"))
    base = band_hazard_per_day(scenario, baseline_meld) / marginal_factor(scenario)
    hazard = base[:, None] * np.exp(per_point * change)
    hazard *= scenario.number("course", "mortality_scale") * death_hr[:, None]
    after_event = first[:, None] < weeks[None, :]
    hazard = np.where(
        after_event, hazard * scenario.number("course", "death_hr_after_decompensation"), hazard
    )
    post = scenario.number("course", "post_transplant_mortality_per_year") / 365.0
    hazard = np.where(transplant[:, None] < weeks[None, :], post, hazard)
    cumulative = np.cumsum(hazard * _WEEK, axis=1)
    target = rng.exponential(1.0, n)
    week = (cumulative < target[:, None]).sum(axis=1)
    died = week < len(weeks)
    week_c = np.minimum(week, len(weeks) - 1)
    before = np.where(week_c > 0, cumulative[np.arange(n), week_c - 1], 0.0)
    rate = hazard[np.arange(n), week_c]
    death = np.where(died, weeks[week_c] + (target - before) / np.maximum(rate, 1e-300), np.inf)
    death = np.where(died, np.maximum(death, 1.0), np.inf)

    ordered = sorted(events, key=lambda e: (e[0], e[2], e[1]))
    return Course(
        death=death,
        transplant=np.where(transplant <= horizon, transplant, np.inf),
        withdrawal=np.where(withdrawal <= horizon, withdrawal, np.inf),
        first_decompensation=first,
        decompensations=tuple((p, c, int(d)) for p, c, d in ordered),
    )
