"""Unit spellings and conversions to the canonical unit (liver-scores.md §6)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hepatrial.clinical.catalogue import LAB_CATALOGUE
from hepatrial.clinical.units import (
    denoise,
    denoise_array,
    from_canonical,
    normalize_unit,
    to_canonical,
    to_canonical_array,
)
from hepatrial.errors import InputError, UnitError

ALL_UNITS = [(code, unit) for code, test in LAB_CATALOGUE.items() for unit in test.units]

SPELLINGS = [
    ("BILI", "umol/L", "umol/L"),
    ("BILI", "umol/l", "umol/L"),
    ("BILI", "\u00b5mol/L", "umol/L"),  # micro sign
    ("BILI", "\u03bcmol/L", "umol/L"),  # Greek mu
    ("BILI", "  UMOL/L ", "umol/L"),
    ("BILI", "µmol / l", "umol/L"),
    ("BILI", "mg/dl", "mg/dL"),
    ("BILI", "MG/DL", "mg/dL"),
    ("CREAT", "μmol/l", "umol/L"),
    ("CREAT", "mg/dL", "mg/dL"),
    ("ALB", "g/l", "g/L"),
    ("ALB", "G/L", "g/L"),
    ("ALB", "g/dl", "g/dL"),
    ("ALT", "U/L", "U/L"),
    ("ALT", "u/l", "U/L"),
    ("AST", "iu/l", "IU/L"),
    ("ALP", "IU/L", "IU/L"),
    ("ALP", "[iU]/L", "IU/L"),
    ("ALT", "µkat/L", "ukat/L"),
    ("SODIUM", "mmol/l", "mmol/L"),
    ("SODIUM", "mEq/L", "mEq/L"),
    ("SODIUM", "meq/l", "mEq/L"),
    ("PT", "s", "s"),
    ("PT", "S", "s"),
    ("PT", "sec", "s"),
    ("PT", "Sec ", "s"),
    ("PT", "seconds", "s"),
    ("INR", "ratio", "ratio"),
    ("INR", "RATIO", "ratio"),
    ("INR", "INR", "ratio"),
    ("INR", "", "ratio"),
    ("INR", "  ", "ratio"),
    ("INR", "1", "ratio"),
    ("INR", "{INR}", "ratio"),
]


@pytest.mark.parametrize(("code", "written", "expected"), SPELLINGS)
def test_units_are_accepted_as_hospitals_write_them(code: str, written: str, expected: str) -> None:
    assert normalize_unit(code, written) == expected


@pytest.mark.parametrize(("code", "unit"), ALL_UNITS)
def test_every_catalogue_unit_is_accepted_in_any_case_and_micro_spelling(
    code: str, unit: str
) -> None:
    for written in (unit, unit.upper(), unit.lower(), f" {unit}\t", unit.replace("u", "µ")):
        assert normalize_unit(code, written) == unit


@pytest.mark.parametrize(
    ("code", "unit"),
    [
        ("BILI", "mmol/L"),
        ("BILI", ""),
        ("BILI", "mg/L"),
        ("ALB", "mg/dL"),
        ("ALB", "%"),
        ("CREAT", "mg/L"),
        ("SODIUM", "mg/dL"),
        ("PT", "min"),
        ("PT", "%"),  # PT activity (PTA %) is another test
        ("INR", "%"),
        ("INR", "s"),
        ("ALT", "U/mL"),
        ("ALT", "kat/L"),
    ],
)
def test_unknown_units_are_rejected_naming_field_expected_and_received(
    code: str, unit: str
) -> None:
    with pytest.raises(UnitError) as caught:
        normalize_unit(code, unit)
    error = caught.value
    assert error.field == f"{code} unit"
    assert error.received == unit
    for known in LAB_CATALOGUE[code].units:
        assert known in str(error)
    assert str(error).endswith(f"got {unit!r}")


def test_unknown_unit_message_lists_the_expected_units() -> None:
    with pytest.raises(
        UnitError, match=r"^BILI unit: expected one of \[umol/L, mg/dL\], got 'mmol/L'$"
    ):
        normalize_unit("BILI", "mmol/L")


def test_a_missing_unit_is_not_taken_for_the_canonical_one() -> None:
    with pytest.raises(UnitError, match="got nothing"):
        normalize_unit("BILI", None)  # type: ignore[arg-type]


def test_no_two_units_of_a_test_are_confused_by_spelling_folds() -> None:
    for code, test in LAB_CATALOGUE.items():
        folded = {normalize_unit(code, unit.upper()) for unit in test.units}
        assert folded == set(test.units), code


def test_unknown_test_code_is_an_input_error() -> None:
    with pytest.raises(InputError, match="test code"):
        to_canonical("TBIL", 1.0, "mg/dL")


# (code, value, unit, canonical value): every unit of every test (checked complete below).
CONVERSIONS = [
    ("BILI", 3.0, "mg/dL", 51.3),
    ("BILI", 1.0, "mg/dL", 17.1),
    ("BILI", 2.1, "mg/dL", 35.91),
    ("BILI", 51.3, "umol/L", 51.3),
    ("CREAT", 1.1, "mg/dL", 97.24),
    ("CREAT", 1.0, "mg/dL", 88.4),
    ("CREAT", 97.24, "umol/L", 97.24),
    ("ALB", 3.5, "g/dL", 35.0),
    ("ALB", 2.8, "g/dL", 28.0),
    ("ALB", 35.0, "g/L", 35.0),
    ("ALT", 40.0, "U/L", 40.0),
    ("ALT", 40.0, "IU/L", 40.0),
    ("ALT", 0.7, "ukat/L", 42.0),
    ("AST", 55.0, "U/L", 55.0),
    ("AST", 55.0, "IU/L", 55.0),
    ("AST", 1.1, "ukat/L", 66.0),
    ("ALP", 110.0, "U/L", 110.0),
    ("ALP", 110.0, "IU/L", 110.0),
    ("ALP", 1.9, "ukat/L", 114.0),
    ("SODIUM", 135.0, "mmol/L", 135.0),
    ("SODIUM", 135.0, "mEq/L", 135.0),
    ("PT", 14.2, "s", 14.2),
    ("INR", 1.41, "ratio", 1.41),
]


def test_conversion_table_covers_every_unit_of_every_test() -> None:
    assert {(code, unit) for code, _, unit, _ in CONVERSIONS} == set(ALL_UNITS)


@pytest.mark.parametrize(("code", "value", "unit", "canonical"), CONVERSIONS)
def test_values_convert_to_the_canonical_unit_exactly(
    code: str, value: float, unit: str, canonical: float
) -> None:
    assert to_canonical(code, value, unit) == canonical
    assert from_canonical(code, canonical, unit) == value


def test_floating_point_noise_is_removed_from_conversions() -> None:
    assert 3.0 * 17.1 != 51.3  # the noise this module exists to remove
    assert to_canonical("BILI", 3.0, "mg/dL") == 51.3
    assert to_canonical("BILI", 3.0, "MG/DL") == 51.3
    assert from_canonical("BILI", 51.3, "mg/dL") == 3.0
    assert to_canonical("CREAT", 1.1, "mg/dl") == 97.24


def test_conversion_accepts_unit_spellings() -> None:
    assert to_canonical("ALB", 3.1, " G/DL ") == 31.0
    assert from_canonical("BILI", 17.1, "μmol/L") == 17.1


def test_denoise_keeps_twelve_significant_digits() -> None:
    assert denoise(1.23456789012345) == 1.23456789012
    assert denoise(123456.789012345) == 123456.789012
    assert denoise(0.000123456789012345) == 0.000123456789012
    assert denoise(-2.0000000000000004) == -2.0


def test_denoise_leaves_zero_and_non_finite_values_alone() -> None:
    assert denoise(0.0) == 0.0
    assert math.isnan(denoise(math.nan))
    assert denoise(math.inf) == math.inf
    assert denoise(-math.inf) == -math.inf


finite_lab_values = st.floats(min_value=1e-6, max_value=1e6, allow_nan=False)


@given(st.sampled_from(ALL_UNITS), finite_lab_values)
def test_to_canonical_then_back_is_identity(code_unit: tuple[str, str], value: float) -> None:
    code, unit = code_unit
    back = from_canonical(code, to_canonical(code, value, unit), unit)
    assert math.isclose(back, value, rel_tol=1e-9)


@given(st.sampled_from(ALL_UNITS), finite_lab_values)
def test_from_canonical_then_back_is_identity(code_unit: tuple[str, str], value: float) -> None:
    code, unit = code_unit
    back = to_canonical(code, from_canonical(code, value, unit), unit)
    assert math.isclose(back, value, rel_tol=1e-9)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_denoise_changes_a_value_by_at_most_half_a_unit_in_the_12th_digit(value: float) -> None:
    result = denoise(value)
    if math.isnan(value):
        assert math.isnan(result)
    else:
        assert math.isclose(result, value, rel_tol=5e-12)


@given(st.lists(st.floats(min_value=-1e30, max_value=1e30), min_size=1, max_size=20))
def test_scalar_and_array_denoise_agree(values: list[float]) -> None:
    assert denoise_array(values).tolist() == [denoise(v) for v in values]


def test_array_conversion_with_one_unit_for_all_rows() -> None:
    result = to_canonical_array("BILI", [3.0, 1.0, 0.5], "mg/dl")
    assert result.dtype == np.float64
    assert result.tolist() == [51.3, 17.1, 8.55]


def test_array_conversion_with_a_unit_per_row_in_any_spelling() -> None:
    result = to_canonical_array(
        "CREAT", np.array([1.1, 97.0, 1.0]), np.array(["mg/dL", "µmol/L", "MG/DL"])
    )
    assert result.tolist() == [97.24, 97.0, 88.4]


def test_array_rows_with_missing_values_stay_missing_whatever_their_unit() -> None:
    result = to_canonical_array("ALB", [3.5, math.nan], ["g/dL", None])  # type: ignore[list-item]
    assert result[0] == 35.0
    assert math.isnan(result[1])


def test_array_conversion_names_the_row_with_an_unknown_unit() -> None:
    with pytest.raises(UnitError) as caught:
        to_canonical_array("BILI", [3.0, 40.0, 2.0], ["mg/dL", "umol/L", "mmol/L"])
    assert caught.value.field == "BILI unit in row 2"
    assert "got 'mmol/L'" in str(caught.value)


def test_array_conversion_rejects_an_unknown_single_unit() -> None:
    with pytest.raises(UnitError, match="BILI unit"):
        to_canonical_array("BILI", [3.0], "mmol/L")


def test_array_conversion_rejects_units_that_do_not_match_the_values() -> None:
    with pytest.raises(InputError, match="one unit per value"):
        to_canonical_array("BILI", [3.0, 4.0], ["mg/dL"])


@given(
    st.sampled_from(list(LAB_CATALOGUE)),
    st.lists(st.floats(min_value=0, max_value=1e5), min_size=1, max_size=10),
    st.data(),
)
def test_array_conversion_agrees_with_the_scalar_conversion(
    code: str, values: list[float], data: st.DataObject
) -> None:
    units = [data.draw(st.sampled_from(list(LAB_CATALOGUE[code].units))) for _ in values]
    expected = [to_canonical(code, v, u) for v, u in zip(values, units, strict=True)]
    assert to_canonical_array(code, values, units).tolist() == expected
