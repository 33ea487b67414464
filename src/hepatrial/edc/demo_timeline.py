"""The demo's calendar: every step of every candidate, and of the data review, in date order.

A step is dated the day it is done (entered), which is on or after the clinical date it records:
a hospitalised decompensation is entered after discharge, an adverse event once it is known.
Steps of one day run in the order of the trial's workflow (``rank``), so a candidate is consented
before screening and randomized before the infusion. Endings (death, withdrawal) come after every
other step of that candidate, since the EDC refuses visit data after a recorded death.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from hepatrial.edc.demo_monitor import (
    MONITORING_EVERY_DAYS,
    SITE_ANSWERS_AFTER_DAYS,
    casebook_sign_step,
    monitoring_visit,
    site_answers,
)
from hepatrial.edc.demo_replay import DemoReplay, LotPlan
from hepatrial.simulate import Candidate

__all__ = ["Step", "demo_lots", "demo_steps"]

_SIGN_AFTER_DAYS = 14
_LOT_SHELF_DAYS = 60


@dataclass(frozen=True, slots=True)
class Step:
    """One thing one person does on one day."""

    on: dt.date
    rank: int
    key: str
    seq: int
    label: str
    run: Callable[[], None]

    def order(self) -> tuple[dt.date, int, str, int]:
        return (self.on, self.rank, self.key, self.seq)


def demo_lots(candidates: Sequence[Candidate], viabilities: Sequence[float]) -> dict[str, LotPlan]:
    """One lot a month, made a week before the month's first infusion; keyed by lot number.

    ``viabilities`` gives each month's lot viability in turn (cycled).
    """
    days = sorted(c.infused_on for c in candidates if c.infused_on is not None)
    lots: dict[str, LotPlan] = {}
    for day in days:
        number = _lot_of(day)
        if number not in lots:
            made = day - dt.timedelta(days=7)
            lots[number] = LotPlan(
                lot_number=number,
                manufactured_on=made,
                expires_on=made + dt.timedelta(days=_LOT_SHELF_DAYS),
                viability=viabilities[len(lots) % len(viabilities)],
            )
    return lots


def _lot_of(day: dt.date) -> str:
    return f"UCMSC-{day:%y%m}-01"


def _candidate_steps(replay: DemoReplay, c: Candidate, password: str) -> list[Step]:
    steps: list[Step] = []

    def add(on: dt.date, rank: int, label: str, run: Callable[[], None]) -> None:
        steps.append(Step(on, rank, c.number, len(steps), f"{label} ({c.number})", run))

    add(c.identified_on, 0, "identification", partial(replay.identify, c, c.identified_on))
    if c.consented_on is None:
        return steps
    add(c.consented_on, 1, "consent", partial(replay.consent, c, c.consented_on))
    add(c.screened_on, 2, "screening visit", partial(replay.screen, c, c.screened_on))
    decided = c.eligibility_on or c.screened_on
    add(decided, 3, "eligibility", partial(replay.decide_eligibility, c, decided))
    if c.randomized_on is None:
        return steps
    day0 = c.randomized_on
    lot = _lot_of(c.infused_on) if c.infused_on is not None else None
    add(day0, 10, "randomization and infusion", partial(replay.randomize_and_infuse, c, lot, day0))
    # without an infusion there is no day 0, so no schedule: only the ending is recorded
    follow = _follow_up_steps(replay, c, add) if c.infused_on is not None else None
    last = max([s.on for s in steps], default=day0)
    ending = _ending_steps(replay, c, add, last, follow)
    if ending is not None:
        add(ending + dt.timedelta(days=_SIGN_AFTER_DAYS), 90, "casebook signature",
            partial(casebook_sign_step, replay, c.number, password))  # fmt: skip
    return steps


def _follow_up_steps(
    replay: DemoReplay, c: Candidate, add: Callable[[dt.date, int, str, Callable[[], None]], None]
) -> dt.date | None:
    """Visits, events and adverse events; returns the date of the last visit done."""
    windows = {v.code: v.window.after for v in replay.protocol.visits}
    end = c.end_on
    last_done: dt.date | None = None
    for draw in c.visits:
        if draw.actual_date is not None:
            lag = 0 if draw.code == "D0" else int(replay.rng.integers(0, 3))
            on = draw.actual_date + dt.timedelta(days=lag)
            add(on, 11 if draw.code == "D0" else 20, f"visit {draw.code}",
                partial(replay.visit, c, draw, on))  # fmt: skip
            last_done = draw.actual_date
            continue
        closes = draw.target_date + dt.timedelta(days=windows.get(draw.code, 0))
        if end is not None and closes >= end:
            continue  # the ending closes this visit
        on = closes + dt.timedelta(days=3)
        add(on, 21, f"missed visit {draw.code}", partial(replay.visit_missed, c, draw, on))
    seen: set[tuple[str, dt.date]] = set()
    for index, event in enumerate(c.decompensations):
        if (event.event_type, event.onset_on) in seen:
            continue  # the same episode drawn twice: the EDC holds one event per type and onset
        seen.add((event.event_type, event.onset_on))
        on = (event.discharged_on or event.onset_on) + dt.timedelta(days=1)
        add(on, 30, "decompensation", partial(replay.decompensation, c, index, on))
    for index, ae in enumerate(c.adverse_events):
        on = ae.onset_on if ae.infusion_reaction else ae.onset_on + dt.timedelta(days=1)
        add(on, 31, "adverse event", partial(replay.adverse_event, c, index, on))
        if ae.resolved_on is not None and ae.resolved_on > on:
            later = ae.resolved_on + dt.timedelta(days=1)
            add(later, 32, "adverse event outcome",
                partial(replay.adverse_event_resolved, c, index, later))  # fmt: skip
    if c.transplant_on is not None:
        on = c.transplant_on + dt.timedelta(days=1)
        add(on, 33, "liver transplant", partial(replay.transplant, c, on))
    return last_done


def _ending_steps(
    replay: DemoReplay,
    c: Candidate,
    add: Callable[[dt.date, int, str, Callable[[], None]], None],
    last: dt.date,
    last_done: dt.date | None,
) -> dt.date | None:
    """The ending of follow-up, after every other step of the candidate; returns its date."""
    if c.death_on is not None:
        on = max(c.death_on + dt.timedelta(days=1), last)
        add(on, 80, "death", partial(replay.death, c, on))
        return on
    if c.withdrawn_on is not None:
        on = max(c.withdrawn_on, last)
        add(on, 80, "withdrawal", partial(replay.withdraw, c, on))
        return on
    final = c.visits[-1] if c.visits else None
    if final is None or final.code != replay.protocol.visits[-1].code:
        return None  # still in follow-up when the story ends
    if final.actual_date is not None:
        on = max(final.actual_date + dt.timedelta(days=1), last)
        add(on, 80, "completion", partial(replay.complete, c, final.actual_date, on))
        return on
    if last_done is None:
        return None
    on = max(last, final.target_date)
    add(on, 80, "lost to follow-up", partial(replay.lose, c, last_done, on))
    return on


def demo_steps(
    replay: DemoReplay,
    candidates: Sequence[Candidate],
    lots: dict[str, LotPlan],
    *,
    investigator_password: str,
    cutoff: dt.date,
) -> list[Step]:
    """Every step up to and including ``cutoff``, in the order they are done."""
    steps: list[Step] = []
    for lot in lots.values():
        on = lot.manufactured_on + dt.timedelta(days=1)
        steps.append(Step(on, 5, "lot", len(steps), f"lot {lot.lot_number} registered",
                          partial(replay.register_lot, lot, on)))  # fmt: skip
    for c in candidates:
        steps.extend(_candidate_steps(replay, c, investigator_password))
    if candidates:
        first = min(c.identified_on for c in candidates)
        since = first
        on = first + dt.timedelta(days=MONITORING_EVERY_DAYS)
        while on <= cutoff:
            steps.append(Step(on, 95, "monitor", 0, "monitoring visit",
                              partial(monitoring_visit, replay, since, on)))  # fmt: skip
            answer_on = on + dt.timedelta(days=SITE_ANSWERS_AFTER_DAYS)
            steps.append(Step(answer_on, 96, "site", 0, "site answers queries",
                              partial(site_answers, replay, answer_on)))  # fmt: skip
            since, on = on, on + dt.timedelta(days=MONITORING_EVERY_DAYS)
    return sorted((s for s in steps if s.on <= cutoff), key=Step.order)
