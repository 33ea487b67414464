"""Generating the allocation list, randomizing a participant, and emergency unblinding.

Concurrency: the next unused slot of the stratum is read with a row lock
(``SELECT ... ORDER BY sequence LIMIT 1 FOR UPDATE``). On PostgreSQL a second randomization that
reaches the same slot waits; once the first commits, PostgreSQL re-checks the row, finds it used
and moves on to the next one, so simultaneous randomizations take consecutive slots in list
order. ``skip_locked`` is deliberately not used: it would let a later request jump ahead of one
that may still roll back, consuming the concealed sequence out of order. On SQLite the IMMEDIATE
transactions already serialize writers.

Minimization (``scheme: minimization`` in the protocol) has no list. Set-up still goes through
:func:`randomization_list_generate`, which stores the encrypted seed and the SHA-256 commitment of
the parameters and the seed (``hepatrial.design.minimization_commitment``), and no slot. Each
randomization locks that one record row (``SELECT ... FOR UPDATE``), so minimizations run one at
a time and each sees every allocation before it; reads the stratum levels and arm of every
allocation so far; and draws from ``random.Random`` seeded with SHA-256 of the seed and the
allocation's sequence number (1, 2, ... over the study). The sequence number, every arm's
imbalance score and whether the preferred arm was followed are stored with the allocation, so
anyone holding the seed can replay the assignments in order
(:func:`~hepatrial.edc.randomization.verification.randomization_list_verify` does).

Allocations are never undone: there is no service to void one, and the model refuses deletion.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from hepatrial.design.randomization import (
    LIST_FORMAT,
    MINIMIZATION_FORMAT,
    MinimizationResult,
    RandomizationParams,
    allocation_list,
    minimization_commitment,
    minimization_rng,
)
from hepatrial.design.workflow import next_status
from hepatrial.edc.core.masking import allocation_visible
from hepatrial.edc.core.notify import notify_unblinding
from hepatrial.edc.core.permissions import require
from hepatrial.edc.core.services import record_create, record_update, require_reason
from hepatrial.edc.participants.models import Participant
from hepatrial.edc.randomization._seed import seed_check, seed_decrypt, seed_draw, seed_encrypt
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
from hepatrial.errors import InputError, WorkflowError

__all__ = ["participant_randomize", "randomization_list_generate", "unblinding_request"]


@transaction.atomic
def randomization_list_generate(
    *, user: Any, seed: int | None = None, allow_weak_seed: bool = False
) -> AllocationListRecord:
    """Generate and store the study's one allocation list; record its SHA-256 commitment.

    Without ``seed``, 128 bits are drawn from the operating system. A seed below 2**64 is refused
    unless ``allow_weak_seed`` (tests only): see :mod:`hepatrial.edc.randomization._seed`.
    Under minimization no slot is stored: the record keeps the encrypted seed, the parameters and
    the commitment of both, and every randomization then draws from that seed.
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
    params = _params()
    if params.scheme == "minimization":
        return record_create(
            AllocationListRecord,
            user=user,
            protocol_version=version,
            commitment=minimization_commitment(params, chosen),
            list_format=MINIMIZATION_FORMAT,
            created_with=params.created_with(),
            seed_encrypted=seed_encrypt(chosen),
            generated_by=user,
            generated_at=timezone.now(),
        )
    generated = allocation_list(params, seed=chosen)
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


def _moment(now: object) -> dt.datetime:
    """``now`` (an aware time, not in the future) or, when None, the real time."""
    real = timezone.now()
    if now is None:
        return real
    if not isinstance(now, dt.datetime) or timezone.is_naive(now) or now > real:
        raise InputError(
            field="now", expected="an aware date and time, not in the future", received=now
        )
    return now


def _params() -> RandomizationParams:
    return RandomizationParams.from_protocol(study_protocol())


@transaction.atomic
def participant_randomize(
    *,
    user: Any,
    participant: Participant,
    stratum_levels: Mapping[str, str] | None = None,
    now: dt.datetime | None = None,
) -> Allocation:
    """Give ``participant`` the next unused slot of their stratum, or an arm by minimization.

    The participant must be eligible (confirmed eligibility, which requires consent first).
    ``stratum_levels`` maps each stratification factor of the protocol to the participant's
    level; leave it out when the scheme is unstratified. Minimization needs a level for every
    factor. The returned allocation carries the arm: pages show it only through
    :func:`~hepatrial.edc.randomization.selectors.allocation_get`. ``now`` is the caller's
    clock for the time of randomization (the demo replays past days), by default the real time.
    """
    require(user, "participant.randomize")
    when = _moment(now)
    study_ensure_unlocked()
    params = _params()
    records = AllocationListRecord.objects.filter(voided=False)
    if params.scheme == "minimization":
        records = records.select_for_update()
    record = records.first()
    if record is None:
        raise WorkflowError(
            field="allocation list",
            expected="a list generated at study set-up (`hepatrial randomization generate`)",
            received="no list",
        )
    current = Participant.objects.select_for_update().get(pk=participant.pk)
    target = next_status(current.status, "randomize")
    key = params.stratum_key(dict(stratum_levels or {}))
    stratum = stratum_text(key)
    if params.scheme == "minimization":
        existing = [
            (json.loads(levels), arm)
            for levels, arm in Allocation.objects.filter(voided=False).values_list("stratum", "arm")
        ]
        sequence = len(existing) + 1
        rng = minimization_rng(seed_decrypt(record.seed_encrypted), sequence)
        result = params.minimize(existing, dict(key), rng=rng)
        return _allocation_create(
            user=user,
            participant=current,
            target=target,
            stratum=stratum,
            arm=result.arm,
            randomized_at=when,
            minimization=_minimization_record(result, sequence),
        )
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
    return _allocation_create(
        user=user,
        participant=current,
        target=target,
        stratum=stratum,
        arm=slot.arm,
        randomized_at=when,
        slot=slot,
    )


def _minimization_record(result: MinimizationResult, sequence: int) -> dict[str, Any]:
    """The draw as JSON; fractions as exact text (``"1/2"``) so that ties stay visible."""
    return {
        "sequence": sequence,
        "measure": result.measure,
        "p_preferred": result.p_preferred,
        "preferred": list(result.preferred),
        "followed_preference": result.followed_preference,
        "imbalance": {
            item.arm: {
                "total": str(item.total),
                "by_factor": {factor: str(value) for factor, value in item.by_factor},
            }
            for item in result.imbalance
        },
    }


def _allocation_create(
    *,
    user: Any,
    participant: Participant,
    target: str,
    stratum: str,
    arm: str,
    randomized_at: dt.datetime,
    slot: AllocationSlot | None = None,
    minimization: dict[str, Any] | None = None,
) -> Allocation:
    allocation = record_create(
        Allocation,
        user=user,
        participant=participant,
        slot=slot,
        minimization=minimization,
        stratum=stratum,
        arm=arm,
        randomized_at=randomized_at,
        randomized_by=user,
    )
    allocation.participant = record_update(
        Participant,
        participant.pk,
        user=user,
        expected_version=participant.version,
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
