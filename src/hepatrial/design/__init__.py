"""Trial mechanics that follow from the protocol: the visit schedule and its windows."""

from hepatrial.design.schedule import (
    ScheduledVisit,
    VisitWindow,
    WindowPosition,
    study_day,
    visit_for_date,
    visit_schedule,
    visit_window,
    window_position,
)

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
