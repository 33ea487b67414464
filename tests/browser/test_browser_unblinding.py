"""Emergency unblinding through the browser: the investigator asks from the participant page,
must give a reason and confirm, then reads the arm; the coordinator at the same site reads who
asked and why, and still no arm."""

from __future__ import annotations

import re
from typing import Any


def _arm_shown(page: Any) -> str | None:
    facts = page.locator("dl.facts").inner_text()
    match = re.search(r"^Arm\s+(\S+)", facts, re.M)
    return match.group(1) if match else None


def test_the_investigator_unblinds_a_participant_in_an_emergency(
    login: Any, shot: Any, docs_copy: Any, live_study: Any, live_participant: Any
) -> None:
    from hepatrial.edc.randomization.selectors import allocation_arm_get

    detail = f"{live_study.url}/participants/{live_participant.pk}/"
    investigator = login("investigator")
    investigator.goto(detail)
    assert _arm_shown(investigator) is None
    investigator.get_by_role("link", name="Emergency unblinding").click()
    investigator.wait_for_url(re.compile(r"/unblind/$"))
    shot(investigator, "unblinding-form")

    # without the confirmation nothing happens, and the page says which field is missing
    investigator.fill("#id_reason", "Anaphylaxis; the ICU team needs the dose given.")
    investigator.locator("main button[type=submit]").click()
    investigator.locator("#id_confirm_error").wait_for()
    assert "confirm: expected a value, got nothing" in investigator.inner_text("#id_confirm_error")

    investigator.check("#id_confirm")
    investigator.locator("main button[type=submit]").click()
    investigator.wait_for_url(detail)
    assert "Emergency unblinding recorded" in investigator.inner_text(".messages")
    assert _arm_shown(investigator) == allocation_arm_get(live_participant.pk)
    assert investigator.get_by_role("link", name="Emergency unblinding").count() == 0
    docs_copy(shot(investigator, "unblinding-done"), "unblinding-investigator")

    coordinator = login("coordinator")
    coordinator.goto(detail)
    assert _arm_shown(coordinator) is None
    listed = coordinator.locator("#unblinding-heading + .table-wrap").inner_text()
    assert "Investigator Person" in listed
    assert "Anaphylaxis; the ICU team needs the dose given." in listed
    shot(coordinator, "unblinding-coordinator")
