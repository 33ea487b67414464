"""The selector behind the live checklist: recorded facts with the typed ones laid over them."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_preview_lays_typed_facts_over_recorded_ones_and_writes_nothing(
    screened: Any, users: dict[str, Any]
) -> None:
    from hepatrial.edc.participants.models import EligibilityAnswer
    from hepatrial.edc.participants.selectors import eligibility_preview

    recorded = eligibility_preview(user=users["coordinator"], participant_id=screened.pk)
    assert recorded.status.value == "eligible"  # every fact and attestation is in
    typed = eligibility_preview(
        user=users["coordinator"], participant_id=screened.pk, facts={"hiv_status": "positive"}
    )
    assert [o.code for o in typed.failed] == ["EX05"]
    assert not EligibilityAnswer.objects.exists()
    screened.refresh_from_db()
    assert screened.status == "screened"


def test_preview_takes_the_consent_date_from_the_consent_record(
    consented: Any, users: dict[str, Any]
) -> None:
    from hepatrial.edc.participants.selectors import eligibility_preview

    result = eligibility_preview(user=users["coordinator"], participant_id=consented.pk)
    in03 = next(o for o in result.outcomes if o.code == "IN03")  # "Sign informed consent"
    assert in03.met is True


def test_preview_refuses_an_ill_typed_fact(consented: Any, users: dict[str, Any]) -> None:
    from hepatrial.edc.participants.selectors import eligibility_preview
    from hepatrial.errors import InputError

    with pytest.raises(InputError, match="hiv_status"):
        eligibility_preview(
            user=users["coordinator"], participant_id=consented.pk, facts={"hiv_status": "maybe"}
        )
