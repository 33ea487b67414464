"""Shapes of participants, infusions, visits and labs: types only.

The clinical rules (dates, limits, units, the workflow) are the services'; a serializer only says
which fields a request has and of what type, so a wrong type is refused before a service is called
and everything else comes back from the service with its own message.
"""

from __future__ import annotations

import math
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

__all__ = [
    "InfusionSerializer",
    "LabCorrectSerializer",
    "LabPanelSerializer",
    "LabResultEnterSerializer",
    "LabRowSerializer",
    "LabTableSerializer",
    "NumberOrText",
    "ParticipantFilterSerializer",
    "ParticipantIdentifySerializer",
    "ParticipantSerializer",
    "VersionReasonSerializer",
    "VisitFormsSerializer",
    "VisitRecordSerializer",
    "VisitSerializer",
]

S = serializers.Serializer


class VersionReasonSerializer(S):  # type: ignore[type-arg]
    """Every edit of saved data names the version it was read at, and why it changes."""

    version = serializers.IntegerField(
        min_value=1, help_text="The `version` of the record as you read it (optimistic locking)."
    )
    reason = serializers.CharField(
        allow_blank=True, max_length=2000, help_text="Why the data change (21 CFR 11.10(e))."
    )


@extend_schema_field({"oneOf": [{"type": "number"}, {"type": "string", "maxLength": 40}]})
class NumberOrText(serializers.Field):  # type: ignore[type-arg]
    """A result as reported: a number, or the report's text (``"<5"``, ``"1,2"``)."""

    default_error_messages = {"invalid": "a number or the result's text as reported"}

    def to_internal_value(self, data: Any) -> float | str:
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            self.fail("invalid")
        if isinstance(data, str):
            if not data.strip() or len(data) > 40 or "\x00" in data:
                self.fail("invalid")
            return data
        if isinstance(data, float) and not math.isfinite(data):
            self.fail("invalid")
        return float(data)

    def to_representation(self, value: Any) -> Any:
        return value


# -- participants and infusions --------------------------------------------------------------


class ParticipantSerializer(S):  # type: ignore[type-arg]
    id = serializers.UUIDField()
    study_id = serializers.CharField()
    site = serializers.CharField()
    status = serializers.CharField()
    identified_on = serializers.DateField()
    consent_date = serializers.DateField(allow_null=True)
    consent_version = serializers.CharField(allow_null=True)
    day0 = serializers.DateField(allow_null=True, help_text="Day of the first infusion.")
    version = serializers.IntegerField()
    arm = serializers.CharField(
        required=False,
        help_text="The arm; present only for a user who may see the allocation.",
    )


class ParticipantFilterSerializer(S):  # type: ignore[type-arg]
    site = serializers.CharField(
        required=False, max_length=10, help_text="Only this site's participants."
    )


class ParticipantIdentifySerializer(S):  # type: ignore[type-arg]
    """A candidate identified at a site: who they are (stored encrypted) and when."""

    site_code = serializers.CharField(max_length=10)
    identified_on = serializers.DateField()
    name = serializers.CharField(max_length=200)
    phone = serializers.CharField(max_length=40)
    national_id = serializers.CharField(max_length=40)


def _masked(help_text: str) -> serializers.JSONField:
    return serializers.JSONField(help_text=f"{help_text}; `[masked]` for a masked user.")


class InfusionSerializer(S):  # type: ignore[type-arg]
    id = serializers.UUIDField()
    version = serializers.IntegerField()
    participant_id = serializers.UUIDField()
    study_id = serializers.CharField()
    infusion_number = serializers.IntegerField()
    infusion_date = serializers.DateField()
    lot_number = serializers.CharField()
    weight_kg = serializers.FloatField()
    arm = _masked("The arm")
    dose_per_kg = _masked("Cells per kg")
    target_cells = _masked("Cells planned")
    planned_volume_ml = _masked("Volume planned (mL)")
    delivered_volume_ml = _masked("Volume infused (mL)")
    delivered_cells = _masked("Cells infused")
    deviation_pct = serializers.FloatField()
    within_tolerance = serializers.BooleanField()
    deviation_note = serializers.CharField()
    started_at = _masked("Start (UTC)")
    stopped_at = _masked("Stop (UTC)")
    reaction = serializers.BooleanField()
    reactions = serializers.CharField()


# -- visits ----------------------------------------------------------------------------------


class VisitSerializer(S):  # type: ignore[type-arg]
    id = serializers.UUIDField()
    participant_id = serializers.UUIDField()
    study_id = serializers.CharField()
    site = serializers.CharField()
    code = serializers.CharField()
    label = serializers.CharField()
    visitnum = serializers.FloatField()
    unscheduled = serializers.BooleanField()
    target_date = serializers.DateField(allow_null=True)
    earliest_date = serializers.DateField(allow_null=True)
    latest_date = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    actual_date = serializers.DateField(allow_null=True)
    reason = serializers.CharField()
    deviation = serializers.BooleanField()
    deviation_text = serializers.CharField()
    version = serializers.IntegerField()


class VisitRecordSerializer(S):  # type: ignore[type-arg]
    """The date a visit took place; correcting a recorded date needs ``reason``."""

    actual_date = serializers.DateField()
    version = serializers.IntegerField(min_value=1, help_text="The visit's `version` as read.")
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=2000,
        help_text="Needed when the visit was already recorded (a correction).",
    )  # fmt: skip


# -- labs and scores -------------------------------------------------------------------------


class LabRowSerializer(S):  # type: ignore[type-arg]
    id = serializers.UUIDField()
    code = serializers.CharField()
    value_entered = serializers.CharField()
    unit_entered = serializers.CharField()
    value_std = serializers.FloatField(help_text="In the catalogue's canonical (SI) unit.")
    value_std_text = serializers.CharField(help_text="The standardized value as reported.")
    unit_std = serializers.CharField()
    flags = serializers.ListField(child=serializers.CharField())
    version = serializers.IntegerField()


class ScoreRowSerializer(S):  # type: ignore[type-arg]
    id = serializers.UUIDField()
    code = serializers.CharField()
    value = serializers.FloatField()
    grade = serializers.CharField()
    formula = serializers.CharField()
    inputs = serializers.DictField()
    version = serializers.IntegerField()


class AssessmentRowSerializer(S):  # type: ignore[type-arg]
    id = serializers.UUIDField()
    ascites_grade = serializers.CharField()
    he_grade = serializers.CharField()
    weight_kg = serializers.FloatField(allow_null=True)
    dialysis = serializers.BooleanField(allow_null=True)
    version = serializers.IntegerField()


class VisitFormsSerializer(S):  # type: ignore[type-arg]
    """One visit with its labs, clinical assessment and derived scores."""

    visit = VisitSerializer()
    labs = LabRowSerializer(many=True)
    assessment = AssessmentRowSerializer(allow_null=True)
    scores = ScoreRowSerializer(many=True)
    required = serializers.ListField(child=serializers.CharField())
    missing = serializers.ListField(child=serializers.CharField())


class LabTableSerializer(S):  # type: ignore[type-arg]
    """One done visit of a participant's lab table: labs and scores keyed by code."""

    visit_id = serializers.UUIDField()
    code = serializers.CharField()
    label = serializers.CharField()
    visitnum = serializers.FloatField()
    actual_date = serializers.DateField(allow_null=True)
    labs = serializers.DictField(child=LabRowSerializer())
    scores = serializers.DictField(child=ScoreRowSerializer())


class LabValueSerializer(S):  # type: ignore[type-arg]
    value = NumberOrText()
    unit = serializers.CharField(max_length=20, help_text="As on the report, e.g. `umol/L`.")


class LabPanelSerializer(S):  # type: ignore[type-arg]
    """A whole panel, keyed by test code (``BILI``, ``ALB``, ``INR`` ...), each with its unit."""

    values = serializers.DictField(
        child=LabValueSerializer(), allow_empty=False,
        help_text="Test code → {value, unit}; stored all together or not at all.",
    )  # fmt: skip


class LabResultEnterSerializer(S):  # type: ignore[type-arg]
    visit = serializers.UUIDField(help_text="The done visit the result belongs to.")
    code = serializers.CharField(max_length=20)
    value = NumberOrText()
    unit = serializers.CharField(max_length=20)


class LabCorrectSerializer(VersionReasonSerializer):
    value = NumberOrText()
    unit = serializers.CharField(max_length=20)
