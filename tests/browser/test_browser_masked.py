"""A masked user walks every page of the journey and finds nothing that reveals the arm.

For the coordinator, the investigator and the monitor (all masked by the protocol), every page
of the journey that the role may open is loaded in the browser, and both its visible text and
its HTML are scanned for the arm codes and labels, "cells/kg", the dose per kg, the participant's
cell total and infused volume. Pages the role may not open must answer 403.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

MASKED_ROLES = ("coordinator", "investigator", "monitor")
SITE_PAGES = {"participant", "screening", "randomize", "visit", "labs", "assessment", "lab_edit"}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# The pages each role must have walked (and scanned), at least.
EXPECTED = {
    "coordinator": SITE_PAGES | {"queries", "query", "adverse_event", "lab_history"},
    "investigator": SITE_PAGES | {"eligibility", "casebook", "query", "decompensation"},
    "monitor": {"dashboard", "participant", "queries", "monitor", "query", "query_raise"},
}


def _pages(participant: Any) -> dict[str, str]:
    """Every page of the journey, by name, for this participant."""
    from django.urls import reverse

    from hepatrial.edc.crfs.models import LabResult
    from hepatrial.edc.queries.models import Query
    from hepatrial.edc.visits.models import Visit

    w1 = Visit.objects.get(participant=participant, code="W1")
    lab = LabResult.objects.filter(visit=w1, voided=False).order_by("code").first()
    query = Query.objects.filter(participant=participant).order_by("created_at").first()
    pid = [participant.pk]
    pages = {
        "dashboard": reverse("web:dashboard"),
        "participants": reverse("web:participant_list"),
        "participant": reverse("web:participant_detail", args=pid),
        "screening": reverse("webforms:screening", args=pid),
        "eligibility": reverse("webforms:eligibility", args=pid),
        "randomize": reverse("webforms:randomize", args=pid),
        "infusion": reverse("webforms:infusion", args=pid),
        "visit": reverse("webforms:visit", args=[w1.pk]),
        "labs": reverse("webforms:labs", args=[w1.pk]),
        "assessment": reverse("webforms:assessment", args=[w1.pk]),
        "queries": reverse("webforms:queries") + "?status=",
        "monitor": reverse("webforms:monitor"),
        "query_raise": reverse("webforms:query_raise", args=pid),
        "adverse_event": reverse("webforms:adverse_event", args=pid),
        "decompensation": reverse("webforms:decompensation", args=pid),
        "casebook": reverse("webforms:casebook_sign", args=pid),
    }
    if lab is not None:
        pages["lab_edit"] = reverse("webforms:lab_edit", args=[lab.pk])
        pages["lab_history"] = reverse("web:record_history", args=["crfs.labresult", lab.pk])
    if query is not None:
        pages["query"] = reverse("webforms:query", args=[query.pk])
    return pages


def _revealing(participant: Any) -> list[re.Pattern[str]]:
    """What a masked user must never read: arms, dose per kg, this participant's cells and mL."""
    from hepatrial.edc.dosing.models import Infusion
    from hepatrial.edc.study.models import Arm

    words = [re.escape("cells/kg"), r"1\s*[×x]\s*10\^?6", r"3\s*[×x]\s*10\^?6", r"\b[13]e\+?0?6\b"]
    for arm in Arm.objects.all():
        words += [rf"\b{re.escape(arm.code)}\b", re.escape(arm.label)]
    for infusion in Infusion.objects.filter(participant=participant):
        for number in (infusion.delivered_cells, infusion.target_cells):
            words += [re.escape(f"{number:.4g}"), re.escape(f"{number:g}")]
        for volume in (infusion.planned_volume_ml, infusion.delivered_volume_ml):
            words.append(rf"(?<![\d.]){re.escape(f'{volume:g}')}(?![\d])\s*mL")
    return [re.compile(w) for w in words]


@pytest.fixture
def queried(live_participant: Any, live_study: Any) -> Any:
    """The journey's participant with a soft-limit query open and answered, as in the journey."""
    from hepatrial.edc.crfs.models import LabResult
    from hepatrial.edc.queries.services import query_raise, query_respond

    lab = LabResult.objects.filter(participant=live_participant, visit__code="W1").first()
    query = query_raise(
        user=live_study.users["monitor"], record=lab, field="value_entered", text="Please check."
    )
    query_respond(user=live_study.users["coordinator"], query=query, text="Checked.")
    return live_participant


@pytest.mark.parametrize("role", MASKED_ROLES)
def test_a_masked_user_reads_no_arm_dose_or_volume_on_any_page_of_the_journey(
    role: str, login: Any, shot: Any, live_study: Any, queried: Any
) -> None:
    from hepatrial.edc.core.masking import allocation_visible

    assert not allocation_visible(live_study.users[role])
    page = login(role)
    patterns = _revealing(queried)
    walked = []
    for name, path in _pages(queried).items():
        response = page.goto(f"{live_study.url}{path}")
        assert response is not None
        if response.status == 403:
            continue
        assert response.status == 200, (name, response.status)
        walked.append(name)
        # Participant URLs carry random UUIDs, whose hex may spell "1e06"; they reveal nothing.
        text, html = page.inner_text("body"), UUID.sub("<uuid>", page.content())
        for pattern in patterns:
            assert not pattern.search(text), (role, name, pattern.pattern, "text")
            assert not pattern.search(html), (role, name, pattern.pattern, "html")
        shot(page, f"masked-{role}-{name}")
    assert EXPECTED[role] <= set(walked), EXPECTED[role] - set(walked)
    assert "infusion" not in walked  # the infusion form is the unblinded pharmacist's
