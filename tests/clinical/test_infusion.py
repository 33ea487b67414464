"""The participant's dose from the protocol: arm dose, release viability, tolerance."""

from __future__ import annotations

import pytest

from hepatrial.clinical.infusion import infusion_check, infusion_plan
from hepatrial.errors import InputError, LimitError
from hepatrial.protocol import Protocol, load_seed_protocol


@pytest.fixture(scope="module")
def protocol() -> Protocol:
    return load_seed_protocol()


def test_medium_high_arm_doses_three_million_cells_per_kg(protocol: Protocol) -> None:
    plan = infusion_plan(
        protocol, arm="MIDHIGH", weight_kg=64.0, concentration_per_ml=1.0e6, viability=0.95
    )
    assert plan.target_cells == pytest.approx(1.92e8)
    assert plan.volume_ml == pytest.approx(202.1)


def test_low_arm_doses_one_million_cells_per_kg(protocol: Protocol) -> None:
    plan = infusion_plan(
        protocol, arm="LOW", weight_kg=50.0, concentration_per_ml=2.0e6, viability=1.0
    )
    assert plan.target_cells == pytest.approx(5.0e7)
    assert plan.volume_ml == pytest.approx(25.0)


def test_a_lot_below_the_protocols_release_viability_is_refused(protocol: Protocol) -> None:
    assert protocol.product.release.min_viability_percent == 80
    with pytest.raises(LimitError, match=r"viability: expected at least 0\.8"):
        infusion_plan(
            protocol, arm="LOW", weight_kg=60.0, concentration_per_ml=1.0e6, viability=0.79
        )


def test_an_unknown_arm_is_an_error_naming_the_arms(protocol: Protocol) -> None:
    with pytest.raises(InputError, match="LOW"):
        infusion_plan(
            protocol, arm="HIGH", weight_kg=60.0, concentration_per_ml=1.0e6, viability=0.9
        )


@pytest.mark.parametrize(("volume", "within"), [(202.1, True), (182.0, True), (181.0, False)])
def test_delivered_dose_is_checked_against_the_protocols_tolerance(
    protocol: Protocol, volume: float, within: bool
) -> None:
    plan = infusion_plan(
        protocol, arm="MIDHIGH", weight_kg=64.0, concentration_per_ml=1.0e6, viability=0.95
    )
    check = infusion_check(protocol, plan=plan, delivered_volume_ml=volume)
    assert check.tolerance_pct == protocol.infusion.dose_tolerance_percent == 10
    assert check.within_tolerance is within
