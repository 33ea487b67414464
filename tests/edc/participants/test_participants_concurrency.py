"""Simultaneous identifications at one site never share a study ID (needs PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from django.db import connection

from hepatrial.edc.core.audit import audit_verify
from hepatrial.edc.participants.models import Participant
from hepatrial.edc.participants.services import participant_identify

THREADS = 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_identifications_get_ten_distinct_sequential_ids(users: Any) -> None:
    start = threading.Barrier(THREADS)
    ids: list[str] = []
    errors: list[BaseException] = []

    def identify(n: int) -> None:
        try:
            start.wait()
            participant = participant_identify(
                user=users["coordinator"],
                site_code="01",
                identified_on=date(2024, 5, 20),
                name=f"Candidate {n}",
                phone=f"+86 138 0000 {n:04d}",
                national_id=f"1101011990030700{n:02d}",
                today=date(2024, 6, 1),
            )
            ids.append(participant.study_id)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=identify, args=(n,)) for n in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    assert sorted(ids) == [f"01-{n:03d}" for n in range(1, THREADS + 1)]
    assert Participant.objects.count() == THREADS
    assert audit_verify().ok
