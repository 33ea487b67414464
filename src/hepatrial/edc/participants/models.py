"""A participant, known everywhere by study ID; identifiers are kept apart and encrypted.

Trial data (consent, screening facts, attestations, eligibility answers, dispositions) refers to
the :class:`Participant`. The person's name, phone number and national ID number live only in
:class:`PersonalIdentifiers`, as Fernet ciphertext (see :mod:`hepatrial.edc.participants.pii`),
so their history rows, the audit chain and any export hold ciphertext and never plaintext.
"""

from __future__ import annotations

from django.conf import settings
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


class PersonalIdentifiers(TrialModel):
    """Who the participant is, encrypted at rest; readable only by site roles.

    ``*_token`` columns hold Fernet tokens. ``national_id_hmac`` is a keyed hash of the
    normalized national ID number, unique, so a second identification of the same person is
    detected without decrypting anything.
    """

    participant = models.OneToOneField(
        Participant, on_delete=models.PROTECT, related_name="identifiers"
    )
    name_token = models.TextField()
    phone_token = models.TextField()
    national_id_token = models.TextField()
    national_id_hmac = models.CharField(max_length=64, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "personal identifiers"


class Consent(TrialModel):
    """Written informed consent: the form's version, the date it was signed and who obtained it."""

    participant = models.OneToOneField(
        Participant, on_delete=models.PROTECT, related_name="consent"
    )
    consent_version = models.CharField(max_length=40)
    consent_date = models.DateField()
    signed_by_participant = models.BooleanField(default=True)
    representative_relationship = models.CharField(max_length=100, blank=True)
    obtained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()


class ScreeningFactValue(TrialModel):
    """One screening fact of the protocol (``screening_facts``) as recorded for a candidate.

    ``value`` is JSON: an ISO date, ``"never"``, true/false, a declared choice or a number, in
    the form ``hepatrial.clinical.evaluate_eligibility`` accepts.
    """

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="screening_facts"
    )
    code = models.CharField(max_length=64)
    value = models.JSONField()
    collected_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ("participant", "code")
        constraints = [
            models.UniqueConstraint(
                fields=("participant", "code"), name="one_screening_fact_per_code"
            )
        ]


class CriterionAttestation(TrialModel):
    """The investigator's answer to an attested criterion, checked against a source document.

    ``holds`` says whether the criterion's text holds (for an exclusion: the condition is present).
    """

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="attestations"
    )
    criterion_code = models.CharField(max_length=20)
    holds = models.BooleanField()
    source_document = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ("participant", "criterion_code")
        constraints = [
            models.UniqueConstraint(
                fields=("participant", "criterion_code"), name="one_attestation_per_criterion"
            )
        ]


class EligibilityAnswer(TrialModel):
    """How one criterion came out when eligibility was decided: the source of the SDTM IE domain.

    ``met`` is None for a criterion left undecided when another had already failed.
    """

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="eligibility_answers"
    )
    criterion_code = models.CharField(max_length=20)
    kind = models.CharField(
        max_length=10, choices=[("inclusion", "inclusion"), ("exclusion", "exclusion")]
    )
    met = models.BooleanField(null=True, blank=True)
    reason = models.TextField()
    evaluated_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ("participant", "kind", "criterion_code")
        constraints = [
            models.UniqueConstraint(
                fields=("participant", "criterion_code"), name="one_answer_per_criterion"
            )
        ]


class Disposition(TrialModel):
    """How and when a participant left the trial's path: the source of the SDTM DS domain."""

    class Event(models.TextChoices):
        SCREEN_FAILED = Status.SCREEN_FAILED.value
        WITHDRAWN = Status.WITHDRAWN.value
        LOST = Status.LOST.value
        COMPLETED = Status.COMPLETED.value
        DIED = Status.DIED.value

    participant = models.OneToOneField(
        Participant, on_delete=models.PROTECT, related_name="disposition"
    )
    event = models.CharField(max_length=20, choices=Event.choices)
    event_date = models.DateField()
    reason = models.TextField(blank=True)
    history = HistoricalRecords()
