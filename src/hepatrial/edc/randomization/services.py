"""Generating the allocation list, randomizing a participant, and emergency unblinding.

Concurrency: the next unused slot of the stratum is read with a row lock
(``SELECT ... ORDER BY sequence LIMIT 1 FOR UPDATE``). On PostgreSQL a second randomization that
reaches the same slot waits; once the first commits, PostgreSQL re-checks the row, finds it used
and moves on to the next one, so simultaneous randomizations take consecutive slots in list
order. ``skip_locked`` is deliberately not used: it would let a later request jump ahead of one
that may still roll back, consuming the concealed sequence out of order. On SQLite the IMMEDIATE
transactions already serialize writers.

Allocations are never undone: there is no service to void one, and the model refuses deletion.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from hepatrial.design.randomization import LIST_FORMAT, RandomizationParams, allocation_list
from hepatrial.design.workflow import next_status
from hepatrial.edc.core.masking import allocation_visible
from hepatrial.edc.core.notify import notify_unblinding
from hepatrial.edc.core.permissions import require
from hepatrial.edc.core.services import record_create, record_update, require_reason
from hepatrial.edc.participants.models import Participant
from hepatrial.edc.randomization._seed import seed_check, seed_draw, seed_encrypt
from hepatrial.edc.randomization._stratum import stratum_text
from hepatrial.edc.randomization.models import (
    Allocation,
    AllocationListRecord,
    AllocationSlot,
    UnblindingRequest,
)
from hepatrial.edc.randomization.selectors import allocation_arm_get
from hepatrial.edc.study.selectors import (
    protocol_version_get,
    study_ensure_unlocked,
    study_protocol,
)
from hepatrial.errors import WorkflowError

__all__ = ["participant_randomize", "randomization_list_generate", "unblinding_request"]


@transaction.atomic
def randomization_list_generate(
    *, user: Any, seed: int | None = None, allow_weak_seed: bool = False
) -> AllocationListRecord:
    """Generate and store the study's one allocation list; record its SHA-256 commitment.

    Without ``seed``, 128 bits are drawn from the operating system. A seed below 2**64 is refused
    unless ``allow_weak_seed`` (tests only): see :mod:`hepatrial.edc.randomization._seed`.
    """
    require(user, "randomization.generate")
    study_ensure_unlocked()
    existing = AllocationListRecord.objects.first()
    if existing is not None:
        raise WorkflowError(
            field="allocation list",
            expected="no list yet (a study has exactly one, generated once)",
            received=f"a list generated on {existing.generated_at:%Y-%m-%d} "
            f"with commitment {existing.commitment}",
        )
    chosen = seed_draw() if seed is None else seed_check(seed, allow_weak_seed=allow_weak_seed)
    version = protocol_version_get()
    generated = allocation_list(_params(), seed=chosen)
    record = record_create(
        AllocationListRecord,
        user=user,
        protocol_version=version,
        commitment=generated.commitment(),
        list_format=LIST_FORMAT,
        created_with={k: v for k, v in generated.created_with().items() if k != "seed"},
        seed_encrypted=seed_encrypt(chosen),
        generated_by=user,
        generated_at=timezone.now(),
    )
    for slot in generated.slots:
        record_create(
            AllocationSlot,
            user=user,
            allocation_list=record,
            stratum=stratum_text(slot.stratum),
            sequence=slot.sequence,
            block=slot.block,
            block_size=slot.block_size,
            arm=slot.arm,
        )
    return record


def _params() -> RandomizationParams:
    return RandomizationParams.from_protocol(study_protocol())


@transaction.atomic
def participant_randomize(
    *, user: Any, participant: Participant, stratum_levels: Mapping[str, str] | None = None
) -> Allocation:
    """Give ``participant`` the next unused slot of their stratum.

    The participant must be eligible (confirmed eligibility, which requires consent first).
    ``stratum_levels`` maps each stratification factor of the protocol to the participant's
    level; leave it out when the scheme is unstratified. The returned allocation carries the arm:
    pages show it only through :func:`~hepatrial.edc.randomization.selectors.allocation_get`.
    """
    require(user, "participant.randomize")
    study_ensure_unlocked()
    record = AllocationListRecord.objects.filter(voided=False).first()
    if record is None:
        raise WorkflowError(
            field="allocation list",
            expected="a list generated at study set-up (`hepatrial randomization generate`)",
            received="no list",
        )
    current = Participant.objects.select_for_update().get(pk=participant.pk)
    target = next_status(current.status, "randomize")
    stratum = stratum_text(_params().stratum_key(dict(stratum_levels or {})))
    slot = (
        AllocationSlot.objects.select_for_update()
        .filter(allocation_list=record, stratum=stratum, used=False, voided=False)
        .order_by("sequence")
        .first()
    )
    if slot is None:
        raise WorkflowError(
            field="stratum",
            expected=f"an unused slot in stratum {stratum}",
            received="every slot of the stratum used",
        )
    record_update(
        AllocationSlot,
        slot.pk,
        user=user,
        expected_version=slot.version,
        reason=f"randomized {current.study_id}",
        changes={"used": True},
    )
    allocation = record_create(
        Allocation,
        user=user,
        participant=current,
        slot=slot,
        stratum=stratum,
        arm=slot.arm,
        randomized_at=timezone.now(),
        randomized_by=user,
    )
    allocation.participant = record_update(
        Participant,
        current.pk,
        user=user,
        expected_version=current.version,
        reason="randomized",
        changes={"status": target},
    )
    return allocation


@transaction.atomic
def unblinding_request(*, user: Any, participant: Participant, reason: str) -> str:
    """Emergency unblinding: reveal ``participant``'s arm code to the requesting investigator.

    The request (who, when, why, and whether it revealed anything) is kept in the audited
    trail and listed to the whole trial team; from then on the arm of this participant, and of
    no other, is visible to this investigator.
    """
    require(user, "unblinding.request")
    why = require_reason(reason)
    arm = allocation_arm_get(participant.pk)
    if arm is None:
        raise WorkflowError(
            field="participant",
            expected="a randomized participant",
            received=f"{participant.study_id}, not randomized",
        )
    request = record_create(
        UnblindingRequest,
        user=user,
        participant=participant,
        requested_by=user,
        requested_at=timezone.now(),
        reason=why,
        revealed=not allocation_visible(user, participant_id=participant.pk),
    )
    notify_unblinding(request=request)
    return arm
