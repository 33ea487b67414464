"""The schedule of assessments: which procedure is done at which visit, as data to render.

Columns are the protocol's visits in order; rows are its procedures in declared order, each with
one mark per visit. The CLI and the report draw it; nothing here formats for a screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from hepatrial.errors import InputError
from hepatrial.protocol._base import one_of
from hepatrial.protocol.model import ProcedureKind, Protocol, Visit

__all__ = ["ScheduleOfAssessments", "SoaRow", "SoaVisit", "schedule_of_assessments"]


@dataclass(frozen=True, slots=True)
class SoaVisit:
    """A column: a visit, its target study day and its window in study days."""

    code: str
    label: str
    day: int
    earliest_day: int
    latest_day: int

    @property
    def window_label(self) -> str:
        """The window in words: ``day 0``, ``day 7 ± 2`` or ``days -28 to -1``."""
        before, after = self.day - self.earliest_day, self.latest_day - self.day
        if before == after == 0:
            return f"day {self.day}"
        if before == after:
            return f"day {self.day} ± {before}"
        return f"days {self.earliest_day} to {self.latest_day}"


@dataclass(frozen=True, slots=True)
class SoaRow:
    """A row: a procedure, what it collects, and whether it is done at each visit (in order)."""

    code: str
    label: str
    kind: ProcedureKind
    collects: tuple[str, ...]
    marks: tuple[bool, ...]


@dataclass(frozen=True, slots=True)
class ScheduleOfAssessments:
    """Visits as columns, procedures as rows, one mark per cell."""

    visits: tuple[SoaVisit, ...]
    rows: tuple[SoaRow, ...]

    def is_done(self, procedure: str, visit: str) -> bool:
        """Whether ``procedure`` is done at ``visit`` (both by code)."""
        columns = [v.code for v in self.visits]
        if visit not in columns:
            raise InputError(field="visit", expected=f"one of {one_of(columns)}", received=visit)
        for row in self.rows:
            if row.code == procedure:
                return row.marks[columns.index(visit)]
        codes = one_of(r.code for r in self.rows)
        raise InputError(field="procedure", expected=f"one of {codes}", received=procedure)


def _column(visit: Visit) -> SoaVisit:
    return SoaVisit(visit.code, visit.label, visit.day, visit.earliest_day, visit.latest_day)


def schedule_of_assessments(protocol: Protocol) -> ScheduleOfAssessments:
    """Build the schedule of assessments of ``protocol``."""
    rows = tuple(
        SoaRow(
            code=procedure.code,
            label=procedure.label,
            kind=procedure.kind,
            collects=procedure.measures + procedure.scores,
            marks=tuple(procedure.code in visit.procedures for visit in protocol.visits),
        )
        for procedure in protocol.procedures
    )
    return ScheduleOfAssessments(tuple(_column(v) for v in protocol.visits), rows)
