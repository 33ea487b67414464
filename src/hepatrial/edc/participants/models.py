"""A participant, known everywhere by study ID; identifiers are kept apart and encrypted."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from hepatrial.design.workflow import Status
from hepatrial.edc.core.models import TrialModel
from hepatrial.edc.study.models import Site


class Participant(TrialModel):
    """One person from identification to the end of follow-up.

    ``status`` changes only through the services, following ``hepatrial.design.workflow``.
    ``day0`` is the day of the first infusion (study day 0), set when it is recorded.
    """

    study_id = models.CharField(max_length=20, unique=True)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="participants")
    status = models.CharField(
        max_length=20, choices=[(s.value, s.value) for s in Status], default=Status.IDENTIFIED
    )
    identified_on = models.DateField()
    day0 = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ("study_id",)

    def __str__(self) -> str:
        return self.study_id
