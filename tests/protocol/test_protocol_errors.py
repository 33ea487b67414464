"""A broken protocol file is rejected, each problem named by its path, expectation and value."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

Raw = dict[str, Any]
Problems = Callable[[Raw], list[str]]

_DELETE = object()


def _node(raw: Raw, path: str) -> tuple[Any, str | int]:
    parts: list[str | int] = [int(p) if p.isdigit() else p for p in path.split(".")]
    node: Any = raw
    for part in parts[:-1]:
        node = node[part]
    return node, parts[-1]


def _set(raw: Raw, path: str, value: object) -> Raw:
    node, last = _node(raw, path)
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return raw


# (mutation path, new value or _DELETE, the exact problem expected)
CASES: list[tuple[str, object, str]] = [
    (
        "visits.3.window.before",
        -2,
        "visits[3].window.before: expected a non-negative integer, got -2",
    ),
    ("arms.1.dose", 5, "arms[1]: unexpected field 'dose'"),
    ("visits.2.day", "seven", "visits[2].day: expected an integer, got 'seven'"),
    ("visits.2.day", True, "visits[2].day: expected an integer, got True"),
    ("visits.2.day", 7.5, "visits[2].day: expected an integer, got 7.5"),
    ("design", _DELETE, "design: expected a value for this required field, got nothing"),
    ("notes", "hello", "<root>: unexpected field 'notes'"),
    ("schema_version", 2, "schema_version: expected one of 1, got 2"),
    ("identity.version", 1.0, "identity.version: expected text (put it in quotes), got 1.0"),
    (
        "identity.brief_title",
        ["Effect", "of"],
        "identity.brief_title: expected text, got ['Effect', 'of']",
    ),
    (
        "identity.version",
        "v1",
        "identity.version: expected a version number such as '1.0', got 'v1'",
    ),
    (
        "identity.sites.0.time_zone",
        "Asia/Shenyang",
        "identity.sites[0].time_zone: expected an IANA time zone such as 'Asia/Shanghai', "
        "got 'Asia/Shenyang'",
    ),
    (
        "identity.sites.0.country_code",
        "CN",
        "identity.sites[0].country_code: expected an ISO 3166-1 alpha-3 country code such as "
        "'CHN', got 'CN'",
    ),
    (
        "design.enrollment_period.start",
        "2023-13-01",
        "design.enrollment_period.start: expected a date (YYYY-MM-DD), got '2023-13-01'",
    ),
    (
        "design.target_enrollment",
        0,
        "design.target_enrollment: expected a positive integer, got 0",
    ),
    ("arms.0.dose_per_kg", 0, "arms[0].dose_per_kg: expected a number > 0, got 0"),
    (
        "arms.0.code",
        "low",
        "arms[0].code: expected an uppercase code (A-Z, 0-9 and _, starting with a letter), "
        "got 'low'",
    ),
    (
        "product.release.min_viability_percent",
        120,
        "product.release.min_viability_percent: expected a number ≤ 100, got 120",
    ),
    (
        "design.masking.masked_roles.0",
        "nurse",
        "design.masking.masked_roles[0]: expected one of 'admin', 'investigator', 'coordinator', "
        "'pharmacist', 'monitor', 'statistician', 'dsmb' or 'data_manager', got 'nurse'",
    ),
    (
        "design.masking.registered_parties",
        [],
        "design.masking.registered_parties: expected 1 distinct masked party for single "
        "masking, got []",
    ),
    (
        "design.randomization.block_sizes",
        [2, 3],
        "design.randomization.block_sizes[1]: expected a multiple of 2, the sum of the "
        "allocation ratio, got 3",
    ),
    (
        "design.randomization.block_sizes",
        [],
        "design.randomization.block_sizes: expected at least one block size, got nothing",
    ),
    (
        "infusion.count",
        2,
        "infusion.interval_days: expected the days between 2 infusions, got nothing",
    ),
    (
        "infusion.interval_days",
        28,
        "infusion.interval_days: expected null for a single infusion, got 28",
    ),
    (
        "infusion.dose_weight.visit",
        "W99",
        "infusion.dose_weight.visit: expected a declared visit (one of 'SCR', 'D0', 'W1', 'W4', "
        "'W8', 'W12', 'W24', 'W48', 'D365'), got 'W99'",
    ),
    (
        "infusion.dose_weight.visit",
        "D365",
        "infusion.dose_weight.visit: expected a visit that collects WEIGHT, got 'D365'",
    ),
    (
        "infusion.dose_weight.visit",
        "W1",
        "infusion.dose_weight.visit: expected a visit on or before the first infusion (day 0), "
        "got 'W1'",
    ),
    (
        "infusion.dose_weight.measure",
        "HE_GRADE",
        "infusion.dose_weight.measure: expected a clinical quantity (one of 'WEIGHT'), "
        "got 'HE_GRADE'",
    ),
    (
        "visits.4.day",
        20,
        "visits[4].day: expected a day after day 28 (visits[3], W4), got 20",
    ),
    (
        "visits.4.day",
        30,
        "visits[4].day: expected a day after day 35, where W4's window ends, got 30",
    ),
    (
        "visits.4.window.before",
        25,
        "visits[4].window.before: expected at most 20 days so the window starts after day 35, "
        "where W4's window ends, got 25",
    ),
    (
        "visits.8.code",
        "W48",
        "visits[8].code: expected a unique code (already used at index 7), got 'W48'",
    ),
    (
        "visits.4.visitnum",
        4,
        "visits[4].visitnum: expected a VISITNUM greater than 4 (visits[3], W4), got 4",
    ),
    (
        "visits.8.procedures.0",
        "XRAY",
        "visits[8].procedures[0]: expected a declared procedure (one of 'CONSENT', 'ELIGIBILITY', "
        "'DEMOGRAPHICS', 'MEDICAL_HISTORY', 'RANDOMIZATION', 'INFUSION', 'LIVER_LABS', "
        "'SCORE_LABS', 'CLINICAL', 'SCORES', 'ADVERSE_EVENTS', 'DECOMPENSATION', 'SURVIVAL'), "
        "got 'XRAY'",
    ),
    (
        "visits.8.procedures.1",
        "ADVERSE_EVENTS",
        "visits[8].procedures[1]: expected each procedure once per visit, got 'ADVERSE_EVENTS'",
    ),
    (
        "measures.labs.0.code",
        "alt",
        "measures.labs[0].code: expected an SDTM test code (1-8 uppercase letters or digits, "
        "starting with a letter), got 'alt'",
    ),
    (
        "measures.labs.0.code",
        "AMINOTRANSFERASE",
        "measures.labs[0].code: expected an SDTM test code (1-8 uppercase letters or digits, "
        "starting with a letter), got 'AMINOTRANSFERASE'",
    ),
    (
        "measures.labs.1.code",
        "ALT",
        "measures.labs[1].code: expected a unique code (already used at index 0), got 'ALT'",
    ),
    (
        "measures.clinical.2.unit",
        _DELETE,
        "measures.clinical[2].unit: expected a unit for a quantity, got nothing",
    ),
    (
        "measures.scores.0.inputs",
        ["BILI", "UREA"],
        "measures.scores[0].inputs[1]: expected a declared lab or clinical measure (one of 'ALT', "
        "'AST', 'ALP', 'BILI', 'ALB', 'PT', 'INR', 'CREAT', 'SODIUM', 'ASCITES_GRADE', "
        "'HE_GRADE', 'WEIGHT', 'DIALYSIS'), got 'UREA'",
    ),
    (
        "procedures.6.measures",
        ["ALT", "AST", "ALP", "BILI", "ALB", "PT", "INR", "WEIGHT"],
        "procedures[6].measures[7]: expected a declared lab code (one of 'ALT', 'AST', 'ALP', "
        "'BILI', 'ALB', 'PT', 'INR', 'CREAT', 'SODIUM'), got 'WEIGHT'",
    ),
    (
        "procedures.0.measures",
        ["ALT"],
        "procedures[0].measures: expected no measures for a consent procedure, got ['ALT']",
    ),
    (
        "procedures.6.kind",
        "lab",
        "procedures[6].kind: expected one of 'consent', 'eligibility', 'demographics', "
        "'medical_history', 'randomization', 'infusion', 'labs', 'clinical_assessment', "
        "'scores', 'adverse_events', 'decompensation_events', 'survival_status' or 'other', "
        "got 'lab'",
    ),
    (
        "screening_facts.5.choices",
        _DELETE,
        "screening_facts[5].choices: expected at least 2 distinct choices for a choice fact, "
        "got nothing",
    ),
    (
        "screening_facts.6.code",
        "Pregnant",
        "screening_facts[6].code: expected a lowercase name (a-z, 0-9 and _, starting with a "
        "letter), got 'Pregnant'",
    ),
    (
        "eligibility.inclusion.1.rule",
        {"kind": "recorded", "fact": "consent_date"},
        "eligibility.inclusion[1].rule: expected no rule for an attested criterion, got 'recorded'",
    ),
    (
        "eligibility.inclusion.0.rule",
        _DELETE,
        "eligibility.inclusion[0].rule: expected a rule for a computed criterion, got nothing",
    ),
    (
        "eligibility.exclusion.0.source_document",
        _DELETE,
        "eligibility.exclusion[0].source_document: expected guidance for an attested criterion, "
        "got nothing",
    ),
    (
        "eligibility.exclusion.1.code",
        "IN01",
        "eligibility.exclusion[1].code: expected a code not used by an inclusion criterion, "
        "got 'IN01'",
    ),
    (
        "eligibility.exclusion.0.decision",
        "judged",
        "eligibility.exclusion[0].decision: expected one of 'computed' or 'attested', got 'judged'",
    ),
    (
        "eligibility.inclusion.0.rule.max_years",
        17,
        "eligibility.inclusion[0].rule.max_years: expected at least min_years (18), got 17",
    ),
    (
        "eligibility.inclusion.0.rule.min_years",
        "18",
        "eligibility.inclusion[0].rule.min_years: expected an integer, got '18'",
    ),
    (
        "eligibility.exclusion.5.rule.days",
        0,
        "eligibility.exclusion[5].rule.days: expected a positive integer, got 0",
    ),
    (
        "eligibility.exclusion.5.rule.kind",
        "within",
        "eligibility.exclusion[5].rule.kind: expected one of 'age_between', 'recorded', "
        "'within_days', 'equals', 'compare', 'any_of', 'all_of' or 'not', got 'within'",
    ),
    (
        "eligibility.exclusion.5.rule.kind",
        _DELETE,
        "eligibility.exclusion[5].rule.kind: expected a value for this required field, got nothing",
    ),
    (
        "eligibility.exclusion.8.rule.rules",
        [],
        "eligibility.exclusion[8].rule.rules: expected a list of at least 1 item(s), got []",
    ),
    (
        "eligibility.exclusion.8.rule.rules.1.unit",
        "kg",
        "eligibility.exclusion[8].rule.rules[1]: unexpected field 'unit'",
    ),
    (
        "eligibility.exclusion.5.rule.fact",
        "consent_date",
        "eligibility.exclusion[5].rule.fact: expected a screening fact of type event_date, got "
        "'consent_date' of type date",
    ),
    (
        "eligibility.exclusion.5.rule.before",
        "last_other_trial_date",
        "eligibility.exclusion[5].rule.before: expected a screening fact of type date, got "
        "'last_other_trial_date' of type event_date",
    ),
    (
        "eligibility.exclusion.4.rule.value",
        "unknown",
        "eligibility.exclusion[4].rule.value: expected one of 'positive', 'negative' for choice "
        "fact 'hiv_status', got 'unknown'",
    ),
    (
        "eligibility.exclusion.8.rule.rules.1.value",
        "yes please",
        "eligibility.exclusion[8].rule.rules[1].value: expected true or false for boolean fact "
        "'breastfeeding', got 'yes please'",
    ),
    (
        "eligibility.exclusion.8.rule.rules.1.value",
        [1],
        "eligibility.exclusion[8].rule.rules[1].value: expected true or false, an integer, a "
        "number, a date (YYYY-MM-DD) or text, got [1]",
    ),
    (
        "eligibility.exclusion.1.rule",
        {"kind": "compare", "fact": "prior_liver_transplant", "op": "gt", "value": 0},
        "eligibility.exclusion[1].rule.fact: expected a screening fact of type number, got "
        "'prior_liver_transplant' of type boolean",
    ),
    (
        "populations.1.code",
        "ITT",
        "populations[1].code: expected a unique code (already used at index 0), got 'ITT'",
    ),
    (
        "outcomes.primary.0.analysis.population",
        "PP",
        "outcomes.primary[0].analysis.population: expected a declared population (one of 'ITT', "
        "'SAFETY'), got 'PP'",
    ),
    (
        "outcomes.primary.0.analysis.alpha",
        5,
        "outcomes.primary[0].analysis.alpha: expected a number < 1, got 5",
    ),
    (
        "outcomes.primary.0.analysis.methods.2.role",
        "primary",
        "outcomes.primary[0].analysis.methods: expected exactly one method with role primary, "
        "got ['descriptive', 'primary', 'primary', 'supportive', 'supportive', 'supportive', "
        "'supportive']",
    ),
    (
        "outcomes.primary.0.analysis.methods.6.tau_days",
        400,
        "outcomes.primary[0].analysis.methods[6].tau_days: expected a day within the time frame "
        "(≤ 365), got 400",
    ),
    (
        "outcomes.primary.0.analysis.methods.2",
        {"method": "gray_test", "role": "supportive"},
        "outcomes.primary[0].analysis.methods[2].method: expected a method for a time_to_event "
        "outcome (cox, fisher_exact, kaplan_meier, logrank, permutation_logrank, rmst, "
        "survival_difference), got 'gray_test'",
    ),
    (
        "outcomes.primary.0.analysis.methods.3.sparse_below_events",
        _DELETE,
        "outcomes.primary[0].analysis.methods[3].sparse_below_events: expected an event count "
        "when firth is when_sparse, got nothing",
    ),
    (
        "outcomes.secondary.0.analysis.methods.1.covariance",
        "diagonal",
        "outcomes.secondary[0].analysis.methods[1].covariance: expected one of 'unstructured', "
        "'heterogeneous_toeplitz', 'toeplitz', 'heterogeneous_ar1', 'ar1' or "
        "'compound_symmetry', got 'diagonal'",
    ),
    (
        "outcomes.secondary.0.visits.0",
        "W2",
        "outcomes.secondary[0].visits[0]: expected a declared visit (one of 'SCR', 'D0', 'W1', "
        "'W4', 'W8', 'W12', 'W24', 'W48', 'D365'), got 'W2'",
    ),
    (
        "outcomes.secondary.0.visits.0",
        "D0",
        "outcomes.secondary[0].visits[0]: expected a visit after the first infusion (day > 0), "
        "got 'D0'",
    ),
    (
        "outcomes.secondary.0.measures.0",
        "GGT",
        "outcomes.secondary[0].measures[0]: expected a declared measure (one of 'ALT', 'AST', "
        "'ALP', 'BILI', 'ALB', 'PT', 'INR', 'CREAT', 'SODIUM', 'ASCITES_GRADE', 'HE_GRADE', "
        "'WEIGHT', 'DIALYSIS', 'MELD', 'MELD_NA', 'MELD3', 'CHILD_PUGH', 'ALBI'), got 'GGT'",
    ),
    (
        "outcomes.secondary.1.events.0",
        "VARICES",
        "outcomes.secondary[1].events[0]: expected a declared event (one of 'GI_BLEEDING', "
        "'ASCITES', 'HEPATIC_ENCEPHALOPATHY'), got 'VARICES'",
    ),
    (
        "outcomes.secondary.1.kind",
        "survival",
        "outcomes.secondary[1].kind: expected one of 'time_to_event', 'repeated_measures' or "
        "'competing_risks', got 'survival'",
    ),
    (
        "outcomes.secondary.0.code",
        "OS_1Y",
        "outcomes.secondary[0].code: expected a code not used by a primary outcome, got 'OS_1Y'",
    ),
    (
        "assumptions.1.id",
        "A1",
        "assumptions[1].id: expected a unique id (already used at index 0), got 'A1'",
    ),
    (
        "assumptions.1.id",
        "B2",
        "assumptions[1].id: expected an assumption id such as 'A1', got 'B2'",
    ),
    ("assumptions.1.text", "   ", "assumptions[1].text: expected non-blank text, got '   '"),
]


@pytest.mark.parametrize(
    ("path", "value", "expected"), CASES, ids=[f"{c[0]}={c[1]!r}"[:60] for c in CASES]
)
def test_broken_protocol_names_the_path_the_expectation_and_the_value(
    seed_raw: Raw, problems_of: Problems, path: str, value: object, expected: str
) -> None:
    assert problems_of(_set(seed_raw, path, value)) == [expected]


def test_every_problem_in_a_file_is_reported_at_once(seed_raw: Raw, problems_of: Problems) -> None:
    _set(seed_raw, "visits.3.window.before", -2)
    _set(seed_raw, "arms.1.dose", 5)
    _set(seed_raw, "eligibility.exclusion.5.rule.fact", "x")
    _set(seed_raw, "assumptions.2.id", "A1")
    found = problems_of(seed_raw)
    assert len(found) == 4
    assert "visits[3].window.before: expected a non-negative integer, got -2" in found
    assert "arms[1]: unexpected field 'dose'" in found
    assert "assumptions[2].id: expected a unique id (already used at index 0), got 'A1'" in found
    assert any(
        p.startswith("eligibility.exclusion[5].rule.fact: expected a declared") for p in found
    )


def test_unknown_fact_in_a_nested_rule_is_located_inside_the_rule(
    seed_raw: Raw, problems_of: Problems
) -> None:
    _set(seed_raw, "eligibility.exclusion.8.rule.rules.1.fact", "lactating")
    (found,) = problems_of(seed_raw)
    assert found.startswith(
        "eligibility.exclusion[8].rule.rules[1].fact: expected a declared screening fact "
        "(one of 'birth_date', 'consent_date', "
    )
    assert found.endswith(", got 'lactating'")


@pytest.mark.parametrize("name", ["dose_per_kilo", "dose"])
def test_misspelt_field_suggests_the_missing_one(
    seed_raw: Raw, problems_of: Problems, name: str
) -> None:
    seed_raw["arms"][1][name] = seed_raw["arms"][1].pop("dose_per_kg")
    assert problems_of(seed_raw) == [
        "arms[1].dose_per_kg: expected a value for this required field, got nothing",
        f"arms[1]: unexpected field {name!r} (did you mean 'dose_per_kg'?)",
    ]


def test_an_unexpected_field_unlike_any_missing_one_gets_no_suggestion(
    seed_raw: Raw, problems_of: Problems
) -> None:
    seed_raw["arms"][1]["colour"] = seed_raw["arms"][1].pop("dose_per_kg")
    assert problems_of(seed_raw)[1] == "arms[1]: unexpected field 'colour'"


def test_a_broken_item_does_not_also_report_its_list_as_too_short(
    seed_raw: Raw, problems_of: Problems
) -> None:
    _set(seed_raw, "identity.sites.0.postal_code", 110840)
    assert problems_of(seed_raw) == [
        "identity.sites[0].postal_code: expected text (put it in quotes), got 110840"
    ]


def test_allocation_ratio_must_give_one_weight_per_arm(
    seed_raw: Raw, problems_of: Problems
) -> None:
    seed_raw["arms"].append({**seed_raw["arms"][1], "code": "HIGH", "dose_per_kg": 5.0e6})
    assert problems_of(seed_raw) == [
        "design.allocation_ratio: expected one weight per arm, in the order of arms "
        "(3: 'LOW', 'MIDHIGH', 'HIGH'), got [1, 1]"
    ]


def test_duplicate_arm_codes_are_rejected(seed_raw: Raw, problems_of: Problems) -> None:
    _set(seed_raw, "arms.1.code", "LOW")
    assert problems_of(seed_raw) == [
        "arms[1].code: expected a unique code (already used at index 0), got 'LOW'"
    ]


def test_a_role_both_masked_and_unblinded_is_rejected(seed_raw: Raw, problems_of: Problems) -> None:
    seed_raw["design"]["masking"]["masked_roles"].append("pharmacist")
    assert problems_of(seed_raw) == [
        "design.masking.unblinded_roles[0]: expected a role not also in masked_roles, "
        "got 'pharmacist'"
    ]


def test_a_role_in_neither_masking_list_is_rejected(seed_raw: Raw, problems_of: Problems) -> None:
    seed_raw["design"]["masking"]["unblinded_roles"] = ["pharmacist"]
    (found,) = problems_of(seed_raw)
    assert found.startswith(
        "design.masking.masked_roles: expected every role in masked_roles or unblinded_roles "
        "(missing: dsmb), got ["
    )


def test_infusion_count_must_match_the_visits_with_an_infusion(
    seed_raw: Raw, problems_of: Problems
) -> None:
    _set(seed_raw, "infusion.count", 2)
    _set(seed_raw, "infusion.interval_days", 28)
    assert problems_of(seed_raw) == [
        "infusion.count: expected as many infusions as visits with an infusion procedure (1), got 2"
    ]


def _move(raw: Raw, procedure: str, source: int, target: int) -> None:
    # Follow-up visits share one procedure list (a YAML anchor), so lists are replaced, not edited.
    visits = raw["visits"]
    visits[source]["procedures"] = [p for p in visits[source]["procedures"] if p != procedure]
    visits[target]["procedures"] = [*visits[target]["procedures"], procedure]


def test_first_infusion_must_be_on_day_0(seed_raw: Raw, problems_of: Problems) -> None:
    _move(seed_raw, "INFUSION", 1, 2)
    assert problems_of(seed_raw) == [
        "visits[2].day: expected day 0 for the first infusion (W1), got 7"
    ]


def test_randomization_after_the_first_infusion_is_rejected(
    seed_raw: Raw, problems_of: Problems
) -> None:
    _move(seed_raw, "RANDOMIZATION", 1, 2)
    assert problems_of(seed_raw) == [
        "visits[2].day: expected randomization on or before the first infusion, got 7"
    ]


def test_a_declared_procedure_never_scheduled_is_reported(
    seed_raw: Raw, problems_of: Problems
) -> None:
    seed_raw["procedures"].append({"code": "IMAGING", "label": "Liver imaging", "kind": "other"})
    assert problems_of(seed_raw) == [
        "procedures[13]: expected a procedure done at some visit, got 'IMAGING'"
    ]


def test_a_score_whose_inputs_are_not_collected_at_its_visit_is_reported(
    seed_raw: Raw, problems_of: Problems
) -> None:
    week1 = seed_raw["visits"][2]
    week1["procedures"] = [p for p in week1["procedures"] if p != "SCORE_LABS"]
    assert problems_of(seed_raw) == [
        "visits[2].procedures: expected the inputs of every score derived at W1 (MELD lacks "
        "CREAT; MELD_NA lacks CREAT, SODIUM; MELD3 lacks CREAT, SODIUM), got ['LIVER_LABS', "
        "'CLINICAL', 'SCORES', 'ADVERSE_EVENTS', 'DECOMPENSATION', 'SURVIVAL']"
    ]


def test_an_outcome_visit_must_collect_its_measures_within_the_time_frame(
    seed_raw: Raw, problems_of: Problems
) -> None:
    _set(seed_raw, "outcomes.secondary.0.visits.0", "D365")
    assert problems_of(seed_raw) == [
        "outcomes.secondary[0].visits[0]: expected a visit that collects every measure (missing: "
        "ALT, AST, ALP, BILI, ALB, PT, INR, MELD, CHILD_PUGH), got 'D365'",
        "outcomes.secondary[0].visits[0]: expected a visit within the time frame (day ≤ 336), "
        "got 'D365'",
    ]


def test_long_received_values_are_shortened(seed_raw: Raw, problems_of: Problems) -> None:
    seed_raw["identity"] = ["x" * 50, "y" * 50]
    (found,) = problems_of(seed_raw)
    assert found.startswith("identity: expected a mapping of fields, got ['xxxx")
    assert found.endswith("…")
    assert len(found) < 140
