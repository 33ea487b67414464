"""Adverse events, graded by CTCAE and classified as serious by the ICH E2A criteria.

``serious`` is derived by the service from the seriousness criteria (ICH E2A, 1994, II.B: results
in death, is life-threatening, requires or prolongs hospitalization, results in persistent or
significant disability, is a congenital anomaly, or is another important medical event); grade 5
(death related to the event; NCI CTCAE v5.0, 2017) implies the death criterion. A serious event
carries a reporting clock: the report to the sponsor is due 24 hours after the site became aware
of it (the protocol's reading of ICH E6(R3) "immediately").
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from hepatrial.edc.core.models import TrialModel
from hepatrial.edc.participants.models import Participant

# The ICH E2A criteria, in the order of the SAE form; each is a boolean column ``criterion_<code>``.
SERIOUSNESS_CRITERIA = (
    "death",
    "life_threatening",
    "hospitalization",
    "disability",
    "congenital_anomaly",
    "important_medical_event",
)


class Relatedness(models.TextChoices):
    """Causality to the infusion, on the five-point scale of the case report form."""

    NOT_RELATED = "not_related", "not related"
    UNLIKELY = "unlikely"
    POSSIBLE = "possible"
    PROBABLE = "probable"
    DEFINITE = "definite"


class ActionTaken(models.TextChoices):
    """Action with the study infusion (CDISC AEACN)."""

    DOSE_NOT_CHANGED = "dose_not_changed", "dose not changed"
    INFUSION_INTERRUPTED = "infusion_interrupted", "infusion interrupted"
    INFUSION_STOPPED = "infusion_stopped", "infusion stopped"
    NOT_APPLICABLE = "not_applicable", "not applicable"
    UNKNOWN = "unknown"


class Outcome(models.TextChoices):
    """Outcome of the event (CDISC AEOUT)."""

    RECOVERED = "recovered", "recovered/resolved"
    RECOVERING = "recovering", "recovering/resolving"
    NOT_RECOVERED = "not_recovered", "not recovered/not resolved"
    RECOVERED_WITH_SEQUELAE = "recovered_with_sequelae", "recovered/resolved with sequelae"
    FATAL = "fatal"
    UNKNOWN = "unknown"


class AdverseEvent(TrialModel):
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="adverse_events"
    )
    term = models.CharField(max_length=200)
    onset_on = models.DateField()
    resolved_on = models.DateField(null=True, blank=True)
    grade = models.PositiveSmallIntegerField(choices=[(g, f"grade {g}") for g in range(1, 6)])
    criterion_death = models.BooleanField(default=False)
    criterion_life_threatening = models.BooleanField(default=False)
    criterion_hospitalization = models.BooleanField(default=False)
    criterion_disability = models.BooleanField(default=False)
    criterion_congenital_anomaly = models.BooleanField(default=False)
    criterion_important_medical_event = models.BooleanField(default=False)
    serious = models.BooleanField(default=False)
    relatedness = models.CharField(max_length=20, choices=Relatedness.choices)
    action_taken = models.CharField(max_length=30, choices=ActionTaken.choices)
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    awareness_at = models.DateTimeField()
    sae_report_due_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ("participant", "onset_on")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(grade__gte=1, grade__lte=5), name="ae_ctcae_grade_1_to_5"
            ),
            models.CheckConstraint(
                condition=models.Q(serious=False) | models.Q(sae_report_due_at__isnull=False),
                name="sae_has_a_report_due_time",
            ),
        ]
        indexes = [models.Index(fields=("serious", "reported_at"))]

    def __str__(self) -> str:
        return f"{self.term} (grade {self.grade})"

    @property
    def seriousness(self) -> tuple[str, ...]:
        return tuple(c for c in SERIOUSNESS_CRITERIA if getattr(self, f"criterion_{c}"))
