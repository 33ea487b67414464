"""The pharmacist's dose calculation: viable cells per kg of body weight, drawn to 0.1 mL."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hepatrial.clinical.dosing import (
    dose_calculate,
    dose_check,
    viability_release_check,
)
from hepatrial.errors import InputError, LimitError

EXAMPLE: dict[str, Any] = {
    "weight_kg": 64.0,
    "dose_per_kg": 3e6,
    "concentration_per_ml": 1e6,
    "viability": 0.95,
}


def with_(**changes: object) -> dict[str, Any]:
    return {**EXAMPLE, **changes}


def test_medium_high_dose_worked_example() -> None:
    plan = dose_calculate(**EXAMPLE)
    assert plan.target_cells == 1.92e8
    assert plan.viable_concentration_per_ml == 9.5e5
    assert plan.volume_ml == 202.1  # 202.105... mL
    assert plan.delivered_cells == 1.91995e8
    assert plan.deviation_pct == pytest.approx(-0.0026, abs=1e-4)


def test_low_dose_worked_example() -> None:
    plan = dose_calculate(**with_(dose_per_kg=1e6))
    assert plan.target_cells == 6.4e7
    assert plan.volume_ml == 67.4  # 67.368... mL
    assert plan.delivered_cells == 6.403e7


def test_volume_halfway_between_graduations_rounds_up() -> None:
    plan = dose_calculate(weight_kg=40.5, dose_per_kg=5e5, concentration_per_ml=1e6, viability=1.0)
    assert plan.target_cells == 2.025e7
    assert plan.volume_ml == 20.3  # 20.25 mL exactly


def test_volume_just_below_halfway_rounds_down() -> None:
    plan = dose_calculate(weight_kg=40.4, dose_per_kg=5e5, concentration_per_ml=1e6, viability=1.0)
    assert plan.volume_ml == 20.2  # 20.2 mL exactly


def test_a_plan_remembers_its_inputs() -> None:
    plan = dose_calculate(**with_(product_volume_ml=250.0))
    assert (plan.weight_kg, plan.dose_per_kg, plan.concentration_per_ml, plan.viability) == (
        64.0,
        3e6,
        1e6,
        0.95,
    )
    assert plan.product_volume_ml == 250.0


def test_viability_given_as_a_percentage_is_rejected_not_guessed() -> None:
    with pytest.raises(InputError) as caught:
        dose_calculate(**with_(viability=95))
    assert caught.value.field == "viability"
    assert str(caught.value) == (
        "viability: expected the viable fraction of cells, > 0 and ≤ 1 (write 95 % as 0.95), got 95"
    )


@pytest.mark.parametrize("viability", [0.0, -0.1, 1.01, math.nan])
def test_viability_outside_zero_to_one_is_rejected(viability: float) -> None:
    with pytest.raises(InputError, match=r"^viability: "):
        dose_calculate(**with_(viability=viability))


def test_fully_viable_product_is_accepted() -> None:
    assert dose_calculate(**with_(viability=1.0)).volume_ml == 192.0


@pytest.mark.parametrize("weight", [25.0, 250.0])
def test_weights_at_the_plausible_bounds_are_accepted(weight: float) -> None:
    assert dose_calculate(**with_(weight_kg=weight)).weight_kg == weight


@pytest.mark.parametrize("weight", [24.9, 250.1, 0.0, 64000.0, -64.0])
def test_implausible_weights_are_rejected_naming_range_and_received(weight: float) -> None:
    with pytest.raises(InputError) as caught:
        dose_calculate(**with_(weight_kg=weight))
    assert caught.value.field == "weight_kg"
    assert str(caught.value) == (
        f"weight_kg: expected an actual body weight ≥ 25 and ≤ 250 kg, got {weight}"
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("dose_per_kg", 0.0),
        ("dose_per_kg", -1e6),
        ("dose_per_kg", math.inf),
        ("concentration_per_ml", 0.0),
        ("concentration_per_ml", math.nan),
        ("weight_kg", math.nan),
        ("weight_kg", "64"),
        ("weight_kg", True),
        ("weight_kg", 10**400),
        ("product_volume_ml", 0.0),
    ],
)
def test_non_positive_or_non_numeric_inputs_are_rejected(name: str, value: object) -> None:
    with pytest.raises(InputError) as caught:
        dose_calculate(**with_(**{name: value}))
    assert caught.value.field == name
    assert caught.value.received is value


def test_insufficient_product_volume_is_an_error_saying_how_much_is_needed() -> None:
    with pytest.raises(InputError) as caught:
        dose_calculate(**with_(product_volume_ml=202.0))
    assert caught.value.field == "product_volume_ml"
    assert str(caught.value) == (
        "product_volume_ml: expected at least 202.1 mL "
        "(for 1.92e8 viable cells at 9.5e5 viable cells/mL), got 202 mL"
    )


def test_product_volume_equal_to_the_dose_volume_is_enough() -> None:
    assert dose_calculate(**with_(product_volume_ml=202.1)).volume_ml == 202.1


def test_a_dose_smaller_than_one_syringe_step_is_an_error() -> None:
    with pytest.raises(InputError, match=r"^volume_ml: expected at least 0.1 mL .*dilute"):
        dose_calculate(**with_(concentration_per_ml=1e10))


@pytest.mark.parametrize(
    ("volume", "within"),
    [(100.0, True), (110.0, True), (110.1, False), (90.0, True), (89.9, False), (0.0, False)],
)
def test_dose_check_tolerance_includes_its_bound(volume: float, within: bool) -> None:
    check = dose_check(
        target_cells=1e8,
        delivered_volume_ml=volume,
        concentration_per_ml=1e6,
        viability=1.0,
        tolerance_pct=10,
    )
    assert check.within_tolerance is within
    assert check.delivered_cells == volume * 1e6


def test_dose_check_reports_delivered_cells_and_deviation() -> None:
    check = dose_check(
        target_cells=1.92e8,
        delivered_volume_ml=180.0,
        concentration_per_ml=1e6,
        viability=0.95,
        tolerance_pct=10,
    )
    assert check.delivered_cells == 1.71e8
    assert check.deviation_pct == -10.9375
    assert not check.within_tolerance
    assert (check.target_cells, check.delivered_volume_ml, check.tolerance_pct) == (
        1.92e8,
        180.0,
        10.0,
    )


def test_zero_tolerance_accepts_only_the_exact_dose() -> None:
    exact = dose_check(
        target_cells=1e8,
        delivered_volume_ml=100.0,
        concentration_per_ml=1e6,
        viability=1.0,
        tolerance_pct=0,
    )
    assert exact.within_tolerance
    assert exact.deviation_pct == 0.0


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("tolerance_pct", -1.0),
        ("tolerance_pct", 101.0),
        ("delivered_volume_ml", -0.1),
        ("target_cells", 0.0),
        ("viability", 95.0),
    ],
)
def test_dose_check_rejects_bad_inputs(name: str, value: float) -> None:
    arguments: dict[str, Any] = {
        "target_cells": 1e8,
        "delivered_volume_ml": 100.0,
        "concentration_per_ml": 1e6,
        "viability": 1.0,
        "tolerance_pct": 10.0,
        name: value,
    }
    with pytest.raises(InputError) as caught:
        dose_check(**arguments)
    assert caught.value.field == name


def test_viability_at_the_release_threshold_passes() -> None:
    viability_release_check(0.7, minimum=0.7)


def test_viability_below_the_release_threshold_blocks_the_infusion() -> None:
    with pytest.raises(LimitError) as caught:
        viability_release_check(0.69, minimum=0.7)
    assert caught.value.field == "viability"
    assert str(caught.value) == (
        "viability: expected at least 0.7 (70 % viable cells) for release, got 0.69 (69 %); "
        "the product may not be infused"
    )


def test_release_threshold_given_as_a_percentage_is_rejected() -> None:
    with pytest.raises(InputError, match=r"^minimum viability: "):
        viability_release_check(0.9, minimum=70)


plans = st.fixed_dictionaries(
    {
        "weight_kg": st.floats(min_value=25, max_value=250),
        "dose_per_kg": st.floats(min_value=1e5, max_value=1e7),
        "concentration_per_ml": st.floats(min_value=1e5, max_value=1e7),
        "viability": st.floats(min_value=0.5, max_value=1.0),
    }
)


@given(plans)
def test_volume_delivers_the_target_within_half_a_syringe_step(inputs: dict[str, float]) -> None:
    plan = dose_calculate(**inputs)
    assert plan.target_cells == pytest.approx(inputs["weight_kg"] * inputs["dose_per_kg"])
    half_step_cells = 0.05 * plan.viable_concentration_per_ml
    error = abs(plan.volume_ml * plan.viable_concentration_per_ml - plan.target_cells)
    assert error <= half_step_cells * (1 + 1e-9)
    assert plan.delivered_cells == pytest.approx(plan.volume_ml * plan.viable_concentration_per_ml)
    assert round(plan.volume_ml * 10) == pytest.approx(plan.volume_ml * 10)


@given(plans)
def test_checking_a_plans_own_volume_finds_the_plans_deviation(inputs: dict[str, float]) -> None:
    plan = dose_calculate(**inputs)
    check = dose_check(
        target_cells=plan.target_cells,
        delivered_volume_ml=plan.volume_ml,
        concentration_per_ml=inputs["concentration_per_ml"],
        viability=inputs["viability"],
        tolerance_pct=10,
    )
    assert check.deviation_pct == pytest.approx(plan.deviation_pct, abs=1e-6)
    assert check.delivered_cells == pytest.approx(plan.delivered_cells, rel=1e-9)
