"""Shapes of events, deaths, adverse events, queries, tabulations and tokens: types only.

Choice lists come from the models' own choices, so the schema lists them and they are not written
twice; every other rule (dates, the CTCAE grade against the outcome, the workflow) is the
services'.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rest_framework import serializers

from hepatrial.edc.outcomes.models import Death, Severity
from hepatrial.edc.safety.models import SERIOUSNESS_CRITERIA, ActionTaken, Outcome, Relatedness

from .serializers import VersionReasonSerializer

__all__ = [
    "AdverseEventRecordSerializer",
    "AdverseEventSerializer",
    "AdverseEventUpdateSerializer",
    "DeathRecordSerializer",
    "DeathSerializer",
    "DecompensationCorrectSerializer",
    "DecompensationRecordSerializer",
    "DecompensationSerializer",
    "QueryRaiseSerializer",
    "QuerySerializer",
    "QueryStepSerializer",
    "TabulationDomainSerializer",
    "TokenRequestSerializer",
    "TokenSerializer",
]

S = serializers.Serializer


def UtcDateTime(**kwargs: Any) -> serializers.DateTimeField:  # noqa: N802 (a field "class")
    """A date and time, read and written in UTC whatever the user's display time zone.

    A time sent without an offset is taken as UTC.
    """
    return serializers.DateTimeField(default_timezone=dt.UTC, **kwargs)


# -- decompensation and death ----------------------------------------------------------------


class DecompensationSerializer(S):  # type: ignore[type-arg]
    id = serializers.UUIDField()
    version = serializers.IntegerField()
    participant_id = serializers.UUIDField()
    study_id = serializers.CharField()
    event_type = serializers.CharField()
    onset_on = serializers.DateField()
    severity = serializers.CharField()
    hospitalized = serializers.BooleanField()
    admitted_on = serializers.DateField(allow_null=True)
    discharged_on = serializers.DateField(allow_null=True)


class DecompensationRecordSerializer(S):  # type: ignore[type-arg]
    event_type = serializers.CharField(
        max_length=40, help_text="An event of the protocol: GI_BLEEDING, ASCITES, HE ..."
    )
    onset_on = serializers.DateField()
    severity = serializers.ChoiceField(choices=Severity.choices)
    hospitalized = serializers.BooleanField()
    admitted_on = serializers.DateField(required=False, allow_null=True)
    discharged_on = serializers.DateField(required=False, allow_null=True)


class DecompensationCorrectSerializer(VersionReasonSerializer):
    """The fields to correct (at least one), with the version read and the reason."""

    event_type = serializers.CharField(max_length=40, required=False)
    onset_on = serializers.DateField(required=False)
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    hospitalized = serializers.BooleanField(required=False)
    admitted_on = serializers.DateField(required=False, allow_null=True)
    discharged_on = serializers.DateField(required=False, allow_null=True)


class DeathSerializer(S):  # type: ignore[type-arg]
    id = serializers.UUIDField()
    version = serializers.IntegerField()
    participant_id = serializers.UUIDField()
    died_on = serializers.DateField()
    cause = serializers.CharField()
    source = serializers.CharField()


class DeathRecordSerializer(S):  # type: ignore[type-arg]
    died_on = serializers.DateField()
    cause = serializers.CharField(max_length=2000)
    source = serializers.ChoiceField(choices=Death.Source.choices)


# -- adverse events --------------------------------------------------------------------------


class AdverseEventSerializer(S):  # type: ignore[type-arg]
    id = serializers.UUIDField()
    version = serializers.IntegerField()
    participant_id = serializers.UUIDField()
    study_id = serializers.CharField()
    term = serializers.CharField()
    onset_on = serializers.DateField()
    resolved_on = serializers.DateField(allow_null=True)
    grade = serializers.IntegerField()
    seriousness = serializers.ListField(child=serializers.CharField())
    serious = serializers.BooleanField()
    relatedness = serializers.CharField()
    action_taken = serializers.CharField()
    outcome = serializers.CharField()
    awareness_at = UtcDateTime()
    sae_report_due_at = UtcDateTime(allow_null=True)
    reported_at = UtcDateTime(allow_null=True)


def _ae_fields(required: bool) -> dict[str, serializers.Field]:  # type: ignore[type-arg]
    return {
        "term": serializers.CharField(max_length=200, required=required),
        "onset_on": serializers.DateField(required=required),
        "grade": serializers.IntegerField(
            required=required, help_text="CTCAE grade 1-5 (checked by the service)."
        ),
        "relatedness": serializers.ChoiceField(choices=Relatedness.choices, required=required),
        "action_taken": serializers.ChoiceField(choices=ActionTaken.choices, required=required),
        "outcome": serializers.ChoiceField(choices=Outcome.choices, required=required),
        "awareness_at": UtcDateTime(
            required=required, help_text="When the site learned of the event (SAE clock)."
        ),
        "seriousness": serializers.ListField(
            child=serializers.ChoiceField(choices=SERIOUSNESS_CRITERIA),
            required=False,
            help_text="ICH E2A criteria met; none for a non-serious event.",
        ),
        "resolved_on": serializers.DateField(required=False, allow_null=True),
    }


AdverseEventRecordSerializer = type(
    "AdverseEventRecordSerializer", (S,), {**_ae_fields(required=True), "__module__": __name__}
)
AdverseEventUpdateSerializer = type(
    "AdverseEventUpdateSerializer",
    (VersionReasonSerializer,),
    {**_ae_fields(required=False), "__module__": __name__},
)


# -- queries ---------------------------------------------------------------------------------


class QueryMessageSerializer(S):  # type: ignore[type-arg]
    kind = serializers.CharField()
    text = serializers.CharField()
    author = serializers.CharField()
    at = UtcDateTime()


class QuerySerializer(S):  # type: ignore[type-arg]
    id = serializers.UUIDField()
    version = serializers.IntegerField()
    participant_id = serializers.UUIDField(allow_null=True)
    study_id = serializers.CharField(allow_null=True)
    record_model = serializers.CharField()
    record_id = serializers.CharField()
    field = serializers.CharField()
    rule = serializers.CharField()
    text = serializers.CharField()
    status = serializers.CharField()
    raised_by = serializers.CharField()
    raised_at = UtcDateTime()
    answered_at = UtcDateTime(allow_null=True)
    resolved_at = UtcDateTime(allow_null=True)
    closed_at = UtcDateTime(allow_null=True)
    messages = QueryMessageSerializer(many=True)


class QueryRaiseSerializer(S):  # type: ignore[type-arg]
    record_model = serializers.CharField(
        max_length=100, help_text="The record's model label, e.g. `crfs.LabResult`."
    )
    record_id = serializers.UUIDField()
    field = serializers.CharField(max_length=100)
    text = serializers.CharField(max_length=4000)


class QueryStepSerializer(S):  # type: ignore[type-arg]
    text = serializers.CharField(max_length=4000)


# -- tabulations and tokens ------------------------------------------------------------------


class TabulationDomainSerializer(S):  # type: ignore[type-arg]
    code = serializers.CharField()
    label = serializers.CharField()
    csv = serializers.CharField(help_text="Path of the CSV download.")
    json = serializers.CharField(help_text="Path of the JSON rows.")


class TokenRequestSerializer(S):  # type: ignore[type-arg]
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=200, style={"input_type": "password"})


class TokenSerializer(S):  # type: ignore[type-arg]
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")
