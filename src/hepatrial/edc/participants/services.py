"""Every write to a participant's data: identification, consent, screening, eligibility, endings.

Each service is ``@transaction.atomic``, checks the role first (``require``), then the study
lock, the participant's row lock and site, the workflow (``next_status``) and the input, and
only then writes through ``record_create`` / ``record_update``; any failure leaves the database
as it was.
"""

from hepatrial.edc.participants.services_consent import consent_correct, participant_consent
from hepatrial.edc.participants.services_identify import (
    participant_identify,
    personal_identifiers_update,
)
from hepatrial.edc.participants.services_screening import (
    CONSENT_DATE_FACT,
    attestation_correct,
    participant_attest,
    participant_eligibility_confirm,
    participant_screening_record,
    screening_fact_correct,
)
from hepatrial.edc.participants.services_status import (
    participant_complete,
    participant_lose_to_follow_up,
    participant_status_set_died,
    participant_withdraw,
)

__all__ = [
    "CONSENT_DATE_FACT",
    "attestation_correct",
    "consent_correct",
    "participant_attest",
    "participant_complete",
    "participant_consent",
    "participant_eligibility_confirm",
    "participant_identify",
    "participant_lose_to_follow_up",
    "participant_screening_record",
    "participant_status_set_died",
    "participant_withdraw",
    "personal_identifiers_update",
    "screening_fact_correct",
]
