"""No API response shows a masked user the arm, the dose per kg, cell totals, volumes or infusion
times, after a whole journey (tests/edc/conftest.py) has put every kind of record in the study.

The scan reads every readable endpoint as every masked role and looks for the arm codes and labels
and for the infusion's own numbers in every textual form JSON or CSV could give them; the same
scan run as the (unmasked) pharmacist must find them, so the scanner itself is tested.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from api_endpoints import ENDPOINTS, journey_ids

from hepatrial.protocol import ROLES

pytestmark = pytest.mark.django_db


def _number_forms(value: float) -> set[str]:
    forms = {repr(float(value)), f"{value:g}", f"{value:.6g}", f"{value:e}"}
    if float(value).is_integer():
        forms.add(str(int(value)))
    return forms


def _revealing(journey: dict[str, Any]) -> list[re.Pattern[str]]:
    from hepatrial.edc.study.selectors import study_protocol

    infusion = journey["infusion"]
    patterns = []
    for arm in study_protocol().arms:
        patterns.append(re.compile(rf"\b{re.escape(arm.code)}\b"))
        patterns.append(re.compile(re.escape(arm.label)))
    patterns.append(re.compile(re.escape("cells/kg")))
    for name in ("dose_per_kg", "target_cells", "planned_volume_ml", "delivered_volume_ml",
                 "delivered_cells"):  # fmt: skip
        for form in _number_forms(getattr(infusion, name)):
            # a number, not a part of a longer one (an id or a time)
            patterns.append(re.compile(rf"(?<![\w.]){re.escape(form)}(?![\w.])"))
    for moment in (infusion.started_at, infusion.stopped_at):
        utc = moment.astimezone(__import__("datetime").UTC)
        patterns.append(re.compile(re.escape(utc.strftime("%H:%M:%S"))))
    return patterns


def _responses(client: Any, ids: dict[str, Any]) -> dict[str, str]:
    texts = {}
    for endpoint in ENDPOINTS:
        if endpoint.method != "GET" or endpoint.action is None:
            continue
        for domain in ("DM", "EX", "DS", "AE", "CE", "LB", "RS", "SV", "VS", "IE"):
            url = endpoint.url({**ids, "domain": domain})
            texts[url] = client.get(url).content.decode()
            if "{domain}" not in endpoint.route:
                break
    return texts


def _leaks(texts: dict[str, str], patterns: list[re.Pattern[str]]) -> list[str]:
    return [
        f"{url}: {found.group(0)!r}"
        for url, text in texts.items()
        for pattern in patterns
        if (found := pattern.search(text))
    ]


def test_masked_roles_see_nothing_that_reveals_the_arm(
    journey: Any, users: dict[str, Any], client_as: Any
) -> None:
    from hepatrial.edc.core.masking import allocation_visible
    from hepatrial.edc.study.selectors import study_protocol

    masked = [role for role in ROLES if not allocation_visible(users[role])]
    assert set(masked) == set(study_protocol().design.masking.masked_roles)
    ids, patterns = journey_ids(journey), _revealing(journey)
    leaks = []
    for role in masked:
        leaks += [f"{role} {leak}" for leak in _leaks(_responses(client_as(role), ids), patterns)]
    assert not leaks, "\n".join(leaks)


def test_the_scan_finds_the_arm_and_dose_where_they_are_visible(
    journey: Any, client_as: Any
) -> None:
    texts = _responses(client_as("pharmacist"), journey_ids(journey))
    leaks = _leaks(texts, _revealing(journey))
    assert any("/infusions/" in leak for leak in leaks)
    assert any("DM" in leak for leak in leaks)
    arm = journey["allocation"].arm
    assert any(f"'{arm}'" in leak for leak in leaks)
