"""Visit services: plan the schedule from day 0, record, miss, add unscheduled visits, refresh
statuses from the calendar, and end the schedule at death.

Decisions (docs/edc.md):

- The screening visit may be recorded before day 0 is known (:func:`visit_screening_record`), so
  that screening labs have a visit; its window is filled in when day 0 is set.
- :func:`visits_plan` runs when the first infusion is recorded. It creates every protocol visit
  not yet there: the day-0 visit as done on day 0 (the infusion is that visit), the screening
  visit, if it was not recorded, as open (so it shows overdue until it is recorded or marked not
  done), and every later visit as planned, due or overdue from the site's calendar. Run again it
  changes nothing, unless day 0 changed, in which case it moves the windows.
- A visit outside its window is recorded, never blocked: the visit carries the deviation and its
  text, and a query is raised.
"""

from hepatrial.edc.visits._guards import (
    participant_death_date,
    visit_checks_sync,
    visit_date_guard,
)
from hepatrial.edc.visits.services_record import (
    visit_miss,
    visit_record,
    visit_unscheduled_create,
)
from hepatrial.edc.visits.services_schedule import (
    visit_screening_record,
    visits_end_after_death,
    visits_plan,
    visits_status_refresh,
)

__all__ = [
    "participant_death_date",
    "visit_checks_sync",
    "visit_date_guard",
    "visit_miss",
    "visit_record",
    "visit_screening_record",
    "visit_unscheduled_create",
    "visits_end_after_death",
    "visits_plan",
    "visits_status_refresh",
]
