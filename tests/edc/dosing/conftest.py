"""Fixtures for dosing: randomized participants, a released lot, and site-local infusion times."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

SITE_ZONE = ZoneInfo("Asia/Shanghai")  # the seed protocol's site 01


@pytest.fixture
def infusion_day() -> dt.date:
    """Yesterday at the site, so that a whole morning infusion lies in the past."""
    return timezone.now().astimezone(SITE_ZONE).date() - dt.timedelta(days=1)


@pytest.fixture
def at(infusion_day: dt.date) -> Callable[..., dt.datetime]:
    """A time on the infusion day, site-local, made aware."""

    def make(hour: int, minute: int = 0, day: dt.date | None = None) -> dt.datetime:
        return dt.datetime.combine(day or infusion_day, dt.time(hour, minute), tzinfo=SITE_ZONE)

    return make


@pytest.fixture
def make_participant(users: Any, site: Any) -> Callable[..., Any]:
    from django.db import transaction

    from hepatrial.edc.core.services import record_create
    from hepatrial.edc.participants.models import Participant

    made = iter(range(1, 1000))

    def make(status: str = "eligible") -> Any:
        with transaction.atomic():  # as inside a service, which record_create expects
            return record_create(
                Participant,
                user=users["coordinator"],
                study_id=f"01-{next(made):03d}",
                site=site,
                status=status,
                identified_on=dt.date(2024, 3, 1),
            )

    return make


@pytest.fixture
def randomized(users: Any, make_participant: Callable[..., Any]) -> list[Any]:
    """Four participants randomized from a fixed list: the first is LOW, the second MIDHIGH."""
    from hepatrial.edc.randomization.services import (
        participant_randomize,
        randomization_list_generate,
    )

    randomization_list_generate(user=users["admin"], seed=2**100 + 20231128)
    participants = []
    for _ in range(4):
        participant = make_participant()
        participant_randomize(user=users["coordinator"], participant=participant)
        participant.refresh_from_db()
        participants.append(participant)
    return participants


@pytest.fixture
def make_lot(users: Any, infusion_day: dt.date) -> Callable[..., Any]:
    from hepatrial.edc.dosing.services import lot_register

    numbers = iter(range(1, 1000))

    def make(**changes: Any) -> Any:
        fields: dict[str, Any] = {
            "lot_number": f"UCMSC-{next(numbers):04d}",
            "product_code": "UCMSC",
            "concentration_per_ml": 1.0e6,
            "viability": 0.95,
            "product_volume_ml": 300.0,
            "manufactured_on": infusion_day - dt.timedelta(days=10),
            "expires_on": infusion_day + dt.timedelta(days=30),
        }
        return lot_register(user=users["pharmacist"], **(fields | changes))

    return make
