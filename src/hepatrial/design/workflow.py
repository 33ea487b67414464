"""The participant's journey through the trial as a state machine.

identified → consented → screened → eligible (or screen failure) → randomized → infused →
in follow-up → completed; withdrawn, died or lost to follow-up may end it early. GCP requires
consent before any trial-specific screening procedure (ICH E6(R3) 2.8), and consent is itself
inclusion criterion 3, so screening cannot start before consent.

The table is data and pure: services ask :func:`next_status` before they act, so the same rule
holds in the web pages, the API, the demo and the tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from hepatrial.errors import WorkflowError

__all__ = ["TERMINAL", "TRANSITIONS", "Status", "next_status"]


class Status(StrEnum):
    IDENTIFIED = "identified"
    CONSENTED = "consented"
    SCREENED = "screened"
    ELIGIBLE = "eligible"
    SCREEN_FAILED = "screen failed"
    RANDOMIZED = "randomized"
    INFUSED = "infused"
    IN_FOLLOW_UP = "in follow-up"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"
    DIED = "died"
    LOST = "lost to follow-up"


S = Status
_ON_STUDY = (S.RANDOMIZED, S.INFUSED, S.IN_FOLLOW_UP)

# action → (states it may start from, state it leads to)
TRANSITIONS: Mapping[str, tuple[tuple[Status, ...], Status]] = {
    "consent": ((S.IDENTIFIED,), S.CONSENTED),
    "screen": ((S.CONSENTED,), S.SCREENED),
    "confirm eligible": ((S.SCREENED,), S.ELIGIBLE),
    "fail screening": ((S.CONSENTED, S.SCREENED), S.SCREEN_FAILED),
    "randomize": ((S.ELIGIBLE,), S.RANDOMIZED),
    "infuse": ((S.RANDOMIZED,), S.INFUSED),
    "start follow-up": ((S.INFUSED,), S.IN_FOLLOW_UP),
    "complete": ((S.IN_FOLLOW_UP,), S.COMPLETED),
    "withdraw": ((S.CONSENTED, S.SCREENED, S.ELIGIBLE, *_ON_STUDY), S.WITHDRAWN),
    "die": ((S.IDENTIFIED, S.CONSENTED, S.SCREENED, S.ELIGIBLE, *_ON_STUDY), S.DIED),
    "lose to follow-up": (_ON_STUDY, S.LOST),
}

TERMINAL = frozenset({S.SCREEN_FAILED, S.COMPLETED, S.WITHDRAWN, S.DIED, S.LOST})


def next_status(current: Status | str, action: str) -> Status:
    """The status ``action`` leads to from ``current``; a WorkflowError if it may not happen."""
    if action not in TRANSITIONS:
        raise WorkflowError(
            field="action", expected=f"one of {', '.join(TRANSITIONS)}", received=action
        )
    sources, target = TRANSITIONS[action]
    state = Status(current)
    if state not in sources:
        allowed = " or ".join(s.value for s in sources)
        raise WorkflowError(
            field=action, expected=f"a participant who is {allowed}", received=state.value
        )
    return target
