"""Who is screened: arrival dates, demographics and the screening facts and attestations.

A screen failure gets one failing criterion drawn from the scenario's mix and facts that make it
fail; everyone else gets facts that pass. Which criteria are not met is then decided by
:func:`hepatrial.clinical.evaluate_eligibility`, as the EDC decides it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from hepatrial.clinical import Attestation, evaluate_eligibility
from hepatrial.protocol import NEVER, Protocol
from hepatrial.simulate.cohort_model import FactValue
from hepatrial.simulate.scenario import Scenario

__all__ = ["People", "draw_people", "eligibility"]

_ALCOHOL = ("ALCOHOL", "ALCOHOL_VIRAL")
_OLD_AGE = (81.0, 85.0)  # IN01 failures: just over the upper age limit
_FACT_CODES = (
    "birth_date",
    "last_interferon_or_glucocorticoid_date",
    "last_other_trial_date",
    "prior_liver_transplant",
    "hiv_status",
    "pregnant",
    "breastfeeding",
)


@dataclass(frozen=True, slots=True)
class People:
    """Screened people (rows, in screening order): demographics, dates and the failing criterion
    drawn (``""`` for none)."""

    identified: list[date]
    consented: list[date]
    screened: list[date]
    decided: list[date]
    day0: list[date]
    sex: NDArray[np.str_]
    age: NDArray[np.float64]
    birth: list[date]
    etiology: NDArray[np.str_]
    weight: NDArray[np.float64]
    height: NDArray[np.float64]
    failure: NDArray[np.str_]

    @property
    def alcohol(self) -> NDArray[np.bool_]:
        return np.isin(self.etiology, _ALCOHOL)


def _truncated_normal(
    rng: np.random.Generator, mean: float, sd: float, low: float, high: float, n: int
) -> NDArray[np.float64]:
    out = mean + sd * rng.standard_normal(n)
    bad = (out < low) | (out > high)
    while bad.any():
        out[bad] = mean + sd * rng.standard_normal(int(bad.sum()))
        bad = (out < low) | (out > high)
    return out


def _choice(rng: np.random.Generator, mix: dict[str, float], n: int) -> NDArray[np.str_]:
    codes = list(mix)
    p = np.array([mix[c] for c in codes])
    return np.asarray(codes, dtype=np.str_)[rng.choice(len(codes), size=n, p=p / p.sum())]


def draw_people(
    scenario: Scenario, rng: np.random.Generator, *, n: int, start: date, rate_per_day: float
) -> People:
    """``n`` screened people arriving as a Poisson process from ``start``."""
    arrival = np.floor(np.cumsum(rng.exponential(1.0 / rate_per_day, n))).astype(int)
    lags = rng.integers(0, 3, (n, 3))  # identification → consent → screening → decision: 0-2 d
    to_day0 = scenario.record("screening", "screening_to_day0_days")
    wait = rng.integers(int(to_day0["min"]), int(to_day0["max"]) + 1, n)
    failing = rng.random(n) < scenario.number("screening", "screen_failure_probability")
    reasons = _choice(rng, dict(scenario.value("screening", "failure_reasons")), n)
    failure = np.where(failing, reasons, "")
    age_spec = scenario.record("baseline", "age")
    age = _truncated_normal(
        rng, age_spec["mean"], age_spec["sd"], age_spec["min"], age_spec["max"] + 0.999, n
    )
    old = failure == "IN01"
    age[old] = rng.uniform(*_OLD_AGE, int(old.sum()))
    sex = np.where(rng.random(n) < scenario.number("baseline", "male_probability"), "M", "F")
    w = scenario.record("baseline", "weight_kg")
    weight = _truncated_normal(rng, w["mean"], w["sd"], w["min"], w["max"], n)
    h = scenario.record("baseline", "height_cm")
    height = np.where(sex == "M", h["male_mean"], h["female_mean"]) + h["sd"] * rng.standard_normal(
        n
    )
    etiology = _choice(rng, dict(scenario.value("baseline", "etiology")), n)
    birth_offset = rng.integers(0, 365, n)
    identified = [start + timedelta(days=int(d)) for d in arrival]
    consented = [
        d + timedelta(days=int(lag)) for d, lag in zip(identified, lags[:, 0], strict=True)
    ]
    screened = [d + timedelta(days=int(lag)) for d, lag in zip(consented, lags[:, 1], strict=True)]
    day0 = [d + timedelta(days=int(x)) for d, x in zip(screened, wait, strict=True)]
    decided = [
        min(d + timedelta(days=int(lag)), z - timedelta(days=1))
        for d, lag, z in zip(screened, lags[:, 2], day0, strict=True)
    ]
    birth = [
        _birth_date(c, float(a), int(o))
        for c, a, o in zip(consented, age, birth_offset, strict=True)
    ]
    return People(
        identified=identified,
        consented=consented,
        screened=screened,
        decided=decided,
        day0=day0,
        sex=sex.astype(np.str_),
        age=age,
        birth=birth,
        etiology=etiology,
        weight=np.round(weight, 1),
        height=np.round(height, 1),
        failure=failure.astype(np.str_),
    )


def _birth_date(consent: date, age: float, offset: int) -> date:
    """A birth date giving ``floor(age)`` completed years on the consent date."""
    years = int(age)
    anniversary = _years_before(consent, years)
    previous = _years_before(consent, years + 1)
    span = (anniversary - previous).days
    return anniversary - timedelta(days=1 + offset % max(span - 1, 1))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def eligibility(
    protocol: Protocol,
    *,
    failure: str,
    sex: str,
    birth: date,
    consented: date,
    rng: np.random.Generator,
) -> tuple[dict[str, FactValue], dict[str, bool], tuple[str, ...]]:
    """Screening facts (without the consent date), attestations and the criteria not met."""
    facts: dict[str, FactValue] = {
        "birth_date": birth,
        "last_interferon_or_glucocorticoid_date": NEVER,
        "last_other_trial_date": NEVER,
        "prior_liver_transplant": False,
        "hiv_status": "negative",
        "pregnant": False,
        "breastfeeding": False,
    }
    if rng.random() < 0.1:  # steroids long ago, which does not exclude
        facts["last_interferon_or_glucocorticoid_date"] = consented - timedelta(
            days=int(rng.integers(400, 3000))
        )
    if failure == "EX06":
        facts["last_interferon_or_glucocorticoid_date"] = consented - timedelta(
            days=int(rng.integers(10, 360))
        )
    elif failure == "EX08":
        facts["last_other_trial_date"] = consented - timedelta(days=int(rng.integers(1, 29)))
    elif failure == "EX02":
        facts["prior_liver_transplant"] = True
    elif failure == "EX05":
        facts["hiv_status"] = "positive"
    elif failure == "EX09" and sex == "F":
        facts["pregnant"] = True
    attested = [c for c in protocol.criteria if c.decision == "attested"]
    answers = {c.code: (c.code == failure) != c.code.startswith("IN") for c in attested}
    declared = {f.code for f in protocol.screening_facts}
    facts = {k: v for k, v in facts.items() if k in declared}
    result = evaluate_eligibility(
        protocol,
        facts={**facts, "consent_date": consented} if "consent_date" in declared else facts,
        attestations={
            code: Attestation(holds=holds, source_document="hospital record")
            for code, holds in answers.items()
        },
    )
    return facts, answers, tuple(o.code for o in result.failed)


def frozen_facts(facts: dict[str, FactValue]) -> MappingProxyType[str, FactValue]:
    return MappingProxyType(dict(facts))
