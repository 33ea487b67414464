"""Bad input to the liver scores: every error names the field (and row), what was expected and what
was received; the masks flag the same rows without raising."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from hepatrial.clinical._validate import (
    invalid_category,
    invalid_finite,
    invalid_flag,
    invalid_positive,
    missing,
)
from hepatrial.clinical.scores import (
    ASCITES,
    albi,
    child_pugh,
    compute_albi,
    compute_child_pugh,
    compute_meld,
    compute_meld_3,
    compute_meld_na,
    meld,
    meld_3,
    meld_na,
)
from hepatrial.errors import InputError

GOOD_MELD_3: dict[str, Any] = {
    "bilirubin": 50.0,
    "creatinine": 100.0,
    "inr": 1.4,
    "sodium": 133.0,
    "albumin": 30.0,
    "female": False,
}
GOOD_CHILD_PUGH: dict[str, Any] = {
    "bilirubin": 50.0,
    "albumin": 30.0,
    "inr": 1.4,
    "ascites": "mild",
    "encephalopathy": "none",
}

BAD_NUMBERS = [
    pytest.param(-3.0, "-3.0", id="negative"),
    pytest.param(0, "0", id="zero"),
    pytest.param(math.nan, "NaN", id="nan"),
    pytest.param(math.inf, "inf", id="inf"),
    pytest.param(None, "nothing", id="none"),
    pytest.param("3.2", "'3.2'", id="text"),
    pytest.param(True, "True", id="bool"),
]


@pytest.mark.parametrize(("value", "shown"), BAD_NUMBERS)
@pytest.mark.parametrize("field", ["bilirubin", "creatinine", "inr", "sodium", "albumin"])
def test_scalar_meld_3_rejects_a_bad_lab_naming_field_expectation_and_value(
    field: str, value: object, shown: str
) -> None:
    with pytest.raises(InputError) as caught:
        meld_3(**{**GOOD_MELD_3, field: value})
    error = caught.value
    assert error.field == field
    assert error.expected is not None
    assert "positive number" in error.expected
    assert str(error).startswith(f"{field}: expected a positive number in ")
    assert str(error).endswith(f", got {shown}")


@pytest.mark.parametrize(
    ("function", "kwargs"),
    [
        (meld, {"bilirubin": 50.0, "creatinine": -1.0, "inr": 1.2}),
        (meld_na, {"bilirubin": 50.0, "creatinine": 100.0, "inr": 1.2, "sodium": -1.0}),
        (albi, {"bilirubin": 50.0, "albumin": -1.0}),
        (child_pugh, {**GOOD_CHILD_PUGH, "albumin": -1.0}),
    ],
)
def test_every_scalar_score_rejects_negative_labs(function: Any, kwargs: dict[str, Any]) -> None:
    with pytest.raises(InputError, match=r"expected a positive number in .*, got -1\.0"):
        function(**kwargs)


def test_units_in_messages_are_the_canonical_ones() -> None:
    with pytest.raises(InputError, match="bilirubin: expected a positive number in umol/L"):
        meld(bilirubin=0, creatinine=100, inr=1)
    with pytest.raises(InputError, match="albumin: expected a positive number in g/L"):
        albi(bilirubin=20, albumin=0)


@pytest.mark.parametrize("field", ["female", "dialysis"])
@pytest.mark.parametrize("value", ["F", 2, None, math.nan])
def test_flags_must_be_true_or_false(field: str, value: object) -> None:
    with pytest.raises(InputError, match=f"^{field}: expected True or False, got ") as caught:
        meld_3(**{**GOOD_MELD_3, field: value})
    assert caught.value.field == field


def test_one_and_zero_are_accepted_as_flags() -> None:
    assert (
        meld_3(**{**GOOD_MELD_3, "female": 1}).score
        == meld_3(**{**GOOD_MELD_3, "female": True}).score
    )


@pytest.mark.parametrize("age", [math.nan, math.inf, "16", None])
def test_bad_age_is_an_error_but_none_means_adult(age: object) -> None:
    if age is None:
        assert meld_3(**GOOD_MELD_3, age=None).notes == ()
        return
    with pytest.raises(InputError, match=r"^age: expected a finite number in years, got "):
        meld_3(**GOOD_MELD_3, age=age)


@pytest.mark.parametrize(
    ("field", "value"),
    [("ascites", "severe"), ("ascites", None), ("encephalopathy", "grade 2"), ("ascites", 2)],
)
def test_unknown_category_lists_the_allowed_ones(field: str, value: object) -> None:
    with pytest.raises(InputError) as caught:
        child_pugh(**{**GOOD_CHILD_PUGH, field: value})
    assert caught.value.field == field
    assert caught.value.received == value
    assert "expected one of 'none', " in str(caught.value)


def test_child_pugh_without_inr_or_pt_is_an_error() -> None:
    with pytest.raises(InputError, match=r"^inr: expected an INR, or a PT prolongation"):
        child_pugh(**{**GOOD_CHILD_PUGH, "inr": None})


def test_child_pugh_rejects_a_bad_pt_even_when_the_inr_is_scored() -> None:
    with pytest.raises(
        InputError, match=r"^pt_prolongation: expected a finite number in s, got NaN"
    ):
        child_pugh(**GOOD_CHILD_PUGH, pt_prolongation=math.nan)


def test_cholestatic_flag_must_be_a_flag() -> None:
    with pytest.raises(InputError, match=r"^cholestatic: expected True or False, got 'yes'"):
        child_pugh(**GOOD_CHILD_PUGH, cholestatic="yes")


# Vector path -------------------------------------------------------------------------------


def _panels(n: int) -> dict[str, Any]:
    return {
        "bilirubin": np.full(n, 50.0),
        "creatinine": np.full(n, 100.0),
        "inr": np.full(n, 1.4),
        "sodium": np.full(n, 133.0),
        "albumin": np.full(n, 30.0),
        "female": np.zeros(n, dtype=bool),
    }


@pytest.mark.parametrize(
    ("value", "shown"), [(-3.0, "-3.0"), (0.0, "0.0"), (math.nan, "NaN"), (math.inf, "inf")]
)
def test_vector_error_names_the_row(value: float, shown: str) -> None:
    panels = _panels(30)
    panels["creatinine"][17] = value
    with pytest.raises(InputError) as caught:
        compute_meld_3(**panels)
    assert caught.value.field == "creatinine[17]"
    assert str(caught.value) == f"creatinine[17]: expected a positive number in umol/L, got {shown}"


def test_vector_error_counts_all_bad_rows() -> None:
    panels = _panels(30)
    panels["bilirubin"][[3, 9, 20]] = -1.0
    with pytest.raises(InputError, match=r"^bilirubin\[3\]: .*got -1\.0 \(3 rows in all\)$"):
        compute_meld_na(**{k: panels[k] for k in ("bilirubin", "creatinine", "inr", "sodium")})


def test_vector_accepts_pandas_series_and_names_the_bad_row() -> None:
    frame = pd.DataFrame(
        {"bili": [50.0, None, 60.0], "cr": [100.0, 100.0, 100.0], "inr": [1.2, 1.3, 1.4]}
    )
    with pytest.raises(InputError, match=r"^bilirubin\[1\]: expected a positive number .*got NaN$"):
        compute_meld(bilirubin=frame["bili"], creatinine=frame["cr"], inr=frame["inr"])
    ok = frame.fillna(55.0)
    scores = compute_meld(bilirubin=ok["bili"], creatinine=ok["cr"], inr=ok["inr"])
    assert scores.tolist() == [
        meld(bilirubin=b, creatinine=c, inr=i).score
        for b, c, i in zip(ok["bili"], ok["cr"], ok["inr"], strict=True)
    ]


def test_vector_rejects_none_and_text_in_object_arrays() -> None:
    values = np.array([50.0, "high", None], dtype=object)
    with pytest.raises(InputError, match=r"^bilirubin\[1\]: .*got 'high' \(2 rows in all\)$"):
        compute_albi(bilirubin=values, albumin=40.0)


def test_vector_text_array_is_rejected_at_row_0() -> None:
    with pytest.raises(
        InputError, match=r"^inr\[0\]: expected a positive number in ratio, got '1.2'"
    ):
        compute_meld(bilirubin=[50.0], creatinine=[100.0], inr=["1.2"])


def test_vector_arrays_of_different_lengths_are_an_error() -> None:
    with pytest.raises(
        InputError, match=r"^inr: expected 3 values, one per row as in bilirubin, got 2"
    ):
        compute_meld(bilirubin=[50.0, 60, 70], creatinine=100.0, inr=[1.2, 1.3])


def test_vector_two_dimensional_input_is_an_error() -> None:
    with pytest.raises(InputError, match=r"^bilirubin: expected one value or a one-dimensional"):
        compute_meld(bilirubin=np.ones((2, 2)) * 50, creatinine=100.0, inr=1.2)


def test_vector_single_values_apply_to_every_row() -> None:
    scores = compute_meld_na(bilirubin=[20.0, 80.0], creatinine=100.0, inr=1.3, sodium=130.0)
    assert scores.shape == (2,)
    assert scores[0] <= scores[1]


def test_vector_bad_single_value_is_named_without_a_row() -> None:
    with pytest.raises(
        InputError, match=r"^sodium: expected a positive number in mmol/L, got -5\.0$"
    ):
        compute_meld_na(bilirubin=[20.0, 80.0], creatinine=100.0, inr=1.3, sodium=-5.0)


def test_vector_age_under_12_names_the_row() -> None:
    panels = _panels(3)
    with pytest.raises(InputError, match=r"^age\[1\]: expected an age of 12 years or more .*PELD"):
        compute_meld_3(**panels, age=[40.0, 11.0, 15.0])


def test_vector_flags_reject_other_values() -> None:
    panels = _panels(3)
    panels["female"] = ["F", "M", "F"]
    with pytest.raises(InputError, match=r"^female\[0\]: expected True or False, got 'F' \(3 rows"):
        compute_meld_3(**panels)


def test_vector_unknown_category_names_the_row() -> None:
    with pytest.raises(InputError, match=r"^ascites\[1\]: expected one of 'none'.*got 'tense'"):
        compute_child_pugh(
            bilirubin=[20.0, 20.0],
            albumin=40.0,
            inr=1.0,
            ascites=pd.Series(["none", "tense"]),
            encephalopathy="none",
        )
    with pytest.raises(
        InputError, match=r"^encephalopathy\[0\]: .*\(or its points 1, 2, 3\), got 4"
    ):
        compute_child_pugh(
            bilirubin=[20.0], albumin=40.0, inr=1.0, ascites="none", encephalopathy=[4]
        )


def test_vector_row_without_inr_or_pt_is_an_error() -> None:
    with pytest.raises(InputError, match=r"^inr\[1\]: expected an INR, or a PT prolongation"):
        compute_child_pugh(
            bilirubin=[20.0, 20.0],
            albumin=40.0,
            inr=[1.0, np.nan],
            pt_prolongation=[np.nan, np.nan],
            ascites="none",
            encephalopathy="none",
        )
    with pytest.raises(InputError, match=r"^inr: expected an INR, or a PT prolongation"):
        compute_child_pugh(bilirubin=[20.0], albumin=40.0, ascites="none", encephalopathy="none")


def test_vector_present_but_invalid_inr_is_not_replaced_by_pt() -> None:
    with pytest.raises(InputError, match=r"^inr\[0\]: expected a positive number in ratio, got -1"):
        compute_child_pugh(
            bilirubin=[20.0],
            albumin=40.0,
            inr=[-1.0],
            pt_prolongation=[5.0],
            ascites="none",
            encephalopathy="none",
        )


# Masks -------------------------------------------------------------------------------------


def test_masks_flag_bad_rows_without_raising() -> None:
    values = np.array([1.5, 0.0, -2, None, "x", math.nan, math.inf, True, 7], dtype=object)
    assert invalid_positive(values).tolist() == [0, 1, 1, 1, 1, 1, 1, 1, 0]
    assert invalid_finite(values).tolist() == [0, 0, 0, 1, 1, 1, 1, 1, 0]
    assert missing(values).tolist() == [0, 0, 0, 1, 0, 1, 0, 0, 0]
    assert invalid_positive(pd.Series([1.0, None, -1.0])).tolist() == [False, True, True]


def test_category_and_flag_masks() -> None:
    assert invalid_category(["none", "tense", None, "mild"], ASCITES).tolist() == [
        False,
        True,
        True,
        False,
    ]
    assert invalid_category(np.array([1, 2, 5]), [1, 2, 3]).tolist() == [False, False, True]
    assert invalid_flag([True, False]).tolist() == [False, False]
    assert invalid_flag(np.array([0, 1, 2])).tolist() == [False, False, True]
    assert invalid_flag(np.array([True, "no", None], dtype=object)).tolist() == [False, True, True]
    assert invalid_flag(["yes"]).tolist() == [True]
