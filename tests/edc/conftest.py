"""Fixtures for the EDC: a study set up from the seed protocol, and one user per role.

The same tests run on SQLite (the default) and on PostgreSQL (`make test` runs them again with
DATABASE_URL set). Tests marked ``postgres`` need real row locks and run only in that pass.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from hepatrial.protocol import ROLES, seed_protocol_path

PASSWORD = "Correct-Horse-42"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip = pytest.mark.skip(reason="needs PostgreSQL; `make test` runs it against the server")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip)


@pytest.fixture
def study(db: Any) -> Any:
    from hepatrial.edc.study.services import study_init

    return study_init(
        protocol_path=seed_protocol_path(),
        admin_username="admin",
        admin_password=PASSWORD,
        admin_full_name="Ada Admin",
    )


@pytest.fixture
def users(study: Any) -> dict[str, Any]:
    """One active account per role, keyed by role; the admin made by set-up is ``admin``."""
    from hepatrial.edc.accounts.models import User
    from hepatrial.edc.accounts.services import user_create

    admin = User.objects.get(username="admin")
    made = {"admin": admin}
    for role in ROLES:
        if role == "admin":
            continue
        made[role] = user_create(
            actor=admin,
            username=role,
            full_name=f"{role.replace('_', ' ').title()} Person",
            role=role,
            password=PASSWORD,
            site_code="01" if role in ("investigator", "coordinator") else "",
        )
    return made


@pytest.fixture
def site(study: Any) -> Any:
    from hepatrial.edc.study.models import Site

    return Site.objects.get(code="01")


@pytest.fixture
def raw_sql() -> Callable[[str, list[Any] | None], None]:
    """Run SQL behind the application's back, as a tamperer with database access would."""

    def run(sql: str, params: list[Any] | None = None) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params or [])

    return run


@pytest.fixture
def journey(users: dict[str, Any], site: Any) -> dict[str, Any]:
    """One participant's whole journey through the services, each step by the role that does it:
    screening and consent, eligibility, randomization, infusion, every visit with labs in SI
    units and a clinical assessment, a decompensation, an adverse event, a data query answered
    and resolved, completion and the investigator's signature."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from hepatrial.clinical import infusion_plan
    from hepatrial.edc.casebooks.services import casebook_sign
    from hepatrial.edc.crfs.services import (
        clinical_assessment_enter,
        demographics_enter,
        lab_panel_enter,
    )
    from hepatrial.edc.dosing.services import infusion_record, lot_register
    from hepatrial.edc.outcomes.services import decompensation_record
    from hepatrial.edc.participants.services import (
        participant_attest,
        participant_complete,
        participant_consent,
        participant_eligibility_confirm,
        participant_identify,
        participant_screening_record,
    )
    from hepatrial.edc.queries.services import query_raise, query_resolve, query_respond
    from hepatrial.edc.randomization.services import (
        participant_randomize,
        randomization_list_generate,
    )
    from hepatrial.edc.safety.services import adverse_event_record
    from hepatrial.edc.study.selectors import study_protocol
    from hepatrial.edc.visits.models import Visit
    from hepatrial.edc.visits.services import visit_record, visit_screening_record

    coordinator, investigator = users["coordinator"], users["investigator"]
    pharmacist, monitor = users["pharmacist"], users["monitor"]
    shanghai = ZoneInfo("Asia/Shanghai")
    day0 = dt.date(2024, 3, 8)

    randomization_list_generate(user=users["admin"], seed=2**100 + 20231128)
    participant = participant_identify(
        user=coordinator,
        site_code="01",
        identified_on=dt.date(2024, 3, 1),
        name="Wang Xiaoming",
        phone="+86 138 0013 8000",
        national_id="110101197006157777",
    )
    participant_consent(
        user=coordinator, participant=participant, consent_version="1.0",
        consent_date=dt.date(2024, 3, 1),
    )  # fmt: skip
    screening = visit_screening_record(
        user=coordinator, participant=participant, actual_date=dt.date(2024, 3, 2)
    )
    demographics_enter(
        user=coordinator, participant=participant, sex="M", birth_date=dt.date(1970, 6, 15)
    )
    participant_screening_record(
        user=coordinator,
        participant=participant,
        facts={
            "birth_date": dt.date(1970, 6, 15),
            "last_interferon_or_glucocorticoid_date": "never",
            "last_other_trial_date": "never",
            "prior_liver_transplant": False,
            "hiv_status": "negative",
            "pregnant": False,
            "breastfeeding": False,
        },
        collected_on=dt.date(2024, 3, 2),
    )
    for code, holds in {"IN02": True, "EX01": False, "EX03": False, "EX04": False,
                        "EX07": False, "EX10": False, "EX11": False}.items():  # fmt: skip
        participant_attest(
            user=investigator, participant=participant, criterion_code=code, holds=holds,
            source_document=f"hospital record 2024-03-02 ({code})",
        )  # fmt: skip
    panel = {"ALT": (38, "U/L"), "AST": (52, "U/L"), "ALP": (110, "U/L"),
             "BILI": (64, "umol/L"), "ALB": (29, "g/L"), "PT": (16.8, "s"),
             "INR": (1.4, "ratio"), "CREAT": (97, "umol/L"), "SODIUM": (131, "mmol/L")}  # fmt: skip
    lab_panel_enter(user=coordinator, visit=screening, values=panel)
    clinical_assessment_enter(
        user=coordinator, visit=screening, ascites_grade="mild", he_grade="none",
        weight_kg=64.0, dialysis=False,
    )  # fmt: skip
    participant_eligibility_confirm(user=investigator, participant=participant)
    allocation = participant_randomize(user=pharmacist, participant=participant)
    lot = lot_register(
        user=pharmacist, lot_number="UCMSC-2403-01", product_code="UCMSC",
        concentration_per_ml=1.25e6, viability=0.95, product_volume_ml=400.0,
        manufactured_on=dt.date(2024, 2, 20), expires_on=dt.date(2024, 6, 30),
    )  # fmt: skip
    participant.refresh_from_db()
    plan = infusion_plan(
        study_protocol(), arm=allocation.arm, weight_kg=64.0, concentration_per_ml=1.25e6,
        viability=0.95,
    )  # fmt: skip
    infusion = infusion_record(
        user=pharmacist, participant=participant, lot=lot, weight_kg=64.0, infusion_date=day0,
        started_at=dt.datetime(2024, 3, 8, 9, 0, tzinfo=shanghai),
        stopped_at=dt.datetime(2024, 3, 8, 10, 30, tzinfo=shanghai),
        delivered_volume_ml=plan.volume_ml, reaction=False,
    )  # fmt: skip
    participant.refresh_from_db()
    follow_up = Visit.objects.filter(participant=participant, target_date__gt=day0).order_by(
        "target_date"
    )
    for number, visit in enumerate(follow_up, start=1):
        visit = visit_record(user=coordinator, visit=visit, actual_date=visit.target_date)
        if visit.code == "D365":
            continue
        bili = 64 - 2 * number
        lab_panel_enter(user=coordinator, visit=visit, values={**panel, "BILI": (bili, "umol/L")})
        clinical_assessment_enter(
            user=coordinator, visit=visit, ascites_grade="mild", he_grade="none",
            weight_kg=64.0 - 0.2 * number, dialysis=False,
        )  # fmt: skip
    decompensation = decompensation_record(
        user=coordinator, participant=participant, event_type="ASCITES",
        onset_on=dt.date(2024, 6, 1), severity="moderate", hospitalized=False,
    )  # fmt: skip
    adverse_event = adverse_event_record(
        user=coordinator, participant=participant, term="Fever", onset_on=day0, grade=1,
        relatedness="possible", action_taken="dose_not_changed", outcome="recovered",
        awareness_at=dt.datetime(2024, 3, 8, 14, 0, tzinfo=shanghai),
        resolved_on=dt.date(2024, 3, 9),
    )  # fmt: skip
    query = query_raise(
        user=monitor, record=decompensation, field="severity",
        text="Please confirm the severity against the ultrasound report.",
    )  # fmt: skip
    query = query_respond(user=coordinator, query=query, text="Confirmed: moderate ascites.")
    query = query_resolve(user=monitor, query=query, text="Source verified.")
    last = follow_up.last()
    participant.refresh_from_db()
    participant_complete(user=coordinator, participant=participant, completed_on=last.actual_date)
    participant.refresh_from_db()
    signature = casebook_sign(user=investigator, participant=participant, password=PASSWORD)
    return {
        "participant": participant,
        "allocation": allocation,
        "infusion": infusion,
        "lot": lot,
        "visits": list(Visit.objects.filter(participant=participant)),
        "decompensation": decompensation,
        "adverse_event": adverse_event,
        "query": query,
        "signature": signature,
    }
