"""Minimization in the EDC: balanced margins, replayable from the seed, levels required, masked."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from hepatrial.design import RandomizationParams, minimization_rng
from hepatrial.edc.core.masking import MASKED
from hepatrial.edc.participants.models import Participant
from hepatrial.edc.randomization.models import Allocation, AllocationSlot
from hepatrial.edc.randomization.selectors import allocation_get
from hepatrial.edc.randomization.services import (
    participant_randomize,
    randomization_list_generate,
)
from hepatrial.edc.randomization.verification import randomization_list_verify
from hepatrial.errors import InputError
from hepatrial.protocol import seed_protocol_path

PASSWORD = "Correct-Horse-42"
SEED = 2**100 + 424242
MINIMIZATION = """    scheme: minimization
    strata:
      - {code: MELD, label: MELD at screening, levels: ['<20', '>=20']}
      - {code: SEX, label: Sex, levels: [F, M]}
    minimization: {p_preferred: 0.8, measure: range}
"""


@pytest.fixture
def team(db: Any, tmp_path: Path) -> dict[str, Any]:
    """A study set up from the seed protocol switched to minimization, and its team."""
    from hepatrial.edc.accounts.models import User
    from hepatrial.edc.accounts.services import user_create
    from hepatrial.edc.study.services import study_init

    text = seed_protocol_path().read_text(encoding="utf-8")
    blocks = "    scheme: permuted_blocks\n    block_sizes: [2, 4]\n    strata: []\n"
    assert blocks in text
    path = tmp_path / "minimized.yaml"
    path.write_text(text.replace(blocks, MINIMIZATION), encoding="utf-8")
    study_init(
        protocol_path=path, admin_username="admin", admin_password=PASSWORD,
        admin_full_name="Ada Admin",
    )  # fmt: skip
    admin = User.objects.get(username="admin")
    made = {"admin": admin}
    for role in ("investigator", "coordinator", "pharmacist", "monitor"):
        made[role] = user_create(
            actor=admin, username=role, full_name=f"{role.title()} Person", role=role,
            password=PASSWORD, site_code="01" if role in ("investigator", "coordinator") else "",
        )  # fmt: skip
    randomization_list_generate(user=admin, seed=SEED)
    return made


def _participant(team: dict[str, Any], n: int) -> Participant:
    from django.db import transaction

    from hepatrial.edc.core.services import record_create
    from hepatrial.edc.study.models import Site

    with transaction.atomic():
        return record_create(
            Participant,
            user=team["coordinator"],
            study_id=f"01-{n:03d}",
            site=Site.objects.get(code="01"),
            status="eligible",
            identified_on=Site.objects.get(code="01").created_at.date(),
        )


def _levels(n: int) -> dict[str, str]:
    draw = random.Random(n)
    return {"MELD": draw.choice(["<20", ">=20"]), "SEX": draw.choice(["F", "M"])}


def _randomize_thirty(team: dict[str, Any]) -> list[Allocation]:
    return [
        participant_randomize(
            user=team["investigator"], participant=_participant(team, n), stratum_levels=_levels(n)
        )
        for n in range(1, 31)
    ]


def test_thirty_participants_end_balanced_on_every_level_of_both_factors(
    team: dict[str, Any],
) -> None:
    allocations = _randomize_thirty(team)
    for factor in ("MELD", "SEX"):
        by_level = Counter((json.loads(a.stratum)[factor], a.arm) for a in allocations)
        for level in {json.loads(a.stratum)[factor] for a in allocations}:
            assert abs(by_level[level, "LOW"] - by_level[level, "MIDHIGH"]) <= 3, (factor, level)
    assert not AllocationSlot.objects.exists()
    assert Participant.objects.filter(status="randomized").count() == 30


def test_each_draw_is_stored_with_its_scores_and_replays_from_the_seed(
    team: dict[str, Any],
) -> None:
    from hepatrial.edc.study.selectors import study_protocol

    allocations = _randomize_thirty(team)
    params = RandomizationParams.from_protocol(study_protocol())
    before: list[tuple[dict[str, str], str]] = []
    for n, allocation in enumerate(allocations, start=1):
        draw = allocation.minimization
        replayed = params.minimize(before, _levels(n), rng=minimization_rng(SEED, n))
        assert allocation.arm == replayed.arm
        assert draw["sequence"] == n
        assert draw["preferred"] == list(replayed.preferred)
        assert draw["followed_preference"] is (allocation.arm in draw["preferred"])
        assert set(draw["imbalance"]) == {"LOW", "MIDHIGH"}
        before.append((_levels(n), allocation.arm))
    assert any(not a.minimization["followed_preference"] for a in allocations)
    assert randomization_list_verify().ok


def test_verification_finds_an_arm_changed_behind_the_applications_back(
    team: dict[str, Any], raw_sql: Any
) -> None:
    allocations = _randomize_thirty(team)[:3]
    flipped = {"LOW": "MIDHIGH", "MIDHIGH": "LOW"}[allocations[1].arm]
    raw_sql(
        "UPDATE randomization_allocation SET arm = %s WHERE id = %s",
        [flipped, allocations[1].pk.hex],
    )
    assert not randomization_list_verify().ok


def test_a_missing_factor_level_is_refused_and_nothing_changes(team: dict[str, Any]) -> None:
    participant = _participant(team, 1)
    with pytest.raises(InputError) as error:
        participant_randomize(
            user=team["investigator"], participant=participant, stratum_levels={"MELD": "<20"}
        )
    assert error.value.field == "stratum.SEX"
    assert not Allocation.objects.exists()
    participant.refresh_from_db()
    assert participant.status == "eligible"


@pytest.mark.parametrize("role", ["investigator", "coordinator", "monitor"])
def test_masked_roles_see_no_arm_of_a_minimized_allocation(team: dict[str, Any], role: str) -> None:
    allocation = participant_randomize(
        user=team["investigator"], participant=_participant(team, 1), stratum_levels=_levels(1)
    )
    row = allocation_get(user=team[role], participant_id=allocation.participant_id)
    assert row["randomized"] is True
    assert row["arm"] == MASKED
    assert allocation.arm not in json.dumps(row, default=str)
    assert (
        allocation_get(user=team["pharmacist"], participant_id=allocation.participant_id)["arm"]
        == allocation.arm
    )
