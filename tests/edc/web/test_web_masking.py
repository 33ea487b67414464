"""A masked user's pages show no arm, no dose per kg, no cell total and no infused volume; an
unblinded user's pages do show the arm (so the scan can find what it looks for)."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.urls import reverse

from hepatrial.edc.core.masking import allocation_visible
from hepatrial.edc.web.templatetags.web_tags import scientific
from hepatrial.edc.web.views_audit import HISTORY_MODELS
from hepatrial.protocol import ROLES, load_seed_protocol


def _tells(journey: dict[str, Any]) -> list[re.Pattern[str]]:
    """Patterns that would reveal the allocation: arm codes and labels, the dose per kg, the
    infusion's cell totals and volumes (in the formats a page could print them)."""
    protocol = load_seed_protocol()
    infusion = journey["infusion"]
    words = [a.code for a in protocol.arms] + [a.label for a in protocol.arms]
    words += ["cells/kg", "Dose per kg", "Target cells", "Delivered volume"]
    numbers = []
    for value in (infusion.target_cells, infusion.delivered_cells, infusion.dose_per_kg):
        numbers += [f"{value:.3g}", f"{value:g}", f"{int(value)}", scientific(value)]
    for volume in (infusion.delivered_volume_ml, infusion.planned_volume_ml):
        numbers += [f"{volume:.1f}", f"{volume:.2f}"]
    patterns = [re.compile(rf"(?<![\w.]){re.escape(w)}(?![\w])") for w in words]
    return patterns + [re.compile(rf"(?<![\w.]){re.escape(n)}(?![\w])") for n in numbers]


def _visible_text(html: str) -> str:
    # Whole HTML is scanned (attributes too), minus the CSRF token, which is random text.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def _pages(journey: dict[str, Any]) -> list[str]:
    from hepatrial.edc.randomization.models import Allocation

    pid = journey["participant"].pk
    allocation = Allocation.objects.get(participant_id=pid)
    pages = [
        reverse("web:dashboard"),
        reverse("web:participant_list"),
        reverse("web:participant_detail", args=[pid]),
        reverse("web:record_history", args=["dosing.infusion", journey["infusion"].pk]),
        reverse("web:record_history", args=["randomization.allocation", allocation.pk]),
        reverse("web:record_history", args=["participants.participant", pid]),
    ]
    pages += [reverse("web:record_history", args=["visits.visit", v.pk]) for v in journey["visits"]]
    return pages


def test_masked_roles_see_no_allocation_on_any_page(
    users: dict[str, Any], journey: dict[str, Any]
) -> None:
    tells = _tells(journey)
    masked = [r for r in ROLES if not allocation_visible(users[r])]
    assert {"investigator", "coordinator", "monitor", "statistician", "data_manager"} <= set(masked)
    found = []
    for role in masked:
        client = Client()
        client.force_login(users[role])
        for url in _pages(journey):
            response = client.get(url)
            if response.status_code != 200:
                continue
            text = _visible_text(response.content.decode())
            found += [f"{role} {url}: {p.pattern}" for p in tells if p.search(text)]
    assert found == []


def test_an_unblinded_role_sees_the_arm_and_the_dose(
    users: dict[str, Any], journey: dict[str, Any]
) -> None:
    arm = journey["allocation"].arm
    for role in ("pharmacist", "dsmb"):
        client = Client()
        client.force_login(users[role])
        url = reverse("web:participant_detail", args=[journey["participant"].pk])
        text = client.get(url).content.decode()
        assert re.search(rf"\b{arm}\b", text), role
        assert "Dose per kg" in text
        listing = client.get(reverse("web:participant_list")).content.decode()
        assert re.search(rf"\b{arm}\b", listing), role


def test_the_infusion_history_masks_dose_and_volume_fields_for_masked_roles(
    users: dict[str, Any], journey: dict[str, Any]
) -> None:
    url = reverse("web:record_history", args=["dosing.infusion", journey["infusion"].pk])
    client = Client()
    client.force_login(users["monitor"])
    masked = client.get(url).content.decode()
    assert "<code>dose_per_kg</code>: [masked]" in masked
    client.force_login(users["pharmacist"])
    shown = client.get(url).content.decode()
    assert "<code>dose_per_kg</code>: [masked]" not in shown
    assert "<code>dose_per_kg</code>:" in shown
    assert set(HISTORY_MODELS) >= {"dosing.infusion", "randomization.allocation"}
