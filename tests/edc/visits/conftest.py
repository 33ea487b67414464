"""A participant first infused 100 days ago (so weeks 1 to 12 are past and week 24 is ahead),
made directly as the EDC brief allows, and the schedule placed from that day 0."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest


@pytest.fixture
def today(site: Any) -> date:
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    return timezone.localdate(timezone=ZoneInfo(site.time_zone))


@pytest.fixture
def day0(today: date) -> date:
    return today - timedelta(days=100)


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
def planned(participant: Any, users: dict[str, Any]) -> dict[str, Any]:
    """The participant's scheduled visits, by code."""
    from hepatrial.edc.visits.services import visits_plan

    return {v.code: v for v in visits_plan(participant=participant, user=users["pharmacist"])}
