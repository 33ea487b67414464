"""Randomization with its confirmation step (masked for masked roles), lots, and the infusion with
its dose shown before saving."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

# What would reveal the arm on a page (docs/edc.md, "Randomization and masking").
REVEALING = ("LOW", "MIDHIGH", "cells/kg", "1e6", "3e6", "Volume to infuse")
# Participant URLs carry random UUIDs, whose hex may spell "3e6"; they reveal nothing.
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _arm_words() -> list[str]:
    from hepatrial.edc.study.models import Arm

    return [w for arm in Arm.objects.all() for w in (arm.code, arm.label)]


def test_randomization_needs_the_confirmation_box(client_as: Any, eligible: Any) -> None:
    url = reverse("webforms:randomize", args=[eligible.pk])
    response = client_as("coordinator").post(url, {})
    assert "confirm: expected a value, got nothing" in response.content.decode()
    eligible.refresh_from_db()
    assert eligible.status == "eligible"


def test_masked_coordinator_who_randomizes_sees_randomized_and_no_arm(
    client_as: Any, eligible: Any
) -> None:
    url = reverse("webforms:randomize", args=[eligible.pk])
    client = client_as("coordinator")
    response = client.post(url, {"confirm": "on"}, follow=True)
    text = UUID.sub("<uuid>", response.content.decode())
    eligible.refresh_from_db()
    assert eligible.status == "randomized"
    assert "randomized" in text
    for word in [*_arm_words(), *REVEALING]:
        assert word not in text, word


def test_unblinded_pharmacist_sees_the_allocated_arm(client_as: Any, eligible: Any) -> None:
    from hepatrial.edc.randomization.selectors import allocation_arm_get

    url = reverse("webforms:randomize", args=[eligible.pk])
    text = client_as("pharmacist").post(url, {"confirm": "on"}, follow=True).content.decode()
    arm = allocation_arm_get(eligible.pk)
    assert arm is not None
    assert f'<strong translate="no">{arm}</strong>' in text


def test_randomizing_an_ineligible_participant_is_refused_with_the_workflow_message(
    client_as: Any, consented: Any
) -> None:
    from hepatrial.edc.randomization.models import Allocation

    url = reverse("webforms:randomize", args=[consented.pk])
    text = client_as("coordinator").post(url, {"confirm": "on"}).content.decode()
    assert "expected" in text
    assert "consented" in text
    assert not Allocation.objects.exists()


@pytest.mark.parametrize("role", ["monitor", "statistician", "dsmb", "data_manager"])
def test_roles_without_randomization_rights_get_403(
    client_as: Any, eligible: Any, role: str
) -> None:
    url = reverse("webforms:randomize", args=[eligible.pk])
    assert client_as(role).get(url).status_code == 403


def test_pharmacist_registers_a_lot(client_as: Any, today: dt.date) -> None:
    from hepatrial.edc.dosing.models import CellLot

    response = client_as("pharmacist").post(
        reverse("webforms:lot_new"),
        {
            "lot_number": "L-1",
            "concentration_per_ml": "1.25e6",
            "viability": "0.95",
            "product_volume_ml": "400",
            "manufactured_on": (today - dt.timedelta(days=5)).isoformat(),
            "expires_on": (today + dt.timedelta(days=60)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert CellLot.objects.get().lot_number == "L-1"


def test_a_viability_given_as_a_percentage_is_explained_and_not_saved(
    client_as: Any, today: dt.date
) -> None:
    from hepatrial.edc.dosing.models import CellLot

    response = client_as("pharmacist").post(
        reverse("webforms:lot_new"),
        {
            "lot_number": "L-1",
            "concentration_per_ml": "1.25e6",
            "viability": "95",
            "product_volume_ml": "400",
            "manufactured_on": (today - dt.timedelta(days=5)).isoformat(),
            "expires_on": (today + dt.timedelta(days=60)).isoformat(),
        },
    )
    assert "viability: expected the viable fraction of cells" in response.content.decode()
    assert not CellLot.objects.exists()


def test_infusion_preview_gives_the_protocol_dose_and_volume_for_the_weight(
    client_as: Any, randomized: Any, lot: Any
) -> None:
    from hepatrial.edc.randomization.selectors import allocation_arm_get

    url = reverse("webforms:infusion_preview", args=[randomized.pk])
    plan = client_as("pharmacist").post(url, {"lot": str(lot.pk), "weight_kg": "64"}).json()
    # hand calculation: dose/kg x 64 kg viable cells, at 1.25e6 x 0.95 viable cells per mL,
    # rounded to 0.1 mL
    dose = {"LOW": 1e6, "MIDHIGH": 3e6}[str(allocation_arm_get(randomized.pk))]
    assert plan["dose_per_kg"] == dose
    assert plan["target_cells"] == pytest.approx(dose * 64)
    assert plan["volume_ml"] == pytest.approx(round(dose * 64 / (1.25e6 * 0.95), 1))
    assert "mL" in plan["html"]


def test_pharmacist_records_the_infusion_and_the_schedule_is_planned(
    client_as: Any, randomized: Any, lot: Any, today: dt.date
) -> None:
    from hepatrial.edc.dosing.models import Infusion
    from hepatrial.edc.visits.models import Visit

    day0 = today - dt.timedelta(days=1)
    client = client_as("pharmacist")
    preview = client.post(reverse("webforms:infusion_preview", args=[randomized.pk]), {
        "lot": str(lot.pk), "weight_kg": "64",
    }).json()  # fmt: skip
    response = client.post(
        reverse("webforms:infusion", args=[randomized.pk]),
        {
            "action": "save",
            "lot": str(lot.pk),
            "weight_kg": "64",
            "infusion_date": day0.isoformat(),
            "started_at": "09:00",
            "stopped_at": "10:30",
            "delivered_volume_ml": str(preview["volume_ml"]),
            "reaction": "no",
        },
    )
    assert response.status_code == 302
    infusion = Infusion.objects.get()
    assert infusion.within_tolerance
    assert infusion.started_at.astimezone(dt.UTC).hour == 1  # 09:00 in Shanghai
    randomized.refresh_from_db()
    assert randomized.day0 == day0
    assert Visit.objects.filter(participant=randomized, code="W1").exists()


def test_infusion_calculate_step_shows_the_dose_without_saving(
    client_as: Any, randomized: Any, lot: Any, today: dt.date
) -> None:
    from hepatrial.edc.dosing.models import Infusion

    response = client_as("pharmacist").post(
        reverse("webforms:infusion", args=[randomized.pk]),
        {
            "action": "preview",
            "lot": str(lot.pk),
            "weight_kg": "64",
            "infusion_date": today.isoformat(),
            "started_at": "09:00",
            "stopped_at": "10:30",
            "delivered_volume_ml": "1",
            "reaction": "no",
        },
    )
    assert 'id="dose-plan"' in response.content.decode()
    assert not Infusion.objects.exists()


@pytest.mark.parametrize("role", ["coordinator", "investigator", "monitor"])
def test_masked_roles_cannot_open_the_infusion_form(
    client_as: Any, randomized: Any, role: str
) -> None:
    assert (
        client_as(role).get(reverse("webforms:infusion", args=[randomized.pk])).status_code == 403
    )
    preview = reverse("webforms:infusion_preview", args=[randomized.pk])
    assert client_as(role).post(preview, {}).status_code == 403
