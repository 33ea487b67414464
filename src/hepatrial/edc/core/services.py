"""The write path every app's services share: validate, check the lock, audit, version.

A service calls :func:`record_create`, :func:`record_update` or :func:`record_void` inside its own
``transaction.atomic`` block. These set the history user and reason, so every history row says
who, when (UTC), what and why, and they implement optimistic locking: an update names the version
it was read at, and is refused with a :class:`~hepatrial.errors.ConflictError` if someone saved the
record since.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

from hepatrial.edc.core.models import TrialModel
from hepatrial.errors import ConflictError, InputError

M = TypeVar("M", bound=TrialModel)

__all__ = ["record_create", "record_update", "record_void", "require_reason", "validate"]


def validate(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    """``full_clean`` with Django's messages turned into one InputError naming every field."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=True)
    except ValidationError as error:
        problems = []
        for field, messages in error.message_dict.items():
            received = getattr(instance, field, None) if field != "__all__" else None
            problems.append(f"{field}: expected {' '.join(messages).rstrip('.')}, got {received!r}")
        first_field = next(iter(error.message_dict))
        raise InputError(
            "; ".join(problems),
            field=first_field,
            expected=" ".join(error.message_dict[first_field]),
            received=getattr(instance, first_field, None),
        ) from None


def require_reason(reason: str | None) -> str:
    """A change after first entry, and every void, needs a stated reason (21 CFR 11.10(e))."""
    if reason is None or not reason.strip():
        raise InputError(field="reason", expected="the reason for the change", received=reason)
    return reason.strip()


def _ensure_writable() -> None:
    from hepatrial.edc.study.selectors import study_ensure_unlocked

    study_ensure_unlocked()


# The apps whose records make up a participant's casebook. Data queries and the signatures
# themselves are about the casebook, not in it, so they do not void a signature.
CASEBOOK_APPS = frozenset(
    {"participants", "randomization", "dosing", "visits", "crfs", "outcomes", "safety"}
)


def _void_signatures(instance: models.Model, user: Any) -> None:
    """Any write to a participant's casebook data voids their casebook signature (11.10(e))."""
    meta = instance._meta
    if meta.app_label not in CASEBOOK_APPS:
        return
    participant_id = instance.pk if meta.label == "participants.Participant" else None
    participant_id = getattr(instance, "participant_id", participant_id)
    if participant_id is None:
        return
    from hepatrial.edc.casebooks.services import signatures_void_after_change

    signatures_void_after_change(
        participant_id=participant_id, user=user, what=f"{meta.label} {instance.pk}"
    )


def record_create(model: type[M], *, user: Any, **fields: Any) -> M:
    """Create, validate and save a trial record as ``user`` (first entry needs no reason)."""
    _ensure_writable()
    instance = model(created_by=user, modified_by=user, **fields)
    validate(instance)
    instance._history_user = user  # type: ignore[attr-defined]
    instance.save()
    _void_signatures(instance, user)
    return instance


def _locked(model: type[M], pk: Any, expected_version: int) -> M:
    instance = model._default_manager.select_for_update().get(pk=pk)
    if instance.version != expected_version:
        raise ConflictError(
            f"{model.__name__} {pk}: expected version {expected_version} (the version you were "
            f"editing), got version {instance.version}: someone saved it since; reload it and "
            "apply your change again",
            field=f"{model.__name__} {pk}",
            expected=f"version {expected_version}",
            received=f"version {instance.version}",
        )
    return instance


def record_update(
    model: type[M],
    pk: Any,
    *,
    user: Any,
    expected_version: int,
    reason: str | None,
    changes: Mapping[str, Any],
) -> M:
    """Apply ``changes`` to the record read at ``expected_version``, with the reason why."""
    why = require_reason(reason)
    _ensure_writable()
    instance = _locked(model, pk, expected_version)
    if instance.voided:
        raise InputError(
            field=f"{model.__name__} {pk}",
            expected="a record that is not voided",
            received="a voided record",
        )
    unknown = [name for name in changes if name not in {f.name for f in model._meta.fields}]
    if unknown:
        raise InputError(field="changes", expected=f"fields of {model.__name__}", received=unknown)
    for name, value in changes.items():
        setattr(instance, name, value)
    instance.modified_by = user
    instance.version += 1
    validate(instance)
    instance._history_user = user  # type: ignore[attr-defined]
    instance._change_reason = why  # type: ignore[attr-defined]
    instance.save()
    _void_signatures(instance, user)
    return instance


def record_void(
    model: type[M], pk: Any, *, user: Any, expected_version: int, reason: str | None
) -> M:
    """Void a record with a reason; it stays in the database and in every history."""
    why = require_reason(reason)
    _ensure_writable()
    instance = _locked(model, pk, expected_version)
    instance.voided = True
    instance.void_reason = why
    instance.modified_by = user
    instance.version += 1
    instance._history_user = user  # type: ignore[attr-defined]
    instance._change_reason = f"voided: {why}"  # type: ignore[attr-defined]
    instance.save()
    _void_signatures(instance, user)
    return instance
