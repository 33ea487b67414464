"""The allocation list: generated once, stored faithfully, seed encrypted, commitment verifiable."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import override_settings

from hepatrial.design import allocation_list
from hepatrial.edc.core.audit import audit_verify
from hepatrial.edc.core.models import AccessEvent
from hepatrial.edc.randomization._seed import seed_decrypt
from hepatrial.edc.randomization.models import AllocationListRecord, AllocationSlot
from hepatrial.edc.randomization.selectors import allocation_list_get, commitment_get
from hepatrial.edc.randomization.services import randomization_list_generate
from hepatrial.edc.randomization.verification import randomization_list_verify
from hepatrial.edc.study.selectors import study_protocol
from hepatrial.errors import AccessDeniedError, InputError, WorkflowError
from hepatrial.protocol import ROLES


def stored_slots() -> list[tuple[str, int, int | None, int | None, str]]:
    return list(
        AllocationSlot.objects.order_by("sequence").values_list(
            "stratum", "sequence", "block", "block_size", "arm"
        )
    )


def test_the_stored_list_is_exactly_the_list_the_seed_generates(
    allocation_record: Any, list_seed: int
) -> None:
    expected = allocation_list(study_protocol(), seed=list_seed)
    assert stored_slots() == [
        ("{}", s.sequence, s.block, s.block_size, s.arm) for s in expected.slots
    ]
    assert allocation_record.commitment == expected.commitment()
    assert commitment_get() == expected.commitment()


def test_the_same_seed_gives_the_same_list_when_regenerated(
    allocation_record: Any, list_seed: int
) -> None:
    first = stored_slots()
    again = allocation_list(study_protocol(), seed=list_seed)
    assert [(s.sequence, s.block, s.block_size, s.arm) for s in again.slots] == [
        row[1:] for row in first
    ]


def test_block_sizes_vary_and_every_block_is_balanced(allocation_record: Any) -> None:
    slots = AllocationSlot.objects.all()
    assert {s.block_size for s in slots} == {2, 4}
    by_block: dict[int, list[str]] = {}
    for slot in slots:
        by_block.setdefault(slot.block, []).append(slot.arm)
    for arms in by_block.values():
        assert arms.count("LOW") == arms.count("MIDHIGH")


def test_the_seed_is_stored_only_encrypted_and_the_key_recovers_it(
    allocation_record: Any, list_seed: int
) -> None:
    assert "seed" not in allocation_record.created_with
    assert str(list_seed) not in allocation_record.seed_encrypted
    assert seed_decrypt(allocation_record.seed_encrypted) == list_seed


def test_another_installation_key_cannot_open_the_seed(allocation_record: Any) -> None:
    from cryptography.fernet import Fernet

    with (
        override_settings(PII_KEY=Fernet.generate_key().decode()),
        pytest.raises(InputError) as error,
    ):
        randomization_list_verify()
    assert error.value.field == "seed_encrypted"
    assert "cannot decrypt" in str(error.value.received)


def test_without_a_seed_an_unguessable_one_is_drawn_and_still_verifies(users: Any) -> None:
    record = randomization_list_generate(user=users["admin"])
    assert seed_decrypt(record.seed_encrypted) >= 2**64
    assert randomization_list_verify().ok


@pytest.mark.parametrize("seed", [0, 20231128, 2**64 - 1])
def test_a_guessable_seed_is_refused_without_echoing_it(users: Any, seed: int) -> None:
    with pytest.raises(InputError) as error:
        randomization_list_generate(user=users["admin"], seed=seed)
    assert error.value.field == "seed"
    assert "2**64" in str(error.value.expected)
    assert str(seed) not in str(error.value.received) or seed == 0
    assert not AllocationListRecord.objects.exists()


def test_a_weak_seed_is_accepted_only_when_explicitly_allowed(users: Any) -> None:
    record = randomization_list_generate(user=users["admin"], seed=7, allow_weak_seed=True)
    assert record.commitment == allocation_list(study_protocol(), seed=7).commitment()


def test_a_study_has_only_one_list(allocation_record: Any, users: Any, list_seed: int) -> None:
    with pytest.raises(WorkflowError) as error:
        randomization_list_generate(user=users["admin"], seed=list_seed + 1)
    assert error.value.field == "allocation list"
    assert allocation_record.commitment in str(error.value.received)
    assert AllocationListRecord.objects.count() == 1


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
def test_only_the_admin_generates_the_list(users: Any, role: str, list_seed: int) -> None:
    with pytest.raises(
        AccessDeniedError, match=r"randomization\.generate: expected a user with role"
    ):
        randomization_list_generate(user=users[role], seed=list_seed)
    assert not AllocationSlot.objects.exists()


def test_the_commitment_verifies_and_the_chain_holds(allocation_record: Any) -> None:
    result = randomization_list_verify()
    assert result.ok, result.problems
    assert result.commitment == allocation_record.commitment
    assert result.slots == AllocationSlot.objects.count()
    assert audit_verify().ok


def test_a_slot_arm_changed_in_sql_is_reported_without_revealing_arms(
    allocation_record: Any, raw_sql: Any
) -> None:
    slot = AllocationSlot.objects.get(sequence=3)
    other = "LOW" if slot.arm == "MIDHIGH" else "MIDHIGH"
    raw_sql("UPDATE randomization_allocationslot SET arm = %s WHERE id = %s", [other, slot.pk.hex])
    result = randomization_list_verify()
    assert not result.ok
    assert result.problems == ("slot {} #3: stored arm differs from the list the seed regenerates",)
    assert not any(re.search("LOW|MIDHIGH", p) for p in result.problems)


def test_a_recorded_commitment_changed_in_sql_is_reported(
    allocation_record: Any, raw_sql: Any
) -> None:
    raw_sql(
        "UPDATE randomization_allocationlistrecord SET commitment = %s WHERE id = %s",
        ["0" * 64, allocation_record.pk.hex],
    )
    problems = randomization_list_verify().problems
    assert any("commitment" in p for p in problems)


def test_no_list_to_verify_is_a_clear_error(users: Any) -> None:
    with pytest.raises(WorkflowError, match="allocation list: expected a generated list"):
        randomization_list_verify()


@pytest.mark.parametrize("role", ["pharmacist", "dsmb"])
def test_unblinded_roles_read_the_list_and_the_reading_is_audited(
    allocation_record: Any, users: Any, role: str
) -> None:
    rows = allocation_list_get(user=users[role])
    assert [r["arm"] for r in rows] == [arm for *_, arm in stored_slots()]
    assert AccessEvent.objects.filter(username=role, action="unblinded view").count() == 1
    assert audit_verify().ok


@pytest.mark.parametrize(
    "role", ["admin", "investigator", "coordinator", "monitor", "statistician", "data_manager"]
)
def test_masked_roles_may_not_read_the_list(allocation_record: Any, users: Any, role: str) -> None:
    with pytest.raises(AccessDeniedError) as error:
        allocation_list_get(user=users[role])
    assert error.value.field == "allocation list"
    assert error.value.received == f"role {role}"
