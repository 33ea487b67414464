"""A participant first infused 60 days ago, with the schedule placed and week 4 done in its
window; the participant row is made directly, as the EDC brief allows."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest


@pytest.fixture
def si_panel() -> dict[str, tuple[float | str, str]]:
    """One SI panel of a decompensated patient: bilirubin 3 mg/dL, creatinine 1.5 mg/dL, INR 1.8,
    with a PT that agrees with the INR."""
    return {
        "ALT": ("40", "U/L"),
        "AST": ("62", "U/L"),
        "ALP": ("130", "U/L"),
        "BILI": ("51.3", "umol/L"),
        "ALB": ("28", "g/L"),
        "PT": ("21.6", "s"),
        "INR": ("1.8", "ratio"),
        "CREAT": ("132.6", "umol/L"),
        "SODIUM": ("131", "mmol/L"),
    }


@pytest.fixture
def today(site: Any) -> date:
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    return timezone.localdate(timezone=ZoneInfo(site.time_zone))


@pytest.fixture
def day0(today: date) -> date:
    return today - timedelta(days=60)


@pytest.fixture
def participant(users: dict[str, Any], site: Any, day0: date) -> Any:
    from hepatrial.edc.core.services import record_create
    from hepatrial.edc.participants.models import Participant

    return record_create(
        Participant,
        user=users["coordinator"],
        study_id="01-001",
        site=site,
        status="in follow-up",
        identified_on=day0 - timedelta(days=20),
        day0=day0,
    )


@pytest.fixture
def visits(participant: Any, users: dict[str, Any]) -> dict[str, Any]:
    from hepatrial.edc.visits.services import visits_plan

    return {v.code: v for v in visits_plan(participant=participant, user=users["pharmacist"])}


@pytest.fixture
def w4(visits: dict[str, Any], users: dict[str, Any], day0: date) -> Any:
    from hepatrial.edc.visits.services import visit_record

    return visit_record(
        user=users["coordinator"], visit=visits["W4"], actual_date=day0 + timedelta(days=28)
    )


@pytest.fixture
def coordinator(users: dict[str, Any]) -> Any:
    return users["coordinator"]
