"""The participant state machine: the journey's order is enforced, and ends are final."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hepatrial.design.workflow import TERMINAL, TRANSITIONS, Status, next_status
from hepatrial.errors import WorkflowError

JOURNEY = [
    ("consent", Status.CONSENTED),
    ("screen", Status.SCREENED),
    ("confirm eligible", Status.ELIGIBLE),
    ("randomize", Status.RANDOMIZED),
    ("infuse", Status.INFUSED),
    ("start follow-up", Status.IN_FOLLOW_UP),
    ("complete", Status.COMPLETED),
]


def test_the_whole_journey_runs_in_order() -> None:
    state = Status.IDENTIFIED
    for action, expected in JOURNEY:
        state = next_status(state, action)
        assert state is expected


def test_screening_before_consent_is_refused() -> None:
    with pytest.raises(WorkflowError, match="screen: expected a participant who is consented"):
        next_status(Status.IDENTIFIED, "screen")


@pytest.mark.parametrize(
    "state", [Status.IDENTIFIED, Status.CONSENTED, Status.SCREENED, Status.SCREEN_FAILED]
)
def test_randomization_needs_confirmed_eligibility(state: Status) -> None:
    with pytest.raises(
        WorkflowError, match=f"expected a participant who is eligible, got '{state}'"
    ):
        next_status(state, "randomize")


def test_infusion_needs_randomization() -> None:
    with pytest.raises(WorkflowError, match="expected a participant who is randomized"):
        next_status(Status.ELIGIBLE, "infuse")


@given(st.sampled_from(sorted(TERMINAL)), st.sampled_from(sorted(TRANSITIONS)))
def test_no_action_leaves_a_terminal_status(state: Status, action: str) -> None:
    with pytest.raises(WorkflowError):
        next_status(state, action)


def test_an_unknown_action_names_the_known_ones() -> None:
    with pytest.raises(WorkflowError, match="action: expected one of consent"):
        next_status(Status.IDENTIFIED, "unrandomize")
