"""Fixtures of the web page tests: the study's users with the allocation list generated."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def listed_users(users: dict[str, Any]) -> dict[str, Any]:
    """``users``, once the concealed randomization list exists (so participants can be
    randomized by :func:`web_cohort.enroll`)."""
    from hepatrial.edc.randomization.services import randomization_list_generate

    randomization_list_generate(user=users["admin"], seed=2**100 + 20231128)
    return users
