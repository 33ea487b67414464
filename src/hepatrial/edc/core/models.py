"""The audited base of every trial-data model, and the audit ledger.

Every trial-data model inherits :class:`TrialModel`: a UUID key, who created and last changed it
and when (UTC), a ``version`` for optimistic locking, voiding instead of deletion, and a full
history (django-simple-history) in which every change after first entry carries its reason.
Every history row, and every other audit event, is then chained into :class:`AuditEntry`: each
entry holds the SHA-256 of the row it records and of the entry before it, so a row changed or
removed behind the application's back breaks the chain where it happened.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models

from hepatrial.errors import WorkflowError


class TrialModel(models.Model):
    """Abstract base of trial data. Written only through services; never deleted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    modified_at = models.DateTimeField(auto_now=True)
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    voided = models.BooleanField(default=False)
    void_reason = models.TextField(blank=True)

    class Meta:
        abstract = True

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise WorkflowError(
            field=type(self).__name__,
            expected="a void with a reason (trial data is never deleted)",
            received="a delete",
        )


class AuditHead(models.Model):
    """The end of the chain: one row, locked by every append so entries are strictly ordered."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)


class AuditEntry(models.Model):
    """One link of the chain: which row it records, that row's digest, and the chained hash."""

    seq = models.PositiveBigIntegerField(primary_key=True)
    recorded_at = models.DateTimeField()
    model = models.CharField(max_length=100)  # app_label.ModelName of the recorded row
    object_pk = models.CharField(max_length=64)
    row_sha256 = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ("seq",)
        indexes = [models.Index(fields=("model", "object_pk"))]


class AccessEvent(models.Model):
    """An audited action that changes no trial record: sign-in, sign-out, failed sign-in,
    export, unblinded view (ICH E6(R3) 4.2.2(a)(i)). Append-only; chained like history rows."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField()
    username = models.CharField(max_length=150)
    action = models.CharField(max_length=40)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ("at",)
