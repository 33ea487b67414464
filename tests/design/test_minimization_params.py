"""Minimization chosen in the protocol: no allocation list, draws replayable from the seed."""

from __future__ import annotations

import copy

import pytest
import yaml

from hepatrial.design import (
    RandomizationParams,
    allocation_list,
    minimization_commitment,
    minimization_rng,
)
from hepatrial.errors import InputError
from hepatrial.protocol import Minimization, Protocol, parse_protocol, seed_protocol_path

FACTORS = [
    {"code": "MELD", "label": "MELD at screening", "levels": ["<20", ">=20"]},
    {"code": "SEX", "label": "Sex", "levels": ["F", "M"]},
]


@pytest.fixture(scope="module")
def protocol() -> Protocol:
    raw = copy.deepcopy(yaml.safe_load(seed_protocol_path().read_text(encoding="utf-8")))
    raw["design"]["randomization"] = {
        "scheme": "minimization",
        "strata": FACTORS,
        "minimization": {"p_preferred": 0.9},
    }
    return parse_protocol(yaml.safe_dump(raw, allow_unicode=True))


def test_the_protocol_minimization_settings_reach_the_parameters(protocol: Protocol) -> None:
    params = RandomizationParams.from_protocol(protocol)
    assert params.scheme == "minimization"
    assert params.block_sizes == ()
    assert params.minimization == Minimization(p_preferred=0.9)


def test_no_allocation_list_is_built_for_minimization(protocol: Protocol) -> None:
    with pytest.raises(InputError) as error:
        allocation_list(protocol, seed=2**70)
    assert error.value.field == "scheme"
    assert error.value.received == "minimization"


def test_minimize_needs_a_level_for_every_factor(protocol: Protocol) -> None:
    params = RandomizationParams.from_protocol(protocol)
    with pytest.raises(InputError) as error:
        params.minimize([], {"MELD": "<20"}, rng=minimization_rng(1, 1))
    assert error.value.field == "stratum.SEX"


def test_the_same_seed_and_sequence_replay_the_same_assignments(protocol: Protocol) -> None:
    params = RandomizationParams.from_protocol(protocol)
    people = [{"MELD": ["<20", ">=20"][n % 2], "SEX": ["F", "M"][n % 3 % 2]} for n in range(20)]

    def run(seed: int) -> list[str]:
        done: list[tuple[dict[str, str], str]] = []
        for n, levels in enumerate(people, start=1):
            done.append((levels, params.minimize(done, levels, rng=minimization_rng(seed, n)).arm))
        return [arm for _, arm in done]

    assert run(2**80) == run(2**80)
    assert {run(seed).count("LOW") for seed in range(2**80, 2**80 + 5)} <= set(range(8, 13))


def test_the_commitment_binds_the_parameters_and_the_seed(protocol: Protocol) -> None:
    params = RandomizationParams.from_protocol(protocol)
    other = RandomizationParams.from_protocol(
        protocol.model_copy(
            update={
                "design": protocol.design.model_copy(
                    update={
                        "randomization": protocol.design.randomization.model_copy(
                            update={"minimization": Minimization(p_preferred=0.8)}
                        )
                    }
                )
            }
        )
    )
    digest = minimization_commitment(params, 2**80)
    assert len(digest) == 64
    assert digest == minimization_commitment(params, 2**80)
    assert digest != minimization_commitment(params, 2**80 + 1)
    assert digest != minimization_commitment(other, 2**80)


def test_strata_are_required_for_minimization() -> None:
    with pytest.raises(InputError) as error:
        RandomizationParams(
            arms=("A", "B"), ratio=(1, 1), block_sizes=(), target_enrollment=10,
            scheme="minimization",
        )  # fmt: skip
    assert error.value.field == "strata"
