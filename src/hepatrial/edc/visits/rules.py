"""Pure rules of the visit calendar: which status a date implies, and which visit dates are
impossible. No database and no clock: ``today`` is always passed in.
"""

from __future__ import annotations

from datetime import date

from hepatrial.errors import InputError

__all__ = ["OPEN_STATUSES", "check_visit_date", "scheduled_status"]

# Statuses that only say where the calendar stands; "done", "missed" and "not done" are facts.
OPEN_STATUSES = ("planned", "due", "overdue")


def scheduled_status(
    status: str, *, earliest: date | None, latest: date | None, today: date
) -> str:
    """The status of a visit not yet done on ``today``: planned before its window opens, due
    within it, overdue once it has closed. A visit already done, missed or not done, or one whose
    window is not known yet, keeps ``status``.
    """
    if status not in OPEN_STATUSES or earliest is None or latest is None:
        return status
    if today < earliest:
        return "planned"
    if today <= latest:
        return "due"
    return "overdue"


def check_visit_date(
    when: date,
    *,
    today: date,
    identified_on: date,
    day0: date | None,
    pre_treatment: bool,
    died_on: date | None,
    field: str = "actual_date",
) -> None:
    """Refuse a visit date that cannot be true, with an InputError naming what was expected.

    A visit is not in the future nor before the participant was identified. A pre-treatment
    (screening) visit is not after day 0; every other visit is on or after day 0, since nothing
    is followed up before the first infusion. Nothing is dated after death.
    """
    if when > today:
        raise InputError(field=field, expected=f"a date not after today ({today})", received=when)
    if when < identified_on:
        raise InputError(
            field=field,
            expected=f"a date on or after the participant was identified ({identified_on})",
            received=when,
        )
    if day0 is not None and pre_treatment and when > day0:
        raise InputError(
            field=field,
            expected=f"a screening date on or before day 0 ({day0}), the first infusion",
            received=when,
        )
    if not pre_treatment and (day0 is None or when < day0):
        expected = (
            f"a date on or after day 0 ({day0}): no follow-up data before the first infusion"
            if day0 is not None
            else "a participant with day 0 set (the first infusion recorded)"
        )
        raise InputError(field=field, expected=expected, received=when)
    if died_on is not None and when > died_on:
        raise InputError(
            field=field,
            expected=f"a date on or before the participant's death ({died_on})",
            received=when,
        )
