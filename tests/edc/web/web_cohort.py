"""A participant taken through the EDC services, for the web page tests and the browser tests.

``enroll`` runs one candidate through identification, consent, screening, eligibility,
randomization, infusion and ``visits`` follow-up visits (labs and a clinical assessment at
each), plus one adverse event, each step by the role that does it. It is a plain module (not a
conftest) so both ``tests/edc/web`` and ``tests/browser`` can use it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

LAB_PANEL = {
    "ALT": (38, "U/L"), "AST": (52, "U/L"), "ALP": (110, "U/L"), "BILI": (64, "umol/L"),
    "ALB": (29, "g/L"), "PT": (16.8, "s"), "INR": (1.4, "ratio"), "CREAT": (97, "umol/L"),
    "SODIUM": (131, "mmol/L"),
}  # fmt: skip


def enroll(users: dict[str, Any], *, number: int, day0: dt.date, visits: int = 2) -> Any:
    """One participant through the services up to ``visits`` follow-up visits with labs."""
    from hepatrial.clinical import infusion_plan
    from hepatrial.edc.crfs.services import (
        clinical_assessment_enter,
        demographics_enter,
        lab_panel_enter,
    )
    from hepatrial.edc.dosing.models import CellLot
    from hepatrial.edc.dosing.services import infusion_record, lot_register
    from hepatrial.edc.participants.services import (
        participant_attest,
        participant_consent,
        participant_eligibility_confirm,
        participant_identify,
        participant_screening_record,
    )
    from hepatrial.edc.randomization.services import participant_randomize
    from hepatrial.edc.safety.services import adverse_event_record
    from hepatrial.edc.study.selectors import study_protocol
    from hepatrial.edc.visits.models import Visit
    from hepatrial.edc.visits.services import visit_record, visit_screening_record

    coordinator, investigator = users["coordinator"], users["investigator"]
    pharmacist = users["pharmacist"]
    screened_on = day0 - dt.timedelta(days=6)
    birth = dt.date(1965 + number % 20, 6, 15)
    participant = participant_identify(
        user=coordinator, site_code="01", identified_on=screened_on, name=f"Person {number}",
        phone=f"+86 138 0013 {number:04d}", national_id=f"11010119700615{number:04d}",
    )  # fmt: skip
    participant_consent(
        user=coordinator, participant=participant, consent_version="1.0",
        consent_date=screened_on,
    )  # fmt: skip
    screening = visit_screening_record(
        user=coordinator, participant=participant, actual_date=screened_on
    )
    demographics_enter(user=coordinator, participant=participant, sex="M", birth_date=birth)
    participant_screening_record(
        user=coordinator, participant=participant,
        facts={"birth_date": birth, "last_interferon_or_glucocorticoid_date": "never",
               "last_other_trial_date": "never", "prior_liver_transplant": False,
               "hiv_status": "negative", "pregnant": False, "breastfeeding": False},
        collected_on=screened_on,
    )  # fmt: skip
    for code, holds in {"IN02": True, "EX01": False, "EX03": False, "EX04": False,
                        "EX07": False, "EX10": False, "EX11": False}.items():  # fmt: skip
        participant_attest(
            user=investigator, participant=participant, criterion_code=code, holds=holds,
            source_document=f"hospital record ({code})",
        )  # fmt: skip
    lab_panel_enter(user=coordinator, visit=screening, values=LAB_PANEL)
    clinical_assessment_enter(
        user=coordinator, visit=screening, ascites_grade="mild", he_grade="none",
        weight_kg=64.0, dialysis=False,
    )  # fmt: skip
    participant_eligibility_confirm(user=investigator, participant=participant)
    allocation = participant_randomize(user=pharmacist, participant=participant)
    lot = CellLot.objects.filter(lot_number="UCMSC-TEST-01").first() or lot_register(
        user=pharmacist, lot_number="UCMSC-TEST-01", product_code="UCMSC",
        concentration_per_ml=1.25e6, viability=0.95, product_volume_ml=4000.0,
        manufactured_on=day0 - dt.timedelta(days=10), expires_on=day0 + dt.timedelta(days=120),
    )  # fmt: skip
    participant.refresh_from_db()
    plan = infusion_plan(
        study_protocol(), arm=allocation.arm, weight_kg=64.0, concentration_per_ml=1.25e6,
        viability=0.95,
    )  # fmt: skip
    shanghai = dt.timezone(dt.timedelta(hours=8))
    start = dt.datetime.combine(day0, dt.time(9, 0), tzinfo=shanghai)
    infusion_record(
        user=pharmacist, participant=participant, lot=lot, weight_kg=64.0, infusion_date=day0,
        started_at=start, stopped_at=start + dt.timedelta(minutes=90),
        delivered_volume_ml=plan.volume_ml, reaction=False,
    )  # fmt: skip
    follow_up = Visit.objects.filter(participant=participant, target_date__gt=day0).order_by(
        "target_date"
    )
    for step, visit in enumerate(list(follow_up)[:visits], start=1):
        visit = visit_record(user=coordinator, visit=visit, actual_date=visit.target_date)
        values = {**LAB_PANEL, "BILI": (64 - 4 * step, "umol/L"), "INR": (1.4 - 0.05 * step,
                  "ratio")}  # fmt: skip
        lab_panel_enter(user=coordinator, visit=visit, values=values)
        clinical_assessment_enter(
            user=coordinator, visit=visit, ascites_grade="mild", he_grade="none",
            weight_kg=64.0 - 0.5 * step, dialysis=False,
        )  # fmt: skip
    adverse_event_record(
        user=coordinator, participant=participant, term="Fever", onset_on=day0, grade=1,
        relatedness="possible", action_taken="dose_not_changed", outcome="recovered",
        awareness_at=start + dt.timedelta(hours=5), resolved_on=day0 + dt.timedelta(days=1),
    )  # fmt: skip
    participant.refresh_from_db()
    return participant
