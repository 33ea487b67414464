"""The pure visit rules: status from the calendar, impossible dates, and the visit checks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hepatrial.design.schedule import visit_window, window_position
from hepatrial.edc.visits.checks import (
    FORM_ENTRY_DAYS,
    RequiredForm,
    date_order_findings,
    missing_form_findings,
    window_findings,
)
from hepatrial.edc.visits.rules import check_visit_date, scheduled_status
from hepatrial.errors import InputError
from hepatrial.protocol import load_seed_protocol

DAY0 = date(2024, 3, 1)
W4 = load_seed_protocol().visit("W4")
WINDOW = visit_window(W4, DAY0)


@pytest.mark.parametrize(
    ("offset", "status"),
    [(-1, "planned"), (0, "due"), (14, "due"), (15, "overdue")],
)
def test_an_open_visit_is_planned_then_due_in_its_window_then_overdue(
    offset: int, status: str
) -> None:
    today = WINDOW.earliest + timedelta(days=offset)
    assert (
        scheduled_status("planned", earliest=WINDOW.earliest, latest=WINDOW.latest, today=today)
        == status
    )


@pytest.mark.parametrize("status", ["done", "missed", "not done"])
def test_the_calendar_never_changes_a_visit_that_is_settled(status: str) -> None:
    today = WINDOW.latest + timedelta(days=100)
    assert scheduled_status(
        status, earliest=WINDOW.earliest, latest=WINDOW.latest, today=today
    ) == (status)


def test_a_visit_whose_window_is_not_known_keeps_its_status() -> None:
    assert scheduled_status("planned", earliest=None, latest=None, today=DAY0) == "planned"


@given(st.integers(-400, 400), st.integers(0, 60), st.integers(0, 60))
def test_status_only_moves_forward_as_days_pass(start: int, length: int, step: int) -> None:
    earliest = DAY0 + timedelta(days=start)
    latest = earliest + timedelta(days=length)
    order = ["planned", "due", "overdue"]
    statuses = [
        scheduled_status("due", earliest=earliest, latest=latest, today=DAY0 + timedelta(d))
        for d in range(-420, 480, step + 1)
    ]
    assert [order.index(s) for s in statuses] == sorted(order.index(s) for s in statuses)


def _check(when: date, **changes: object) -> None:
    arguments: dict[str, object] = {
        "today": DAY0 + timedelta(days=100),
        "identified_on": DAY0 - timedelta(days=30),
        "day0": DAY0,
        "pre_treatment": False,
        "died_on": None,
    }
    arguments.update(changes)
    check_visit_date(when, **arguments)  # type: ignore[arg-type]


def test_follow_up_dated_before_day_0_is_refused_naming_day_0() -> None:
    with pytest.raises(
        InputError, match=r"actual_date: expected a date on or after day 0 \(2024-03-01\)"
    ):
        _check(DAY0 - timedelta(days=1))
    _check(DAY0)


def test_screening_is_before_day_0_and_after_identification() -> None:
    _check(DAY0 - timedelta(days=10), pre_treatment=True)
    with pytest.raises(InputError, match="a screening date on or before day 0"):
        _check(DAY0 + timedelta(days=1), pre_treatment=True)
    with pytest.raises(InputError, match="on or after the participant was identified"):
        _check(DAY0 - timedelta(days=31), pre_treatment=True)


def test_screening_may_be_recorded_before_day_0_is_known() -> None:
    _check(DAY0 - timedelta(days=10), pre_treatment=True, day0=None)
    with pytest.raises(InputError, match="a participant with day 0 set"):
        _check(DAY0 + timedelta(days=10), day0=None)


def test_nothing_is_dated_after_death_or_in_the_future() -> None:
    died = DAY0 + timedelta(days=40)
    _check(died, died_on=died)
    with pytest.raises(InputError, match=r"on or before the participant's death \(2024-04-10\)"):
        _check(died + timedelta(days=1), died_on=died)
    with pytest.raises(InputError, match="a date not after today"):
        _check(DAY0 + timedelta(days=101))


def test_a_visit_in_its_window_raises_no_finding() -> None:
    actual = WINDOW.latest
    assert window_findings("W4", actual, WINDOW, window_position(W4, DAY0, actual)) == []


def test_a_visit_outside_its_window_says_by_how_much_and_what_the_window_was() -> None:
    actual = WINDOW.latest + timedelta(days=3)
    [finding] = window_findings("W4", actual, WINDOW, window_position(W4, DAY0, actual))
    assert finding.rule == "VISIT_OUTSIDE_WINDOW"
    assert finding.field == "actual_date"
    assert finding.message == (
        f"W4 done on {actual}, late by 3 days "
        f"(window {WINDOW.earliest} to {WINDOW.latest}, target {WINDOW.target})"
    )


def test_a_visit_not_after_an_earlier_visit_is_inconsistent() -> None:
    actual = DAY0 + timedelta(days=28)
    assert date_order_findings("W4", actual, [("W1", DAY0 + timedelta(days=7))]) == []
    [finding] = date_order_findings("W4", actual, [("W1", actual), ("D0", DAY0)])
    assert finding.rule == "VISIT_DATES_INCONSISTENT"
    assert f"W4 on {actual} is not after W1 on {actual}" in finding.message


def test_a_missing_form_is_raised_only_after_the_entry_period_one_per_form() -> None:
    actual = DAY0 + timedelta(days=28)
    required = (
        RequiredForm("LIVER_LABS", "Liver function tests", ("BILI", "INR")),
        RequiredForm("CLINICAL", "Clinical assessment", ("WEIGHT",)),
    )
    early = actual + timedelta(days=FORM_ENTRY_DAYS - 1)
    late = actual + timedelta(days=FORM_ENTRY_DAYS)
    assert missing_form_findings("W4", actual, today=early, required=required, present=()) == []
    findings = missing_form_findings("W4", actual, today=late, required=required, present={"BILI"})
    assert [(f.rule, f.field) for f in findings] == [
        ("FORM_MISSING", "LIVER_LABS"),
        ("FORM_MISSING", "CLINICAL"),
    ]
    assert findings[0].message == (
        f"W4 (done on {actual}): Liver function tests is missing INR; please enter it"
    )
    complete = {"BILI", "INR", "WEIGHT"}
    assert (
        missing_form_findings("W4", actual, today=late, required=required, present=complete) == []
    )
