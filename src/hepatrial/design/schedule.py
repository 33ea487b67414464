"""The visit schedule: study days, target dates and windows, and where an actual date falls.

Study day 0 is the day of the first infusion (DESIGN.md, "Time"); unlike SDTM --DY there is a day
0, and the day before it is day -1. A visit's window is its target day minus ``window.before`` to
plus ``window.after``, both ends included. The protocol guarantees that windows do not overlap, so
a date belongs to at most one visit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from hepatrial.errors import InputError
from hepatrial.protocol import Protocol, Visit

__all__ = [
    "ScheduledVisit",
    "VisitWindow",
    "WindowPosition",
    "study_day",
    "visit_for_date",
    "visit_schedule",
    "visit_window",
    "window_position",
]


def _plain_date(name: str, value: object) -> date:
    # A datetime is a date subclass; accepting one would silently compare a time of day.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InputError(field=name, expected="a calendar date (datetime.date)", received=value)
    return value


def study_day(day0: date, when: date) -> int:
    """The study day of ``when``: 0 on ``day0`` (the first infusion), negative before it."""
    return (_plain_date("when", when) - _plain_date("day0", day0)).days


@dataclass(frozen=True, slots=True)
class VisitWindow:
    """A visit's target date and the first and last dates of its window (both included)."""

    target: date
    earliest: date
    latest: date

    def contains(self, when: date) -> bool:
        """Whether ``when`` falls within the window."""
        return self.earliest <= _plain_date("when", when) <= self.latest


@dataclass(frozen=True, slots=True)
class ScheduledVisit:
    """A protocol visit placed on the calendar of one participant."""

    visit: Visit
    window: VisitWindow

    @property
    def code(self) -> str:
        """The visit's code."""
        return self.visit.code

    @property
    def target(self) -> date:
        """The visit's target date."""
        return self.window.target


@dataclass(frozen=True, slots=True)
class WindowPosition:
    """Where an actual visit date falls relative to its window.

    ``days_outside`` is 0 in the window, else how many days before the earliest (early) or after
    the latest (late) date it is; ``days_from_target`` is signed (negative before the target).
    """

    status: Literal["early", "in_window", "late"]
    days_outside: int
    days_from_target: int

    @property
    def in_window(self) -> bool:
        """Whether the date is within the window."""
        return self.status == "in_window"

    def __str__(self) -> str:
        if self.status == "in_window":
            return "in window"
        unit = "day" if self.days_outside == 1 else "days"
        return f"{self.status} by {self.days_outside} {unit}"


def visit_window(visit: Visit, day0: date) -> VisitWindow:
    """The calendar window of ``visit`` for a participant whose first infusion is on ``day0``."""
    target = _plain_date("day0", day0) + timedelta(days=visit.day)
    return VisitWindow(
        target=target,
        earliest=target - timedelta(days=visit.window.before),
        latest=target + timedelta(days=visit.window.after),
    )


def visit_schedule(protocol: Protocol, day0: date) -> tuple[ScheduledVisit, ...]:
    """Every visit of ``protocol`` on the calendar of a participant first infused on ``day0``."""
    return tuple(ScheduledVisit(visit, visit_window(visit, day0)) for visit in protocol.visits)


def window_position(visit: Visit, day0: date, actual: date) -> WindowPosition:
    """Whether ``actual`` is in ``visit``'s window, or how many days early or late it is."""
    window = visit_window(visit, day0)
    actual = _plain_date("actual", actual)
    from_target = (actual - window.target).days
    if actual < window.earliest:
        return WindowPosition("early", (window.earliest - actual).days, from_target)
    if actual > window.latest:
        return WindowPosition("late", (actual - window.latest).days, from_target)
    return WindowPosition("in_window", 0, from_target)


def visit_for_date(protocol: Protocol, day0: date, when: date) -> Visit | None:
    """The visit whose window contains ``when``, or None if the date is in no window."""
    day = study_day(day0, when)
    return next((visit for visit in protocol.visits if visit.contains_day(day)), None)
