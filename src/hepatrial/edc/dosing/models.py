"""Cell-product lots and the infusions given from them.

An infusion stores the dose as planned and as delivered. The arm's dose per kg, the cell counts
and the volumes reveal the arm, so their column names are in
``hepatrial.edc.core.masking.REVEALING_FIELDS`` and the selectors blank them for masked users.
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from hepatrial.edc.core.models import TrialModel
from hepatrial.edc.participants.models import Participant

RELEASE_STATUSES = ("released", "quarantined", "rejected")


class CellLot(TrialModel):
    """A lot of the investigational product, as its certificate of analysis describes it.

    ``concentration_per_ml`` counts all cells; ``viability`` is the viable fraction (0.95 for
    95 %). Only a released lot within its expiry date may be infused.
    """

    lot_number = models.CharField(max_length=40, unique=True)
    product_code = models.CharField(max_length=20)
    concentration_per_ml = models.FloatField()
    viability = models.FloatField()
    product_volume_ml = models.FloatField()
    manufactured_on = models.DateField()
    expires_on = models.DateField()
    release_status = models.CharField(
        max_length=12, choices=[(s, s) for s in RELEASE_STATUSES], default="released"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ("expires_on", "lot_number")

    def __str__(self) -> str:
        return str(self.lot_number)


class Infusion(TrialModel):
    """One infusion: the weight and lot it was calculated from, the dose, what was delivered.

    ``deviation_pct`` compares the delivered viable cells with the target; outside the
    protocol's tolerance ``within_tolerance`` is False and ``deviation_note`` records the protocol
    deviation (entry is not blocked).
    """

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="infusions")
    infusion_number = models.PositiveSmallIntegerField()
    lot = models.ForeignKey(CellLot, on_delete=models.PROTECT, related_name="infusions")
    infusion_date = models.DateField()
    weight_kg = models.FloatField()
    dose_per_kg = models.FloatField()
    target_cells = models.FloatField()
    planned_volume_ml = models.FloatField()
    delivered_volume_ml = models.FloatField()
    delivered_cells = models.FloatField()
    deviation_pct = models.FloatField()
    within_tolerance = models.BooleanField()
    deviation_note = models.TextField(blank=True)
    started_at = models.DateTimeField()
    stopped_at = models.DateTimeField()
    reaction = models.BooleanField()
    reactions = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ("participant", "infusion_number")
        constraints = [
            # A voided entry keeps its number so the corrected one can take it again.
            models.UniqueConstraint(
                fields=("participant", "infusion_number"),
                condition=models.Q(voided=False),
                name="infusion_number_once",
            )
        ]

    def __str__(self) -> str:
        return f"infusion {self.infusion_number} of {self.participant_id}"
