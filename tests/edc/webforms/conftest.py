"""Participants at each step of the path, made through the services, and a signed-in client per
role, for the data-entry form tests (run on SQLite and PostgreSQL).

Dates are relative to today at the site, because the services refuse future dates: identified
20 days ago, screened 19 days ago, infused (day 0) 10 days ago, so week 1 fell 3 days ago.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest

FACTS = {
    "birth_date": "1970-06-15",
    "last_interferon_or_glucocorticoid_date": "never",
    "last_other_trial_date": "never",
    "prior_liver_transplant": False,
    "hiv_status": "negative",
    "pregnant": False,
    "breastfeeding": False,
}
ATTESTED = ("IN02", "EX01", "EX03", "EX04", "EX07", "EX10", "EX11")
SI_PANEL = {
    "ALT": ("38", "U/L"),
    "AST": ("52", "U/L"),
    "ALP": ("110", "U/L"),
    "BILI": ("64", "umol/L"),
    "ALB": ("29", "g/L"),
    "PT": ("16.8", "s"),
    "INR": ("1.4", "ratio"),
    "CREAT": ("97", "umol/L"),
    "SODIUM": ("131", "mmol/L"),
}


@pytest.fixture
def today(site: Any) -> dt.date:
    from django.utils import timezone

    return timezone.localdate(timezone=ZoneInfo(site.time_zone))


@pytest.fixture
def client_as(users: dict[str, Any]) -> Callable[[str], Any]:
    """A Django test client signed in as the user of ``role``."""
    from django.test import Client

    def make(role: str) -> Any:
        client = Client()
        client.force_login(users[role])
        return client

    return make


@pytest.fixture
def consented(users: dict[str, Any], today: dt.date) -> Any:
    from hepatrial.edc.participants.services import participant_consent, participant_identify
    from hepatrial.edc.randomization.services import randomization_list_generate

    randomization_list_generate(user=users["admin"], seed=2**100 + 20231128)
    person = participant_identify(
        user=users["coordinator"],
        site_code="01",
        identified_on=today - dt.timedelta(days=20),
        name="Li Hua",
        phone="+86 138 0000 0001",
        national_id="110101197006151234",
    )
    participant_consent(
        user=users["coordinator"],
        participant=person,
        consent_version="1.0",
        consent_date=today - dt.timedelta(days=20),
    )
    person.refresh_from_db()
    return person


@pytest.fixture
def screened(consented: Any, users: dict[str, Any], today: dt.date) -> Any:
    """Every screening fact recorded and every attested criterion answered: ready to confirm."""
    from hepatrial.edc.crfs.services import demographics_enter
    from hepatrial.edc.participants.services import participant_attest, participant_screening_record
    from hepatrial.edc.visits.services import visit_screening_record

    coordinator = users["coordinator"]
    visit_screening_record(
        user=coordinator, participant=consented, actual_date=today - dt.timedelta(days=19)
    )
    demographics_enter(
        user=coordinator, participant=consented, sex="M", birth_date=dt.date(1970, 6, 15)
    )
    participant_screening_record(
        user=coordinator,
        participant=consented,
        facts=FACTS,
        collected_on=today - dt.timedelta(days=19),
    )
    for code in ATTESTED:
        participant_attest(
            user=users["investigator"],
            participant=consented,
            criterion_code=code,
            holds=code == "IN02",
            source_document=f"hospital record ({code})",
        )
    consented.refresh_from_db()
    return consented


@pytest.fixture
def eligible(screened: Any, users: dict[str, Any]) -> Any:
    from hepatrial.edc.participants.services import participant_eligibility_confirm

    participant_eligibility_confirm(user=users["investigator"], participant=screened)
    screened.refresh_from_db()
    return screened


@pytest.fixture
def lot(users: dict[str, Any], today: dt.date) -> Any:
    from hepatrial.edc.dosing.services import lot_register

    return lot_register(
        user=users["pharmacist"],
        lot_number="UCMSC-TEST-01",
        product_code="UCMSC",
        concentration_per_ml=1.25e6,
        viability=0.95,
        product_volume_ml=400.0,
        manufactured_on=today - dt.timedelta(days=30),
        expires_on=today + dt.timedelta(days=60),
    )


@pytest.fixture
def randomized(eligible: Any, users: dict[str, Any]) -> Any:
    from hepatrial.edc.randomization.services import participant_randomize

    participant_randomize(user=users["pharmacist"], participant=eligible)
    eligible.refresh_from_db()
    return eligible


@pytest.fixture
def infused(randomized: Any, lot: Any, users: dict[str, Any], today: dt.date, site: Any) -> Any:
    from hepatrial.edc.dosing.services import infusion_record

    zone = ZoneInfo(site.time_zone)
    day0 = today - dt.timedelta(days=10)
    infusion_record(
        user=users["pharmacist"],
        participant=randomized,
        lot=lot,
        weight_kg=64.0,
        infusion_date=day0,
        started_at=dt.datetime.combine(day0, dt.time(9, 0), tzinfo=zone),
        stopped_at=dt.datetime.combine(day0, dt.time(10, 30), tzinfo=zone),
        delivered_volume_ml=_volume(randomized),
        reaction=False,
    )
    randomized.refresh_from_db()
    return randomized


def _volume(participant: Any) -> float:
    from hepatrial.clinical import infusion_plan
    from hepatrial.edc.randomization.selectors import allocation_arm_get
    from hepatrial.edc.study.selectors import study_protocol

    plan = infusion_plan(
        study_protocol(),
        arm=str(allocation_arm_get(participant.pk)),
        weight_kg=64.0,
        concentration_per_ml=1.25e6,
        viability=0.95,
    )
    return plan.volume_ml


@pytest.fixture
def week1(infused: Any, users: dict[str, Any]) -> Any:
    """The week-1 visit, recorded as done on its target date, with a clinical assessment."""
    from hepatrial.edc.crfs.services import clinical_assessment_enter
    from hepatrial.edc.visits.models import Visit
    from hepatrial.edc.visits.services import visit_record

    visit = Visit.objects.get(participant=infused, code="W1")
    visit = visit_record(user=users["coordinator"], visit=visit, actual_date=visit.target_date)
    clinical_assessment_enter(
        user=users["coordinator"],
        visit=visit,
        ascites_grade="mild",
        he_grade="none",
        weight_kg=64.0,
        dialysis=False,
    )
    return visit
