"""Infusions reveal the arm through the dose: every role sees them masked or not, as it must."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hepatrial.edc.core.masking import MASKED
from hepatrial.edc.dosing.models import Infusion
from hepatrial.edc.dosing.selectors import infusion_get, infusion_list
from hepatrial.edc.dosing.services import infusion_record
from hepatrial.edc.randomization.services import unblinding_request
from hepatrial.protocol import ROLES

MASKED_ROLES = ("admin", "investigator", "coordinator", "monitor", "statistician", "data_manager")
UNBLINDED_ROLES = ("pharmacist", "dsmb")
REVEALING = ("arm", "dose_per_kg", "target_cells", "planned_volume_ml", "delivered_volume_ml",
             "delivered_cells")  # fmt: skip
ARM_WORDS = ("LOW", "MIDHIGH", "Low dose", "Medium-high dose")


@pytest.fixture
def infusions(
    randomized: list[Any], users: Any, make_lot: Any, at: Any, infusion_day: dt.date
) -> list[Infusion]:
    lot = make_lot()
    made = []
    for participant, volume in zip(randomized[:2], (67.4, 184.0), strict=True):
        made.append(
            infusion_record(
                user=users["pharmacist"],
                participant=participant,
                lot=lot,
                weight_kg=64.0,
                infusion_date=infusion_day,
                started_at=at(9),
                stopped_at=at(10),
                delivered_volume_ml=volume,
                reaction=False,
            )
        )
    return made


def secrets_of(infusion: Infusion) -> list[Any]:
    """Every value that would reveal the participant's arm."""
    return [
        infusion.dose_per_kg,
        infusion.target_cells,
        infusion.planned_volume_ml,
        infusion.delivered_volume_ml,
        infusion.delivered_cells,
    ]


def leaks(row: dict[str, Any], infusion: Infusion) -> list[Any]:
    found = [word for word in ARM_WORDS if word in repr(row)]
    for value in row.values():
        found += [secret for secret in secrets_of(infusion) if value == secret]
        if isinstance(value, str):
            found += [s for s in secrets_of(infusion) if f"{s:g}" in value or repr(s) in value]
    return found


def test_masking_covers_every_role() -> None:
    assert set(MASKED_ROLES) | set(UNBLINDED_ROLES) == set(ROLES)


@pytest.mark.parametrize("role", MASKED_ROLES)
def test_a_masked_role_sees_infusions_without_arm_dose_cells_or_volume(
    infusions: list[Infusion], users: Any, role: str
) -> None:
    user = users[role]
    listed = {row["id"]: row for row in infusion_list(user=user)}
    assert set(listed) == {i.pk for i in infusions}
    for infusion in infusions:
        for row in (infusion_get(user=user, infusion_id=infusion.pk), listed[infusion.pk]):
            assert leaks(row, infusion) == []
            assert all(row[name] == MASKED for name in REVEALING)
            # What a masked reviewer needs stays visible.
            assert row["weight_kg"] == 64.0
            # Start and stop times give the duration, which tracks the volume: date only.
            assert row["started_at"] == row["stopped_at"] == MASKED
            assert row["infusion_date"] == infusion.infusion_date
            assert row["within_tolerance"] == infusion.within_tolerance


@pytest.mark.parametrize("role", UNBLINDED_ROLES)
def test_an_unblinded_role_sees_the_dose(infusions: list[Infusion], users: Any, role: str) -> None:
    for row in infusion_list(user=users[role]):
        infusion = next(i for i in infusions if i.pk == row["id"])
        assert row["arm"] == infusion.participant.allocation.arm
        assert [row[name] for name in REVEALING[1:]] == secrets_of(infusion)


def test_emergency_unblinding_shows_that_participant_s_infusion_only(
    infusions: list[Infusion], users: Any
) -> None:
    first, second = infusions
    investigator = users["investigator"]
    unblinding_request(user=investigator, participant=first.participant, reason="SAE work-up")
    assert infusion_get(user=investigator, infusion_id=first.pk)["target_cells"] == (
        first.target_cells
    )
    assert leaks(infusion_get(user=investigator, infusion_id=second.pk), second) == []
    assert leaks(infusion_get(user=users["coordinator"], infusion_id=first.pk), first) == []


def test_the_infusions_of_one_participant_are_listed_alone(
    infusions: list[Infusion], users: Any
) -> None:
    rows = infusion_list(user=users["monitor"], participant_id=infusions[0].participant_id)
    assert [row["id"] for row in rows] == [infusions[0].pk]


@pytest.mark.parametrize("role", ["monitor", "data_manager", "admin"])
def test_a_masked_audit_export_hides_arms_doses_and_the_list(
    infusions: list[Infusion], users: Any, role: str, tmp_path: Any
) -> None:
    import csv

    from hepatrial.edc.core.services_audit import audit_trail_export

    path = tmp_path / "trail.csv"
    audit_trail_export(username=role, path=path)
    with path.open(encoding="utf-8") as stream:
        rows = [
            r
            for r in csv.DictReader(stream)
            if r["model"].split(".")[0] in ("randomization", "dosing")
        ]
    assert {r["model"] for r in rows} >= {
        "randomization.AllocationSlot", "randomization.Allocation", "dosing.Infusion"
    }  # fmt: skip
    hidden = {"arm", "block", "block_size", "seed_encrypted", *REVEALING}
    for row in rows:
        if row["field"] == "created_with":
            continue  # how the list was made: the protocol's arms in order, not an allocation
        if row["field"] in hidden:
            assert row["new"] == MASKED
        assert [w for w in ARM_WORDS if w in row["old"] + row["new"] + row["reason"]] == [], row
