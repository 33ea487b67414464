"""A participant's visits: the protocol's schedule placed on the calendar from day 0.

A scheduled visit refers to its protocol definition (``study.VisitDefinition``) and keeps the
target date and window computed from day 0; an unscheduled visit has neither. A visit done outside
its window is a protocol deviation: ``deviation`` is set and ``deviation_text`` says by how much.
Status changes only through the services.
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from hepatrial.edc.core.models import TrialModel
from hepatrial.edc.participants.models import Participant
from hepatrial.edc.study.models import VisitDefinition


class VisitStatus(models.TextChoices):
    PLANNED = "planned"
    DUE = "due"
    OVERDUE = "overdue"
    DONE = "done"
    MISSED = "missed"
    NOT_DONE = "not done"


class Visit(TrialModel):
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="visits")
    definition = models.ForeignKey(
        VisitDefinition, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    code = models.CharField(max_length=20)
    label = models.CharField(max_length=100)
    # SDTM VISITNUM: the protocol's for a scheduled visit, the previous one's plus 0.01 per
    # unscheduled visit after it.
    visitnum = models.DecimalField(max_digits=8, decimal_places=2)
    unscheduled = models.BooleanField(default=False)
    # Unknown for a screening visit recorded before the first infusion fixes day 0.
    target_date = models.DateField(null=True, blank=True)
    earliest_date = models.DateField(null=True, blank=True)
    latest_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    actual_date = models.DateField(null=True, blank=True)
    reason = models.TextField(blank=True)  # why missed, not done, or unscheduled
    deviation = models.BooleanField(default=False)
    deviation_text = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ("participant", "visitnum")
        constraints = [
            models.UniqueConstraint(
                fields=("participant", "definition"),
                condition=models.Q(unscheduled=False),
                name="visits_one_scheduled_visit_per_definition",
            ),
            models.UniqueConstraint(
                fields=("participant", "visitnum"), name="visits_unique_visitnum"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.code}"
