"""Cell-product lots: registration from the certificate, status changes, the dose preview."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hepatrial.clinical import infusion_plan
from hepatrial.edc.dosing.models import CellLot
from hepatrial.edc.dosing.selectors import lot_list
from hepatrial.edc.dosing.services import infusion_plan_preview, lot_register, lot_status_set
from hepatrial.edc.study.selectors import study_protocol
from hepatrial.errors import AccessDeniedError, ConflictError, InputError, WorkflowError
from hepatrial.protocol import ROLES


def test_a_registered_lot_is_listed_with_its_certificate_values(
    make_lot: Any, infusion_day: dt.date
) -> None:
    lot = make_lot(lot_number="  UCMSC-2024-07  ")
    assert lot_list() == [
        {
            "id": lot.pk,
            "version": 1,
            "lot_number": "UCMSC-2024-07",
            "product_code": "UCMSC",
            "concentration_per_ml": 1.0e6,
            "viability": 0.95,
            "product_volume_ml": 300.0,
            "manufactured_on": infusion_day - dt.timedelta(days=10),
            "expires_on": infusion_day + dt.timedelta(days=30),
            "release_status": "released",
        }
    ]


@pytest.mark.parametrize(
    ("change", "field", "expected"),
    [
        ({"product_code": "BMMSC"}, "product_code", "'UCMSC', the protocol's product"),
        ({"viability": 95}, "viability", "the viable fraction of cells, > 0 and ≤ 1"),
        ({"viability": 0}, "viability", "a finite number > 0"),
        ({"concentration_per_ml": float("nan")}, "concentration_per_ml", "a finite number > 0"),
        ({"product_volume_ml": -5.0}, "product_volume_ml", "a finite number > 0"),
        ({"lot_number": " "}, "lot_number", "the lot number"),
        ({"release_status": "approved"}, "release_status", "one of released, quarantined"),
        ({"expires_on": dt.date(2020, 1, 1)}, "expires_on", "a date after manufacture"),
    ],
)
def test_a_lot_with_a_bad_value_is_refused_naming_the_field(
    make_lot: Any, change: dict[str, Any], field: str, expected: str
) -> None:
    with pytest.raises(InputError) as error:
        make_lot(**change)
    assert error.value.field == field
    assert str(error.value.expected).startswith(expected)
    assert not CellLot.objects.exists()


def test_a_lot_number_is_registered_once(make_lot: Any) -> None:
    make_lot(lot_number="UCMSC-1")
    with pytest.raises(InputError) as error:
        make_lot(lot_number="UCMSC-1")
    assert error.value.field == "lot_number"
    assert CellLot.objects.count() == 1


@pytest.mark.parametrize("role", [r for r in ROLES if r != "pharmacist"])
def test_only_the_pharmacist_manages_lots(users: Any, role: str, infusion_day: dt.date) -> None:
    with pytest.raises(
        AccessDeniedError, match=r"lot\.manage: expected a user with role pharmacist"
    ):
        lot_register(
            user=users[role],
            lot_number="X",
            product_code="UCMSC",
            concentration_per_ml=1e6,
            viability=0.9,
            product_volume_ml=100.0,
            manufactured_on=infusion_day,
            expires_on=infusion_day + dt.timedelta(days=1),
        )


def test_a_lot_status_change_needs_the_current_version_and_a_reason(
    make_lot: Any, users: Any
) -> None:
    lot = make_lot()
    with pytest.raises(InputError, match="reason: expected the reason"):
        lot_status_set(
            user=users["pharmacist"], lot=lot, release_status="rejected", expected_version=1,
            reason="",
        )  # fmt: skip
    rejected = lot_status_set(
        user=users["pharmacist"], lot=lot, release_status="rejected", expected_version=1,
        reason="endotoxin above limit",
    )  # fmt: skip
    assert rejected.release_status == "rejected"
    with pytest.raises(ConflictError):
        lot_status_set(
            user=users["pharmacist"], lot=lot, release_status="released", expected_version=1,
            reason="retest passed",
        )  # fmt: skip
    assert CellLot.history.filter(release_status="rejected").get().history_change_reason == (
        "endotoxin above limit"
    )


def test_the_pharmacist_previews_the_dose_to_draw(
    randomized: list[Any], make_lot: Any, users: Any
) -> None:
    participant = randomized[1]
    lot = make_lot()
    preview = infusion_plan_preview(
        user=users["pharmacist"], participant=participant, lot=lot, weight_kg=64.0
    )
    plan = infusion_plan(
        study_protocol(),
        arm=participant.allocation.arm,
        weight_kg=64.0,
        concentration_per_ml=1e6,
        viability=0.95,
    )
    assert preview["arm"] == participant.allocation.arm
    assert preview["volume_ml"] == plan.volume_ml
    assert preview["target_cells"] == plan.target_cells
    assert preview["dose_per_kg"] == plan.dose_per_kg


@pytest.mark.parametrize("role", [r for r in ROLES if r != "pharmacist"])
def test_only_the_pharmacist_previews_a_dose(
    randomized: list[Any], make_lot: Any, users: Any, role: str
) -> None:
    lot = make_lot()
    with pytest.raises(AccessDeniedError):
        infusion_plan_preview(user=users[role], participant=randomized[0], lot=lot, weight_kg=64.0)


def test_no_preview_for_a_participant_not_randomized(
    allocation_free_participant: Any, make_lot: Any, users: Any
) -> None:
    with pytest.raises(WorkflowError, match="participant: expected a randomized participant"):
        infusion_plan_preview(
            user=users["pharmacist"],
            participant=allocation_free_participant,
            lot=make_lot(),
            weight_kg=64.0,
        )


@pytest.fixture
def allocation_free_participant(make_participant: Any) -> Any:
    return make_participant()
