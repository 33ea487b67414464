"""The audit trail export as a service: who may ask, masking, an atomic file, an access record."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.apps import apps

from hepatrial.edc.accounts.models import User
from hepatrial.edc.core.audit import audit_export, record_access
from hepatrial.edc.core.masking import REVEALING_FIELDS, allocation_visible
from hepatrial.edc.core.permissions import require
from hepatrial.errors import InputError


def _revealing_columns() -> list[str]:
    return [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if field.name in REVEALING_FIELDS and not model.__name__.startswith("Historical")
    ]


# Identifiers are stored encrypted; even their ciphertext and keyed hash stay out of exports,
# which the registration's no-sharing plan requires to be de-identified.
IDENTIFIER_COLUMNS = tuple(
    f"participants.PersonalIdentifiers.{name}"
    for name in ("name_token", "phone_token", "national_id_token", "national_id_hmac")
)


def audit_trail_export(*, username: str, path: str | Path) -> int:
    """Export the whole trail to ``path`` for ``username``; the export itself is audited."""
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise InputError(field="--as", expected="an active account", received=username)
    require(user, "audit.export")
    redact = [*IDENTIFIER_COLUMNS, *([] if allocation_visible(user) else _revealing_columns())]
    target = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.resolve().parent)
    try:
        with os.fdopen(handle, "w", newline="", encoding="utf-8") as stream:
            lines = audit_export(stream, redact=redact)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    record_access(
        username=username, action="audit export", detail=f"{lines} lines, masked={bool(redact)}"
    )
    return lines
