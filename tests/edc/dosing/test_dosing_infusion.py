"""Recording an infusion: the protocol's dose for the arm, day 0, guards, deviations, atomicity."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from hepatrial.clinical import infusion_plan
from hepatrial.edc.core.audit import audit_verify
from hepatrial.edc.core.models import AuditEntry
from hepatrial.edc.dosing import services
from hepatrial.edc.dosing.models import Infusion
from hepatrial.edc.dosing.services import infusion_record, lot_status_set
from hepatrial.edc.study.selectors import study_protocol
from hepatrial.edc.study.services import study_lock
from hepatrial.errors import (
    AccessDeniedError,
    InputError,
    LimitError,
    StudyLockedError,
    WorkflowError,
)
from hepatrial.protocol import ROLES


@pytest.fixture
def record(users: Any, make_lot: Any, at: Any, infusion_day: dt.date) -> Any:
    """``infusion_record`` by the pharmacist with a plausible infusion; override any field."""

    def run(participant: Any, **changes: Any) -> Infusion:
        fields: dict[str, Any] = {
            "user": users["pharmacist"],
            "participant": participant,
            "lot": changes.pop("lot", None) or make_lot(),
            "weight_kg": 64.0,
            "infusion_date": infusion_day,
            "started_at": at(9),
            "stopped_at": at(10, 30),
            "delivered_volume_ml": None,
            "reaction": False,
        }
        fields |= changes
        if fields["delivered_volume_ml"] is None:
            fields["delivered_volume_ml"] = _planned(
                participant, fields["lot"], fields["weight_kg"]
            )
        return infusion_record(**fields)

    return run


def _planned(participant: Any, lot: Any, weight_kg: float) -> float:
    plan = infusion_plan(
        study_protocol(),
        arm=participant.allocation.arm,
        weight_kg=weight_kg,
        concentration_per_ml=lot.concentration_per_ml,
        viability=lot.viability,
    )
    return plan.volume_ml


def test_the_infusion_gets_the_protocol_dose_of_the_arm_and_becomes_day_0(
    randomized: list[Any], record: Any, make_lot: Any, infusion_day: dt.date
) -> None:
    lot = make_lot()
    for participant in randomized[:2]:
        infusion = record(participant, lot=lot)
        plan = infusion_plan(
            study_protocol(),
            arm=participant.allocation.arm,
            weight_kg=64.0,
            concentration_per_ml=1.0e6,
            viability=0.95,
        )
        assert infusion.dose_per_kg == study_protocol().arm(participant.allocation.arm).dose_per_kg
        assert infusion.target_cells == plan.target_cells == 64.0 * infusion.dose_per_kg
        assert infusion.planned_volume_ml == plan.volume_ml
        assert infusion.delivered_cells == pytest.approx(plan.delivered_cells)
        assert infusion.within_tolerance
        assert infusion.deviation_note == ""
        assert infusion.infusion_number == 1
        participant.refresh_from_db()
        assert participant.status == "infused"
        assert participant.day0 == infusion_day
    low, high = (Infusion.objects.get(participant=p) for p in randomized[:2])
    assert (low.target_cells, high.target_cells) == (6.4e7, 1.92e8)
    assert audit_verify().ok


def test_the_visit_schedule_is_planned_from_day_0(randomized: list[Any], record: Any) -> None:
    from hepatrial.edc.visits.models import Visit

    record(randomized[0])
    planned = Visit.objects.filter(participant=randomized[0], unscheduled=False)
    assert planned.count() == len(study_protocol().visits)


def test_a_dose_outside_the_tolerance_is_recorded_with_a_deviation_not_refused(
    randomized: list[Any], record: Any, make_lot: Any
) -> None:
    participant = randomized[1]
    lot = make_lot()
    planned = _planned(participant, lot, 64.0)
    infusion = record(participant, lot=lot, delivered_volume_ml=round(planned * 0.8, 1))
    assert not infusion.within_tolerance
    assert infusion.deviation_pct == pytest.approx(-20.0, abs=0.1)
    assert infusion.deviation_note.startswith("protocol deviation: the delivered dose is -20.0 %")
    assert "±10 %" in infusion.deviation_note
    # The note is shown to masked users too, so it carries no cell count or volume.
    assert f"{infusion.delivered_cells:g}" not in infusion.deviation_note
    assert f"{infusion.delivered_volume_ml:g}" not in infusion.deviation_note


def test_no_infusion_before_randomization(make_participant: Any, record: Any) -> None:
    participant = make_participant(status="eligible")
    with pytest.raises(WorkflowError) as error:
        record(participant, delivered_volume_ml=60.0)
    assert (error.value.field, error.value.expected, error.value.received) == (
        "infuse",
        "a participant who is randomized",
        "eligible",
    )
    assert not Infusion.objects.exists()


def test_a_participant_is_infused_once(randomized: list[Any], record: Any) -> None:
    record(randomized[0])
    with pytest.raises(WorkflowError, match="infuse: expected a participant who is randomized"):
        record(randomized[0])
    assert Infusion.objects.count() == 1


def test_no_infusion_from_an_expired_lot(
    randomized: list[Any], record: Any, make_lot: Any, infusion_day: dt.date
) -> None:
    expired = make_lot(
        manufactured_on=infusion_day - dt.timedelta(days=60),
        expires_on=infusion_day - dt.timedelta(days=1),
    )
    with pytest.raises(WorkflowError) as error:
        record(randomized[0], lot=expired, delivered_volume_ml=67.4)
    assert error.value.field == "lot"
    assert f"a lot not expired on {infusion_day.isoformat()}" in str(error.value.expected)
    assert error.value.received == f"expired on {(infusion_day - dt.timedelta(days=1)).isoformat()}"
    assert not Infusion.objects.exists()


def test_a_lot_expiring_on_the_infusion_day_may_still_be_used(
    randomized: list[Any], record: Any, make_lot: Any, infusion_day: dt.date
) -> None:
    lot = make_lot(expires_on=infusion_day)
    assert record(randomized[0], lot=lot).lot == lot


def test_no_infusion_from_a_quarantined_lot(
    randomized: list[Any], record: Any, make_lot: Any, users: Any
) -> None:
    lot = make_lot()
    lot = lot_status_set(
        user=users["pharmacist"],
        lot=lot,
        release_status="quarantined",
        expected_version=lot.version,
        reason="sterility test pending",
    )
    with pytest.raises(WorkflowError) as error:
        record(randomized[0], lot=lot, delivered_volume_ml=67.4)
    assert error.value.received == "quarantined"


def test_a_lot_below_the_release_viability_may_not_be_infused(
    randomized: list[Any], record: Any, make_lot: Any
) -> None:
    lot = make_lot(viability=0.7)
    with pytest.raises(LimitError) as error:
        record(randomized[0], lot=lot, delivered_volume_ml=91.4)
    assert error.value.field == "viability"
    assert error.value.expected == "at least 0.8"
    assert error.value.received == 0.7
    assert not Infusion.objects.exists()


def test_the_start_must_come_before_the_stop(randomized: list[Any], record: Any, at: Any) -> None:
    with pytest.raises(InputError) as error:
        record(randomized[0], started_at=at(11), stopped_at=at(10))
    assert error.value.field == "stopped_at"
    assert error.value.expected == f"a time after the start ({at(11).isoformat()})"
    assert error.value.received == at(10).isoformat()


def test_times_without_a_time_zone_are_refused(
    randomized: list[Any], record: Any, infusion_day: dt.date
) -> None:
    naive = dt.datetime.combine(infusion_day, dt.time(9))
    with pytest.raises(InputError, match="started_at: expected a time with its time zone"):
        record(randomized[0], started_at=naive)


def test_the_infusion_date_may_not_be_in_the_future(
    randomized: list[Any], record: Any, at: Any
) -> None:
    tomorrow = timezone.now().astimezone(dt.UTC).date() + dt.timedelta(days=2)
    with pytest.raises(InputError) as error:
        record(
            randomized[0],
            infusion_date=tomorrow,
            started_at=at(9, day=tomorrow),
            stopped_at=at(10, day=tomorrow),
        )
    assert error.value.field == "infusion_date"
    assert error.value.received == tomorrow.isoformat()


def test_the_start_must_fall_on_the_infusion_date_at_the_site(
    randomized: list[Any], record: Any, at: Any, infusion_day: dt.date
) -> None:
    earlier = infusion_day - dt.timedelta(days=1)
    with pytest.raises(InputError) as error:
        record(randomized[0], started_at=at(9, day=earlier), stopped_at=at(10, day=earlier))
    assert error.value.field == "started_at"
    assert earlier.isoformat() in str(error.value.received)


def test_a_reaction_needs_a_description_and_no_reaction_none(
    randomized: list[Any], record: Any
) -> None:
    with pytest.raises(InputError, match="reactions: expected a description of the reaction"):
        record(randomized[0], reaction=True, reactions=" ")
    with pytest.raises(InputError, match="reactions: expected nothing"):
        record(randomized[0], reaction=False, reactions="fever")
    infusion = record(randomized[0], reaction=True, reactions="fever 38.2 °C at 2 h")
    assert infusion.reactions == "fever 38.2 °C at 2 h"


def test_more_than_the_lot_holds_cannot_have_been_delivered(
    randomized: list[Any], record: Any, make_lot: Any
) -> None:
    lot = make_lot(product_volume_ml=100.0)
    with pytest.raises(InputError) as error:
        record(randomized[0], lot=lot, delivered_volume_ml=120.0)
    assert error.value.field == "delivered_volume_ml"
    assert error.value.expected == "at most the lot's 100 mL"


@pytest.mark.parametrize("weight", [2.5, 640.0])
def test_an_implausible_weight_is_refused(
    randomized: list[Any], record: Any, weight: float
) -> None:
    with pytest.raises(InputError) as error:
        record(randomized[0], weight_kg=weight, delivered_volume_ml=67.4)
    assert error.value.field == "weight_kg"
    assert error.value.received == weight


@pytest.mark.parametrize("role", [r for r in ROLES if r != "pharmacist"])
def test_only_the_pharmacist_records_an_infusion(
    randomized: list[Any], record: Any, users: Any, make_lot: Any, role: str
) -> None:
    lot = make_lot()
    with pytest.raises(AccessDeniedError) as error:
        record(randomized[0], lot=lot, user=users[role], delivered_volume_ml=67.4)
    assert error.value.field == "infusion.record"
    assert error.value.received == f"role {role}"


def test_no_infusion_after_the_study_lock(
    randomized: list[Any], record: Any, make_lot: Any, users: Any
) -> None:
    lot = make_lot()
    study_lock(user=users["data_manager"], reason="final analysis")
    with pytest.raises(StudyLockedError):
        record(randomized[0], lot=lot, delivered_volume_ml=67.4)
    assert not Infusion.objects.exists()


def test_a_failure_midway_leaves_the_database_as_it_was(
    randomized: list[Any], record: Any, make_lot: Any, monkeypatch: Any
) -> None:
    lot = make_lot()
    participant = randomized[0]
    entries = AuditEntry.objects.count()

    def broken(*, participant: Any, user: Any) -> None:
        raise RuntimeError("database gone")

    # The infusion and the participant's new status are written when the visits are planned.
    monkeypatch.setattr(services, "visits_plan", broken)
    with pytest.raises(RuntimeError, match="database gone"):
        record(participant, lot=lot)
    assert not Infusion.objects.exists()
    participant.refresh_from_db()
    assert (participant.status, participant.day0) == ("randomized", None)
    assert AuditEntry.objects.count() == entries
    assert audit_verify().ok
