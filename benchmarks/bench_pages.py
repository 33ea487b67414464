"""The main web pages with 1,000 participants, against the same pages with 10.

Builds a throw-away SQLite study (seed protocol) in a temporary directory, adds synthetic
participants with ``bulk_create`` (each with consent, allocation, nine scheduled visits, the
visits done so far with a nine-test lab panel and MELD / Child-Pugh, some open queries and
screen failures), and times the dashboard, the participant list and one participant page with
Django's test client: the median of ``--runs`` requests, for a masked coordinator and the
unblinded pharmacist. The baseline is the same pages measured in the same run on a study of
10 participants; the ratio shows how the cost grows with 100 times the participants. It also
prints each page's query count (it must not change) and times the per-participant-query
selector (``participants.selectors.participant_list``) against the page's one-query-per-table
read (``web.queries.participant_lines``).

    .venv/bin/python benchmarks/bench_pages.py [--participants 1000] [--baseline 10] [--runs 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

import machine_info

os.environ.setdefault("HEPATRIAL_DATA_DIR", tempfile.mkdtemp(prefix="hepatrial-bench-pages-"))
os.environ.setdefault("HEPATRIAL_ALLOWED_HOSTS", "testserver,localhost")
os.environ.pop("DATABASE_URL", None)
os.environ["DJANGO_SETTINGS_MODULE"] = "hepatrial.edc.settings"

PASSWORD = "Correct-Horse-42"
PANEL = {
    "ALT": (38.0, "U/L"), "AST": (52.0, "U/L"), "ALP": (110.0, "U/L"), "BILI": (64.0, "umol/L"),
    "ALB": (29.0, "g/L"), "PT": (16.8, "s"), "INR": (1.4, "ratio"), "CREAT": (97.0, "umol/L"),
    "SODIUM": (131.0, "mmol/L"),
}  # fmt: skip


def _setup() -> dict[str, Any]:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from hepatrial.edc.accounts.models import User
    from hepatrial.edc.accounts.services import user_create
    from hepatrial.edc.study.services import study_init
    from hepatrial.protocol import ROLES, seed_protocol_path

    setup_test_environment()  # the test client, and ALLOWED_HOSTS for "testserver"
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it
    call_command("migrate", verbosity=0, interactive=False)
    study_init(
        protocol_path=seed_protocol_path(), admin_username="admin", admin_password=PASSWORD,
        admin_full_name="Ada Admin",
    )  # fmt: skip
    admin = User.objects.get(username="admin")
    users = {"admin": admin}
    for role in ROLES:
        if role != "admin":
            users[role] = user_create(
                actor=admin, username=role, full_name=role.title(), role=role, password=PASSWORD,
                site_code="01" if role in ("investigator", "coordinator") else "",
            )  # fmt: skip
    return users


def add_participants(first: int, count: int, users: dict[str, Any], today: dt.date) -> None:
    """``count`` synthetic participants numbered from ``first``, written with bulk_create."""
    from hepatrial.edc.crfs.models import DerivedScore, LabResult
    from hepatrial.edc.participants.models import Consent, EligibilityAnswer, Participant
    from hepatrial.edc.queries.models import Query
    from hepatrial.edc.randomization.models import Allocation
    from hepatrial.edc.study.models import Site, VisitDefinition
    from hepatrial.edc.visits.models import Visit

    site = Site.objects.get(code="01")
    coordinator, pharmacist = users["coordinator"], users["pharmacist"]
    stamp = {"created_by": coordinator, "modified_by": coordinator}
    definitions = list(VisitDefinition.objects.order_by("day"))
    participants, consents, allocations, visits, labs, scores, answers = [], [], [], [], [], [], []
    for number in range(first, first + count):
        screen_failed = number % 10 == 0
        day0 = today - dt.timedelta(days=number % 400)
        participant = Participant(
            study_id=f"01-{number:04d}", site=site, identified_on=day0 - dt.timedelta(days=7),
            status="screen failed" if screen_failed else "in follow-up",
            day0=None if screen_failed else day0, **stamp,
        )  # fmt: skip
        participants.append(participant)
        consents.append(
            Consent(
                participant=participant,
                consent_version="1.0",
                obtained_by=coordinator,
                consent_date=participant.identified_on,
                **stamp,
            )
        )
        if screen_failed:
            answers.append(
                EligibilityAnswer(
                    participant=participant,
                    criterion_code="EX01",
                    kind="exclusion",
                    met=False,
                    reason="tumour on imaging",
                    evaluated_on=participant.identified_on,
                    **stamp,
                )
            )
            continue
        allocations.append(
            Allocation(
                participant=participant,
                stratum="{}",
                arm=("LOW", "MIDHIGH")[number % 2],
                randomized_at=dt.datetime.combine(day0, dt.time(1), tzinfo=dt.UTC),
                randomized_by=pharmacist,
                **stamp,
            )
        )
        for definition in definitions:
            target = day0 + dt.timedelta(days=definition.day)
            done = target <= today
            visit = Visit(
                participant=participant, definition=definition, code=definition.code,
                label=definition.label, visitnum=definition.visitnum, target_date=target,
                earliest_date=target - dt.timedelta(days=definition.window_before),
                latest_date=target + dt.timedelta(days=definition.window_after),
                status="done" if done else "planned", actual_date=target if done else None,
                **stamp,
            )  # fmt: skip
            visits.append(visit)
            if not done or definition.code == "D365":
                continue
            for code, (value, unit) in PANEL.items():
                labs.append(
                    LabResult(
                        participant=participant,
                        visit=visit,
                        code=code,
                        value_entered=str(value),
                        unit_entered=unit,
                        value_std=value,
                        unit_std=unit,
                        **stamp,
                    )
                )
            for code, value, grade in (("MELD", 16.0, ""), ("CHILD_PUGH", 9.0, "B")):
                scores.append(
                    DerivedScore(
                        participant=participant,
                        visit=visit,
                        code=code,
                        value=value,
                        grade=grade,
                        formula="bench",
                        **stamp,
                    )
                )
    Participant.objects.bulk_create(participants)
    Consent.objects.bulk_create(consents)
    EligibilityAnswer.objects.bulk_create(answers)
    Allocation.objects.bulk_create(allocations)
    Visit.objects.bulk_create(visits, batch_size=2000)
    LabResult.objects.bulk_create(labs, batch_size=2000)
    DerivedScore.objects.bulk_create(scores, batch_size=2000)
    from django.contrib.contenttypes.models import ContentType

    kind = ContentType.objects.get_for_model(Visit)
    Query.objects.bulk_create(
        Query(
            content_type=kind,
            object_id=str(v.pk),
            participant=v.participant,
            field="BILI",
            text="Please confirm the bilirubin",
            status="open",
            **stamp,
        )
        for v in visits[::40]
    )


def _median_time(call: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(users: dict[str, Any], runs: int) -> dict[tuple[str, str], tuple[float, int]]:
    """(role, page) → (median seconds, queries) for the three main pages."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from hepatrial.edc.participants.models import Participant

    busiest = Participant.objects.exclude(day0=None).order_by("day0").first()
    assert busiest is not None
    pages = {
        "dashboard": "/",
        "participant list": "/participants/",
        "participant page": f"/participants/{busiest.pk}/",
    }
    found = {}
    for role in ("coordinator", "pharmacist"):
        client = Client()
        client.force_login(users[role])
        for name, url in pages.items():
            response = client.get(url)
            assert response.status_code == 200, (role, url, response.status_code)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            # counted now: each request starts by clearing the connection's query log
            count = len(queries)
            found[(role, name)] = (_median_time(lambda u=url, c=client: c.get(u), runs), count)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--baseline", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    users = _setup()
    today = dt.date.today()
    add_participants(1, args.baseline, users, today)
    small = measure(users, args.runs)
    start = time.perf_counter()
    add_participants(args.baseline + 1, args.participants - args.baseline, users, today)
    built = time.perf_counter() - start
    large = measure(users, args.runs)

    from hepatrial.edc.participants.selectors import participant_list
    from hepatrial.edc.web.queries import participant_lines

    pharmacist = users["pharmacist"]
    per_row = _median_time(lambda: participant_list(user=pharmacist), 3)
    joined = _median_time(lambda: participant_lines(user=pharmacist, today=today), 3)

    import django

    print(f"machine: {machine_info.machine(f'Django {django.get_version()}, SQLite')}")
    print(
        f"study: {args.participants} participants (built with bulk_create in {built:.1f} s); "
        f"baseline: {args.baseline} participants, same run; median of {args.runs} requests"
    )
    print()
    print(
        f"| page | role | {args.baseline} participants | {args.participants} participants "
        "| ratio | queries (small / large) |"
    )
    print("|---|---|---|---|---|---|")
    for (role, page), (seconds, queries) in large.items():
        base, base_queries = small[(role, page)]
        print(
            f"| {page} | {role} | {base * 1000:.0f} ms | {seconds * 1000:.0f} ms "
            f"| {seconds / base:.1f}× | {base_queries} / {queries} |"
        )
    print()
    print(
        f"participant rows for the pharmacist, {args.participants} participants: "
        f"per-participant-query selector {per_row * 1000:.0f} ms, one query per table "
        f"{joined * 1000:.0f} ms ({per_row / joined:.1f}× faster)"
    )


if __name__ == "__main__":
    main()
