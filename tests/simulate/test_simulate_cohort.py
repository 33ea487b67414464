"""The synthetic cohort: reproducible, consistent with the protocol and the EDC's rules."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from hepatrial.clinical import evaluate_eligibility, standardize_lab
from hepatrial.clinical.eligibility import Attestation
from hepatrial.design import window_position
from hepatrial.errors import InputError, LimitError
from hepatrial.protocol import load_seed_protocol
from hepatrial.simulate import Cohort, LabDraw, default_scenario, simulate_cohort

START = dt.date(2023, 11, 28)


def _cohort(seed: int, **kwargs: object) -> Cohort:
    return simulate_cohort(
        default_scenario(),
        protocol=load_seed_protocol(),
        rng=np.random.default_rng(seed),
        start=START,
        **kwargs,
    )


def test_the_same_seed_gives_the_same_cohort_and_another_seed_a_different_one() -> None:
    assert _cohort(11) == _cohort(11)
    assert _cohort(11) != _cohort(12)


def test_candidates_are_screened_until_the_target_enrollment_is_randomized() -> None:
    cohort = _cohort(3)
    assert len(cohort.randomized()) == load_seed_protocol().design.target_enrollment
    assert len(cohort.candidates) == len(cohort.randomized()) + len(cohort.screen_failures())
    assert cohort.seed == 3


def test_screen_failures_are_what_the_eligibility_rules_decide_from_their_facts() -> None:
    protocol = load_seed_protocol()
    for c in _cohort(4, n_randomized=60).candidates:
        result = evaluate_eligibility(
            protocol,
            facts={**c.screening_facts, "consent_date": c.consented_on},
            attestations={k: Attestation(v, "record") for k, v in c.attestations.items()},
        )
        assert tuple(o.code for o in result.failed) == c.screen_failure_reasons
        assert c.randomized == (not c.screen_failure_reasons)


def test_an_allocation_passed_in_decides_each_randomized_candidates_arm() -> None:
    arms = ["MIDHIGH", "LOW"] * 11
    cohort = _cohort(5, allocation=arms)
    assert [c.arm for c in cohort.randomized()] == arms


def test_a_too_short_allocation_is_refused_naming_the_field() -> None:
    with pytest.raises(InputError, match="allocation"):
        _cohort(5, allocation=["LOW"] * 3)


def test_dates_follow_the_trial_order_and_the_screening_window() -> None:
    for c in _cohort(6, n_randomized=200).randomized():
        assert c.consented_on is not None
        assert c.randomized_on is not None
        assert c.eligibility_on is not None
        assert c.identified_on <= c.consented_on <= c.screened_on
        assert c.screened_on <= c.eligibility_on < c.randomized_on
        assert -28 <= (c.screened_on - c.randomized_on).days <= -1
        done = [v.actual_date for v in c.visits if v.actual_date is not None]
        assert done == sorted(done)
        assert len(set(done)) == len(done)
        for when in [*done, *(e.onset_on for e in c.decompensations)]:
            assert c.end_on is None or when <= c.end_on


def test_visits_are_in_their_window_except_about_the_designed_fraction() -> None:
    protocol = load_seed_protocol()
    cohort = _cohort(7, n_randomized=800)
    outside = total = 0
    for c in cohort.randomized():
        for v in c.visits:
            visit = protocol.visit(v.code)
            if v.actual_date is None or visit.window.before == visit.window.after == 0:
                continue
            total += 1
            outside += window_position(visit, c.infused_on, v.actual_date).status != "in_window"  # type: ignore[arg-type]
    p = default_scenario().number("conduct", "out_of_window_probability")
    assert abs(outside / total - p) <= 4 * (p * (1 - p) / total) ** 0.5


def _trips(lab: LabDraw) -> bool:
    try:
        return bool(standardize_lab(lab.code, lab.value, lab.unit).flags)
    except LimitError:
        return True


def test_every_lab_entry_error_trips_a_limit_or_a_check_and_its_correction_passes() -> None:
    cohort = _cohort(8, n_randomized=400)
    labs = [lab for c in cohort.candidates for v in c.visits for lab in v.labs]
    labs += [lab for c in cohort.candidates for lab in c.screening_labs]
    errors = [lab for lab in labs if lab.entry_error]
    assert errors, "the default scenario makes about 1 % of entries wrong"
    assert all(_trips(lab) for lab in errors)
    for lab in labs:
        value, unit = lab.final
        standardize_lab(lab.code, value, unit)  # a standing value is never rejected


def test_assessments_use_the_protocols_grade_codes() -> None:
    protocol = load_seed_protocol()
    grades = {m.code: {g.code for g in m.grades} for m in protocol.measures.clinical}
    for c in _cohort(9).candidates:
        for a in [c.screening_assessment, *(v.assessment for v in c.visits if v.assessment)]:
            assert a is not None
            assert a.ascites_grade in grades["ASCITES_GRADE"]
            assert a.he_grade in grades["HE_GRADE"]


def test_a_dose_effect_set_in_the_scenario_lowers_meld_in_that_arm() -> None:
    scenario = default_scenario().with_values(
        treatment={"meld_change": {"LOW": 0.0, "MIDHIGH": -3.0}}
    )
    cohort = simulate_cohort(
        scenario,
        protocol=load_seed_protocol(),
        rng=np.random.default_rng(1),
        start=START,
        n_randomized=600,
    )

    def bili_w24(arm: str) -> float:
        values = [
            lab.final[0]
            for c in cohort.randomized()
            if c.arm == arm
            for v in c.visits
            if v.code == "W24"
            for lab in v.labs
            if lab.code == "BILI"
        ]
        return float(np.median(values))

    assert bili_w24("MIDHIGH") < bili_w24("LOW")
