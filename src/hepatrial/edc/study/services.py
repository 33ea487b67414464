"""Setting a study up from its protocol file, and locking it."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from hepatrial.clinical.catalogue import protocol_lab_problems
from hepatrial.edc.accounts.models import User
from hepatrial.edc.accounts.services import user_create
from hepatrial.edc.core.permissions import require
from hepatrial.edc.core.services import record_create, require_reason
from hepatrial.edc.study.models import (
    Arm,
    CriterionDefinition,
    ProtocolVersion,
    Site,
    StudyState,
    VisitDefinition,
)
from hepatrial.errors import ProtocolError, WorkflowError
from hepatrial.protocol import parse_protocol, protocol_sha256

__all__ = ["study_init", "study_lock", "study_unlock"]


@transaction.atomic
def study_init(
    *,
    protocol_path: str | Path,
    admin_username: str,
    admin_password: str | None,
    admin_full_name: str,
    admin_email: str = "",
) -> ProtocolVersion:
    """Create the study from a protocol file and its first admin account, all or nothing."""
    if ProtocolVersion.objects.exists():
        raise WorkflowError(
            field="study", expected="an empty database", received="a study already set up"
        )
    raw = Path(protocol_path).read_bytes()
    text = raw.decode("utf-8")
    protocol = parse_protocol(text, source=str(protocol_path))
    problems = protocol_lab_problems(tuple(lab.code for lab in protocol.measures.labs))
    if problems:
        raise ProtocolError(problems, source=str(protocol_path))
    admin = user_create(
        actor=None,
        username=admin_username,
        full_name=admin_full_name,
        role="admin",
        password=admin_password,
        email=admin_email,
    )
    version = record_create(
        ProtocolVersion,
        user=admin,
        registry_id=protocol.identity.registry_id,
        version=protocol.identity.version,
        sha256=protocol_sha256(raw),
        text=text,
    )
    for site in protocol.identity.sites:
        record_create(Site, user=admin, code=site.code, name=site.name, time_zone=site.time_zone)
    for arm in protocol.arms:
        record_create(
            Arm,
            user=admin,
            code=arm.code,
            label=arm.label,
            dose_per_kg=arm.dose_per_kg,
            route=arm.route,
        )
    for visit in protocol.visits:
        record_create(
            VisitDefinition,
            user=admin,
            code=visit.code,
            label=visit.label,
            visitnum=visit.visitnum,
            day=visit.day,
            window_before=visit.window.before,
            window_after=visit.window.after,
        )
    for kind, criteria in (
        ("inclusion", protocol.eligibility.inclusion),
        ("exclusion", protocol.eligibility.exclusion),
    ):
        for criterion in criteria:
            record_create(
                CriterionDefinition,
                user=admin,
                code=criterion.code,
                kind=kind,
                text=criterion.text,
                decision=criterion.decision,
            )
    record_create(StudyState, user=admin, locked=False)
    return version


def _set_lock(user: User, reason: str, locked: bool) -> StudyState:
    require(user, "study.lock")
    why = require_reason(reason)
    state = StudyState.objects.select_for_update().get()
    if state.locked == locked:
        raise WorkflowError(
            field="study lock",
            expected="an unlocked study" if locked else "a locked study",
            received="locked" if state.locked else "unlocked",
        )
    # The lock itself must be writable while locked, so it bypasses the lock guard.
    state.locked = locked
    state.modified_by = user
    state.version += 1
    state._history_user = user  # type: ignore[attr-defined]
    state._change_reason = why  # type: ignore[attr-defined]
    state.save()
    return state


@transaction.atomic
def study_lock(*, user: User, reason: str) -> StudyState:
    """Lock the database: every write is refused until it is unlocked with a reason."""
    return _set_lock(user, reason, True)


@transaction.atomic
def study_unlock(*, user: User, reason: str) -> StudyState:
    return _set_lock(user, reason, False)
