"""Case report forms: lab results in long form, the clinical assessment, demographics, and the
scores derived from them.

A lab result keeps the value and unit exactly as entered and the standardized value in the
catalogue's canonical unit (DESIGN.md, "Units"). A derived score records the formula's version
and the inputs it used, and is derived again whenever one of those inputs changes; its history is
the trail of every recomputation. At most one live (not voided) result per test, assessment and
score per visit, and one demographics record per participant.
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from hepatrial.edc.core.models import TrialModel
from hepatrial.edc.participants.models import Participant
from hepatrial.edc.visits.models import Visit

_LIVE = models.Q(voided=False)


class LabResult(TrialModel):
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="lab_results"
    )
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="lab_results")
    code = models.CharField(max_length=8)  # SDTM LBTESTCD
    value_entered = models.CharField(max_length=40)  # LBORRES, exactly as typed
    unit_entered = models.CharField(max_length=20)  # LBORRESU, exactly as typed
    value_std = models.FloatField()  # LBSTRESN, full precision
    unit_std = models.CharField(max_length=20)  # LBSTRESU
    flags = models.JSONField(default=list, blank=True)  # [{"kind", "message"}]
    history = HistoricalRecords()

    class Meta:
        ordering = ("visit", "code")
        constraints = [
            models.UniqueConstraint(
                fields=("visit", "code"), condition=_LIVE, name="crfs_one_live_result_per_test"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.value_entered} {self.unit_entered}"


class ClinicalAssessment(TrialModel):
    """The protocol's clinical measures at a visit; grades are the protocol's grade codes."""

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="clinical_assessments"
    )
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="clinical_assessments")
    ascites_grade = models.CharField(max_length=40, blank=True)
    he_grade = models.CharField(max_length=40, blank=True)
    weight_kg = models.FloatField(null=True, blank=True)
    dialysis = models.BooleanField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ("visit",)
        constraints = [
            models.UniqueConstraint(
                fields=("visit",), condition=_LIVE, name="crfs_one_live_assessment_per_visit"
            )
        ]


class Demographics(TrialModel):
    """Sex and date of birth, which MELD 3.0 needs (sex, and age at the visit)."""

    class Sex(models.TextChoices):
        FEMALE = "F"
        MALE = "M"

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="demographics"
    )
    sex = models.CharField(max_length=1, choices=Sex.choices)
    birth_date = models.DateField()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("participant",), condition=_LIVE, name="crfs_one_live_demographics"
            )
        ]


class DerivedScore(TrialModel):
    """A score derived at a visit: its value, grade or class, formula version and inputs used."""

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="derived_scores"
    )
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="derived_scores")
    code = models.CharField(max_length=20)  # the protocol's score code
    value = models.FloatField()
    grade = models.CharField(max_length=10, blank=True)  # Child-Pugh class, ALBI grade
    formula = models.CharField(max_length=200)
    # The value of every input, in canonical units, with the record and version it came from.
    inputs = models.JSONField(default=dict)
    # How the formula used them (bounds applied, component points): the result's to_dict().
    details = models.JSONField(default=dict)
    history = HistoricalRecords()

    class Meta:
        ordering = ("visit", "code")
        constraints = [
            models.UniqueConstraint(
                fields=("visit", "code"), condition=_LIVE, name="crfs_one_live_score_per_visit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.value:g}"
