"""The site's date when a past trial is replayed through the services (the demo).

Services take their clock as an argument where they can (``today=``, ``now=``). The visit
calendar's checks run deep inside form entry, where no argument reaches: they ask
:func:`replayed_day`, which is None (real time) except inside :func:`replaying`, so a replayed
visit is judged as on the day it was entered (a form is not "missing" the moment a 2024 visit is
recorded). Audit timestamps are never replayed: they stay real UTC time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

__all__ = ["replayed_day", "replaying"]

_DAY: ContextVar[date | None] = ContextVar("hepatrial_replayed_day", default=None)


@contextmanager
def replaying(day: date) -> Iterator[None]:
    """Within the block, the visit calendar's "today" at the site is ``day``."""
    token = _DAY.set(day)
    try:
        yield
    finally:
        _DAY.reset(token)


def replayed_day() -> date | None:
    """The replayed site date, or None when the services run in real time."""
    return _DAY.get()
