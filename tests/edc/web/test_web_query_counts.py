"""The dashboard, the participant list and the participant page cost the same number of
database queries whatever the number of participants and visits (no query per row)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from web_cohort import enroll

# Generous absolute bounds: the point is the equality below, these catch a page gone wild.
MAX_QUERIES = {"dashboard": 30, "list": 20, "participant": 40}
ROLES_CHECKED = ("coordinator", "monitor", "pharmacist")


def _counts(users: dict[str, Any], participant: Any) -> dict[tuple[str, str], int]:
    pages = {
        "dashboard": reverse("web:dashboard"),
        "list": reverse("web:participant_list"),
        "participant": reverse("web:participant_detail", args=[participant.pk]),
    }
    counts = {}
    for role in ROLES_CHECKED:
        client = Client()
        client.force_login(users[role])
        for name, url in pages.items():
            client.get(url)  # warm the protocol cache, as every later request finds it
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts[(role, name)] = len(queries)
    return counts


def test_page_query_counts_do_not_grow_with_participants_or_visits(
    listed_users: dict[str, Any],
) -> None:
    users = listed_users
    day0 = dt.date.today() - dt.timedelta(days=120)
    first = enroll(users, number=1, day0=day0, visits=1)
    for number in (2, 3):
        enroll(users, number=number, day0=day0, visits=2)
    with_three = _counts(users, first)
    for role_page, count in with_three.items():
        assert count <= MAX_QUERIES[role_page[1]], (role_page, count)

    busy = enroll(users, number=4, day0=day0, visits=4)
    for number in range(5, 13):
        enroll(users, number=number, day0=day0, visits=1)
    assert with_three == _counts(users, first)
    # a participant with four visits of labs costs what one with a single visit does
    assert _counts(users, busy) == with_three
