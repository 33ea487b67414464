"""What the dashboard and the participant page tell each role: enrolment against the target,
screen failures by criterion, SAE reports coming due, overdue visits, the lab table and the
forms that apply to the participant's status."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone


def _page(user: Any, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _screen_failure(users: dict[str, Any], hiv_status: str = "positive") -> Any:
    """A candidate whose HIV test is positive: exclusion criterion EX05 fails (with a negative
    test the candidate is eligible)."""
    from hepatrial.edc.participants.services import (
        participant_attest,
        participant_consent,
        participant_eligibility_confirm,
        participant_identify,
        participant_screening_record,
    )

    coordinator, investigator = users["coordinator"], users["investigator"]
    day = timezone.localdate() - dt.timedelta(days=3)
    candidate = participant_identify(
        user=coordinator, site_code="01", identified_on=day, name="Li Hua",
        phone="+86 138 0000 0001", national_id="110101198001017777",
    )  # fmt: skip
    participant_consent(
        user=coordinator, participant=candidate, consent_version="1.0", consent_date=day
    )
    participant_screening_record(
        user=coordinator, participant=candidate, collected_on=day,
        facts={"birth_date": dt.date(1980, 1, 1), "last_interferon_or_glucocorticoid_date":
               "never", "last_other_trial_date": "never", "prior_liver_transplant": False,
               "hiv_status": hiv_status, "pregnant": False, "breastfeeding": False},
    )  # fmt: skip
    for code in ("IN02", "EX01", "EX03", "EX04", "EX07", "EX10", "EX11"):
        participant_attest(
            user=investigator, participant=candidate, criterion_code=code,
            holds=code == "IN02", source_document="hospital record",
        )  # fmt: skip
    participant_eligibility_confirm(user=investigator, participant=candidate)
    candidate.refresh_from_db()
    return candidate


def test_the_dashboard_counts_randomized_participants_and_screen_failures(
    users: dict[str, Any], journey: dict[str, Any]
) -> None:
    candidate = _screen_failure(users)
    assert candidate.status == "screen failed"
    page = _page(users["monitor"], reverse("web:dashboard"))
    assert re.search(r'<span class="stat">1</span> / 22', page)
    failures = dict(
        re.findall(r"<tr><td>(EX\d\d|IN\d\d)</td><td>.*?</td><td class=\"num\">(\d+)", page)
    )
    assert failures["EX05"] == "1"
    assert sum(int(n) for n in failures.values()) == 1
    assert candidate.study_id in page  # in the screening log, with its failed criterion
    assert "EX05" in page.split("Screening log")[1]
    admin_page = _page(users["admin"], reverse("web:dashboard"))
    assert "Screen failures by criterion" in admin_page
    assert candidate.study_id not in admin_page  # the admin sees counts, no participant


def test_a_serious_adverse_event_shows_as_due_to_the_roles_that_read_safety(
    users: dict[str, Any], journey: dict[str, Any]
) -> None:
    from hepatrial.edc.safety.services import adverse_event_record

    aware = timezone.now() - dt.timedelta(hours=3)
    adverse_event_record(
        user=users["coordinator"], participant=journey["participant"], term="GI haemorrhage",
        onset_on=journey["participant"].day0 + dt.timedelta(days=20), grade=3,
        relatedness="unlikely", action_taken="not_applicable", outcome="recovered",
        awareness_at=aware, seriousness=["hospitalization"],
        resolved_on=journey["participant"].day0 + dt.timedelta(days=25),
    )  # fmt: skip
    for role in ("coordinator", "monitor", "dsmb"):
        section = _page(users[role], "/").split("SAE reports due within 24 hours")[1]
        section = section.split("</section>")[0]
        assert "GI haemorrhage" in section, role
    assert "SAE reports due" not in _page(users["pharmacist"], "/")  # no ae.view


def test_visits_past_their_window_are_listed_as_overdue(listed_users: dict[str, Any]) -> None:
    from web_cohort import enroll

    today = timezone.localdate()
    late = enroll(listed_users, number=1, day0=today - dt.timedelta(days=40), visits=1)
    page = _page(listed_users["coordinator"], "/")
    overdue = page.split("Overdue visits")[1].split("</section>")[0]
    # day 40: week 1 was done; week 4 (day 28, window to day 35) is overdue
    assert late.study_id in overdue
    assert "W4" in overdue
    assert "W8" not in overdue


def test_the_participant_page_shows_the_lab_values_over_time_and_the_plots(
    users: dict[str, Any], journey: dict[str, Any]
) -> None:
    page = _page(
        users["monitor"], reverse("web:participant_detail", args=[journey["participant"].pk])
    )
    bili = re.search(r"<th scope=\"row\">BILI</th>(.*?)</tr>", page, flags=re.S)
    assert bili is not None
    values = re.findall(r">(\d+\.\d)</a>", bili.group(1))
    # the journey enters 64 µmol/L at screening, then 64 - 2k at the k-th follow-up visit
    assert values[:3] == ["64.0", "62.0", "60.0"]
    assert page.count('<svg class="spark"') == 5
    assert page.count('<li class="done">') == 9  # every visit of the journey is done


def test_the_forms_offered_follow_the_participant_status_and_the_role(
    users: dict[str, Any], journey: dict[str, Any]
) -> None:
    url = reverse("web:participant_detail", args=[journey["participant"].pk])
    coordinator = _page(users["coordinator"], url)
    assert "/randomize/" not in coordinator  # completed: randomization is long past
    assert ">Adverse event</a>" in coordinator
    monitor = _page(users["monitor"], url)
    assert ">Adverse event</a>" not in monitor  # the monitor records no adverse event
    assert ">Raise a query</a>" in monitor
    eligible = _screen_failure(users, hiv_status="negative")
    assert eligible.status == "eligible"
    waiting = reverse("web:participant_detail", args=[eligible.pk])
    assert "/randomize/" in _page(users["pharmacist"], waiting)
    assert "/randomize/" not in _page(users["monitor"], waiting)
