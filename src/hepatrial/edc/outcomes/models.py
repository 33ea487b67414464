"""Outcome events: decompensation, death and liver transplant.

Decompensation events are the protocol's ``measures.events`` (GI bleeding, ascites, hepatic
encephalopathy in the seed trial); their codes are checked against the protocol by the service,
so a second trial's events need no new model. Death ends follow-up and is the primary outcome;
a liver transplant is an intercurrent event after which follow-up continues.
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from hepatrial.edc.core.models import TrialModel
from hepatrial.edc.participants.models import Participant


class Severity(models.TextChoices):
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"
    LIFE_THREATENING = "life-threatening"


class DecompensationEvent(TrialModel):
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="decompensation_events"
    )
    event_type = models.CharField(max_length=40)  # a code of the protocol's measures.events
    onset_on = models.DateField()
    severity = models.CharField(max_length=20, choices=Severity.choices)
    hospitalized = models.BooleanField()
    admitted_on = models.DateField(null=True, blank=True)
    discharged_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ("participant", "onset_on")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(discharged_on__isnull=True)
                | models.Q(discharged_on__gte=models.F("admitted_on")),
                name="decompensation_discharge_after_admission",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} on {self.onset_on}"


class Death(TrialModel):
    class Source(models.TextChoices):
        MEDICAL_RECORD = "medical record"
        DEATH_CERTIFICATE = "death certificate"
        RELATIVE = "relative or carer"
        OTHER = "other"

    participant = models.OneToOneField(Participant, on_delete=models.PROTECT, related_name="death")
    died_on = models.DateField()
    cause = models.TextField()
    source = models.CharField(max_length=30, choices=Source.choices)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"died on {self.died_on}"


class LiverTransplant(TrialModel):
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="liver_transplants"
    )
    transplanted_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ("participant", "transplanted_on")

    def __str__(self) -> str:
        return f"liver transplant on {self.transplanted_on}"
