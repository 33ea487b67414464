"""An electronic signature on a participant's casebook."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from hepatrial.edc.core.models import TrialModel
from hepatrial.edc.participants.models import Participant

MEANING = (
    "I have reviewed the data in this casebook and confirm that it is complete and accurate, "
    "as attested by my electronic signature."
)


class Signature(TrialModel):
    """Printed name, UTC time and meaning, bound to one participant's casebook (11.50).

    A later change to any of that participant's records voids it, with the reason, so the
    casebook must be signed again.
    """

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="signatures"
    )
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    printed_name = models.CharField(max_length=150)
    meaning = models.TextField()
    signed_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ("-signed_at",)
