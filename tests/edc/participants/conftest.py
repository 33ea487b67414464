"""A candidate at each step of screening, built through the participant services.

``steps`` carries the dates and the eligible candidate's answers, and performs each step as the
right role, so a test changes only what it is about.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest


class Steps:
    today = date(2024, 6, 1)
    identified_on = date(2024, 5, 20)
    consent_date = date(2024, 5, 21)
    screened_on = date(2024, 5, 22)
    national_id = "110101199003077777"

    def __init__(self, users: dict[str, Any]) -> None:
        self.users = users

    @property
    def facts(self) -> dict[str, Any]:
        """The screening facts of a candidate who meets every computed criterion."""
        return {
            "birth_date": date(1970, 1, 15),
            "last_interferon_or_glucocorticoid_date": "never",
            "last_other_trial_date": "never",
            "prior_liver_transplant": False,
            "hiv_status": "negative",
            "pregnant": False,
            "breastfeeding": False,
        }

    @property
    def attestations(self) -> dict[str, bool]:
        """Whether each attested criterion's text holds: ESLD yes, every exclusion no."""
        return {
            "IN02": True,
            "EX01": False,
            "EX03": False,
            "EX04": False,
            "EX07": False,
            "EX10": False,
            "EX11": False,
        }

    def identify(self, **changes: Any) -> Any:
        from hepatrial.edc.participants.services import participant_identify

        fields: dict[str, Any] = {
            "user": self.users["coordinator"],
            "site_code": "01",
            "identified_on": self.identified_on,
            "name": "Wang Xiaoming",
            "phone": "+86 138 0013 8000",
            "national_id": self.national_id,
            "today": self.today,
        }
        return participant_identify(**{**fields, **changes})

    def consent(self, participant: Any, **changes: Any) -> Any:
        from hepatrial.edc.participants.services import participant_consent

        fields: dict[str, Any] = {
            "user": self.users["coordinator"],
            "consent_version": "1.0",
            "consent_date": self.consent_date,
            "today": self.today,
        }
        return participant_consent(participant=participant, **{**fields, **changes})

    def screen(self, participant: Any, facts: dict[str, Any] | None = None, **changes: Any) -> Any:
        from hepatrial.edc.participants.services import participant_screening_record

        fields: dict[str, Any] = {
            "user": self.users["coordinator"],
            "facts": self.facts if facts is None else facts,
            "collected_on": self.screened_on,
            "today": self.today,
        }
        return participant_screening_record(participant=participant, **{**fields, **changes})

    def attest(self, participant: Any, answers: dict[str, bool] | None = None) -> None:
        from hepatrial.edc.participants.services import participant_attest

        for code, holds in (self.attestations if answers is None else answers).items():
            participant_attest(
                user=self.users["investigator"],
                participant=participant,
                criterion_code=code,
                holds=holds,
                source_document=f"hospital record at screening ({code})",
            )

    def confirm(self, participant: Any) -> Any:
        from hepatrial.edc.participants.services import participant_eligibility_confirm

        return participant_eligibility_confirm(
            user=self.users["investigator"], participant=participant, today=self.today
        )


@pytest.fixture
def steps(users: dict[str, Any]) -> Steps:
    return Steps(users)


@pytest.fixture
def identified(steps: Steps) -> Any:
    return steps.identify()


@pytest.fixture
def consented(steps: Steps, identified: Any) -> Any:
    steps.consent(identified)
    return identified


@pytest.fixture
def screened(steps: Steps, consented: Any) -> Any:
    steps.screen(consented)
    return consented


@pytest.fixture
def eligible(steps: Steps, screened: Any) -> Any:
    steps.attest(screened)
    steps.confirm(screened)
    screened.refresh_from_db()
    return screened
