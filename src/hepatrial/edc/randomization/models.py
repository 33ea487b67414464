"""The concealed allocation list, the allocations taken from it, and emergency unblinding.

The list is generated once from a secret seed (``hepatrial.design.allocation_list``) and stored
slot by slot (under minimization there are no slots: the record keeps the seed and the
commitment of the parameters); its SHA-256 commitment is recorded so an audit can prove it never
changed. The seed is kept only encrypted with the installation's Fernet key, so an auditor
holding the key can regenerate the list. Slots, allocations and the arm they carry are read only
through ``selectors``, which apply masking.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from hepatrial.edc.core.models import TrialModel
from hepatrial.edc.participants.models import Participant
from hepatrial.edc.study.models import ProtocolVersion


class AllocationListRecord(TrialModel):
    """The one allocation list of the study: how it was made and its published commitment.

    ``created_with`` is everything that regenerates the list except the seed;
    ``seed_encrypted`` is the seed as a Fernet token under ``settings.PII_KEY``.
    """

    # One list per protocol version: the database refuses a second even under a race.
    protocol_version = models.OneToOneField(
        ProtocolVersion, on_delete=models.PROTECT, related_name="allocation_list"
    )
    commitment = models.CharField(max_length=64, unique=True)
    list_format = models.CharField(max_length=60)
    created_with = models.JSONField()
    seed_encrypted = models.TextField()
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    generated_at = models.DateTimeField()
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"allocation list {self.commitment[:12]}"


class AllocationSlot(TrialModel):
    """One position of the list: the ``sequence``-th participant randomized in ``stratum``.

    ``stratum`` is the canonical JSON of the factor-to-level mapping (``{}`` when unstratified).
    The block number and size are as secret as the arm: with them the end of a block is
    predictable.
    """

    allocation_list = models.ForeignKey(
        AllocationListRecord, on_delete=models.PROTECT, related_name="slots"
    )
    stratum = models.CharField(max_length=400)
    sequence = models.PositiveIntegerField()
    block = models.PositiveIntegerField(null=True, blank=True)
    block_size = models.PositiveIntegerField(null=True, blank=True)
    arm = models.CharField(max_length=20)
    used = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ("stratum", "sequence")
        constraints = [
            models.UniqueConstraint(
                fields=("allocation_list", "stratum", "sequence"), name="slot_once_per_stratum"
            )
        ]
        indexes = [models.Index(fields=("stratum", "used", "sequence"))]

    def __str__(self) -> str:
        return f"slot {self.stratum} #{self.sequence}"


class Allocation(TrialModel):
    """A participant's randomization: the slot taken and its arm. Never undone.

    Under minimization there is no slot; ``minimization`` then records the draw: its
    ``sequence`` (1, 2, ... over the study, which seeds its generator), each arm's imbalance
    score (exact fractions as text), the ``preferred`` arms and whether the arm assigned
    ``followed_preference``. It reveals the arm as surely as ``arm`` does.
    """

    participant = models.OneToOneField(
        Participant, on_delete=models.PROTECT, related_name="allocation"
    )
    slot = models.OneToOneField(
        AllocationSlot,
        on_delete=models.PROTECT,
        related_name="allocation",
        null=True,
        blank=True,
    )
    minimization = models.JSONField(null=True, blank=True)
    stratum = models.CharField(max_length=400)
    arm = models.CharField(max_length=20)
    randomized_at = models.DateTimeField()
    randomized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"allocation of {self.participant_id}"


class UnblindingRequest(TrialModel):
    """An emergency unblinding: who asked, for whom, when and why.

    ``revealed`` says whether the request showed the arm to a requester who was masked before;
    it is False when the requester could already see it.
    """

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="unblinding_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    reason = models.TextField()
    revealed = models.BooleanField()
    history = HistoricalRecords()

    class Meta:
        ordering = ("requested_at",)

    def __str__(self) -> str:
        return f"unblinding of {self.participant_id}"
