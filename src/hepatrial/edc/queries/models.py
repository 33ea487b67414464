"""Data queries: a question about one field of one record, and its thread of messages.

A query points at any trial record by content type and primary key (kept as text, since every
trial record has a UUID key), and at the participant when the record belongs to one. Its origin
is a rule code, or ``manual`` when a person raised it. It moves open → answered → resolved →
closed; a rule's query is auto-closed when the data is corrected. Who and when of each step are
kept on the query; what was said is kept in :class:`QueryMessage`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from simple_history.models import HistoricalRecords

from hepatrial.edc.core.models import TrialModel
from hepatrial.edc.participants.models import Participant


class QueryStatus(models.TextChoices):
    OPEN = "open"
    ANSWERED = "answered"
    RESOLVED = "resolved"
    CLOSED = "closed"
    AUTO_CLOSED = "auto-closed"


# Still waiting on someone: the site to answer, or the monitor to accept the answer.
OUTSTANDING = (QueryStatus.OPEN, QueryStatus.ANSWERED)


class Query(TrialModel):
    """Raised by ``created_by`` at ``created_at``; each later step stamps its own who and when."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, null=True, blank=True, related_name="queries"
    )
    field = models.CharField(max_length=100, blank=True)
    rule = models.CharField(max_length=60)
    text = models.TextField()
    status = models.CharField(max_length=20, choices=QueryStatus.choices, default=QueryStatus.OPEN)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ("created_at",)
        verbose_name_plural = "queries"
        indexes = [
            models.Index(fields=("content_type", "object_id")),
            models.Index(fields=("status",)),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.field} ({self.status})"


class QueryMessage(TrialModel):
    """One message of a query's thread; its author and time are ``created_by``/``created_at``."""

    class Kind(models.TextChoices):
        RAISED = "raised"
        RESPONSE = "response"
        RESOLUTION = "resolution"
        CLOSURE = "closure"
        AUTO_CLOSURE = "auto-closure"

    query = models.ForeignKey(Query, on_delete=models.PROTECT, related_name="messages")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ("created_at",)

    def __str__(self) -> str:
        return f"{self.kind}: {self.text[:40]}"
