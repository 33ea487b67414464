"""Fixtures for randomization: a generated list and participants ready to be randomized."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

# Strong enough for the service (≥ 2**64) and fixed, so the list is known to the test.
SEED = 2**100 + 20231128


@pytest.fixture
def list_seed() -> int:
    return SEED


@pytest.fixture
def allocation_record(users: Any) -> Any:
    from hepatrial.edc.randomization.services import randomization_list_generate

    return randomization_list_generate(user=users["admin"], seed=SEED)


@pytest.fixture
def make_participant(users: Any, site: Any) -> Callable[..., Any]:
    """Create a participant directly (the participants app's services are not under test)."""
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
