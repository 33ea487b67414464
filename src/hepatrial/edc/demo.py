"""The demo: a whole simulated trial replayed through the EDC, as the people in each role do it.

:func:`demo_run` sets a study up on an empty, migrated database (the CLI makes a fresh SQLite
file for it), simulates a realistic cohort with :mod:`hepatrial.simulate` whose outcomes follow
the arms the concealed list will really assign, replays every candidate's story and the data
review in calendar order up to the data cut, runs the daily job at the cut, and builds the
tabulations masked (as the statistician) and unmasked (as the DSMB, unblinded by the protocol).
The analysis and the report are the CLI's part (the EDC does not import them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from hepatrial.edc.demo_replay import DemoReplay
from hepatrial.edc.demo_setup import DemoAccount, demo_allocation_read, demo_study_create
from hepatrial.edc.demo_timeline import demo_lots, demo_steps
from hepatrial.edc.open_queries import open_queries_frame
from hepatrial.errors import InputError, WorkflowError
from hepatrial.tabulate import Tabulations

__all__ = ["WEEK_24_DAY", "DemoRun", "demo_run"]

Progress = Callable[[str, int, int], None]
"""Called with (what is being done, steps done, steps in all)."""

WEEK_24_DAY = 168
_LOT_VIABILITIES = (0.94, 0.96, 0.92, 0.95, 0.93, 0.97)


@dataclass(frozen=True, slots=True)
class DemoRun:
    """What the demo made: the accounts to sign in with, the cut, and the tabulations."""

    accounts: dict[str, DemoAccount]
    cutoff: dt.date
    candidates: int
    randomized: int
    steps: int
    masked: Tabulations
    unmasked: Tabulations
    open_queries: pd.DataFrame | None
    masked_as: str
    unmasked_as: str


class _QueriesOpened:
    """The replayed day each query was raised on (its audit time is real time)."""

    def __init__(self) -> None:
        self.days: dict[str, dt.date] = {}

    def note(self, day: dt.date) -> None:
        from hepatrial.edc.queries.models import Query

        for pk in Query.objects.values_list("pk", flat=True):
            self.days.setdefault(str(pk), day)


def _default_cutoff(randomized_on: list[dt.date], screened_on: list[dt.date]) -> dt.date:
    """When the last randomized participant reaches week 24 (so some are still followed)."""
    if randomized_on:
        return max(randomized_on) + dt.timedelta(days=WEEK_24_DAY)
    return max(screened_on, default=dt.date(2024, 1, 1)) + dt.timedelta(days=1)


def _checked_count(candidates: int | None) -> int | None:
    if candidates is not None and candidates < 1:
        raise InputError(field="--candidates", expected="at least 1", received=candidates)
    return candidates


def demo_run(
    *,
    seed: int,
    candidates: int | None = None,
    cutoff: dt.date | None = None,
    progress: Progress | None = None,
) -> DemoRun:
    """Replay a simulated trial through the EDC services on an empty, migrated database.

    ``candidates`` keeps the first that many screened candidates (all, about 30 until 22 are
    randomized, when None); ``cutoff`` defaults to week 24 of the last randomized participant.
    The same ``seed`` gives the same trial and the same tabulations.
    """
    from hepatrial.edc.core.clock import replaying
    from hepatrial.edc.core.masking import allocation_visible
    from hepatrial.edc.jobs import daily_jobs_run
    from hepatrial.edc.study.selectors import study_protocol
    from hepatrial.edc.tabulations import tabulations_build
    from hepatrial.simulate import default_scenario, simulate_cohort

    report = progress or (lambda _what, _done, _total: None)
    keep = _checked_count(candidates)
    report("setting the study up", 0, 1)
    users, accounts = demo_study_create(seed=seed)
    protocol = study_protocol()
    allocation = demo_allocation_read(pharmacist=users["pharmacist"])
    cohort = simulate_cohort(
        default_scenario(),
        protocol=protocol,
        rng=np.random.default_rng(seed),
        start=protocol.design.enrollment_period.start,
        allocation=allocation,
    )
    chosen = cohort.candidates[:keep] if keep is not None else cohort.candidates
    cut = cutoff or _default_cutoff(
        [c.randomized_on for c in chosen if c.randomized_on is not None],
        [c.screened_on for c in chosen],
    )
    zone = ZoneInfo(protocol.identity.sites[0].time_zone)
    replay = DemoReplay(
        users=users, protocol=protocol, rng=np.random.default_rng([seed, 2]), zone=zone
    )
    steps = demo_steps(
        replay,
        chosen,
        demo_lots(chosen, _LOT_VIABILITIES),
        investigator_password=accounts["investigator"].password,
        cutoff=cut,
    )
    opened = _QueriesOpened()
    for done, step in enumerate(steps):
        report(f"{step.on.isoformat()} {step.label}", done, len(steps))
        try:
            with replaying(step.on):
                step.run()
        except Exception as error:
            raise WorkflowError(
                field="demo step",
                expected=f"{step.label} on {step.on.isoformat()} to be accepted by the EDC",
                received=str(error),
            ) from error
        opened.note(step.on)
    report("daily job at the cut", len(steps), len(steps))
    daily_jobs_run(
        user=users["data_manager"],
        today=cut,
        now=dt.datetime.combine(cut, dt.time(23, 0), tzinfo=zone),
    )
    opened.note(cut)
    masked_as, unmasked_as = users["statistician"], users["dsmb"]
    if allocation_visible(masked_as) or not allocation_visible(unmasked_as):
        raise WorkflowError(
            field="masking",
            expected="the statistician masked before lock and the DSMB unblinded",
            received="a protocol whose masking rules differ",
        )
    return DemoRun(
        accounts=accounts,
        cutoff=cut,
        candidates=len(chosen),
        randomized=sum(1 for c in chosen if c.randomized_on is not None and c.randomized_on <= cut),
        steps=len(steps),
        masked=tabulations_build(user=masked_as),
        unmasked=tabulations_build(user=unmasked_as),
        open_queries=open_queries_frame(user=users["data_manager"], opened_on=opened.days),
        masked_as=masked_as.get_username(),
        unmasked_as=unmasked_as.get_username(),
    )
