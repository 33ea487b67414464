"""Visits, their windows, and the procedures done at each.

Study day 0 is the day of the first infusion; a visit's target is a study day and its window
reaches ``before`` days earlier and ``after`` days later. Windows of consecutive visits may not
overlap, so every date belongs to at most one visit.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Literal

from pydantic import Field

from hepatrial.protocol._base import (
    Code,
    Frozen,
    Integer,
    NonNegativeInt,
    Problem,
    Text,
    duplicate_problems,
    format_loc,
    problem,
)

__all__ = [
    "Epoch",
    "Procedure",
    "ProcedureKind",
    "Visit",
    "Window",
    "visits_problems",
]

Epoch = Literal["screening", "treatment", "follow_up"]

ProcedureKind = Literal[
    "consent",
    "eligibility",
    "demographics",
    "medical_history",
    "randomization",
    "infusion",
    "labs",
    "clinical_assessment",
    "scores",
    "adverse_events",
    "decompensation_events",
    "survival_status",
    "other",
]


class Window(Frozen):
    """How many days before and after the target day a visit may take place."""

    before: NonNegativeInt
    after: NonNegativeInt


class Visit(Frozen):
    """A planned visit: ``day`` is the target study day, ``visitnum`` the SDTM VISITNUM."""

    code: Code
    label: Text
    visitnum: NonNegativeInt
    day: Integer
    window: Window
    epoch: Epoch
    procedures: tuple[Code, ...] = Field(min_length=1)

    @property
    def earliest_day(self) -> int:
        """The first study day of the window."""
        return self.day - self.window.before

    @property
    def latest_day(self) -> int:
        """The last study day of the window."""
        return self.day + self.window.after

    def contains_day(self, day: int) -> bool:
        """Whether study day ``day`` lies in the window (both ends included)."""
        return self.earliest_day <= day <= self.latest_day


class Procedure(Frozen):
    """Something done at a visit: a form, an assessment or an act.

    ``measures`` lists the lab or clinical measure codes a labs or clinical_assessment procedure
    collects; ``scores`` the score codes a scores procedure derives.
    """

    code: Code
    label: Text
    kind: ProcedureKind
    measures: tuple[Code, ...] = ()
    scores: tuple[Code, ...] = ()


def visits_problems(visits: Sequence[Visit]) -> Iterator[Problem]:
    """Duplicate codes and VISITNUMs, days out of order, overlapping windows, repeated procedures.

    Locations start at the protocol root (``visits[3].window.before``).
    """
    yield from duplicate_problems(visits, ("visits",))
    for index, visit in enumerate(visits):
        seen: set[str] = set()
        for position, code in enumerate(visit.procedures):
            if code in seen:
                yield problem(
                    ("visits", index, "procedures", position), "each procedure once per visit", code
                )
            seen.add(code)
        if index == 0:
            continue
        previous = visits[index - 1]
        before = format_loc(("visits", index - 1))
        if visit.visitnum <= previous.visitnum:
            yield problem(
                ("visits", index, "visitnum"),
                f"a VISITNUM greater than {previous.visitnum} ({before}, {previous.code})",
                visit.visitnum,
            )
        if visit.day <= previous.day:
            yield problem(
                ("visits", index, "day"),
                f"a day after day {previous.day} ({before}, {previous.code})",
                visit.day,
            )
        elif visit.day <= previous.latest_day:
            yield problem(
                ("visits", index, "day"),
                f"a day after day {previous.latest_day}, where {previous.code}'s window ends",
                visit.day,
            )
        elif visit.earliest_day <= previous.latest_day:
            yield problem(
                ("visits", index, "window", "before"),
                f"at most {visit.day - previous.latest_day - 1} days so the window starts after "
                f"day {previous.latest_day}, where {previous.code}'s window ends",
                visit.window.before,
            )
