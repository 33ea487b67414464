"""The seed file encodes NCT06167473 as registered, and marks every choice the registration left."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pydantic
import pytest

from hepatrial.errors import InputError
from hepatrial.protocol import (
    ROLES,
    AnyOf,
    Equals,
    Protocol,
    RepeatedMeasuresOutcome,
    TimeToEventOutcome,
    WithinDays,
    load_seed_protocol,
    rule_facts,
)


@pytest.fixture(scope="module")
def protocol() -> Protocol:
    return load_seed_protocol()


# The criteria exactly as the registry record words them (seed/NCT06167473-registration.txt).
REGISTERED_INCLUSION = ["18-80 years old", "End-stage liver disease", "Sign informed consent"]
REGISTERED_EXCLUSION = [
    "Tumours of the liver or other organs",
    "Liver transplantation recipients",
    "Acute myocardial infarction, acute heart failure, type I and type II respiratory failure, "
    "pulmonary embolism, acute cerebral infarction, acute cerebral haemorrhage and other serious "
    "cardiopulmonary diseases",
    "Other diseases that may seriously affect the survival",
    "Human immunodeficiency syndrome",
    "Interferon or glucocorticoid therapy within 1 year",
    "Treated for mental illness",
    "Participation in other clinical trials within 30 days",
    "Pregnant or breastfeeding subjects",
    "Allergic asthma, allergic urticaria, eczema, or a history of multiple drug and food allergies",
    "Other circumstances that are unsuitable for participation in this study",
]


def test_identity_is_the_registered_trial(protocol: Protocol) -> None:
    identity = protocol.identity
    assert identity.registry_id == "NCT06167473"
    assert identity.brief_title.startswith("Effect of Different Dosage of Umbilical Cord")
    assert identity.official_title.endswith("in Patients With End-stage Liver Diseases")
    assert identity.sponsor.name == "General Hospital of Northern Theater Command"
    assert identity.sponsor.registered_name == "General Hospital of Shenyang Military Region"
    assert identity.principal_investigator.name == "Mengfan Ruan"
    assert identity.version == "1.0"
    assert identity.registration.study_start == dt.date(2023, 11, 28)
    (site,) = identity.sites
    assert (site.city, site.region, site.country) == ("Shenyang", "Liaoning", "China")
    assert site.time_zone == "Asia/Shanghai"
    assert protocol.site(site.code) is site


def test_design_is_randomized_1_to_1_for_22_participants(protocol: Protocol) -> None:
    design = protocol.design
    assert (design.allocation, design.intervention_model) == ("randomized", "parallel")
    assert design.allocation_ratio == (1, 1)
    assert protocol.allocation_weights == (("LOW", 1), ("MIDHIGH", 1))
    assert design.target_enrollment == 22
    assert design.enrollment_period.start == dt.date(2023, 11, 28)
    assert design.enrollment_period.months == 12
    assert design.randomization.scheme == "permuted_blocks"
    assert design.randomization.block_sizes == (2, 4)
    assert design.randomization.strata == ()


def test_only_the_pharmacist_and_the_dsmb_see_the_allocation(protocol: Protocol) -> None:
    masking = protocol.design.masking
    assert (masking.registered, masking.registered_parties) == ("single", ("participant",))
    assert {role for role in ROLES if not masking.is_masked(role)} == {"pharmacist", "dsmb"}


def test_arms_carry_the_registered_doses_by_peripheral_vein(protocol: Protocol) -> None:
    low, midhigh = protocol.arms
    assert (low.code, low.dose_per_kg, low.dose_unit) == ("LOW", 1.0e6, "cells/kg")
    assert (midhigh.code, midhigh.dose_per_kg) == ("MIDHIGH", 3.0e6)
    assert {arm.route for arm in protocol.arms} == {"peripheral intravenous"}
    assert protocol.arm("MIDHIGH") is midhigh


def test_one_infusion_on_day_0_within_10_percent(protocol: Protocol) -> None:
    assert protocol.infusion.count == 1
    assert protocol.infusion.interval_days is None
    assert protocol.infusion.dose_tolerance_percent == 10
    assert protocol.product.short_name == "UC-MSC"
    assert protocol.product.release.min_viability_percent == 80
    assert [v.code for v in protocol.visits_with("infusion")] == ["D0"]


def test_visits_are_screening_day_0_the_registered_weeks_and_a_1_year_contact(
    protocol: Protocol,
) -> None:
    schedule = [(v.code, v.day, v.window.before, v.window.after) for v in protocol.visits]
    assert schedule == [
        ("SCR", -1, 27, 0),
        ("D0", 0, 0, 0),
        ("W1", 7, 2, 2),
        ("W4", 28, 7, 7),
        ("W8", 56, 7, 7),
        ("W12", 84, 7, 7),
        ("W24", 168, 14, 14),
        ("W48", 336, 14, 14),
        ("D365", 365, 0, 28),
    ]
    assert [v.visitnum for v in protocol.visits] == list(range(1, 10))
    weeks = [v for v in protocol.visits if v.code.startswith("W")]
    assert all(v.day == 7 * int(v.code[1:]) for v in weeks)


def test_criteria_are_the_registered_text_verbatim_with_stable_codes(protocol: Protocol) -> None:
    inclusion, exclusion = protocol.eligibility.inclusion, protocol.eligibility.exclusion
    assert [c.code for c in inclusion] == ["IN01", "IN02", "IN03"]
    assert [c.code for c in exclusion] == [f"EX{n:02d}" for n in range(1, 12)]
    assert [c.text for c in inclusion] == REGISTERED_INCLUSION
    assert [c.text for c in exclusion] == REGISTERED_EXCLUSION
    assert protocol.criteria == inclusion + exclusion


def test_computed_criteria_are_those_the_screening_facts_decide(protocol: Protocol) -> None:
    computed = {c.code for c in protocol.criteria if c.decision == "computed"}
    assert computed == {"IN01", "IN03", "EX02", "EX05", "EX06", "EX08", "EX09"}
    for criterion in protocol.criteria:
        if criterion.decision == "attested":
            assert criterion.rule is None
            assert criterion.source_document
        else:
            assert criterion.rule is not None


def test_rules_read_the_declared_facts(protocol: Protocol) -> None:
    ex06 = protocol.criterion("EX06").rule
    assert isinstance(ex06, WithinDays)
    assert (ex06.fact, ex06.before, ex06.days) == (
        "last_interferon_or_glucocorticoid_date",
        "consent_date",
        365,
    )
    ex09 = protocol.criterion("EX09").rule
    assert isinstance(ex09, AnyOf)
    assert all(isinstance(r, Equals) and r.value is True for r in ex09.rules)
    assert rule_facts(ex09) == ("pregnant", "breastfeeding")
    assert protocol.fact("hiv_status").choices == ("positive", "negative")
    assert protocol.fact("last_other_trial_date").type == "event_date"


def test_registered_labs_plus_creatinine_and_sodium_for_the_meld_scores(protocol: Protocol) -> None:
    labs = {lab.code: lab.registered for lab in protocol.measures.labs}
    assert labs == {
        "ALT": True,
        "AST": True,
        "ALP": True,
        "BILI": True,
        "ALB": True,
        "PT": True,
        "INR": True,
        "CREAT": False,
        "SODIUM": False,
    }
    scores = [s.code for s in protocol.measures.scores]
    assert scores == ["MELD", "MELD_NA", "MELD3", "CHILD_PUGH", "ALBI"]
    grades = {m.code: [g.code for g in m.grades] for m in protocol.measures.clinical}
    assert grades["ASCITES_GRADE"] == ["none", "mild", "moderate_severe"]
    assert grades["HE_GRADE"] == ["none", "grade_1_2", "grade_3_4"]


def test_every_lab_visit_collects_every_score_input(protocol: Protocol) -> None:
    for visit in protocol.visits_with("scores"):
        collected = set(protocol.collected_at(visit.code))
        for score in protocol.measures.scores:
            assert set(score.inputs) <= collected, (visit.code, score.code)


def test_primary_outcome_is_1_year_survival_by_intention_to_treat(protocol: Protocol) -> None:
    (primary,) = protocol.outcomes.primary
    assert isinstance(primary, TimeToEventOutcome)
    assert (primary.event, primary.time_frame_days, primary.origin) == (
        "death",
        365,
        "randomization",
    )
    assert primary.registered is not None
    assert primary.registered.description == "Number of subjects surviving after one year"
    analysis = primary.analysis
    assert (analysis.population, analysis.alpha, analysis.alternative) == ("ITT", 0.05, "two_sided")
    methods = [m.method for m in analysis.methods]
    assert methods == [
        "kaplan_meier",
        "permutation_logrank",
        "logrank",
        "cox",
        "survival_difference",
        "fisher_exact",
        "rmst",
    ]
    assert analysis.primary_method.method == "permutation_logrank"


def test_secondary_outcomes_are_liver_function_and_decompensation(protocol: Protocol) -> None:
    liver = protocol.outcome("LIVER_FUNCTION")
    assert isinstance(liver, RepeatedMeasuresOutcome)
    assert liver.visits == ("W1", "W4", "W8", "W12", "W24", "W48")
    assert liver.measures == ("ALT", "AST", "ALP", "BILI", "ALB", "PT", "INR", "MELD", "CHILD_PUGH")
    assert liver.analysis.primary_method.method == "mmrm"
    decompensation = protocol.outcome("DECOMPENSATION_1Y")
    assert decompensation.kind == "competing_risks"
    assert decompensation.analysis.primary_method.method == "gray_test"


def test_unknown_codes_raise_an_error_listing_the_known_ones(protocol: Protocol) -> None:
    with pytest.raises(InputError) as caught:
        protocol.visit("W2")
    assert str(caught.value) == (
        "visit: expected one of 'SCR', 'D0', 'W1', 'W4', 'W8', 'W12', 'W24', 'W48', 'D365', "
        "got 'W2'"
    )
    with pytest.raises(InputError):
        protocol.arm("HIGH")
    with pytest.raises(InputError):
        protocol.fact("weight")


def test_protocol_is_immutable(protocol: Protocol) -> None:
    with pytest.raises(pydantic.ValidationError):
        protocol.arms[0].dose_per_kg = 5.0e6  # type: ignore[misc]
    assert isinstance(protocol.visits, tuple)
    assert hash(protocol) == hash(load_seed_protocol())


def test_every_assumption_says_where_it_applies(protocol: Protocol) -> None:
    ids = [a.id for a in protocol.assumptions]
    assert ids == [f"A{n}" for n in range(1, len(ids) + 1)]
    raw = protocol.model_dump()
    for assumption in protocol.assumptions:
        for path in assumption.about.split(", "):
            assert _resolves(raw, path), (assumption.id, path)


def _resolves(node: Any, path: str) -> bool:
    """Whether a dotted path (list items by code, ``[]`` for every item) names part of the file."""
    for part in path.split("."):
        every = part.endswith("[]")
        part = part.removesuffix("[]")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list | tuple):
            matches = [item for item in node if isinstance(item, dict) and item.get("code") == part]
            if not matches:
                return False
            node = matches[0]
        else:
            return False
        if every:
            if not node:
                return False
            node = node[0]
    return True
