"""Hypothesis stateful test: every create, update and void, by whoever, is in the exported trail
with who, when, the old and new values, and why — and the chain still verifies."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, rule, run_state_machine_as_test

from hepatrial.edc.core.audit import audit_export, audit_verify
from hepatrial.edc.core.services import record_create, record_update, record_void
from hepatrial.edc.participants.models import Participant

REASONS = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=60
).filter(lambda s: s.strip() == s and s)
DATES = st.dates(min_value=dt.date(2023, 11, 28), max_value=dt.date(2024, 12, 31))


def _trail() -> list[dict[str, str]]:
    stream = io.StringIO()
    audit_export(stream)
    return list(csv.DictReader(io.StringIO(stream.getvalue())))


@pytest.mark.django_db
def test_every_change_is_in_the_trail_with_who_when_old_new_and_why(users: Any, site: Any) -> None:
    staff = [users["coordinator"], users["investigator"]]
    counter = iter(range(1, 10_000))

    class AuditMachine(RuleBasedStateMachine):
        records = Bundle("records")

        def __init__(self) -> None:
            super().__init__()
            self.expected: list[tuple[str, str, str, str, str, str, str]] = []
            self.live: dict[str, tuple[int, dt.date, bool]] = {}

        @rule(target=records, who=st.sampled_from(staff), when=DATES)
        def create(self, who: Any, when: dt.date) -> str:
            participant = record_create(
                Participant,
                user=who,
                study_id=f"01-{next(counter):03d}",
                site=site,
                identified_on=when,
            )
            pk = str(participant.pk)
            self.live[pk] = (1, when, False)
            self.expected.append(
                (who.username, pk, "created", "identified_on", "", when.isoformat(), "")
            )
            return pk

        @rule(pk=records, who=st.sampled_from(staff), when=DATES, reason=REASONS)
        def update(self, pk: str, who: Any, when: dt.date, reason: str) -> None:
            version, old, voided = self.live[pk]
            if voided or when == old:
                return
            record_update(
                Participant, pk, user=who, expected_version=version, reason=reason,
                changes={"identified_on": when},
            )  # fmt: skip
            self.live[pk] = (version + 1, when, False)
            self.expected.append(
                (
                    who.username,
                    pk,
                    "changed",
                    "identified_on",
                    old.isoformat(),
                    when.isoformat(),
                    reason,
                )
            )

        @rule(pk=records, who=st.sampled_from(staff), reason=REASONS)
        def void(self, pk: str, who: Any, reason: str) -> None:
            version, old, voided = self.live[pk]
            if voided:
                return
            record_void(Participant, pk, user=who, expected_version=version, reason=reason)
            self.live[pk] = (version + 1, old, True)
            self.expected.append(
                (who.username, pk, "voided", "voided", "False", "True", f"voided: {reason}")
            )

        def teardown(self) -> None:
            mine = set(self.live)
            found = [
                (
                    r["user"],
                    r["record_id"],
                    r["action"],
                    r["field"],
                    r["old"],
                    r["new"],
                    r["reason"],
                )
                for r in _trail()
                if r["record_id"] in mine
                and r["field"] in ("identified_on", "voided")
                and not (r["action"] == "created" and r["field"] == "voided")
            ]
            assert found == self.expected
            assert all(r["recorded_at_utc"].endswith("+00:00") for r in _trail())
            assert audit_verify().ok

    run_state_machine_as_test(
        AuditMachine,
        settings=settings(
            max_examples=15,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
