"""The hash-chained audit ledger: append, verify, export.

21 CFR 11.10(e) asks for a secure, computer-generated, time-stamped audit trail that does not
obscure earlier values; ICH E6(R3) 4.2.2 adds that it cannot be disabled and is exportable.
django-simple-history keeps every version of every trial record; this module chains each of those
history rows (and every :class:`~hepatrial.edc.core.models.AccessEvent`) into
:class:`~hepatrial.edc.core.models.AuditEntry`, so that changing or deleting a stored row, or an
entry, outside the application is detected by :func:`audit_verify`.

Each entry stores the SHA-256 of the recorded row as read back from the database (so the digest
is of what is stored, not of what Python held), and ``hash = SHA-256(prev_hash | seq | recorded_at
| model | pk | row_sha256)``. Appends lock the single :class:`AuditHead` row, so entries form one
strict sequence even under concurrent writers.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any
from uuid import UUID

from django.apps import apps
from django.db import models, transaction
from django.utils import timezone
from simple_history.signals import post_create_historical_record

from hepatrial.edc.core.models import AccessEvent, AuditEntry, AuditHead

GENESIS = "0" * 64

__all__ = [
    "ChainBreak",
    "audit_append",
    "audit_export",
    "audit_verify",
    "connect",
    "record_access",
    "row_digest",
]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def row_payload(instance: models.Model) -> str:
    """The canonical JSON of a stored row: every concrete column, keys sorted."""
    data = {
        f.attname: _jsonable(f.value_from_object(instance)) for f in instance._meta.concrete_fields
    }
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def row_digest(instance: models.Model) -> str:
    return hashlib.sha256(row_payload(instance).encode()).hexdigest()


def _entry_hash(
    prev: str, seq: int, recorded_at: dt.datetime, model: str, pk: str, row: str
) -> str:
    text = f"{prev}|{seq}|{_jsonable(recorded_at)}|{model}|{pk}|{row}"
    return hashlib.sha256(text.encode()).hexdigest()


def _label(instance: models.Model) -> str:
    return instance._meta.label


def audit_append(instance: models.Model) -> AuditEntry:
    """Chain ``instance`` (a history row or an access event, already saved) into the ledger.

    Runs inside the caller's transaction, so the entry exists exactly when the row does.
    """
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        stored = type(instance)._default_manager.get(pk=instance.pk)
        seq = head.seq + 1
        now = timezone.now()
        digest = row_digest(stored)
        # Microsecond timestamps survive the round trip on SQLite and PostgreSQL alike, so
        # the hash computed here is the hash of what is stored.
        entry = AuditEntry.objects.create(
            seq=seq,
            recorded_at=now,
            model=_label(stored),
            object_pk=str(stored.pk),
            row_sha256=digest,
            prev_hash=head.hash,
            hash=_entry_hash(head.hash, seq, now, _label(stored), str(stored.pk), digest),
        )
        head.seq, head.hash = seq, entry.hash
        head.save(update_fields=["seq", "hash"])
        return entry


def record_access(*, username: str, action: str, detail: str = "") -> AccessEvent:
    """Record and chain an action that changes no trial record (sign-in, export, ...)."""
    with transaction.atomic():
        event = AccessEvent.objects.create(
            at=timezone.now(), username=username, action=action, detail=detail
        )
        audit_append(event)
        return event


def _on_history(sender: Any, history_instance: models.Model, **kwargs: Any) -> None:
    audit_append(history_instance)


def _on_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record_access(username=user.get_username(), action="sign-in")


def _on_sign_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record_access(username=user.get_username(), action="sign-out")


def _on_sign_in_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    # Only the username is kept: the password tried never enters the trail.
    record_access(username=str(credentials.get("username", "")), action="sign-in failed")


def connect() -> None:
    """Chain every history row simple-history writes, and every sign-in, sign-out and failed
    sign-in (ICH E6(R3) 4.2.2(a)(i)); called once from ``CoreConfig.ready``."""
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

    post_create_historical_record.connect(_on_history, dispatch_uid="hepatrial-audit-chain")
    user_logged_in.connect(_on_sign_in, dispatch_uid="hepatrial-sign-in")
    user_logged_out.connect(_on_sign_out, dispatch_uid="hepatrial-sign-out")
    user_login_failed.connect(_on_sign_in_failed, dispatch_uid="hepatrial-sign-in-failed")


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first place the chain does not hold, in words an inspector can act on."""

    seq: int | None
    model: str
    object_pk: str
    problem: str

    def __str__(self) -> str:
        where = f"entry {self.seq}" if self.seq is not None else "ledger"
        return f"{where} ({self.model} {self.object_pk}): {self.problem}"


@dataclass(frozen=True, slots=True)
class VerifyResult:
    entries: int
    head_hash: str
    breaks: tuple[ChainBreak, ...]

    @property
    def ok(self) -> bool:
        return not self.breaks


def _chained_models() -> list[type[models.Model]]:
    history = [
        m
        for m in apps.get_models()
        if m.__name__.startswith("Historical") and hasattr(m, "history_id")
    ]
    return [*history, AccessEvent]


def audit_verify(*, chunk: int = 2000) -> VerifyResult:
    """Recompute the whole chain; report the first broken link and every unchained row."""
    breaks: list[ChainBreak] = []
    prev, expected_seq, count = GENESIS, 1, 0
    seen: dict[str, int] = {}
    entries = AuditEntry.objects.order_by("seq")
    for batch in _batches(entries.iterator(chunk_size=chunk), chunk):
        rows = _fetch_rows(batch)
        for entry in batch:
            count += 1
            seen[entry.model] = seen.get(entry.model, 0) + 1
            if breaks:
                continue
            problem = None
            if entry.seq != expected_seq:
                problem = f"expected entry {expected_seq} next; entries are missing"
            elif entry.prev_hash != prev:
                problem = "does not chain to the entry before it (an entry was removed or altered)"
            elif entry.hash != _entry_hash(
                prev, entry.seq, entry.recorded_at, entry.model, entry.object_pk, entry.row_sha256
            ):
                problem = "the entry itself was altered after it was written"
            else:
                row = rows.get((entry.model, entry.object_pk))
                if row is None:
                    problem = "the recorded row no longer exists (deleted outside the application)"
                elif row_digest(row) != entry.row_sha256:
                    problem = "the recorded row was changed after it was written"
            if problem:
                breaks.append(ChainBreak(entry.seq, entry.model, entry.object_pk, problem))
            prev, expected_seq = entry.hash, entry.seq + 1
    head = AuditHead.objects.filter(pk=1).first()
    if not breaks and head is not None and (head.seq != count or head.hash != prev):
        breaks.append(ChainBreak(None, "core.AuditHead", "1", "the newest entries were removed"))
    for model in _chained_models():
        stored = model._default_manager.count()
        chained = seen.get(model._meta.label, 0)
        if stored != chained:
            breaks.append(
                ChainBreak(
                    None,
                    model._meta.label,
                    "*",
                    f"{stored} rows stored but {chained} chained "
                    "(rows written outside the application)",
                )
            )
    return VerifyResult(entries=count, head_hash=prev, breaks=tuple(breaks))


def _batches(items: Iterable[AuditEntry], size: int) -> Iterator[list[AuditEntry]]:
    batch: list[AuditEntry] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _fetch_rows(batch: list[AuditEntry]) -> dict[tuple[str, str], models.Model]:
    by_model: dict[str, list[str]] = {}
    for entry in batch:
        by_model.setdefault(entry.model, []).append(entry.object_pk)
    rows: dict[tuple[str, str], models.Model] = {}
    for label, pks in by_model.items():
        model = apps.get_model(label)
        for row in model._default_manager.filter(pk__in=pks):
            rows[(label, str(row.pk))] = row
    return rows


EXPORT_COLUMNS = (
    "seq",
    "recorded_at_utc",
    "user",
    "model",
    "record_id",
    "action",
    "field",
    "old",
    "new",
    "reason",
    "entry_hash",
)
_ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


def audit_export(stream: IO[str], *, redact: Iterable[str] = ()) -> int:
    """Write the trail as CSV, one line per changed field, in chain order; return the lines.

    ``redact`` lists ``app.Model.field`` names of tracked models (``randomization.Allocation.arm``)
    whose values are replaced by ``[masked]`` for a masked requester.
    """
    hidden = set(redact)
    writer = csv.writer(stream)
    writer.writerow(EXPORT_COLUMNS)
    previous: dict[tuple[str, str], dict[str, Any]] = {}
    lines = 0
    for batch in _batches(AuditEntry.objects.order_by("seq").iterator(chunk_size=2000), 2000):
        rows = _fetch_rows(batch)
        for entry in batch:
            row = rows.get((entry.model, entry.object_pk))
            if row is None:
                continue
            for line in _export_lines(entry, row, previous, hidden):
                writer.writerow(line)
                lines += 1
    return lines


def _export_lines(
    entry: AuditEntry,
    row: models.Model,
    previous: dict[tuple[str, str], dict[str, Any]],
    hidden: set[str],
) -> Iterator[list[Any]]:
    base = [entry.seq, _jsonable(entry.recorded_at)]
    if isinstance(row, AccessEvent):
        yield [
            *base,
            row.username,
            entry.model,
            str(row.pk),
            row.action,
            "",
            "",
            row.detail,
            "",
            entry.hash,
        ]
        return
    tracked = row.instance_type  # type: ignore[attr-defined]
    label = tracked._meta.label
    user = row.history_user.get_username() if row.history_user_id else ""  # type: ignore[attr-defined]
    record_id = str(row.id)  # type: ignore[attr-defined]
    values = {
        f.attname: _jsonable(f.value_from_object(row))
        for f in row._meta.concrete_fields
        if not f.name.startswith("history_")
    }
    old = previous.get((label, record_id), {})
    previous[(label, record_id)] = values
    action = _ACTIONS.get(row.history_type, row.history_type)  # type: ignore[attr-defined]
    if action == "changed" and values.get("voided") and not old.get("voided"):
        action = "voided"
    reason = row.history_change_reason or ""  # type: ignore[attr-defined]
    skip = {"modified_at", "modified_by_id", "version"}
    for name, new in values.items():
        if name in skip or old.get(name) == new or (not old and new in ("", None)):
            continue
        before = old.get(name, "")
        if f"{label}.{name.removesuffix('_id')}" in hidden or f"{label}.{name}" in hidden:
            before, new = ("[masked]" if before != "" else ""), "[masked]"
        yield [*base, user, label, record_id, action, name, before, new, reason, entry.hash]
