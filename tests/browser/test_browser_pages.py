"""The web pages in a real browser: sign-in per role, dashboard, participant page, audit
history, keyboard navigation and the switch to Simplified Chinese.

With ``HEPATRIAL_DOCS_SCREENSHOTS=1`` the screenshots also refresh ``docs/img/ui-*.png``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from hepatrial.protocol import ROLES

ARM = re.compile(r"^Arm$")


@pytest.mark.parametrize("role", ROLES)
def test_every_role_signs_in_and_sees_the_dashboard(role: str, login: Any, shot: Any) -> None:
    page = login(role)
    assert page.locator("main h1").inner_text() == "Study dashboard"
    assert page.locator("nav.mainnav a", has_text="Dashboard").count() == 1
    has_participants = page.locator("nav.mainnav a", has_text="Participants").count() == 1
    assert has_participants == (role != "admin")
    shot(page, f"dashboard-{role}")


def test_a_wrong_password_is_refused_with_a_message(browser: Any, live_study: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_study.url}/login/")
    page.fill("#id_username", "monitor")
    page.fill("#id_password", "not-the-password")
    page.click("button[type=submit].btn-primary")
    assert page.locator("[role=alert]").count() == 1
    assert page.url.endswith("/login/")
    context.close()


def test_participant_page_shows_visits_labs_plots_and_history(
    live_participant: Any, login: Any, shot: Any
) -> None:
    page = login("coordinator")
    page.click("nav.mainnav a:has-text('Participants')")
    page.click(f"text={live_participant.study_id}")
    assert live_participant.study_id in page.locator("main h1").inner_text()
    assert page.locator("ol.timeline li").count() >= 9
    assert page.locator("svg.spark").count() == 5
    assert page.locator("dl.facts dt", has_text=ARM).count() == 0  # the coordinator is masked
    shot(page, "participant-coordinator")
    page.click("#labs-heading ~ div table.data tbody a >> nth=0")
    assert page.locator("main h1").inner_text() == "Audit history"
    assert page.locator("table.data tbody tr").count() >= 1
    shot(page, "history-coordinator")


def test_keyboard_users_reach_the_skip_link_and_the_navigation(live_study: Any, login: Any) -> None:
    page = login("monitor")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('nav.mainnav') !== null"):
            break
    else:
        pytest.fail("the main navigation is not reachable with Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # follows the focused link
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link moves the focus to the main content
    assert page.evaluate("document.activeElement.id") == "content"


def test_switching_to_simplified_chinese_translates_the_pages(
    live_participant: Any, login: Any, shot: Any, docs_copy: Any
) -> None:
    page = login("coordinator")
    page.select_option("#language-select", "zh-hans")
    with page.expect_navigation():
        page.click(".langform button")
    assert page.locator("main h1").inner_text() == "研究仪表板"
    assert page.get_attribute("html", "lang") == "zh-hans"
    path = shot(page, "dashboard-zh-hans")
    docs_copy(path, "dashboard-zh-hans")
    with page.expect_navigation():
        page.click(f"main a:text-is('{live_participant.study_id}') >> nth=0")
    assert page.locator("main h1").inner_text().startswith("受试者")
    shot(page, "participant-zh-hans")


def test_user_guide_pages_for_each_role(
    live_study: Any, login: Any, shot: Any, docs_copy: Any, enroller: Any
) -> None:
    """The pages the user guide shows, on a small study: three participants at different
    points of follow-up."""
    today = dt.date.today()
    first = enroller(live_study.users, number=1, day0=today - dt.timedelta(days=60), visits=3)
    enroller(live_study.users, number=2, day0=today - dt.timedelta(days=35), visits=2)
    enroller(live_study.users, number=3, day0=today - dt.timedelta(days=9), visits=1)
    views = {
        "dashboard-coordinator": ("coordinator", "/"),
        "participants-monitor": ("monitor", "/participants/"),
        "participant-investigator": ("investigator", f"/participants/{first.pk}/"),
        "participant-pharmacist": ("pharmacist", f"/participants/{first.pk}/"),
        "dashboard-dsmb": ("dsmb", "/"),
        "dashboard-data-manager": ("data_manager", "/"),
        "dashboard-statistician": ("statistician", "/"),
        "dashboard-admin": ("admin", "/"),
        "history-monitor": ("monitor", f"/history/participants.participant/{first.pk}/"),
    }
    for name, (role, path) in views.items():
        page = login(role)
        page.goto(f"{live_study.url}{path}")
        assert page.locator("main h1").count() == 1
        # nothing runs off the right edge of a 1280-pixel window (the buttons wrap)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
        docs_copy(shot(page, name), name)
    page = login("coordinator")
    page.goto(f"{live_study.url}/participants/{first.pk}/")
    assert page.locator("dl.facts dt", has_text=ARM).count() == 0
    page = login("pharmacist")
    page.goto(f"{live_study.url}/participants/{first.pk}/")
    assert page.locator("dl.facts dt", has_text=ARM).count() == 1
