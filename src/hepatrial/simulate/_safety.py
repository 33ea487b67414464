"""Adverse events of one randomized participant: an infusion fever (S1, S2), background events,
serious infections, and a fatal serious event at death. Terms are as a Chinese site would enter
them in English; choices are those of the EDC's safety module."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from hepatrial.simulate.cohort_model import AdverseEventDraw

__all__ = ["DEATH_CAUSES", "adverse_events"]

_BACKGROUND = (
    "Fatigue",
    "Abdominal distension",
    "Diarrhoea",
    "Pruritus",
    "Insomnia",
    "Nausea",
    "Peripheral oedema",
    "Upper respiratory tract infection",
    "Hypokalaemia",
    "Muscle cramps",
)
_INFECTIONS = (
    "Spontaneous bacterial peritonitis",
    "Pneumonia",
    "Urinary tract infection",
    "Sepsis",
)
DEATH_CAUSES = ("Liver failure", "Variceal haemorrhage", "Sepsis", "Hepatorenal syndrome")


def _resolution(onset: date, days: int, end: date, grade: int) -> tuple[str, date | None]:
    resolved = onset + timedelta(days=days)
    if resolved > end:
        return "not_recovered", None
    return ("recovered_with_sequelae" if grade >= 3 and days > 20 else "recovered"), resolved


def adverse_events(
    rng: np.random.Generator,
    *,
    day0: date,
    end: date,
    fever_probability: float,
    background_per_year: float,
    infections_per_year: float,
    death_on: date | None,
    death_cause: str | None,
) -> tuple[AdverseEventDraw, ...]:
    """The events of a participant infused on ``day0`` and followed until ``end``."""
    events: list[AdverseEventDraw] = []
    if rng.random() < fever_probability:
        grade = 1 if rng.random() < 0.75 else 2
        interrupted = grade == 2 and rng.random() < 0.3
        events.append(
            AdverseEventDraw(
                term="Fever",
                onset_on=day0,
                grade=grade,
                seriousness=(),
                relatedness="probable" if rng.random() < 0.6 else "possible",
                action_taken="infusion_interrupted" if interrupted else "dose_not_changed",
                outcome="recovered",
                resolved_on=day0 + timedelta(days=int(rng.integers(1, 3))),
                infusion_reaction=True,
            )
        )
    years = max((end - day0).days, 0) / 365.0
    for _ in range(int(rng.poisson(background_per_year * years))):
        onset = day0 + timedelta(days=int(rng.integers(1, max((end - day0).days, 1) + 1)))
        grade = int(rng.choice([1, 2, 3], p=[0.6, 0.3, 0.1]))
        outcome, resolved = _resolution(onset, int(rng.integers(2, 40)), end, grade)
        events.append(
            AdverseEventDraw(
                term=str(_BACKGROUND[int(rng.integers(len(_BACKGROUND)))]),
                onset_on=onset,
                grade=grade,
                seriousness=(),
                relatedness=str(
                    rng.choice(["not_related", "unlikely", "possible"], p=[0.6, 0.3, 0.1])
                ),  # type: ignore[arg-type]
                action_taken="not_applicable",
                outcome=outcome,  # type: ignore[arg-type]
                resolved_on=resolved,
            )
        )
    for _ in range(int(rng.poisson(infections_per_year * years))):
        onset = day0 + timedelta(days=int(rng.integers(1, max((end - day0).days, 1) + 1)))
        grade = 3 if rng.random() < 0.8 else 4
        outcome, resolved = _resolution(onset, int(rng.integers(7, 30)), end, grade)
        criteria = ("hospitalization",) if grade == 3 else ("hospitalization", "life_threatening")
        events.append(
            AdverseEventDraw(
                term=str(_INFECTIONS[int(rng.integers(len(_INFECTIONS)))]),
                onset_on=onset,
                grade=grade,
                seriousness=criteria,
                relatedness="unlikely" if rng.random() < 0.3 else "not_related",
                action_taken="not_applicable",
                outcome=outcome,  # type: ignore[arg-type]
                resolved_on=resolved,
            )
        )
    if death_on is not None and death_cause is not None:
        events.append(
            AdverseEventDraw(
                term=death_cause,
                onset_on=max(day0, death_on - timedelta(days=int(rng.integers(0, 4)))),
                grade=5,
                seriousness=("death",),
                relatedness="not_related",
                action_taken="not_applicable",
                outcome="fatal",
                resolved_on=None,
            )
        )
    return tuple(sorted(events, key=lambda e: (e.onset_on, e.term)))
