"""Proof that the stored allocation list is the one committed to at set-up.

The seed is decrypted with the installation's key, the list regenerated with the public
algorithm, and compared with the recorded commitment, every stored slot and every allocation. A
row changed behind the application's back in the slot or allocation table (which the audit chain,
built on history rows, does not see) shows up here. Problems name the slot, never its arm, so the
report can be read by anyone.

Under minimization there is no list: the commitment of the parameters and the seed is checked,
and every allocation is replayed in sequence order from the seed and the allocations before it.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from typing import Any

from hepatrial.design.randomization import (
    AllocationList,
    RandomizationParams,
    allocation_list,
    minimization_commitment,
    minimization_rng,
    verify_commitment,
)
from hepatrial.edc.randomization._seed import seed_decrypt
from hepatrial.edc.randomization._stratum import stratum_text
from hepatrial.edc.randomization.models import Allocation, AllocationListRecord, AllocationSlot
from hepatrial.edc.study.selectors import study_protocol
from hepatrial.errors import InputError, WorkflowError

__all__ = ["ListVerification", "randomization_list_verify"]


@dataclass(frozen=True, slots=True)
class ListVerification:
    """The outcome of :func:`randomization_list_verify`; ``problems`` is empty when all holds."""

    commitment: str
    slots: int
    allocations: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _stored_slots(record: AllocationListRecord) -> dict[tuple[str, int], AllocationSlot]:
    rows = AllocationSlot.objects.filter(allocation_list=record, voided=False)
    return {(slot.stratum, slot.sequence): slot for slot in rows}


def _slot_problems(generated: AllocationList, record: AllocationListRecord) -> list[str]:
    stored = _stored_slots(record)
    problems = []
    expected_keys = set()
    for slot in generated.slots:
        key = (stratum_text(slot.stratum), slot.sequence)
        expected_keys.add(key)
        row = stored.get(key)
        if row is None:
            problems.append(f"slot {key[0]} #{key[1]}: missing from the stored list")
            continue
        for name in ("arm", "block", "block_size"):
            if getattr(row, name) != getattr(slot, name):
                problems.append(
                    f"slot {key[0]} #{key[1]}: stored {name} differs from the list "
                    "the seed regenerates"
                )
    problems += [
        f"slot {key[0]} #{key[1]}: stored but not in the list the seed regenerates"
        for key in sorted(set(stored) - expected_keys)
    ]
    return problems


def _allocation_problems() -> list[str]:
    problems = []
    allocations = Allocation.objects.filter(voided=False).select_related("slot", "participant")
    for allocation in allocations:
        who = allocation.participant.study_id
        if allocation.arm != allocation.slot.arm:
            problems.append(f"allocation of {who}: arm differs from its slot's arm")
        if not allocation.slot.used:
            problems.append(f"allocation of {who}: its slot is not marked used")
    unclaimed = AllocationSlot.objects.filter(used=True, allocation__isnull=True, voided=False)
    problems += [
        f"slot {slot.stratum} #{slot.sequence}: marked used but no participant holds it"
        for slot in unclaimed
    ]
    return problems


def _commitment_holds(generated: AllocationList, commitment: str) -> bool:
    try:
        return verify_commitment(generated, commitment)
    except InputError:
        return False


def randomization_list_verify() -> ListVerification:
    """Regenerate the list from the decrypted seed and compare it with everything stored."""
    record = AllocationListRecord.objects.filter(voided=False).first()
    if record is None:
        raise WorkflowError(
            field="allocation list", expected="a generated list to verify", received="no list"
        )
    created_with: dict[str, Any] = record.created_with
    params = RandomizationParams.from_protocol(study_protocol())
    if params.scheme == "minimization":
        return _minimization_verify(record, params)
    generated = allocation_list(
        study_protocol(),
        seed=seed_decrypt(record.seed_encrypted),
        size_per_stratum=created_with.get("size_per_stratum"),
    )
    problems = []
    regenerated = {k: v for k, v in generated.created_with().items() if k != "seed"}
    if regenerated != created_with:
        problems.append("the stored parameters differ from the protocol's randomization design")
    if not _commitment_holds(generated, record.commitment):
        problems.append(
            "the recorded commitment is not the SHA-256 of the list the seed regenerates"
        )
    problems += _slot_problems(generated, record)
    problems += _allocation_problems()
    return ListVerification(
        commitment=record.commitment,
        slots=len(generated.slots),
        allocations=Allocation.objects.filter(voided=False).count(),
        problems=tuple(problems),
    )


def _replay_problems(params: RandomizationParams, seed: int) -> list[str]:
    allocations = Allocation.objects.filter(voided=False).select_related("participant")
    ordered = sorted(allocations, key=lambda a: (a.minimization or {}).get("sequence", 0))
    problems = []
    before: list[tuple[dict[str, str], str]] = []
    for sequence, allocation in enumerate(ordered, start=1):
        who = allocation.participant.study_id
        levels = json.loads(allocation.stratum)
        if (allocation.minimization or {}).get("sequence") != sequence:
            problems.append(f"allocation of {who}: not number {sequence} of the sequence")
        else:
            result = params.minimize(before, levels, rng=minimization_rng(seed, sequence))
            if result.arm != allocation.arm:
                problems.append(
                    f"allocation of {who}: arm differs from the one minimization replays"
                )
        before.append((levels, allocation.arm))
    return problems


def _minimization_verify(
    record: AllocationListRecord, params: RandomizationParams
) -> ListVerification:
    seed = seed_decrypt(record.seed_encrypted)
    problems = []
    if params.created_with() != record.created_with:
        problems.append("the stored parameters differ from the protocol's randomization design")
    if not hmac.compare_digest(minimization_commitment(params, seed), record.commitment):
        problems.append("the recorded commitment is not the SHA-256 of the parameters and the seed")
    problems += _replay_problems(params, seed)
    return ListVerification(
        commitment=record.commitment,
        slots=0,
        allocations=Allocation.objects.filter(voided=False).count(),
        problems=tuple(problems),
    )
