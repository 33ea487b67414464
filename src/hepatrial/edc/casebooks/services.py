"""Signing a casebook, and voiding signatures when signed data changes."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from hepatrial.edc.casebooks.models import MEANING, Signature
from hepatrial.edc.core.audit import record_access
from hepatrial.edc.core.permissions import require
from hepatrial.edc.core.services import record_create
from hepatrial.edc.participants.models import Participant
from hepatrial.errors import AccessDeniedError, WorkflowError

__all__ = ["casebook_sign", "signatures_void_after_change"]


def casebook_sign(
    *, user: Any, participant: Participant, password: str, meaning: str = MEANING
) -> Signature:
    """Sign ``participant``'s casebook. The password is asked again at every signing, so each
    signature uses both components, the identity and the password (21 CFR 11.200(a))."""
    require(user, "casebook.sign")
    if not password or not user.check_password(password):
        # A refused signature is evidence too; it is recorded before the error is raised.
        record_access(
            username=user.get_username(), action="signature refused", detail=str(participant)
        )
        raise AccessDeniedError(
            field="password", expected="the signer's own password", received="a wrong password"
        )
    with transaction.atomic():
        return _sign(user, participant, meaning)


def _sign(user: Any, participant: Participant, meaning: str) -> Signature:
    if Signature.objects.filter(participant=participant, voided=False).exists():
        raise WorkflowError(
            field="casebook",
            expected="an unsigned casebook",
            received=f"{participant} already signed",
        )
    return record_create(
        Signature,
        user=user,
        participant=participant,
        signer=user,
        printed_name=user.full_name or user.get_username(),
        meaning=meaning,
        signed_at=timezone.now(),
    )


def signatures_void_after_change(*, participant_id: Any, user: Any, what: str) -> int:
    """Void the participant's active signatures because ``what`` changed after signing."""
    with transaction.atomic():
        return _void_all(participant_id, user, what)


def _void_all(participant_id: Any, user: Any, what: str) -> int:
    voided = 0
    for signature in Signature.objects.select_for_update().filter(
        participant_id=participant_id, voided=False
    ):
        signature.voided = True
        signature.void_reason = f"data changed after signing: {what}"
        signature.modified_by = user
        signature.version += 1
        signature._history_user = user  # type: ignore[attr-defined]
        signature._change_reason = signature.void_reason  # type: ignore[attr-defined]
        signature.save()
        voided += 1
    return voided
