"""Reads of allocations, the list and unblindings, masked for whoever asks.

Only :func:`allocation_arm_get` returns an arm without asking who wants it: it exists for other
selectors and services that apply masking themselves, and must never feed a page directly.
"""

from __future__ import annotations

from typing import Any

from hepatrial.edc.core.audit import record_access
from hepatrial.edc.core.masking import allocation_visible, mask_mapping
from hepatrial.edc.core.permissions import require, role_of
from hepatrial.edc.randomization.models import (
    Allocation,
    AllocationListRecord,
    AllocationSlot,
    UnblindingRequest,
)
from hepatrial.edc.study.models import Arm
from hepatrial.errors import AccessDeniedError

__all__ = [
    "allocation_arm_get",
    "allocation_get",
    "allocation_list_get",
    "commitment_get",
    "unblinding_granted",
    "unblinding_list",
]


def allocation_arm_get(participant_id: Any) -> str | None:
    """RAW, UNMASKED: the arm code of ``participant_id``, or None if not randomized.

    For masking-aware code only (the dosing service, masked selectors); never show its result
    without asking :func:`~hepatrial.edc.core.masking.allocation_visible`.
    """
    arm: str | None = (
        Allocation.objects.filter(participant_id=participant_id, voided=False)
        .values_list("arm", flat=True)
        .first()
    )
    return arm


def _arm_labels() -> dict[str, str]:
    return dict(Arm.objects.values_list("code", "label"))


def allocation_get(*, user: Any, participant_id: Any) -> dict[str, Any]:
    """Whether and when ``participant_id`` was randomized, with the arm only for who may see it."""
    allocation = (
        Allocation.objects.select_related("participant", "randomized_by")
        .filter(participant_id=participant_id, voided=False)
        .first()
    )
    if allocation is None:
        row: dict[str, Any] = {
            "participant_id": participant_id,
            "randomized": False,
            "randomized_at": None,
            "randomized_by": None,
            "stratum": None,
            "arm": None,
            "arm_label": None,
        }
    else:
        row = {
            "participant_id": allocation.participant_id,
            "study_id": allocation.participant.study_id,
            "randomized": True,
            "randomized_at": allocation.randomized_at,
            "randomized_by": allocation.randomized_by.get_username(),
            "stratum": allocation.stratum,
            "arm": allocation.arm,
            "arm_label": _arm_labels().get(allocation.arm),
        }
    return mask_mapping(row, visible=allocation_visible(user, participant_id=participant_id))


def unblinding_granted(*, user: Any, participant_id: Any) -> bool:
    """Whether ``user`` made an emergency unblinding request for ``participant_id``."""
    if getattr(user, "pk", None) is None:
        return False
    return bool(
        UnblindingRequest.objects.filter(
            requested_by=user, participant_id=participant_id, voided=False
        ).exists()
    )


def unblinding_list(*, user: Any, participant_id: Any = None) -> list[dict[str, Any]]:
    """Every emergency unblinding (of one participant, if given), for the whole trial team: who,
    when, for whom and why.

    The arm appears only where ``user`` may see that participant's allocation.
    """
    require(user, "unblinding.view")
    rows = []
    labels = _arm_labels()
    requests = UnblindingRequest.objects.select_related("participant", "requested_by").filter(
        voided=False
    )
    if participant_id is not None:
        requests = requests.filter(participant_id=participant_id)
    for request in requests.order_by("requested_at"):
        arm = allocation_arm_get(request.participant_id)
        row = {
            "id": request.pk,
            "participant_id": request.participant_id,
            "study_id": request.participant.study_id,
            "requested_by": request.requested_by.get_username(),
            "requested_by_name": request.requested_by.full_name,
            "requested_at": request.requested_at,
            "reason": request.reason,
            "revealed": request.revealed,
            "arm": arm,
            "arm_label": labels.get(arm or ""),
        }
        visible = allocation_visible(user, participant_id=request.participant_id)
        rows.append(mask_mapping(row, visible=visible))
    return rows


def allocation_list_get(*, user: Any) -> list[dict[str, Any]]:
    """The whole allocation list, slot by slot, for unblinded roles only; the view is audited."""
    if not allocation_visible(user):
        raise AccessDeniedError(
            field="allocation list",
            expected="a user whose role is unblinded in the protocol",
            received=f"role {role_of(user) or 'none'}",
        )
    slots = AllocationSlot.objects.filter(voided=False).select_related("allocation__participant")
    rows = []
    for slot in slots.order_by("stratum", "sequence"):
        allocation = getattr(slot, "allocation", None)
        rows.append(
            {
                "stratum": slot.stratum,
                "sequence": slot.sequence,
                "block": slot.block,
                "block_size": slot.block_size,
                "arm": slot.arm,
                "used": slot.used,
                "study_id": allocation.participant.study_id if allocation else None,
            }
        )
    record_access(username=user.get_username(), action="unblinded view", detail="allocation list")
    return rows


def commitment_get() -> str | None:
    """The SHA-256 commitment of the list (safe to publish), or None before it is generated."""
    commitment: str | None = (
        AllocationListRecord.objects.filter(voided=False)
        .values_list("commitment", flat=True)
        .first()
    )
    return commitment
