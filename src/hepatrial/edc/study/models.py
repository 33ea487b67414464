"""The study's reference data, copied from the protocol file at set-up, and its lock state.

The protocol file stays the source of truth: ``ProtocolVersion`` keeps its full text and SHA-256,
and the other tables are indexed copies so that records can refer to arms, visits and criteria
by foreign key.
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from hepatrial.edc.core.models import TrialModel


class ProtocolVersion(TrialModel):
    registry_id = models.CharField(max_length=40)
    version = models.CharField(max_length=40)
    sha256 = models.CharField(max_length=64, unique=True)
    text = models.TextField()
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.registry_id} v{self.version}"


class Site(TrialModel):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    time_zone = models.CharField(max_length=64)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Arm(TrialModel):
    code = models.CharField(max_length=20, unique=True)
    label = models.CharField(max_length=200)
    dose_per_kg = models.FloatField()
    route = models.CharField(max_length=100)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.code


class VisitDefinition(TrialModel):
    code = models.CharField(max_length=20, unique=True)
    label = models.CharField(max_length=100)
    visitnum = models.PositiveIntegerField()
    day = models.IntegerField()
    window_before = models.PositiveIntegerField()
    window_after = models.PositiveIntegerField()
    history = HistoricalRecords()

    class Meta:
        ordering = ("day",)

    def __str__(self) -> str:
        return self.code


class CriterionDefinition(TrialModel):
    code = models.CharField(max_length=20, unique=True)
    kind = models.CharField(
        max_length=10, choices=[("inclusion", "inclusion"), ("exclusion", "exclusion")]
    )
    text = models.TextField()
    decision = models.CharField(
        max_length=10, choices=[("computed", "computed"), ("attested", "attested")]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ("kind", "code")

    def __str__(self) -> str:
        return self.code


class StudyState(TrialModel):
    """One row: whether the database is locked. Locking and unlocking each need a reason."""

    locked = models.BooleanField(default=False)
    history = HistoricalRecords()
