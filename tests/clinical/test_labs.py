"""Capture of lab values: parsing, limits (liver-scores.md §8), unit mix-ups, panels, PT/INR."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hepatrial.clinical.catalogue import LAB_CATALOGUE
from hepatrial.clinical.labs import (
    LabFlag,
    PanelError,
    pt_inr_consistent,
    pt_inr_expected,
    standardize_lab,
    standardize_panel,
)
from hepatrial.errors import InputError, LimitError, UnitError


def kinds(flags: tuple[LabFlag, ...]) -> set[str]:
    return {flag.kind for flag in flags}


def test_a_result_keeps_the_entry_and_its_standardized_value() -> None:
    result = standardize_lab("BILI", "3.0", "mg/dl")
    assert result.code == "BILI"
    assert result.value_entered == "3.0"
    assert result.unit_entered == "mg/dl"
    assert result.value == 3.0
    assert result.unit == "mg/dL"
    assert result.value_std == 51.3
    assert result.unit_std == "umol/L"
    assert result.flags == ()


def test_an_si_result_is_its_own_standard() -> None:
    result = standardize_lab("ALB", 35, " g/l ")
    assert (result.value_std, result.unit_std, result.unit) == (35.0, "g/L", "g/L")


def test_numbers_given_as_text_may_have_surrounding_spaces_and_exponents() -> None:
    assert standardize_lab("ALT", " 42 ", "U/L").value_std == 42.0
    assert standardize_lab("ALT", "4.2e1", "U/L").value_std == 42.0
    assert standardize_lab("INR", ".95", "").value_std == 0.95


@pytest.mark.parametrize(
    "bad",
    [
        "abc",
        "",
        "  ",
        "1,2",
        "<0.1",
        "1.2 mg/dL",
        "nan",
        "inf",
        "1_000",
        math.nan,
        math.inf,
        10**400,
        None,
        True,
    ],
)
def test_values_that_are_not_numbers_are_rejected_naming_field_and_received(bad: object) -> None:
    with pytest.raises(InputError) as caught:
        standardize_lab("ALB", bad, "g/L")  # type: ignore[arg-type]
    error = caught.value
    assert type(error) is InputError
    assert error.field == "ALB"
    assert error.received is bad
    assert str(error).startswith("ALB: expected a non-negative number in g/L, got ")


@pytest.mark.parametrize("negative", [-1.0, "-0.5", -0.001])
def test_negative_values_are_rejected(negative: float | str) -> None:
    with pytest.raises(InputError, match="ALT: expected a non-negative number"):
        standardize_lab("ALT", negative, "U/L")


def test_unknown_unit_is_a_unit_error_not_a_guess() -> None:
    with pytest.raises(UnitError, match=r"^SODIUM unit: expected one of \[mmol/L, mEq/L\]"):
        standardize_lab("SODIUM", 135, "mg/dL")


# Hard limits of liver-scores.md §8 at and just beyond each bound, in canonical units.
HARD = [
    ("BILI", 0.0, True),
    ("BILI", 0.1, False),
    ("BILI", 1400.0, False),
    ("BILI", 1400.1, True),
    ("ALB", 4.9, True),
    ("ALB", 5.0, False),
    ("ALB", 70.0, False),
    ("ALB", 70.1, True),
    ("INR", 0.5, True),
    ("INR", 0.51, False),
    ("INR", 20.0, False),
    ("INR", 20.01, True),
    ("PT", 4.9, True),
    ("PT", 5.0, False),
    ("PT", 150.0, False),
    ("PT", 150.1, True),
    ("CREAT", 9.9, True),
    ("CREAT", 10.0, False),
    ("CREAT", 3500.0, False),
    ("CREAT", 3500.1, True),
    ("SODIUM", 89.9, True),
    ("SODIUM", 90.0, False),
    ("SODIUM", 190.0, False),
    ("SODIUM", 190.1, True),
    ("ALT", 0.0, False),
    ("ALT", 20000.0, False),
    ("ALT", 20001.0, True),
    ("AST", 0.0, False),
    ("AST", 20000.0, False),
    ("AST", 20001.0, True),
    ("ALP", 0.0, False),
    ("ALP", 5000.0, False),
    ("ALP", 5001.0, True),
]


@pytest.mark.parametrize(("code", "value", "rejected"), HARD)
def test_hard_limits_reject_exactly_beyond_the_bound(
    code: str, value: float, rejected: bool
) -> None:
    unit = LAB_CATALOGUE[code].canonical_unit
    if rejected:
        with pytest.raises(LimitError) as caught:
            standardize_lab(code, value, unit)
        assert caught.value.field == code
        assert caught.value.received == value
        assert LAB_CATALOGUE[code].hard.describe(unit) in str(caught.value)
    else:
        assert standardize_lab(code, value, unit).value_std == value


# Soft limits of liver-scores.md §8 at and just beyond each bound, in canonical units.
SOFT = [
    ("BILI", 600.0, False),
    ("BILI", 600.1, True),
    ("ALB", 14.9, True),
    ("ALB", 15.0, False),
    ("ALB", 55.0, False),
    ("ALB", 55.1, True),
    ("INR", 0.79, True),
    ("INR", 0.8, False),
    ("INR", 6.0, False),
    ("INR", 6.01, True),
    ("PT", 60.0, False),
    ("PT", 60.1, True),
    ("CREAT", 24.9, True),
    ("CREAT", 25.0, False),
    ("CREAT", 1000.0, False),
    ("CREAT", 1000.1, True),
    ("SODIUM", 114.9, True),
    ("SODIUM", 115.0, False),
    ("SODIUM", 155.0, False),
    ("SODIUM", 155.1, True),
    ("ALT", 1000.0, False),
    ("ALT", 1001.0, True),
    ("AST", 1000.0, False),
    ("AST", 1001.0, True),
    ("ALP", 19.0, True),
    ("ALP", 20.0, False),
    ("ALP", 1500.0, False),
    ("ALP", 1501.0, True),
]


@pytest.mark.parametrize(("code", "value", "flagged"), SOFT)
def test_soft_limits_flag_exactly_beyond_the_bound(code: str, value: float, flagged: bool) -> None:
    unit = LAB_CATALOGUE[code].canonical_unit
    result = standardize_lab(code, value, unit)
    assert ("soft_limit" in kinds(result.flags)) is flagged


def test_soft_limit_flag_names_test_value_unit_and_limit() -> None:
    (flag,) = standardize_lab("BILI", 700, "umol/L").flags
    assert flag.kind == "soft_limit"
    assert flag.code == "BILI"
    assert "BILI (Bilirubin) 700 umol/L" in flag.message
    assert "≤ 600 umol/L" in flag.message


def test_soft_limit_flag_gives_the_limit_in_the_entered_unit_too() -> None:
    (flag,) = standardize_lab("BILI", 40, "mg/dL").flags
    assert "40 mg/dL (= 684 umol/L)" in flag.message
    assert "≤ 600 umol/L (that is, ≤ 35.0877 mg/dL)" in flag.message


def test_hard_limit_message_gives_the_range_in_canonical_and_entered_units() -> None:
    with pytest.raises(LimitError) as caught:
        standardize_lab("BILI", 90, "mg/dL")
    assert str(caught.value) == (
        "BILI: expected a value > 0 and ≤ 1400 umol/L (that is, > 0 and ≤ 81.8713 mg/dL), "
        "got 90 mg/dL (= 1539 umol/L)"
    )


def test_albumin_in_g_dl_typed_as_g_l_is_rejected_with_a_mixup_hint() -> None:
    with pytest.raises(LimitError) as caught:
        standardize_lab("ALB", 3.1, "g/L")
    assert str(caught.value) == (
        "ALB: expected a value ≥ 5 and ≤ 70 g/L, got 3.1 g/L; "
        "this looks like g/dL (3.1 g/dL = 31 g/L)"
    )


def test_albumin_in_g_l_typed_as_g_dl_is_rejected_with_a_mixup_hint() -> None:
    with pytest.raises(LimitError, match=r"got 35 g/dL \(= 350 g/L\); this looks like g/L"):
        standardize_lab("ALB", 35, "g/dL")


def test_albumin_of_exactly_10_g_dl_is_rejected_without_a_mixup_hint() -> None:
    with pytest.raises(LimitError) as caught:
        standardize_lab("ALB", 10, "g/dL")
    assert "looks like" not in str(caught.value)


def test_creatinine_in_mg_dl_typed_as_umol_l_is_rejected_with_a_mixup_hint() -> None:
    with pytest.raises(LimitError, match=r"this looks like mg/dL \(1.2 mg/dL = 106.08 umol/L\)"):
        standardize_lab("CREAT", 1.2, "umol/L")


@pytest.mark.parametrize(
    ("code", "value", "unit", "likely"),
    [
        ("BILI", 2.5, "umol/L", "mg/dL"),
        ("BILI", 2.99, "µmol/L", "mg/dL"),
        ("CREAT", 14.9, "umol/L", "mg/dL"),
        ("CREAT", 10.0, "umol/L", "mg/dL"),
        ("ALB", 7.9, "g/L", "g/dL"),
        ("ALB", 5.0, "g/L", "g/dL"),
    ],
)
def test_probable_unit_mixups_within_hard_limits_are_flagged(
    code: str, value: float, unit: str, likely: str
) -> None:
    result = standardize_lab(code, value, unit)
    (mixup,) = (flag for flag in result.flags if flag.kind == "unit_mixup")
    assert f"{code} (" in mixup.message
    assert f"this looks like {likely}" in mixup.message


def test_bilirubin_mixup_message_shows_the_value_in_the_likely_unit() -> None:
    (flag,) = standardize_lab("BILI", 2.5, "umol/L").flags
    assert flag.message == (
        "BILI (Bilirubin) 2.5 umol/L: this looks like mg/dL (2.5 mg/dL = 42.75 umol/L); "
        "please check the unit"
    )


@pytest.mark.parametrize(
    ("code", "value", "unit"),
    [
        ("BILI", 3.0, "umol/L"),
        ("BILI", 2.5, "mg/dL"),
        ("CREAT", 15.0, "umol/L"),
        ("CREAT", 1.2, "mg/dL"),
        ("ALB", 8.0, "g/L"),
        ("ALB", 0.9, "g/dL"),
        ("ALB", 3.5, "g/dL"),
    ],
)
def test_values_at_or_beyond_the_mixup_thresholds_are_not_flagged_as_mixups(
    code: str, value: float, unit: str
) -> None:
    assert "unit_mixup" not in kinds(standardize_lab(code, value, unit).flags)


def test_a_value_can_carry_both_a_soft_limit_and_a_mixup_flag() -> None:
    result = standardize_lab("ALB", 6, "g/L")
    assert [flag.kind for flag in result.flags] == ["soft_limit", "unit_mixup"]


@pytest.mark.parametrize(
    ("code", "value", "unit", "text"),
    [
        ("INR", 1.235, "", "1.24"),
        ("INR", 1.2, "", "1.20"),
        ("BILI", 3.0, "mg/dL", "51.3"),
        ("CREAT", 1.15, "mg/dL", "101.7"),
        ("ALT", 40.5, "U/L", "41"),
    ],
)
def test_standard_value_text_uses_catalogue_precision_rounded_half_up(
    code: str, value: float, unit: str, text: str
) -> None:
    assert standardize_lab(code, value, unit).value_std_text == text


GOOD_PANEL: dict[str, tuple[float | str, str]] = {
    "BILI": (3.0, "mg/dL"),
    "ALB": ("28", "g/L"),
    "INR": (1.4, ""),
    "PT": ("16.1", "sec"),
    "CREAT": (1.1, "mg/dL"),
    "SODIUM": (133, "mEq/L"),
    "ALT": (40, "IU/L"),
}


def test_a_good_panel_is_standardized_value_by_value() -> None:
    panel = standardize_panel(GOOD_PANEL)
    assert list(panel) == list(GOOD_PANEL)
    assert len(panel) == len(GOOD_PANEL)
    assert panel["BILI"].value_std == 51.3
    assert panel["CREAT"].value_std == 97.24
    assert panel["PT"].unit == "s"
    assert panel.flags == ()


def test_panel_flags_gather_every_values_flags() -> None:
    panel = standardize_panel({"BILI": (700, "umol/L"), "CREAT": (12, "umol/L")})
    assert [(f.code, f.kind) for f in panel.flags] == [
        ("BILI", "soft_limit"),
        ("CREAT", "soft_limit"),
        ("CREAT", "unit_mixup"),
    ]


def test_a_panel_with_bad_fields_reports_every_one_and_accepts_none() -> None:
    entries = dict(GOOD_PANEL)
    entries["ALB"] = (3.1, "g/L")
    entries["BILI"] = ("x", "mg/dL")
    entries["SODIUM"] = (135, "mg/dL")
    entries["TBIL"] = (1.0, "mg/dL")
    with pytest.raises(PanelError) as caught:
        standardize_panel(entries)
    error = caught.value
    assert isinstance(error, InputError)
    assert [(type(p), p.field) for p in error.problems] == [
        (InputError, "BILI"),
        (LimitError, "ALB"),
        (UnitError, "SODIUM unit"),
        (InputError, "test code"),
    ]
    message = str(error)
    assert message.startswith("lab panel: 4 problem(s)\n")
    for problem in error.problems:
        assert problem.message in message


def test_a_panel_entry_that_is_not_a_value_unit_pair_is_a_problem() -> None:
    with pytest.raises(PanelError, match=r"ALT: expected a \(value, unit\) pair"):
        standardize_panel({"ALT": (40,), "BILI": (1.0, "mg/dL")})  # type: ignore[dict-item]


def test_an_empty_panel_is_empty() -> None:
    assert len(standardize_panel({})) == 0


@pytest.mark.parametrize(
    ("pt", "inr", "consistent"),
    [
        (12.0, 1.0, True),
        (24.0, 2.0, True),
        (12.0, 1.25, True),  # at the 25 % tolerance
        (12.0, 1.26, False),
        (12.0, 0.75, True),
        (12.0, 0.74, False),
        (30.0, 1.2, False),
        (1.3, 15.6, False),  # PT and INR swapped
    ],
)
def test_pt_and_inr_agree_within_a_quarter_of_the_implied_inr(
    pt: float, inr: float, consistent: bool
) -> None:
    assert pt_inr_consistent(pt, inr) is consistent


def test_pt_inr_check_uses_the_laboratorys_control_and_isi() -> None:
    assert pt_inr_expected(24.0, control_pt_seconds=12.0, isi=1.2) == pytest.approx(2**1.2)
    assert pt_inr_consistent(26.0, 2.0, control_pt_seconds=13.0, tolerance=0.0)
    assert not pt_inr_consistent(26.0, 2.0, control_pt_seconds=12.0, tolerance=0.05)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"pt_seconds": 0.0, "inr": 1.0}, "PT"),
        ({"pt_seconds": 12.0, "inr": math.nan}, "INR"),
        ({"pt_seconds": 12.0, "inr": 1.0, "isi": -1.0}, "ISI"),
        ({"pt_seconds": 12.0, "inr": 1.0, "control_pt_seconds": 0.0}, "control PT"),
        ({"pt_seconds": 12.0, "inr": 1.0, "tolerance": -0.1}, "PT/INR tolerance"),
    ],
)
def test_pt_inr_check_rejects_impossible_inputs(kwargs: dict[str, float], field: str) -> None:
    with pytest.raises(InputError) as caught:
        pt_inr_consistent(**kwargs)
    assert caught.value.field == field


@given(
    st.floats(min_value=5, max_value=150),
    st.floats(min_value=9, max_value=15),
    st.floats(min_value=0.8, max_value=2.5),
)
def test_an_inr_computed_from_its_pt_is_always_consistent(
    pt: float, control: float, isi: float
) -> None:
    inr = (pt / control) ** isi
    assert pt_inr_consistent(pt, inr, control_pt_seconds=control, isi=isi, tolerance=1e-12)


@given(
    st.sampled_from(list(LAB_CATALOGUE)),
    st.floats(min_value=0, max_value=1e5),
)
def test_every_value_is_either_rejected_or_accepted_with_a_standard_value(
    code: str, value: float
) -> None:
    test = LAB_CATALOGUE[code]
    for unit in test.units:
        try:
            result = standardize_lab(code, value, unit)
        except LimitError:
            continue
        assert test.hard.contains(result.value_std)
        assert ("soft_limit" in kinds(result.flags)) is not test.soft.contains(result.value_std)
