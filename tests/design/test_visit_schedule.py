"""The visit calendar: study days from the first infusion, windows, and where a date falls."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hepatrial.design import (
    WindowPosition,
    study_day,
    visit_for_date,
    visit_schedule,
    visit_window,
    window_position,
)
from hepatrial.errors import InputError
from hepatrial.protocol import load_seed_protocol

PROTOCOL = load_seed_protocol()
DAY0 = dt.date(2024, 1, 1)

day0s = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))
offsets = st.integers(min_value=-60, max_value=420)


def test_study_day_is_0_on_the_first_infusion_and_negative_before() -> None:
    assert study_day(DAY0, DAY0) == 0
    assert study_day(DAY0, dt.date(2023, 12, 31)) == -1
    assert study_day(DAY0, dt.date(2024, 1, 8)) == 7


def test_study_day_refuses_a_datetime() -> None:
    with pytest.raises(InputError) as caught:
        study_day(dt.datetime(2024, 1, 1, 9, 30), DAY0)
    assert str(caught.value) == (
        "day0: expected a calendar date (datetime.date), got 2024-01-01 09:30:00"
    )


def test_week_4_window_is_a_week_either_side_of_day_28() -> None:
    window = visit_window(PROTOCOL.visit("W4"), DAY0)
    assert window.target == dt.date(2024, 1, 29)
    assert (window.earliest, window.latest) == (dt.date(2024, 1, 22), dt.date(2024, 2, 5))
    assert window.contains(dt.date(2024, 2, 5))
    assert not window.contains(dt.date(2024, 2, 6))


def test_screening_window_is_the_28_days_before_day_0() -> None:
    window = visit_window(PROTOCOL.visit("SCR"), DAY0)
    assert (window.earliest, window.latest) == (dt.date(2023, 12, 4), dt.date(2023, 12, 31))


def test_schedule_places_every_visit_on_the_calendar_in_order() -> None:
    schedule = visit_schedule(PROTOCOL, DAY0)
    assert [s.code for s in schedule] == [v.code for v in PROTOCOL.visits]
    assert [s.target for s in schedule] == [
        DAY0 + dt.timedelta(days=v.day) for v in PROTOCOL.visits
    ]
    assert schedule[-1].window.latest == dt.date(2025, 1, 28)  # day 365 + 28 days


@pytest.mark.parametrize(
    ("actual", "status", "outside", "from_target", "text"),
    [
        (dt.date(2024, 1, 29), "in_window", 0, 0, "in window"),
        (dt.date(2024, 1, 22), "in_window", 0, -7, "in window"),
        (dt.date(2024, 1, 21), "early", 1, -8, "early by 1 day"),
        (dt.date(2024, 2, 8), "late", 3, 10, "late by 3 days"),
    ],
)
def test_window_position_says_in_window_or_how_many_days_early_or_late(
    actual: dt.date, status: str, outside: int, from_target: int, text: str
) -> None:
    position = window_position(PROTOCOL.visit("W4"), DAY0, actual)
    assert position == WindowPosition(status, outside, from_target)  # type: ignore[arg-type]
    assert str(position) == text
    assert position.in_window is (status == "in_window")


@pytest.mark.parametrize(
    ("offset", "code"),
    [(-29, None), (-28, "SCR"), (-1, "SCR"), (0, "D0"), (4, None), (5, "W1"), (9, "W1"),
     (10, None), (350, "W48"), (364, None), (365, "D365"), (393, "D365"), (394, None)],
)  # fmt: skip
def test_a_date_maps_to_the_visit_whose_window_holds_it(offset: int, code: str | None) -> None:
    visit = visit_for_date(PROTOCOL, DAY0, DAY0 + dt.timedelta(days=offset))
    assert (visit.code if visit else None) == code


@given(day0s)
def test_seed_windows_never_overlap(day0: dt.date) -> None:
    schedule = visit_schedule(PROTOCOL, day0)
    for earlier, later in itertools.pairwise(schedule):
        assert earlier.window.latest < later.window.earliest


@given(day0s, offsets)
def test_every_date_maps_to_at_most_one_visit(day0: dt.date, offset: int) -> None:
    when = day0 + dt.timedelta(days=offset)
    holding = [s for s in visit_schedule(PROTOCOL, day0) if s.window.contains(when)]
    assert len(holding) <= 1
    found = visit_for_date(PROTOCOL, day0, when)
    assert found == (holding[0].visit if holding else None)
    if found is not None:
        assert window_position(found, day0, when).in_window


@given(day0s)
def test_the_target_always_lies_within_its_window(day0: dt.date) -> None:
    for scheduled in visit_schedule(PROTOCOL, day0):
        window = scheduled.window
        assert window.earliest <= window.target <= window.latest
        assert window_position(scheduled.visit, day0, window.target) == WindowPosition(
            "in_window", 0, 0
        )


@given(day0s, offsets)
def test_study_day_counts_calendar_days_from_day_0(day0: dt.date, offset: int) -> None:
    assert study_day(day0, day0 + dt.timedelta(days=offset)) == offset
