"""A second liver trial is a new protocol file: three arms, two infusions, new rules, a site."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from hepatrial.design import visit_for_date, visit_schedule
from hepatrial.protocol import AllOf, Compare, Not, Protocol, schedule_of_assessments

Raw = dict[str, Any]


@pytest.fixture
def second_trial(seed_raw: Raw) -> Raw:
    raw = seed_raw
    raw["identity"]["registry_id"] = "NCT99999999"
    raw["identity"]["sites"].append(
        {**raw["identity"]["sites"][0], "code": "02", "city": "Lyon", "time_zone": "Europe/Paris"}
    )
    raw["arms"].append({**raw["arms"][1], "code": "HIGH", "dose_per_kg": 5.0e6})
    raw["design"]["allocation_ratio"] = [2, 1, 1]
    raw["design"]["randomization"]["block_sizes"] = [4, 8]
    raw["design"]["randomization"]["strata"] = [
        {"code": "CHILD_PUGH_CLASS", "label": "Child-Pugh class", "levels": ["B", "C"]}
    ]
    raw["infusion"].update(count=2, interval_days=28)
    week4 = raw["visits"][3]
    week4["procedures"] = [*week4["procedures"], "INFUSION"]
    raw["screening_facts"].append(
        {"code": "meld_score", "label": "MELD at screening", "type": "number"}
    )
    raw["eligibility"]["inclusion"].append(
        {
            "code": "IN04",
            "text": "MELD 15 or more and not HIV positive",
            "decision": "computed",
            "rule": {
                "kind": "all_of",
                "rules": [
                    {"kind": "compare", "fact": "meld_score", "op": "ge", "value": 15},
                    {
                        "kind": "not",
                        "rule": {"kind": "equals", "fact": "hiv_status", "value": "positive"},
                    },
                ],
            },
        }
    )
    return raw


def test_a_three_arm_two_infusion_trial_loads_from_its_own_file(
    second_trial: Raw, load_raw: Callable[[Raw], Protocol]
) -> None:
    protocol = load_raw(second_trial)
    assert protocol.identity.registry_id == "NCT99999999"
    assert protocol.allocation_weights == (("LOW", 2), ("MIDHIGH", 1), ("HIGH", 1))
    assert [v.code for v in protocol.visits_with("infusion")] == ["D0", "W4"]
    assert protocol.site("02").time_zone == "Europe/Paris"
    rule = protocol.criterion("IN04").rule
    assert isinstance(rule, AllOf)
    compare, negation = rule.rules
    assert isinstance(compare, Compare)
    assert compare.value == 15.0
    assert isinstance(negation, Not)
    soa = schedule_of_assessments(protocol)
    assert soa.is_done("INFUSION", "W4")


def test_the_schedule_follows_the_new_file(
    second_trial: Raw, load_raw: Callable[[Raw], Protocol]
) -> None:
    second_trial["visits"][2]["window"] = {"before": 3, "after": 3}
    protocol = load_raw(second_trial)
    day0 = dt.date(2025, 1, 6)
    assert visit_schedule(protocol, day0)[2].window.earliest == dt.date(2025, 1, 10)
    week1 = visit_for_date(protocol, day0, dt.date(2025, 1, 10))
    assert week1 is not None
    assert week1.code == "W1"


def test_a_second_infusion_off_its_interval_is_rejected(
    second_trial: Raw, problems_of: Callable[[Raw], list[str]]
) -> None:
    second_trial["infusion"]["interval_days"] = 21
    assert problems_of(second_trial) == [
        "visits[3].day: expected day 21, 21 days after the previous infusion, got 28"
    ]


def test_block_sizes_must_fit_the_new_ratio(
    second_trial: Raw, problems_of: Callable[[Raw], list[str]]
) -> None:
    second_trial["design"]["randomization"]["block_sizes"] = [4, 6]
    assert problems_of(second_trial) == [
        "design.randomization.block_sizes[1]: expected a multiple of 4, the sum of the "
        "allocation ratio, got 6"
    ]
