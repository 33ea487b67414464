"""Eligibility evaluation against the seed protocol's 3 inclusion and 11 exclusion criteria."""

from __future__ import annotations

from datetime import date

import pytest

from hepatrial.clinical.eligibility import (
    Attestation,
    EligibilityStatus,
    evaluate_eligibility,
)
from hepatrial.errors import InputError
from hepatrial.protocol import Protocol, load_seed_protocol

CONSENT = date(2024, 3, 1)


@pytest.fixture(scope="module")
def protocol() -> Protocol:
    return load_seed_protocol()


def _facts(**overrides: object) -> dict[str, object]:
    facts: dict[str, object] = {
        "birth_date": date(1970, 6, 15),
        "consent_date": CONSENT,
        "last_interferon_or_glucocorticoid_date": "never",
        "last_other_trial_date": "never",
        "prior_liver_transplant": False,
        "hiv_status": "negative",
        "pregnant": False,
        "breastfeeding": False,
    }
    facts.update(overrides)
    return facts


def _attest_all(protocol: Protocol, **holds: bool) -> dict[str, Attestation]:
    """Attest every attested criterion favourably unless ``holds`` overrides it."""
    attestations = {}
    for criterion in protocol.criteria:
        if criterion.decision != "attested":
            continue
        favourable = criterion in protocol.eligibility.inclusion
        attestations[criterion.code] = Attestation(
            holds=holds.get(criterion.code, favourable), source_document="hospital record 2024-0301"
        )
    return attestations


def _failed_codes(result: object) -> list[str]:
    return [o.code for o in result.failed]  # type: ignore[attr-defined]


def test_seed_protocol_has_three_inclusion_and_eleven_exclusion_criteria(
    protocol: Protocol,
) -> None:
    assert len(protocol.eligibility.inclusion) == 3
    assert len(protocol.eligibility.exclusion) == 11


def test_candidate_meeting_every_criterion_is_eligible(protocol: Protocol) -> None:
    result = evaluate_eligibility(protocol, facts=_facts(), attestations=_attest_all(protocol))
    assert result.status is EligibilityStatus.ELIGIBLE
    assert result.failed == ()
    assert result.missing == ()
    assert len(result.outcomes) == 14


@pytest.mark.parametrize(
    ("birth", "eligible"),
    [
        (date(2006, 3, 1), True),  # 18th birthday on the consent date
        (date(2006, 3, 2), False),  # one day short of 18
        (date(1943, 3, 2), True),  # 80, a day before turning 81
        (date(1943, 3, 1), False),  # 81 on the consent date
    ],
)
def test_age_criterion_counts_completed_years_at_consent(
    protocol: Protocol, birth: date, eligible: bool
) -> None:
    result = evaluate_eligibility(
        protocol, facts=_facts(birth_date=birth), attestations=_attest_all(protocol)
    )
    assert (result.status is EligibilityStatus.ELIGIBLE) is eligible
    if not eligible:
        assert _failed_codes(result) == ["IN01"]
        assert "age" in result.failed[0].reason


@pytest.mark.parametrize(
    ("last_dose", "excluded"),
    [
        (date(2023, 3, 2), True),  # 365 days before consent: within 1 year
        (date(2023, 3, 1), False),  # 366 days before consent
        (date(2024, 3, 5), True),  # after consent counts as within
        ("never", False),
    ],
)
def test_interferon_or_glucocorticoid_within_one_year_excludes(
    protocol: Protocol, last_dose: object, excluded: bool
) -> None:
    result = evaluate_eligibility(
        protocol,
        facts=_facts(last_interferon_or_glucocorticoid_date=last_dose),
        attestations=_attest_all(protocol),
    )
    assert ("EX06" in _failed_codes(result)) is excluded


def test_other_trial_within_30_days_excludes(protocol: Protocol) -> None:
    within = evaluate_eligibility(
        protocol,
        facts=_facts(last_other_trial_date=date(2024, 2, 1)),  # 29 days before consent
        attestations=_attest_all(protocol),
    )
    outside = evaluate_eligibility(
        protocol,
        facts=_facts(last_other_trial_date=date(2024, 1, 30)),  # 31 days before
        attestations=_attest_all(protocol),
    )
    assert _failed_codes(within) == ["EX08"]
    assert outside.status is EligibilityStatus.ELIGIBLE


def test_every_failed_criterion_is_reported_with_its_reason(protocol: Protocol) -> None:
    result = evaluate_eligibility(
        protocol,
        facts=_facts(prior_liver_transplant=True, hiv_status="positive", pregnant=True),
        attestations=_attest_all(protocol, EX01=True),
    )
    assert result.status is EligibilityStatus.NOT_ELIGIBLE
    assert _failed_codes(result) == ["EX01", "EX02", "EX05", "EX09"]
    assert all(o.reason for o in result.failed)
    assert "hospital record" in result.failed[0].reason


def test_missing_facts_and_attestations_make_the_result_incomplete(protocol: Protocol) -> None:
    facts = _facts()
    del facts["hiv_status"]
    attestations = _attest_all(protocol)
    del attestations["IN02"]
    result = evaluate_eligibility(protocol, facts=facts, attestations=attestations)
    assert result.status is EligibilityStatus.INCOMPLETE
    assert result.missing == ("IN02", "hiv_status")


def test_a_known_failure_decides_even_while_facts_are_missing(protocol: Protocol) -> None:
    facts = _facts(birth_date=date(2010, 1, 1))
    del facts["pregnant"]
    result = evaluate_eligibility(protocol, facts=facts, attestations=_attest_all(protocol))
    assert result.status is EligibilityStatus.NOT_ELIGIBLE
    assert _failed_codes(result) == ["IN01"]
    assert result.missing == ("pregnant",)


def test_breastfeeding_excludes_even_when_pregnancy_is_not_yet_known(protocol: Protocol) -> None:
    facts = _facts(breastfeeding=True)
    del facts["pregnant"]
    result = evaluate_eligibility(protocol, facts=facts, attestations=_attest_all(protocol))
    assert _failed_codes(result) == ["EX09"]


def test_consent_not_recorded_fails_inclusion_three(protocol: Protocol) -> None:
    facts = _facts()
    facts["consent_date"] = None
    result = evaluate_eligibility(protocol, facts=facts, attestations=_attest_all(protocol))
    assert "IN03" in _failed_codes(result)


def test_dates_may_be_given_as_iso_text(protocol: Protocol) -> None:
    result = evaluate_eligibility(
        protocol,
        facts=_facts(birth_date="1970-06-15", consent_date="2024-03-01"),
        attestations=_attest_all(protocol),
    )
    assert result.status is EligibilityStatus.ELIGIBLE


@pytest.mark.parametrize(
    ("facts", "field", "expected", "received"),
    [
        ({"birth_date": "15/06/1970"}, "birth_date", "a date", "'15/06/1970'"),
        ({"hiv_status": "unknown"}, "hiv_status", "one of positive, negative", "'unknown'"),
        ({"pregnant": "no"}, "pregnant", "true or false", "'no'"),
        ({"last_other_trial_date": "never-ever"}, "last_other_trial_date", '"never"', "never-ever"),
        ({"blood_group": "A"}, "screening fact", "one of birth_date", "'blood_group'"),
    ],
)
def test_ill_typed_or_unknown_facts_are_rejected_with_field_expected_and_received(
    protocol: Protocol, facts: dict[str, object], field: str, expected: str, received: str
) -> None:
    with pytest.raises(InputError) as caught:
        evaluate_eligibility(protocol, facts=_facts(**facts), attestations={})
    message = str(caught.value)
    assert message.startswith(f"{field}: expected")
    assert expected in message
    assert received in message


def test_attestation_needs_a_source_document(protocol: Protocol) -> None:
    with pytest.raises(InputError, match=r"IN02\.source_document: expected the source document"):
        evaluate_eligibility(
            protocol, facts=_facts(), attestations={"IN02": Attestation(True, "  ")}
        )


def test_a_computed_criterion_cannot_be_attested(protocol: Protocol) -> None:
    with pytest.raises(
        InputError, match=r"attestation: expected an attested criterion .* got 'IN01'"
    ):
        evaluate_eligibility(
            protocol, facts=_facts(), attestations={"IN01": Attestation(True, "chart")}
        )
