"""Simulate a realistic cohort of the trial: screening, randomization, natural history and the
data the site records (see :mod:`hepatrial.simulate.cohort_model` for what each field means).

Candidates arrive as a Poisson process and are screened until the target number is randomized;
everything random comes from the one generator passed in, so the same seed gives the same cohort.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hepatrial.clinical import compute_meld, lab_test
from hepatrial.design import allocation_list
from hepatrial.errors import InputError
from hepatrial.protocol import Protocol
from hepatrial.simulate._course import Course, draw_course
from hepatrial.simulate._latent import Latent, days_since, draw_latent
from hepatrial.simulate._people import People, draw_people, eligibility
from hepatrial.simulate._safety import DEATH_CAUSES, adverse_events
from hepatrial.simulate._visits import (
    Measured,
    follow_up_visits,
    jitter_days,
    measure,
    visit_content,
)
from hepatrial.simulate.cohort_model import (
    AssessmentDraw,
    Candidate,
    Cohort,
    DecompensationDraw,
    FactValue,
    LabDraw,
    VisitDraw,
)
from hepatrial.simulate.scenario import Scenario

__all__ = ["simulate_cohort"]

_SEVERITY = {  # (severities, their probabilities, probability of hospitalization) [assumed]
    "GI_BLEEDING": (("moderate", "severe", "life-threatening"), (0.35, 0.5, 0.15), 1.0),
    "ASCITES": (("mild", "moderate", "severe"), (0.3, 0.5, 0.2), 0.4),
    "HEPATIC_ENCEPHALOPATHY": (("moderate", "severe", "life-threatening"), (0.5, 0.4, 0.1), 0.8),
}
_WITHDRAWAL_REASONS = (
    "withdrew consent",
    "moved away from the study site",
    "unwilling to attend further visits",
)


def _batch_size(target: int, p_fail: float) -> int:
    if p_fail >= 0.95:
        raise InputError(
            field="screening.screen_failure_probability",
            expected="a probability below 0.95",
            received=p_fail,
        )
    mean = target / (1 - p_fail)
    return math.ceil(mean + 8 * math.sqrt(mean * p_fail) / (1 - p_fail)) + 10


def _seed_of(rng: np.random.Generator) -> int | None:
    entropy = getattr(getattr(rng.bit_generator, "seed_seq", None), "entropy", None)
    return entropy if isinstance(entropy, int) else None


def _arms(
    protocol: Protocol, allocation: Sequence[str] | None, target: int, rng: np.random.Generator
) -> list[str]:
    codes = [arm.code for arm in protocol.arms]
    if allocation is None:
        slots = allocation_list(
            protocol, seed=int(rng.integers(0, 2**62)), size_per_stratum=target
        ).slots
        return [slot.arm for slot in slots][:target]
    arms = list(allocation)
    if len(arms) < target:
        raise InputError(
            field="allocation", expected=f"at least {target} arms", received=f"{len(arms)} arms"
        )
    unknown = sorted({a for a in arms[:target] if a not in codes})
    if unknown:
        raise InputError(
            field="allocation", expected=f"arm codes ({', '.join(codes)})", received=unknown
        )
    return arms[:target]


def simulate_cohort(
    scenario: Scenario,
    *,
    protocol: Protocol,
    rng: np.random.Generator,
    start: date,
    allocation: Sequence[str] | None = None,
    n_randomized: int | None = None,
) -> Cohort:
    """Screen candidates from ``start`` until ``n_randomized`` (default: the protocol's target
    enrollment) are randomized, and follow each to the end of the protocol's follow-up.

    ``allocation[k]`` is the arm of the k-th randomized candidate (the EDC demo passes its
    concealed list); None draws permuted blocks with :func:`hepatrial.design.allocation_list`
    seeded from ``rng``. Accrual scales with ``n_randomized`` so enrollment takes about as long
    as the protocol's enrollment period.
    """
    planned = protocol.design.target_enrollment
    target = planned if n_randomized is None else int(n_randomized)
    if target < 1:
        raise InputError(field="n_randomized", expected="a whole number >= 1", received=target)
    p_fail = scenario.number("screening", "screen_failure_probability")
    rate = scenario.number("screening", "accrual_per_year") * target / planned / 365.0
    people = draw_people(
        scenario, rng, n=_batch_size(target, p_fail), start=start, rate_per_day=rate
    )
    screening: list[tuple[dict[str, FactValue], dict[str, bool], tuple[str, ...]]] = []
    eligible = 0
    for k in range(len(people.sex)):
        screening.append(
            eligibility(
                protocol,
                failure=str(people.failure[k]),
                sex=str(people.sex[k]),
                birth=people.birth[k],
                consented=people.consented[k],
                rng=rng,
            )
        )
        eligible += not screening[-1][2]
        if eligible == target:
            break
    if eligible < target:
        raise InputError(
            field="screening",
            expected=f"{target} eligible candidates",
            received=f"{eligible} in {len(screening)} screened",
        )
    n = len(screening)
    randomized = np.array([not s[2] for s in screening])
    arms = _arms(protocol, allocation, target, rng)
    arm_of = np.full(n, "", dtype=object)
    arm_of[randomized] = arms
    change = scenario.value("treatment", "meld_change")
    hr = scenario.value("treatment", "death_hr")
    meld_change = np.array([float(change.get(a, 0.0)) if a else 0.0 for a in arm_of])
    latent = draw_latent(
        scenario,
        rng,
        alcohol=people.alcohol[:n],
        meld_change=meld_change,
        onset_days=scenario.number("treatment", "effect_onset_days"),
    )
    rows = np.flatnonzero(randomized)
    death_hr = np.array([float(hr.get(arm_of[r], 1.0)) for r in rows])
    zero = np.zeros(len(rows), dtype=np.int64)
    none = np.zeros(len(rows), dtype=np.bool_)
    codes, _ = visit_content(protocol, follow_up_visits(protocol)[0].code)
    baseline = measure(
        scenario,
        protocol,
        latent,
        rows=rows,
        days=zero,
        m=latent.at(rows, zero),
        codes=codes,
        weight=people.weight[rows],
        recent_ascites=none,
        recent_he=none,
        rng=rng,
    )
    course = draw_course(
        scenario, latent, rows, death_hr=death_hr, baseline_meld=_measured_meld(baseline), rng=rng
    )
    screened = _screening_measures(scenario, protocol, latent, people, n, rng)
    followed = _follow_up(scenario, protocol, latent, people, rows, course, arm_of, baseline, rng)
    candidates = []
    for k in range(n):
        facts, answers, failed = screening[k]
        labs, assessment = screened[k]
        candidates.append(
            Candidate(
                number=f"{k + 1:03d}",
                sex="M" if people.sex[k] == "M" else "F",
                birth_date=people.birth[k],
                etiology=str(people.etiology[k]),
                height_cm=float(people.height[k]),
                weight_kg=float(people.weight[k]),
                identified_on=people.identified[k],
                consented_on=people.consented[k],
                screened_on=people.screened[k],
                eligibility_on=people.decided[k],
                screening_labs=labs,
                screening_assessment=assessment,
                screening_facts=MappingProxyType(facts),
                attestations=MappingProxyType(answers),
                screen_failure_reasons=failed,
                **followed.get(k, {}),
            )
        )
    return Cohort(
        scenario_name=scenario.name,
        seed=_seed_of(rng),
        start_date=start,
        candidates=tuple(candidates),
    )


def _screening_measures(
    scenario: Scenario,
    protocol: Protocol,
    latent: Latent,
    people: People,
    n: int,
    rng: np.random.Generator,
) -> list[tuple[tuple[LabDraw, ...], AssessmentDraw]]:
    screening_visit = next(v for v in protocol.visits if v.epoch == "screening")
    codes, _ = visit_content(protocol, screening_visit.code)
    rows = np.arange(n)
    days = np.array([(people.screened[k] - people.day0[k]).days for k in range(n)])
    none = np.zeros(n, dtype=np.bool_)
    measured = measure(
        scenario,
        protocol,
        latent,
        rows=rows,
        days=days,
        m=latent.at(rows, days),
        codes=codes,
        weight=people.weight[:n],
        recent_ascites=none,
        recent_he=none,
        rng=rng,
    )
    return list(zip(measured.labs, measured.assessments, strict=True))


def _follow_up(
    scenario: Scenario,
    protocol: Protocol,
    latent: Latent,
    people: People,
    rows: NDArray[np.intp],
    course: Course,
    arm_of: NDArray[np.object_],
    day0_measured: Measured,
    rng: np.random.Generator,
) -> dict[int, dict[str, Any]]:
    """The randomized candidates' fields after screening, by candidate index."""
    visits = follow_up_visits(protocol)
    days, missed = jitter_days(visits, len(rows), scenario, rng)
    contact = days[:, -1]
    death = np.where(course.death <= contact, np.floor(course.death), np.inf)
    withdrawal = np.where(course.withdrawal <= contact, np.floor(course.withdrawal), np.inf)
    end = np.minimum(death, withdrawal)
    transplant = np.where(
        (course.transplant < end) & (course.transplant <= contact),
        np.floor(course.transplant),
        np.inf,
    )
    not_infused = rng.random(len(rows)) < scenario.number("treatment", "not_infused_probability")
    onsets: dict[int, list[tuple[str, int]]] = {}
    for person, code, day in course.decompensations:
        if day < min(end[person], transplant[person], contact[person] + 1):
            onsets.setdefault(person, []).append((code, day))

    # Which visits happened, and their labs and assessments, measured in one vectorized pass.
    window_end = np.array([v.day + v.window.after for v in visits])
    happened = (days < end[:, None]) & ~missed & ~not_infused[:, None]
    listed = happened | (missed & (window_end[None, :] < end[:, None]) & ~not_infused[:, None])
    content = [visit_content(protocol, v.code) for v in visits]
    codes = next(c for c, _ in content if c)
    with_labs = np.array([bool(c) for c, _ in content])
    later = np.arange(len(visits)) > 0  # day 0 was measured before the course was drawn
    pairs = np.argwhere(happened & with_labs[None, :] & later[None, :])
    people_idx, visit_idx = pairs[:, 0], pairs[:, 1]
    pair_days = days[people_idx, visit_idx]
    m = latent.at(rows[people_idx], pair_days)
    post = scenario.number("course", "post_transplant_meld")
    m = np.where(pair_days >= transplant[people_idx], post, m)
    recent = {
        code: _recent(onsets, code, people_idx, pair_days)
        for code in ("ASCITES", "HEPATIC_ENCEPHALOPATHY")
    }
    measured = measure(
        scenario,
        protocol,
        latent,
        rows=rows[people_idx],
        days=pair_days,
        m=m,
        codes=codes,
        weight=people.weight[rows[people_idx]],
        recent_ascites=recent["ASCITES"],
        recent_he=recent["HEPATIC_ENCEPHALOPATHY"],
        rng=rng,
    )
    at = {(int(p), int(v)): k for k, (p, v) in enumerate(pairs)}

    out: dict[int, dict[str, Any]] = {}
    fever = scenario.value("safety", "infusion_fever_probability")
    for i, k in enumerate(rows):
        day0 = people.day0[k]

        def on(day: float, base: date = day0) -> date | None:
            return None if not math.isfinite(day) else base + timedelta(days=int(day))

        drawn = []
        for j, visit in enumerate(visits):
            if not listed[i, j]:
                continue
            index = at.get((i, j))
            source, index = (day0_measured, i) if j == 0 else (measured, index)
            drawn.append(
                VisitDraw(
                    code=visit.code,
                    target_date=day0 + timedelta(days=visit.day),
                    actual_date=None if missed[i, j] else day0 + timedelta(days=int(days[i, j])),
                    labs=source.labs[index] if index is not None else (),
                    assessment=source.assessments[index] if index is not None else None,
                    missed_reason="participant did not attend" if missed[i, j] else None,
                )
            )
        last = on(min(end[i], float(contact[i])))
        events = tuple(
            _decompensation(code, day0 + timedelta(days=d), last or day0, rng)
            for code, d in onsets.get(i, [])
        )
        death_on = on(death[i])
        cause = None
        if death_on is not None:
            bled = [d for c, d in onsets.get(i, []) if c == "GI_BLEEDING" and death[i] - d <= 14]
            cause = (
                "Variceal haemorrhage"
                if bled
                else str(DEATH_CAUSES[int(rng.integers(len(DEATH_CAUSES)))])
            )
        withdrawn_on = on(withdrawal[i]) if withdrawal[i] < death[i] else None
        infused = not bool(not_infused[i])
        out[int(k)] = {
            "randomized_on": day0,
            "arm": str(arm_of[k]),
            "infused_on": day0 if infused else None,
            "infusion_weight_kg": drawn[0].assessment.weight_kg
            if drawn and drawn[0].assessment is not None and infused
            else None,
            "visits": tuple(drawn),
            "decompensations": events if infused else (),
            "adverse_events": adverse_events(
                rng,
                day0=day0,
                end=last or day0,
                fever_probability=float(fever[str(arm_of[k])]),
                background_per_year=scenario.number("safety", "adverse_events_per_year"),
                infections_per_year=scenario.number("safety", "serious_infections_per_year"),
                death_on=death_on,
                death_cause=cause,
            )
            if infused
            else (),
            "death_on": death_on if infused else None,
            "death_cause": cause if infused else None,
            "withdrawn_on": withdrawn_on if infused else day0,
            "withdrawal_reason": (
                str(_WITHDRAWAL_REASONS[int(rng.integers(len(_WITHDRAWAL_REASONS)))])
                if withdrawn_on is not None and infused
                else ("withdrew before the infusion" if not infused else None)
            ),
            "transplant_on": on(transplant[i]) if infused else None,
        }
    return out


def _measured_meld(measured: Measured) -> NDArray[np.int64]:
    """MELD of labs as they stand after correction, as the site's scores would show it."""
    values = {
        code: np.array([_standard(labs, code) for labs in measured.labs])
        for code in ("BILI", "CREAT", "INR")
    }
    dialysis = np.array([bool(a.dialysis) for a in measured.assessments])
    return compute_meld(
        bilirubin=values["BILI"], creatinine=values["CREAT"], inr=values["INR"], dialysis=dialysis
    )


def _standard(labs: tuple[LabDraw, ...], code: str) -> float:
    lab = next(x for x in labs if x.code == code)
    value, unit = lab.final
    return value * lab_test(code).units[unit].factor


def _recent(
    onsets: dict[int, list[tuple[str, int]]],
    code: str,
    people_idx: NDArray[np.intp],
    days: NDArray[np.int64],
) -> NDArray[np.bool_]:
    latest = np.full(len(people_idx), np.nan)
    for k, (p, d) in enumerate(zip(people_idx, days, strict=True)):
        before = [day for c, day in onsets.get(int(p), []) if c == code and day <= d]
        if before:
            latest[k] = max(before)
    return days_since(latest, days)


def _decompensation(
    code: str, onset: date, last: date, rng: np.random.Generator
) -> DecompensationDraw:
    severities, weights, p_hospital = _SEVERITY[code]
    severity = str(rng.choice(severities, p=weights))
    hospitalized = bool(rng.random() < p_hospital)
    stay = int(rng.integers(3, 15))
    return DecompensationDraw(
        event_type=code,
        onset_on=onset,
        severity=severity,  # type: ignore[arg-type]
        hospitalized=hospitalized,
        admitted_on=onset if hospitalized else None,
        discharged_on=min(onset + timedelta(days=stay), last) if hospitalized else None,
    )
