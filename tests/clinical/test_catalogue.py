"""The lab catalogue against the reference tables.

Expected codes are copied from ``shared/reference/liver-scores.md`` §6–8 and
``shared/reference/standards-analysis.md`` §1 (SDTM CT 2025-03-25, LOINC serum/plasma).
"""

from __future__ import annotations

import pytest

from hepatrial.clinical.catalogue import LAB_CATALOGUE, MixupRule, Range, lab_test
from hepatrial.errors import InputError

# LBTESTCD: (LBTEST, NCI C-code, canonical unit)
SDTM_TESTS = {
    "ALT": ("Alanine Aminotransferase", "C64433", "U/L"),
    "AST": ("Aspartate Aminotransferase", "C64467", "U/L"),
    "ALP": ("Alkaline Phosphatase", "C64432", "U/L"),
    "BILI": ("Bilirubin", "C38037", "umol/L"),
    "ALB": ("Albumin", "C64431", "g/L"),
    "PT": ("Prothrombin Time", "C62656", "s"),
    "INR": ("Prothrombin Intl. Normalized Ratio", "C64805", "ratio"),
    "CREAT": ("Creatinine", "C64547", "umol/L"),
    "SODIUM": ("Sodium", "C64809", "mmol/L"),
}

# (LBTESTCD, unit) -> LOINC, liver-scores.md §7: mass and molar concentrations differ.
LOINC_BY_UNIT = {
    ("ALT", "U/L"): "1742-6",
    ("AST", "U/L"): "1920-8",
    ("ALP", "U/L"): "6768-6",
    ("BILI", "mg/dL"): "1975-2",
    ("BILI", "umol/L"): "14631-6",
    ("ALB", "g/L"): "1751-7",
    ("ALB", "g/dL"): "1751-7",
    ("PT", "s"): "5902-2",
    ("INR", "ratio"): "6301-6",
    ("CREAT", "mg/dL"): "2160-0",
    ("CREAT", "umol/L"): "14682-9",
    ("SODIUM", "mmol/L"): "2951-2",
}

# (LBTESTCD, unit) -> SDTM UNIT submission value, standards-analysis.md §1.
CDISC_UNIT = {
    ("ALT", "U/L"): "U/L",
    ("BILI", "mg/dL"): "mg/dL",
    ("BILI", "umol/L"): "umol/L",
    ("ALB", "g/dL"): "g/dL",
    ("ALB", "g/L"): "g/L",
    ("PT", "s"): "s",
    ("INR", "ratio"): "RATIO",
    ("CREAT", "mg/dL"): "mg/dL",
    ("CREAT", "umol/L"): "umol/L",
    ("SODIUM", "mmol/L"): "mmol/L",
}

# Canonical units per conventional unit, liver-scores.md §6.
FACTORS = {
    ("BILI", "mg/dL"): 17.1,
    ("CREAT", "mg/dL"): 88.4,
    ("ALB", "g/dL"): 10.0,
    ("SODIUM", "mEq/L"): 1.0,
}

# liver-scores.md §8, in canonical units: (hard, soft).
RANGES = {
    "BILI": (Range(0.0, 1400.0, low_closed=False), Range(None, 600.0)),
    "ALB": (Range(5.0, 70.0), Range(15.0, 55.0)),
    "INR": (Range(0.5, 20.0, low_closed=False), Range(0.8, 6.0)),
    "PT": (Range(5.0, 150.0), Range(None, 60.0)),
    "CREAT": (Range(10.0, 3500.0), Range(25.0, 1000.0)),
    "SODIUM": (Range(90.0, 190.0), Range(115.0, 155.0)),
    "ALT": (Range(0.0, 20000.0), Range(None, 1000.0)),
    "AST": (Range(0.0, 20000.0), Range(None, 1000.0)),
    "ALP": (Range(0.0, 5000.0), Range(20.0, 1500.0)),
}

# liver-scores.md §8: SI-labelled TBil < 3, Cr < 15, albumin < 8 g/L; albumin > 10 labelled g/dL.
MIXUPS = {
    "BILI": (MixupRule("umol/L", below=3.0, above=None, likely_unit="mg/dL"),),
    "CREAT": (MixupRule("umol/L", below=15.0, above=None, likely_unit="mg/dL"),),
    "ALB": (
        MixupRule("g/L", below=8.0, above=None, likely_unit="g/dL"),
        MixupRule("g/dL", below=None, above=10.0, likely_unit="g/L"),
    ),
}


def test_catalogue_holds_exactly_the_trial_labs_plus_creatinine_and_sodium() -> None:
    assert set(LAB_CATALOGUE) == set(SDTM_TESTS)


@pytest.mark.parametrize("code", SDTM_TESTS)
def test_each_test_carries_its_sdtm_name_and_nci_code(code: str) -> None:
    name, nci, _ = SDTM_TESTS[code]
    test = lab_test(code)
    assert (test.code, test.name, test.nci_code) == (code, name, nci)


@pytest.mark.parametrize("code", SDTM_TESTS)
def test_canonical_units_are_the_si_units_chinese_labs_report(code: str) -> None:
    test = lab_test(code)
    assert test.canonical_unit == SDTM_TESTS[code][2]
    assert test.units[test.canonical_unit].factor == 1.0


@pytest.mark.parametrize(("code", "unit"), LOINC_BY_UNIT)
def test_loinc_code_matches_the_reference_for_each_unit(code: str, unit: str) -> None:
    assert lab_test(code).units[unit].loinc == LOINC_BY_UNIT[(code, unit)]


def test_every_unit_of_every_test_has_a_loinc_code_of_the_reference() -> None:
    reference = set(LOINC_BY_UNIT.values())
    for test in LAB_CATALOGUE.values():
        for unit in test.units.values():
            assert unit.loinc in reference, (test.code, unit.unit)


def test_a_tests_loinc_is_the_code_of_its_canonical_unit() -> None:
    assert lab_test("BILI").loinc == "14631-6"
    assert lab_test("CREAT").loinc == "14682-9"
    assert lab_test("INR").loinc == "6301-6"  # not 34714-6, the point-of-care code
    assert lab_test("SODIUM").loinc == "2951-2"  # not 2947-0, whole blood


@pytest.mark.parametrize(("code", "unit"), CDISC_UNIT)
def test_cdisc_unit_submission_values_match_the_sdtm_codelist(code: str, unit: str) -> None:
    assert lab_test(code).units[unit].cdisc == CDISC_UNIT[(code, unit)]


@pytest.mark.parametrize(("code", "unit"), FACTORS)
def test_conversion_factors_are_those_of_the_reference(code: str, unit: str) -> None:
    assert lab_test(code).units[unit].factor == FACTORS[(code, unit)]


@pytest.mark.parametrize("code", RANGES)
def test_hard_and_soft_limits_are_those_of_the_reference_table(code: str) -> None:
    test = lab_test(code)
    assert (test.hard, test.soft) == RANGES[code]


@pytest.mark.parametrize("code", SDTM_TESTS)
def test_unit_mixup_rules_are_those_of_the_reference(code: str) -> None:
    assert lab_test(code).mixups == MIXUPS.get(code, ())


def test_mixup_rules_name_units_the_test_has() -> None:
    for test in LAB_CATALOGUE.values():
        for rule in test.mixups:
            assert {rule.unit, rule.likely_unit} <= set(test.units), test.code


def test_unknown_test_code_is_an_error_naming_the_known_codes() -> None:
    with pytest.raises(InputError, match=r"test code: expected one of ALT, .*SODIUM, got 'TBIL'"):
        lab_test("TBIL")


def test_range_bounds_follow_their_closedness() -> None:
    half_open = Range(0.5, 20.0, low_closed=False)
    assert not half_open.contains(0.5)
    assert half_open.contains(0.5000001)
    assert half_open.contains(20.0)
    assert not half_open.contains(20.0000001)
    assert half_open.describe("ratio") == "a value > 0.5 and ≤ 20 ratio"
