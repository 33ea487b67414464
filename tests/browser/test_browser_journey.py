"""The issue's journey through the browser alone, with a screenshot at each step:

1. the coordinator identifies, consents and screens a candidate (the checklist shows a failing
   criterion as it is typed); the investigator attests and confirms eligibility;
2. the pharmacist registers a lot, randomizes (and sees the arm) and records the infusion, the
   dose and volume shown before saving;
3. the coordinator enters the week-1 labs in SI units and sees MELD and Child-Pugh computed;
4. a value beyond the soft limit raises a query;
5. the site answers it and the monitor resolves it;
6. an edit asks for a reason, and the reason shows in the record's history.

Every entry is typed into a page; the services are called only by the pages. The database is
read only to find a record's id for the next address, and to check what the pages wrote.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"

# The week-1 panel in SI units; ALT 2500 U/L is beyond its soft limit (queried, not refused).
PANEL = {
    "ALT": "2500",
    "AST": "52",
    "ALP": "110",
    "BILI": "64",
    "ALB": "29",
    "PT": "16.8",
    "INR": "1.4",
    "CREAT": "97",
    "SODIUM": "131",
}


def copy_for_docs(path: Path, name: str) -> Path:
    """The screenshot also illustrates the user guide, as ``docs/img/ui-<name>.png``."""
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    target = DOCS_IMG / f"ui-{name}.png"
    shutil.copyfile(path, target)
    assert target.stat().st_size < 300_000, f"{target.name} is too large for the user guide"
    return target


def _nav(page: Any, name: str) -> None:
    page.locator("nav.mainnav").get_by_role("link", name=name, exact=True).click()


def _participant_url(live_study: Any) -> str:
    from hepatrial.edc.participants.models import Participant

    return f"{live_study.url}/participants/{Participant.objects.get().pk}/"


def _screen(login: Any, shot: Any, live_study: Any, today: dt.date) -> None:
    page = login("coordinator")
    _nav(page, "New participant")
    page.fill("#id_identified_on", (today - dt.timedelta(days=20)).isoformat())
    page.fill("#id_name", "Wang Xiaoming")
    page.fill("#id_phone", "+86 138 0013 8000")
    page.fill("#id_national_id", "110101197006157777")
    page.get_by_role("button", name="Identify").click()
    page.wait_for_url(re.compile(r"/consent/$"))
    page.fill("#id_consent_version", "1.0")
    page.fill("#id_consent_date", (today - dt.timedelta(days=20)).isoformat())
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/screening/$"))

    page.fill("#id_screening_date", (today - dt.timedelta(days=19)).isoformat())
    page.select_option("#id_sex", "M")
    # an 85-year-old: the checklist marks IN01 (18-80 years) failed as soon as it is typed
    page.fill("#id_birth_date", "1940-01-01")
    page.locator('[data-criterion="IN01"][data-met="failed"]').wait_for()
    shot(page, "journey-01-screening-failing")
    page.fill("#id_birth_date", "1970-06-15")
    page.check("#id_last_interferon_or_glucocorticoid_date__never")
    page.check("#id_last_other_trial_date__never")
    for name, value in (
        ("prior_liver_transplant", "no"),
        ("hiv_status", "negative"),
        ("pregnant", "no"),
        ("breastfeeding", "no"),
    ):
        page.select_option(f"#id_{name}", value)
    page.locator('[data-criterion="EX05"][data-met="met"]').wait_for()
    page.locator('[data-criterion="IN01"][data-met="met"]').wait_for()
    page.wait_for_load_state("networkidle")
    copy_for_docs(shot(page, "journey-01-screening"), "screening")
    page.get_by_role("button", name="Save screening").click()
    page.wait_for_url(re.compile(r"/participants/[0-9a-f-]+/$"))
    assert "Screening saved." in page.inner_text("body")


def _eligibility(login: Any, shot: Any, live_study: Any) -> None:
    page = login("investigator")
    page.goto(_participant_url(live_study))
    page.get_by_role("link", name="Eligibility", exact=True).click()
    for code in ("IN02", "EX01", "EX03", "EX04", "EX07", "EX10", "EX11"):
        page.select_option(f"#id_{code}__holds", "yes" if code == "IN02" else "no")
    page.get_by_role("button", name="Save attestations").click()
    page.wait_for_url(re.compile(r"/eligibility/$"))
    assert page.locator('.checklist[data-status="eligible"]').count() == 1
    shot(page, "journey-02-eligibility")
    page.get_by_role("button", name="Confirm eligibility").click()
    page.wait_for_url(re.compile(r"/participants/[0-9a-f-]+/$"))
    assert "Eligibility confirmed." in page.inner_text("body")


def _treat(login: Any, shot: Any, live_study: Any, today: dt.date) -> None:
    page = login("pharmacist")
    _nav(page, "Cell lots")
    page.fill("#id_lot_number", "UCMSC-2403-01")
    page.fill("#id_concentration_per_ml", "1.25e6")
    page.fill("#id_viability", "0.95")
    page.fill("#id_product_volume_ml", "400")
    page.fill("#id_manufactured_on", (today - dt.timedelta(days=30)).isoformat())
    page.fill("#id_expires_on", (today + dt.timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(re.compile(r"/forms/lots/$"))

    page.goto(_participant_url(live_study))
    page.get_by_role("link", name="Randomize").click()
    page.check("#id_confirm")
    page.get_by_role("button", name="Randomize").click()
    page.locator("#allocation").wait_for()
    assert "Allocated arm" in page.inner_text("#allocation")  # the pharmacist is unblinded
    shot(page, "journey-03-randomized-pharmacist")

    page.goto(_participant_url(live_study))
    page.get_by_role("link", name="Record infusion").click()
    page.select_option("#id_lot", index=0)  # the one released lot
    page.fill("#id_weight_kg", "64")
    page.locator("#dose-plan").wait_for()
    volume = page.inner_text("[data-volume]")
    day0 = today - dt.timedelta(days=8)
    page.fill("#id_infusion_date", day0.isoformat())
    page.fill("#id_started_at", "09:00")
    page.fill("#id_stopped_at", "10:30")
    page.fill("#id_delivered_volume_ml", volume)
    copy_for_docs(shot(page, "journey-04-infusion"), "infusion")
    page.wait_for_load_state("networkidle")  # the last live preview has answered
    page.get_by_role("button", name="Record the infusion").click()
    page.wait_for_url(re.compile(r"/participants/[0-9a-f-]+/$"))
    assert "Infusion recorded" in page.inner_text("body")


def _week1(login: Any, shot: Any, live_study: Any) -> Any:
    page = login("coordinator")
    page.goto(_participant_url(live_study))
    row = page.locator("ol.timeline li").filter(
        has=page.locator("strong", has_text=re.compile(r"^W1$"))
    )
    row.get_by_role("link", name="Visit", exact=True).click()
    page.get_by_role("button", name="Save").click()  # took place, on the target date
    page.wait_for_url(re.compile(r"/labs/$"))
    page.get_by_role("link", name="Clinical assessment").click()
    page.select_option("#id_ascites_grade", "mild")
    page.select_option("#id_he_grade", "none")
    page.fill("#id_weight_kg", "63.8")
    page.select_option("#id_dialysis", "no")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/labs/$"))
    for code, value in PANEL.items():
        page.fill(f"#id_{code}", value)
    # MELD 16 and Child-Pugh 9 (class B) by hand: see tests/edc/webforms/test_webforms_labs.py
    page.locator('[data-score="MELD"] [data-value]', has_text="16").wait_for()
    page.locator('[data-score="CHILD_PUGH"]', has_text="B").wait_for()
    assert page.locator('[data-lab-warning="ALT"]').count() == 1
    page.wait_for_load_state("networkidle")
    copy_for_docs(shot(page, "journey-05-labs"), "labs")
    page.get_by_role("button", name="Save the labs").click()
    page.wait_for_url(re.compile(r"/labs/$"))
    assert "a data query was raised" in page.inner_text("body")
    return page


def _query(login: Any, shot: Any, coordinator: Any) -> None:
    _nav(coordinator, "Queries")
    coordinator.locator('tr[data-rule="LAB_SOFT_LIMIT"] a[href*="/forms/queries/"]').click()
    coordinator.fill("#id_text_respond", "Confirmed with the laboratory report.")
    coordinator.get_by_role("button", name="Answer").click()
    coordinator.wait_for_url(re.compile(r"/queries/[0-9a-f-]+/$"))

    monitor = login("monitor")
    _nav(monitor, "Monitoring")
    copy_for_docs(shot(monitor, "journey-06-monitor"), "monitor")
    monitor.locator('tr[data-rule="LAB_SOFT_LIMIT"] a[href*="/forms/queries/"]').first.click()
    monitor.fill("#id_text_resolve", "Source verified.")
    monitor.get_by_role("button", name="Resolve").click()
    monitor.wait_for_url(re.compile(r"/queries/[0-9a-f-]+/$"))
    assert "resolved" in monitor.inner_text("body")
    shot(monitor, "journey-07-query-resolved")


def _edit(shot: Any, live_study: Any, page: Any) -> None:
    from hepatrial.edc.crfs.models import LabResult

    page.goto(_participant_url(live_study))
    row = page.locator("ol.timeline li").filter(
        has=page.locator("strong", has_text=re.compile(r"^W1$"))
    )
    row.get_by_role("link", name="Labs").click()
    page.locator("#entered-labs tr", has_text="AST").get_by_role("link", name="Correct").click()
    page.fill("#id_value", "53")
    page.get_by_role("button", name="Save the correction").click()
    assert "reason: expected a value" in page.inner_text("body")
    shot(page, "journey-08-reason-asked")
    page.fill("#id_reason", "Transcription error: the report says 53 U/L.")
    page.get_by_role("button", name="Save the correction").click()
    page.wait_for_url(re.compile(r"/labs/$"))
    ast = LabResult.objects.get(code="AST", visit__code="W1")
    assert ast.value_entered == "53"
    page.goto(f"{live_study.url}/history/crfs.labresult/{ast.pk}/")
    assert "Transcription error: the report says 53 U/L." in page.inner_text("body")
    copy_for_docs(shot(page, "journey-09-history"), "history")


def test_the_trial_team_runs_the_journey_through_the_browser(
    login: Any, shot: Any, live_study: Any
) -> None:
    from django.utils import timezone

    from hepatrial.edc.queries.models import Query

    today = timezone.localdate(timezone=ZoneInfo(live_study.site.time_zone))
    _screen(login, shot, live_study, today)
    _eligibility(login, shot, live_study)
    _treat(login, shot, live_study, today)
    coordinator = _week1(login, shot, live_study)
    query = Query.objects.get(rule="LAB_SOFT_LIMIT")
    assert query.status == "open"
    _query(login, shot, coordinator)
    query.refresh_from_db()
    assert query.status == "resolved"
    _edit(shot, live_study, coordinator)
