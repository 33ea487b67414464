"""Randomizing a participant: next slot of the stratum, guards, never undone, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hepatrial.edc.core.audit import audit_verify
from hepatrial.edc.core.models import AuditEntry
from hepatrial.edc.participants.models import Participant
from hepatrial.edc.randomization import services
from hepatrial.edc.randomization.models import Allocation, AllocationSlot
from hepatrial.edc.randomization.services import participant_randomize
from hepatrial.edc.study.services import study_lock
from hepatrial.errors import (
    AccessDeniedError,
    InputError,
    StudyLockedError,
    WorkflowError,
)
from hepatrial.protocol import ROLES, seed_protocol_path


def test_participants_take_the_slots_in_sequence_and_become_randomized(
    allocation_record: Any, users: Any, make_participant: Any
) -> None:
    slots = list(AllocationSlot.objects.order_by("sequence"))
    for n in range(1, 6):
        participant = make_participant()
        allocation = participant_randomize(user=users["coordinator"], participant=participant)
        assert allocation.slot.sequence == n
        assert allocation.arm == slots[n - 1].arm
        assert allocation.randomized_by == users["coordinator"]
        assert allocation.randomized_at.utcoffset().total_seconds() == 0
        participant.refresh_from_db()
        assert participant.status == "randomized"
    assert AllocationSlot.objects.filter(used=True).count() == 5
    history = Participant.history.filter(status="randomized").first()
    assert history.history_change_reason == "randomized"
    assert audit_verify().ok


@pytest.mark.parametrize("status", ["identified", "consented", "screened", "screen failed"])
def test_no_randomization_without_consent_and_confirmed_eligibility(
    allocation_record: Any, users: Any, make_participant: Any, status: str
) -> None:
    participant = make_participant(status=status)
    with pytest.raises(WorkflowError) as error:
        participant_randomize(user=users["investigator"], participant=participant)
    assert error.value.field == "randomize"
    assert error.value.expected == "a participant who is eligible"
    assert error.value.received == status
    assert not Allocation.objects.exists()
    assert not AllocationSlot.objects.filter(used=True).exists()


def test_no_randomization_before_the_list_is_generated(users: Any, make_participant: Any) -> None:
    with pytest.raises(WorkflowError) as error:
        participant_randomize(user=users["investigator"], participant=make_participant())
    assert error.value.field == "allocation list"
    assert "hepatrial randomization generate" in str(error.value.expected)
    assert error.value.received == "no list"


@pytest.mark.parametrize(
    "role", [r for r in ROLES if r not in ("investigator", "coordinator", "pharmacist")]
)
def test_only_site_staff_and_the_pharmacist_randomize(
    allocation_record: Any, users: Any, make_participant: Any, role: str
) -> None:
    participant = make_participant()
    with pytest.raises(AccessDeniedError) as error:
        participant_randomize(user=users[role], participant=participant)
    assert error.value.field == "participant.randomize"
    assert error.value.received == f"role {role}"
    participant.refresh_from_db()
    assert participant.status == "eligible"


def test_no_randomization_after_the_study_lock(
    allocation_record: Any, users: Any, make_participant: Any
) -> None:
    participant = make_participant()
    study_lock(user=users["data_manager"], reason="database lock for the final analysis")
    with pytest.raises(StudyLockedError, match="study: expected an unlocked study database"):
        participant_randomize(user=users["investigator"], participant=participant)
    assert not Allocation.objects.exists()


def test_an_allocation_is_never_undone(
    allocation_record: Any, users: Any, make_participant: Any
) -> None:
    participant = make_participant()
    allocation = participant_randomize(user=users["investigator"], participant=participant)
    with pytest.raises(WorkflowError, match="never deleted"):
        allocation.delete()
    with pytest.raises(WorkflowError, match="randomize: expected a participant who is eligible"):
        participant_randomize(user=users["investigator"], participant=participant)
    assert not [name for name in services.__all__ if "void" in name or "undo" in name]
    assert Allocation.objects.get(participant=participant).slot == allocation.slot


def test_stratum_levels_are_refused_when_the_scheme_is_unstratified(
    allocation_record: Any, users: Any, make_participant: Any
) -> None:
    with pytest.raises(InputError) as error:
        participant_randomize(
            user=users["investigator"],
            participant=make_participant(),
            stratum_levels={"MELD": "<20"},
        )
    assert error.value.field == "stratum"
    assert error.value.received == "MELD"


def test_an_exhausted_stratum_is_a_clear_error(
    allocation_record: Any, users: Any, make_participant: Any
) -> None:
    AllocationSlot.objects.update(used=True)  # as if every slot had been taken
    with pytest.raises(WorkflowError) as error:
        participant_randomize(user=users["investigator"], participant=make_participant())
    assert error.value.field == "stratum"
    assert error.value.received == "every slot of the stratum used"


def test_a_failure_midway_leaves_the_database_as_it_was(
    allocation_record: Any, users: Any, make_participant: Any, monkeypatch: Any
) -> None:
    participant = make_participant()
    entries = AuditEntry.objects.count()

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk full")

    # The slot is already marked used when the allocation is written.
    monkeypatch.setattr(services, "record_create", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        participant_randomize(user=users["investigator"], participant=participant)
    assert not AllocationSlot.objects.filter(used=True).exists()
    assert not Allocation.objects.exists()
    participant.refresh_from_db()
    assert participant.status == "eligible"
    assert participant.version == 1
    assert AuditEntry.objects.count() == entries
    assert audit_verify().ok


def stratified_protocol(tmp_path: Path) -> Path:
    text = seed_protocol_path().read_text(encoding="utf-8")
    stratified = text.replace(
        "    strata: []",
        "    strata:\n      - {code: MELD, label: MELD at screening, levels: ['<20', '>=20']}",
    )
    assert stratified != text
    path = tmp_path / "stratified.yaml"
    path.write_text(stratified, encoding="utf-8")
    return path


def test_each_stratum_is_consumed_from_its_own_sequence(db: Any, tmp_path: Path) -> None:
    from hepatrial.design import allocation_list
    from hepatrial.edc.accounts.services import user_create
    from hepatrial.edc.core.services import record_create
    from hepatrial.edc.randomization.services import randomization_list_generate
    from hepatrial.edc.study.models import Site
    from hepatrial.edc.study.selectors import study_protocol
    from hepatrial.edc.study.services import study_init

    study_init(
        protocol_path=stratified_protocol(tmp_path),
        admin_username="admin",
        admin_password="Correct-Horse-42",
        admin_full_name="Ada Admin",
    )
    from hepatrial.edc.accounts.models import User

    admin = User.objects.get(username="admin")
    investigator = user_create(
        actor=admin,
        username="inv",
        full_name="Ivy Investigator",
        role="investigator",
        password="Correct-Horse-42",
    )
    seed = 2**70 + 3
    randomization_list_generate(user=admin, seed=seed)
    expected = allocation_list(study_protocol(), seed=seed)
    site = Site.objects.get(code="01")
    arms = {}
    for n, level in enumerate(["<20", ">=20", "<20"], start=1):
        participant = record_create(
            Participant,
            user=investigator,
            study_id=f"01-{n:03d}",
            site=site,
            status="eligible",
            identified_on=site.created_at.date(),
        )
        allocation = participant_randomize(
            user=investigator, participant=participant, stratum_levels={"MELD": level}
        )
        arms[n] = (allocation.stratum, allocation.slot.sequence, allocation.arm)
    low = expected.stratum_slots({"MELD": "<20"})
    high = expected.stratum_slots({"MELD": ">=20"})
    assert arms == {
        1: ('{"MELD":"<20"}', 1, low[0].arm),
        2: ('{"MELD":">=20"}', 1, high[0].arm),
        3: ('{"MELD":"<20"}', 2, low[1].arm),
    }
    participant = record_create(
        Participant,
        user=investigator,
        study_id="01-009",
        site=site,
        status="eligible",
        identified_on=site.created_at.date(),
    )
    with pytest.raises(InputError) as error:
        participant_randomize(user=investigator, participant=participant)
    assert error.value.field == "stratum.MELD"
