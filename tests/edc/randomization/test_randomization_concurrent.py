"""Simultaneous randomizations on PostgreSQL: distinct slots, no error, balanced blocks."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from django.db import connections

from hepatrial.edc.core.audit import audit_verify
from hepatrial.edc.participants.models import Participant
from hepatrial.edc.randomization.models import Allocation, AllocationSlot
from hepatrial.edc.randomization.services import participant_randomize
from hepatrial.edc.randomization.verification import randomization_list_verify

N = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_randomizations_take_twenty_distinct_slots_in_order(
    allocation_record: Any, users: Any, make_participant: Any
) -> None:
    participants = [make_participant() for _ in range(N)]
    randomizers = [users["investigator"], users["coordinator"], users["pharmacist"]]
    start = threading.Barrier(N)
    errors: list[BaseException] = []

    def randomize(i: int) -> None:
        try:
            start.wait()
            participant_randomize(user=randomizers[i % 3], participant=participants[i])
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [threading.Thread(target=randomize, args=(i,)) for i in range(N)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    allocations = list(Allocation.objects.select_related("slot"))
    assert len(allocations) == N
    assert len({a.slot_id for a in allocations}) == N
    # The first N slots of the list, none skipped and none twice.
    assert sorted(a.slot.sequence for a in allocations) == list(range(1, N + 1))
    assert AllocationSlot.objects.filter(used=True).count() == N
    assert all(a.arm == a.slot.arm for a in allocations)
    assert set(Participant.objects.values_list("status", flat=True)) == {"randomized"}

    used_by_block: dict[int, list[str]] = {}
    for allocation in allocations:
        used_by_block.setdefault(allocation.slot.block, []).append(allocation.arm)
    completed = [
        arms
        for block, arms in used_by_block.items()
        if len(arms) == AllocationSlot.objects.filter(block=block).count()
    ]
    assert completed
    for arms in completed:
        counts = Counter(arms)
        assert counts["LOW"] == counts["MIDHIGH"]
    assert randomization_list_verify().ok
    assert audit_verify().ok
