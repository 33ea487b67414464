"""Reading participants: by study ID, masked, per site, and the screening log for CONSORT."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from hepatrial.edc.accounts.services import user_create
from hepatrial.edc.core.services import record_create
from hepatrial.edc.participants.models import Participant
from hepatrial.edc.participants.selectors import (
    participant_get,
    participant_list,
    screen_failures_by_criterion,
    screening_log,
)
from hepatrial.edc.study.models import Site
from hepatrial.edc.study.services import study_lock
from hepatrial.errors import AccessDeniedError, InputError


@pytest.fixture
def randomized(users: Any, site: Any, monkeypatch: pytest.MonkeyPatch) -> Participant:
    """A randomized participant whose allocation (arm LOW) the randomization app reports."""
    participant = record_create(
        Participant,
        user=users["coordinator"],
        study_id="01-001",
        site=site,
        status="randomized",
        identified_on=date(2024, 5, 20),
    )
    arms = {participant.pk: "LOW"}
    monkeypatch.setattr(
        "hepatrial.edc.randomization.selectors.allocation_arm_get", lambda pk: arms.get(pk)
    )
    return participant


def test_a_participant_is_shown_by_study_id_with_status_and_dates(
    users: Any, steps: Any, consented: Any
) -> None:
    shown = participant_get(user=users["monitor"], participant_id=consented.pk)
    assert {k: shown[k] for k in ("study_id", "site", "status", "identified_on")} == {
        "study_id": "01-001",
        "site": "01",
        "status": "consented",
        "identified_on": steps.identified_on,
    }
    assert (shown["consent_date"], shown["consent_version"]) == (steps.consent_date, "1.0")
    assert shown["day0"] is None


@pytest.mark.parametrize("role", ["pharmacist", "dsmb"])
def test_unblinded_roles_see_the_arm(users: Any, randomized: Participant, role: str) -> None:
    assert participant_get(user=users[role], participant_id=randomized.pk)["arm"] == "LOW"
    assert [row["arm"] for row in participant_list(user=users[role])] == ["LOW"]


@pytest.mark.parametrize(
    "role", ["investigator", "coordinator", "monitor", "statistician", "data_manager"]
)
def test_masked_roles_never_see_the_arm(users: Any, randomized: Participant, role: str) -> None:
    outputs = [
        participant_get(user=users[role], participant_id=randomized.pk),
        participant_list(user=users[role]),
        screening_log(user=users[role]),
    ]
    assert "arm" not in outputs[0]
    assert "LOW" not in repr(outputs)


def test_the_statistician_sees_the_arm_once_the_study_is_locked(
    users: Any, randomized: Participant
) -> None:
    study_lock(user=users["data_manager"], reason="database lock")
    assert participant_get(user=users["statistician"], participant_id=randomized.pk)["arm"] == "LOW"


def test_site_staff_see_only_their_own_site(users: Any, steps: Any, identified: Any) -> None:
    record_create(Site, user=users["admin"], code="02", name="Second", time_zone="Asia/Shanghai")
    coordinator02 = user_create(
        actor=users["admin"], username="coordinator02", full_name="Li Coordinator",
        role="coordinator", password="Correct-Horse-42", site_code="02",
    )  # fmt: skip
    assert participant_list(user=coordinator02) == []
    assert screening_log(user=coordinator02) == []
    with pytest.raises(AccessDeniedError, match="site: expected a participant of site 02"):
        participant_get(user=coordinator02, participant_id=identified.pk)
    with pytest.raises(AccessDeniedError, match="got 'site 01'"):
        participant_list(user=coordinator02, site_code="01")
    assert [row["study_id"] for row in participant_list(user=users["monitor"])] == ["01-001"]


@pytest.mark.parametrize("participant_id", [uuid.uuid4(), "01-001", None])
def test_an_unknown_participant_id_is_refused(
    users: Any, identified: Any, participant_id: Any
) -> None:
    with pytest.raises(InputError, match="participant_id: expected the id of a participant"):
        participant_get(user=users["monitor"], participant_id=participant_id)


def test_the_admin_reads_no_trial_data(users: Any, identified: Any) -> None:
    with pytest.raises(AccessDeniedError, match=r"participant\.view"):
        participant_list(user=users["admin"])
    with pytest.raises(AccessDeniedError, match=r"participant\.view"):
        screening_log(user=users["admin"])


def test_the_screening_log_lists_every_candidate_with_outcome_and_failed_criteria(
    users: Any, steps: Any
) -> None:
    eligible = steps.identify(national_id="1101011990030700A1")
    steps.consent(eligible)
    steps.screen(eligible)
    steps.attest(eligible)
    steps.confirm(eligible)
    failed = steps.identify(national_id="1101011990030700A2")
    steps.consent(failed)
    steps.screen(failed, {**steps.facts, "hiv_status": "positive", "pregnant": True})
    steps.attest(failed)
    steps.confirm(failed)
    in_screening = steps.identify(national_id="1101011990030700A3")
    steps.consent(in_screening)
    steps.identify(national_id="1101011990030700A4")

    log = {row["study_id"]: row for row in screening_log(user=users["monitor"])}

    assert {k: row["outcome"] for k, row in log.items()} == {
        "01-001": "eligible",
        "01-002": "screen failed",
        "01-003": "in screening",
        "01-004": "awaiting consent",
    }
    assert [c["code"] for c in log["01-002"]["failed_criteria"]] == ["EX05", "EX09"]
    assert "hiv_status is positive" in log["01-002"]["failed_criteria"][0]["reason"]
    assert log["01-001"]["failed_criteria"] == []
    assert (log["01-002"]["screened_on"], log["01-002"]["decided_on"]) == (
        steps.screened_on,
        steps.today,
    )
    assert log["01-004"]["consent_date"] is None


def test_screen_failures_are_counted_per_criterion_in_protocol_order(
    users: Any, steps: Any
) -> None:
    for n, facts in enumerate(
        [{"hiv_status": "positive"}, {"hiv_status": "positive", "pregnant": True}, {}]
    ):
        participant = steps.identify(national_id=f"1101011990030700B{n}")
        steps.consent(participant)
        steps.screen(participant, {**steps.facts, **facts})
        steps.attest(participant)
        steps.confirm(participant)

    counts = screen_failures_by_criterion()

    assert list(counts)[:3] == ["IN01", "IN02", "IN03"]
    assert counts["EX05"] == 2
    assert counts["EX09"] == 1
    assert sum(counts.values()) == 3
