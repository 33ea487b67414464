"""The synthetic cohort as the people at the site would record it: frozen data, no behaviour.

A :class:`Cohort` holds every screened :class:`Candidate` of one simulated trial, each with what
the coordinator, investigator and pharmacist would enter into the EDC, in the EDC's own codes:
lab results in the catalogue's codes and SI units (as a Chinese hospital reports them), the
protocol's grade codes for the clinical assessment, the safety module's choices for adverse events
and the protocol's event codes for decompensations. The EDC demo replays it through the services;
:func:`hepatrial.simulate.cohort_tabulations` turns it into tabulations directly.

A candidate's story runs to the end of their follow-up whatever the data cut: dates after the cut
are the caller's to skip.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Literal

__all__ = [
    "AdverseEventDraw",
    "AssessmentDraw",
    "Candidate",
    "Cohort",
    "DecompensationDraw",
    "LabDraw",
    "VisitDraw",
]

FactValue = date | bool | str | float | int
Severity = Literal["mild", "moderate", "severe", "life-threatening"]
Relatedness = Literal["not_related", "unlikely", "possible", "probable", "definite"]
ActionTaken = Literal[
    "dose_not_changed", "infusion_interrupted", "infusion_stopped", "not_applicable", "unknown"
]
AeOutcome = Literal[
    "recovered", "recovering", "not_recovered", "recovered_with_sequelae", "fatal", "unknown"
]


def _no_facts() -> Mapping[str, FactValue]:
    return MappingProxyType({})


def _no_attestations() -> Mapping[str, bool]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class LabDraw:
    """One lab result as the site types it: catalogue code, value and unit.

    ``value`` and ``unit`` are the first entry. When ``correction`` is set the first entry is a
    data-entry error (e.g. a bilirubin in mg/dL typed under µmol/L) that trips a hard limit (the
    EDC rejects it) or a soft limit or unit-mix-up check (the EDC keeps it and raises a query);
    ``correction`` is the ``(value, unit)`` the site enters instead, or corrects it to.
    """

    code: str
    value: float
    unit: str
    correction: tuple[float, str] | None = None

    @property
    def final(self) -> tuple[float, str]:
        """The value and unit that stand once any entry error is corrected."""
        return self.correction if self.correction is not None else (self.value, self.unit)

    @property
    def entry_error(self) -> bool:
        return self.correction is not None


@dataclass(frozen=True, slots=True)
class AssessmentDraw:
    """The clinical assessment: the protocol's grade codes (``none``, ``mild``,
    ``moderate_severe``; ``none``, ``grade_1_2``, ``grade_3_4``), weight in kg and whether the
    participant had dialysis (twice, or 24 h of CVVHD) in the past week. None: not assessed."""

    ascites_grade: str | None
    he_grade: str | None
    weight_kg: float | None
    dialysis: bool | None


@dataclass(frozen=True, slots=True)
class VisitDraw:
    """One scheduled visit (protocol visit ``code``) after randomization.

    ``actual_date`` None means the visit was missed (``missed_reason`` says why). ``labs`` and
    ``assessment`` are empty / None at visits without them (the day-365 contact).
    """

    code: str
    target_date: date
    actual_date: date | None
    labs: tuple[LabDraw, ...] = ()
    assessment: AssessmentDraw | None = None
    missed_reason: str | None = None


@dataclass(frozen=True, slots=True)
class DecompensationDraw:
    """A decompensation event: ``GI_BLEEDING``, ``ASCITES`` or ``HEPATIC_ENCEPHALOPATHY``."""

    event_type: str
    onset_on: date
    severity: Severity
    hospitalized: bool
    admitted_on: date | None = None
    discharged_on: date | None = None


@dataclass(frozen=True, slots=True)
class AdverseEventDraw:
    """An adverse event with the safety module's choices.

    ``seriousness`` lists the ICH E2A criteria met (``death``, ``life_threatening``,
    ``hospitalization``, ``disability``, ``congenital_anomaly``, ``important_medical_event``);
    the event is serious when it lists any (the EDC derives ``serious`` the same way). Grade 5
    implies death. ``infusion_reaction`` marks a reaction during or just after the infusion (also
    the infusion record's ``reaction`` flag).
    """

    term: str
    onset_on: date
    grade: int
    seriousness: tuple[str, ...]
    relatedness: Relatedness
    action_taken: ActionTaken
    outcome: AeOutcome
    resolved_on: date | None
    infusion_reaction: bool = False

    @property
    def serious(self) -> bool:
        return bool(self.seriousness)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One screened person and, if randomized, their whole trial story.

    - ``number``: the order of screening, ``"001"``...; the EDC assigns its own study IDs.
    - ``eligibility_on``: when the investigator decides eligibility (after screening, before
      day 0).
    - ``screening_facts``: the protocol's screening facts (without ``consent_date``, which the
      EDC takes from the consent record); ``attestations``: attested criterion code → whether
      the criterion's text holds (for an exclusion, True means the excluding condition is
      present). ``screen_failure_reasons``: the criterion codes not met; empty if eligible.
    - ``randomized_on`` (= ``infused_on`` = day 0 unless the infusion was not given), ``arm``.
    - ``visits``: D0 (pre-infusion baseline labs and assessment) to D365, in order, ending at
      death or withdrawal; ``infusion_weight_kg`` is the D0 weight the dose is computed from.
    - ``death_on``/``death_cause``, ``withdrawn_on``/``withdrawal_reason``, ``transplant_on``:
      None if it did not happen within the follow-up.
    """

    number: str
    sex: Literal["M", "F"]
    birth_date: date
    etiology: str
    height_cm: float
    weight_kg: float
    identified_on: date
    consented_on: date | None
    screened_on: date
    screening_labs: tuple[LabDraw, ...]
    screening_assessment: AssessmentDraw
    eligibility_on: date | None = None
    screening_facts: Mapping[str, FactValue] = field(default_factory=_no_facts)
    attestations: Mapping[str, bool] = field(default_factory=_no_attestations)
    screen_failure_reasons: tuple[str, ...] = ()
    randomized_on: date | None = None
    arm: str | None = None
    infused_on: date | None = None
    infusion_weight_kg: float | None = None
    visits: tuple[VisitDraw, ...] = ()
    decompensations: tuple[DecompensationDraw, ...] = ()
    adverse_events: tuple[AdverseEventDraw, ...] = ()
    death_on: date | None = None
    death_cause: str | None = None
    withdrawn_on: date | None = None
    withdrawal_reason: str | None = None
    transplant_on: date | None = None

    @property
    def eligible(self) -> bool:
        return not self.screen_failure_reasons

    @property
    def randomized(self) -> bool:
        return self.randomized_on is not None

    @property
    def end_on(self) -> date | None:
        """When follow-up ended early (death or withdrawal), else None."""
        ends = [d for d in (self.death_on, self.withdrawn_on) if d is not None]
        return min(ends) if ends else None


@dataclass(frozen=True, slots=True)
class Cohort:
    """Every screened candidate of one simulated trial, in screening order.

    ``seed`` is the entropy of the generator that drew it when known (``default_rng(seed)``),
    so a cohort names how to draw it again.
    """

    scenario_name: str
    seed: int | None
    start_date: date
    candidates: tuple[Candidate, ...]

    def randomized(self) -> tuple[Candidate, ...]:
        return tuple(c for c in self.candidates if c.randomized)

    def screen_failures(self) -> tuple[Candidate, ...]:
        return tuple(c for c in self.candidates if c.screen_failure_reasons)

    def candidate(self, number: str) -> Candidate:
        from hepatrial.errors import InputError

        for c in self.candidates:
            if c.number == number:
                return c
        raise InputError(
            field="number", expected="a candidate number of the cohort", received=number
        )

    @property
    def last_randomized_on(self) -> date | None:
        dates = [c.randomized_on for c in self.candidates if c.randomized_on is not None]
        return max(dates) if dates else None
