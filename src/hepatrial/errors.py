"""The one exception hierarchy of hepatrial.

Every error a user can meet names the field, what was expected and what was received, so that a
coordinator can correct the entry without asking a developer. This module imports nothing from the
rest of the package; every layer may raise these errors.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = [
    "AccessDeniedError",
    "ConflictError",
    "HepatrialError",
    "InputError",
    "LimitError",
    "ProtocolError",
    "StudyLockedError",
    "UnitError",
    "WorkflowError",
    "describe",
]


def describe(value: object) -> str:
    """A received value for an error message: numbers plainly, text quoted, None as nothing."""
    if value is None:
        return "nothing"
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, str):
        return repr(value)
    return str(value)


class HepatrialError(Exception):
    """Root of every error hepatrial raises on purpose.

    Built from ``field``, ``expected`` and ``received`` the message reads
    ``"<field>: expected <expected>, got <received>"``. A plain ``message`` may be given instead
    for errors that are not about a single field.
    """

    def __init__(
        self,
        message: str | None = None,
        *,
        field: str | None = None,
        expected: str | None = None,
        received: object = None,
    ) -> None:
        self.field = field
        self.expected = expected
        self.received = received
        if message is None:
            message = f"{field}: expected {expected}, got {describe(received)}"
        self.message = message
        super().__init__(message)


class InputError(HepatrialError):
    """A value given by a user or a file is not acceptable for its field."""


class UnitError(InputError):
    """A unit is not one the lab catalogue knows for the test; it is never guessed."""


class LimitError(InputError):
    """A lab value lies beyond its hard (physiologically impossible) limit and is rejected."""


class ProtocolError(HepatrialError):
    """A protocol file is not valid. ``problems`` lists every problem, each with its path."""

    def __init__(self, problems: Sequence[str], *, source: str = "protocol") -> None:
        self.problems = tuple(problems)
        self.source = source
        listing = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{source}: {len(self.problems)} problem(s)\n{listing}")


class WorkflowError(HepatrialError):
    """An action is not allowed in the participant's or the study's current state
    (e.g. randomization before consent and confirmed eligibility)."""


class ConflictError(HepatrialError):
    """Someone else changed the record since it was read: the edit is refused, never merged."""


class AccessDeniedError(HepatrialError):
    """The user's role may not perform the action or see the data."""


class StudyLockedError(WorkflowError):
    """The study database is locked: no write is accepted until it is unlocked with a reason."""
