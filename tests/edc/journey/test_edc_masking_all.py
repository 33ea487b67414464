"""Masking, enumerated: for every role, every selector output and every tabulation after a whole
journey. A masked role's output holds no arm code or label, no dose per kg, no cell total and no
infused volume; an unblinded role's output does show the arm (so the scan can find it)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd

from hepatrial.edc.core.masking import allocation_visible
from hepatrial.edc.crfs.selectors import lab_table, visit_forms
from hepatrial.edc.dosing.selectors import infusion_get, infusion_list, lot_list
from hepatrial.edc.outcomes.selectors import decompensation_list
from hepatrial.edc.participants.selectors import participant_get, participant_list, screening_log
from hepatrial.edc.queries.selectors import query_list
from hepatrial.edc.randomization.selectors import (
    allocation_get,
    allocation_list_get,
    unblinding_list,
)
from hepatrial.edc.safety.selectors import adverse_event_list
from hepatrial.edc.study.selectors import study_protocol
from hepatrial.edc.tabulations import tabulations_build
from hepatrial.edc.visits.selectors import visit_list
from hepatrial.errors import AccessDeniedError
from hepatrial.protocol import ROLES


def _leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, pd.DataFrame):
        for column in value.columns:
            yield column
            yield from (v for v in value[column].tolist() if v is not pd.NA)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _leaves(item)
    elif isinstance(value, list | tuple | set):
        for item in value:
            yield from _leaves(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        yield from _leaves({f.name: getattr(value, f.name) for f in dataclasses.fields(value)})
    elif hasattr(value, "domains"):
        yield from _leaves(dict(value.domains))
    else:
        yield value


def _outputs(user: Any, journey: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    participant = journey["participant"]
    visit = next(v for v in journey["visits"] if v.code == "W4")
    pid = participant.pk
    return {
        "participant_get": lambda: participant_get(user=user, participant_id=pid),
        "participant_list": lambda: participant_list(user=user),
        "screening_log": lambda: screening_log(user=user),
        "allocation_get": lambda: allocation_get(user=user, participant_id=pid),
        "allocation_list_get": lambda: allocation_list_get(user=user),
        "unblinding_list": lambda: unblinding_list(user=user),
        "infusion_get": lambda: infusion_get(user=user, infusion_id=journey["infusion"].pk),
        "infusion_list": lambda: infusion_list(user=user),
        "lot_list": lambda: lot_list(),
        "visit_list": lambda: visit_list(participant_id=pid),
        "lab_table": lambda: lab_table(participant_id=pid),
        "visit_forms": lambda: visit_forms(visit_id=visit.pk),
        "decompensation_list": lambda: decompensation_list(user=user),
        "adverse_event_list": lambda: adverse_event_list(user=user),
        "query_list": lambda: query_list(user=user),
        "tabulations": lambda: tabulations_build(user=user),
    }


def _secrets(journey: dict[str, Any]) -> tuple[re.Pattern[str], list[float]]:
    protocol = study_protocol()
    infusion = journey["infusion"]
    words = [a.code for a in protocol.arms] + [a.label for a in protocol.arms]
    pattern = re.compile("|".join(rf"\b{re.escape(w)}\b" for w in words))
    numbers = [a.dose_per_kg for a in protocol.arms] + [
        infusion.target_cells,
        infusion.delivered_cells,
        infusion.planned_volume_ml,
        infusion.delivered_volume_ml,
    ]
    return pattern, numbers


def _leaks(output: Any, pattern: re.Pattern[str], numbers: list[float]) -> list[str]:
    found = []
    for leaf in _leaves(output):
        if isinstance(leaf, str):
            if pattern.search(leaf) or any(f"{n:g}" in leaf for n in numbers):
                found.append(repr(leaf))
        elif isinstance(leaf, int | float) and not isinstance(leaf, bool):
            if any(math.isclose(float(leaf), n, rel_tol=1e-9) for n in numbers):
                found.append(repr(leaf))
        elif not isinstance(leaf, bool | dt.date | type(None)) and pattern.search(str(leaf)):
            found.append(repr(leaf))
    return found


def test_no_masked_role_sees_the_allocation_anywhere(journey: dict[str, Any], users: Any) -> None:
    pattern, numbers = _secrets(journey)
    problems: list[str] = []
    checked: dict[str, int] = {}
    for role in ROLES:
        user = users[role]
        masked = not allocation_visible(user)
        for name, produce in _outputs(user, journey).items():
            try:
                output = produce()
            except AccessDeniedError:
                continue
            checked[role] = checked.get(role, 0) + 1
            leaks = _leaks(output, pattern, numbers)
            if masked and leaks:
                problems.append(f"{role} / {name}: {leaks[:5]}")
    assert problems == []
    assert all(checked.get(role, 0) >= 8 for role in ROLES), checked


def test_the_scan_finds_the_arm_for_unblinded_roles(journey: dict[str, Any], users: Any) -> None:
    pattern, numbers = _secrets(journey)
    for role in ("pharmacist", "dsmb"):
        user = users[role]
        assert allocation_visible(user)
        tabulations = tabulations_build(user=user)
        assert _leaks(tabulations["DM"], pattern, numbers), role
        assert _leaks(tabulations["EX"], pattern, numbers), role
        assert _leaks(infusion_list(user=user), pattern, numbers), role


def test_the_statistician_sees_arms_only_after_the_database_lock(
    journey: dict[str, Any], users: Any
) -> None:
    from hepatrial.edc.study.services import study_lock

    pattern, numbers = _secrets(journey)
    statistician = users["statistician"]
    assert not _leaks(tabulations_build(user=statistician), pattern, numbers)
    study_lock(user=users["data_manager"], reason="final database lock")
    assert _leaks(tabulations_build(user=statistician)["DM"], pattern, numbers)
