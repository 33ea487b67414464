"""The allocation list: permuted blocks of random size, strata, reproducibility and commitment."""

from __future__ import annotations

import dataclasses
import itertools
import random
from collections import Counter
from typing import Any

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hepatrial.design import (
    LIST_FORMAT,
    AllocationList,
    AllocationSlot,
    RandomizationParams,
    allocation_list,
    minimization_assign,
    verify_commitment,
)
from hepatrial.errors import InputError
from hepatrial.protocol import Stratum, load_seed_protocol, parse_protocol, seed_protocol_path

PROTOCOL = load_seed_protocol()
GOLDEN_SEED = 20231128

seeds = st.integers(min_value=0, max_value=2**128)

SITE = Stratum(code="SITE", label="Site", levels=("A", "B"))
MELD = Stratum(code="MELD", label="MELD at screening", levels=("<20", ">=20"))


def params(**changes: Any) -> RandomizationParams:
    base: dict[str, Any] = {
        "arms": ("LOW", "MIDHIGH"),
        "ratio": (1, 1),
        "block_sizes": (2, 4),
        "target_enrollment": 22,
    }
    return RandomizationParams(**(base | changes))


def blocks(allocation: AllocationList) -> list[list[AllocationSlot]]:
    grouped = itertools.groupby(allocation.slots, key=lambda s: (s.stratum, s.block))
    return [list(group) for _, group in grouped]


def test_golden_list_for_a_fixed_seed_never_changes() -> None:
    """The seed trial's list for one fixed seed, slot by slot, and its commitment.

    A trial regenerates its list from the stored seed to prove what was allocated; if the
    algorithm, the draws or the serialization changed, the same seed would silently give another
    list or digest. These values were produced once by this code and must never be updated to
    make the test pass: a failure here means the change would break existing trials.
    """
    allocation = allocation_list(PROTOCOL, seed=GOLDEN_SEED)
    first = [(s.sequence, s.block, s.block_size, s.arm) for s in allocation.slots[:10]]
    assert first == [
        (1, 1, 4, "MIDHIGH"),
        (2, 1, 4, "MIDHIGH"),
        (3, 1, 4, "LOW"),
        (4, 1, 4, "LOW"),
        (5, 2, 2, "MIDHIGH"),
        (6, 2, 2, "LOW"),
        (7, 3, 4, "MIDHIGH"),
        (8, 3, 4, "LOW"),
        (9, 3, 4, "LOW"),
        (10, 3, 4, "MIDHIGH"),
    ]
    assert allocation.commitment() == (
        "dfe6e86aa4ff58c47ff9376947ff9d528793155c98b8edb746190c7803b78085"
    )


def test_the_seed_trial_list_uses_its_arms_ratio_and_block_sizes() -> None:
    allocation = allocation_list(PROTOCOL, seed=GOLDEN_SEED)
    assert allocation.params == params()
    assert {s.arm for s in allocation.slots} == {"LOW", "MIDHIGH"}
    assert {s.block_size for s in allocation.slots} <= {2, 4}
    assert {s.stratum for s in allocation.slots} == {()}


@given(seed=seeds)
def test_the_same_seed_gives_the_same_list_and_commitment(seed: int) -> None:
    first = allocation_list(PROTOCOL, seed=seed)
    again = allocation_list(PROTOCOL, seed=seed)
    assert first.slots == again.slots
    assert first.to_jsonl() == again.to_jsonl()
    assert first.commitment() == again.commitment()


@given(seed=seeds, other=seeds)
def test_different_seeds_give_different_lists(seed: int, other: int) -> None:
    assume(seed != other)
    # Two independent 200-slot lists in blocks of 2 or 4 agree with probability below 2**-100.
    first = allocation_list(PROTOCOL, seed=seed, size_per_stratum=200).slots
    second = allocation_list(PROTOCOL, seed=other, size_per_stratum=200).slots
    assert [s.arm for s in first] != [s.arm for s in second]


def test_a_long_list_uses_every_block_size() -> None:
    allocation = allocation_list(params(block_sizes=(2, 4, 6)), seed=7, size_per_stratum=300)
    sizes = Counter(block[0].block_size for block in blocks(allocation))
    assert set(sizes) == {2, 4, 6}
    # randomizeR's rpbrPar draws sizes equiprobably; each of about 75 blocks is 1/3 likely.
    assert all(15 <= count <= 45 for count in sizes.values())


@pytest.mark.parametrize(
    ("arms", "ratio", "block_sizes"),
    [
        (("LOW", "MIDHIGH"), (1, 1), (2, 4)),
        (("A", "B"), (2, 1), (3, 6)),
        (("A", "B", "C"), (1, 2, 1), (4, 8)),
    ],
)
@given(seed=seeds)
def test_every_complete_block_holds_the_arms_exactly_in_ratio(
    arms: tuple[str, ...], ratio: tuple[int, ...], block_sizes: tuple[int, ...], seed: int
) -> None:
    allocation = allocation_list(
        params(arms=arms, ratio=ratio, block_sizes=block_sizes), seed=seed, size_per_stratum=30
    )
    for block in blocks(allocation):
        size = block[0].block_size
        assert size is not None
        assert len(block) == size
        counts = Counter(slot.arm for slot in block)
        assert [counts[arm] for arm in arms] == [w * size // sum(ratio) for w in ratio]


@given(seed=seeds, size=st.integers(min_value=1, max_value=60))
def test_the_list_covers_the_requested_size_and_ends_with_a_whole_block(
    seed: int, size: int
) -> None:
    allocation = allocation_list(params(), seed=seed, size_per_stratum=size)
    assert size <= len(allocation.slots) < size + 4
    assert [s.sequence for s in allocation.slots] == list(range(1, len(allocation.slots) + 1))
    last = blocks(allocation)[-1]
    assert len(last) == last[0].block_size


def test_by_default_each_stratum_gets_twice_the_target_enrollment() -> None:
    allocation = allocation_list(PROTOCOL, seed=1)
    assert allocation.size_per_stratum == 2 * PROTOCOL.design.target_enrollment
    assert len(allocation.slots) >= 44


@given(seed=seeds)
def test_lengthening_the_list_keeps_its_beginning(seed: int) -> None:
    short = allocation_list(params(), seed=seed, size_per_stratum=10).slots
    long = allocation_list(params(), seed=seed, size_per_stratum=40).slots
    assert long[: len(short)] == short


def test_strata_are_the_cartesian_product_of_the_factor_levels() -> None:
    allocation = allocation_list(params(strata=(SITE, MELD)), seed=3, size_per_stratum=8)
    keys = list(dict.fromkeys(s.stratum for s in allocation.slots))
    assert keys == [
        (("SITE", "A"), ("MELD", "<20")),
        (("SITE", "A"), ("MELD", ">=20")),
        (("SITE", "B"), ("MELD", "<20")),
        (("SITE", "B"), ("MELD", ">=20")),
    ]
    for key in keys:
        stratum = allocation.stratum_slots(dict(key))
        assert [s.sequence for s in stratum] == list(range(1, len(stratum) + 1))
        assert stratum[0].block == 1


@given(seed=seeds)
def test_each_stratum_has_its_own_sequence_independent_of_the_others(seed: int) -> None:
    two_sites = allocation_list(params(strata=(SITE,)), seed=seed, size_per_stratum=200)
    three = Stratum(code="SITE", label="Site", levels=("A", "B", "C"))
    three_sites = allocation_list(params(strata=(three,)), seed=seed, size_per_stratum=200)
    site_a = two_sites.stratum_slots({"SITE": "A"})
    assert site_a == three_sites.stratum_slots({"SITE": "A"})
    assert [s.arm for s in site_a] != [s.arm for s in two_sites.stratum_slots({"SITE": "B"})]


def test_a_stratified_protocol_gives_one_sequence_per_stratum() -> None:
    raw = yaml.safe_load(seed_protocol_path().read_text(encoding="utf-8"))
    raw["design"]["randomization"]["strata"] = [
        {"code": "MELD", "label": "MELD at screening", "levels": ["<20", ">=20"]}
    ]
    protocol = parse_protocol(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False))
    allocation = allocation_list(protocol, seed=5)
    assert {s.stratum for s in allocation.slots} == {(("MELD", "<20"),), (("MELD", ">=20"),)}
    assert len(allocation.stratum_slots({"MELD": "<20"})) >= 44


def test_simple_randomization_draws_each_slot_in_ratio_without_blocks() -> None:
    allocation = allocation_list(
        params(arms=("A", "B"), ratio=(2, 1), block_sizes=(), scheme="simple"),
        seed=11,
        size_per_stratum=3000,
    )
    assert len(allocation.slots) == 3000
    assert all(s.block is None and s.block_size is None for s in allocation.slots)
    share_a = sum(s.arm == "A" for s in allocation.slots) / 3000
    assert 0.63 < share_a < 0.70


def test_stratum_slots_rejects_unknown_factors_and_levels() -> None:
    allocation = allocation_list(params(strata=(SITE,)), seed=1, size_per_stratum=4)
    with pytest.raises(InputError, match=r"^stratum\.SITE: expected one of 'A', 'B', got 'C'$"):
        allocation.stratum_slots({"SITE": "C"})
    with pytest.raises(InputError, match=r"^stratum\.SITE: expected one of 'A', 'B', got nothing$"):
        allocation.stratum_slots({})
    with pytest.raises(InputError, match=r"^stratum: expected only the factors SITE, got 'SEX'$"):
        allocation.stratum_slots({"SITE": "A", "SEX": "F"})
    unstratified = allocation_list(params(), seed=1, size_per_stratum=4)
    assert unstratified.stratum_slots({}) == unstratified.slots
    with pytest.raises(InputError, match="the scheme is unstratified"):
        unstratified.stratum_slots({"SITE": "A"})


def test_the_serialized_list_starts_with_what_it_was_created_with() -> None:
    allocation = allocation_list(params(strata=(SITE,)), seed=42, size_per_stratum=2)
    lines = allocation.to_jsonl().splitlines()
    assert lines[0] == (
        '{"created_with":{"arms":["LOW","MIDHIGH"],"block_sizes":[2,4],"ratio":[1,1],'
        '"scheme":"permuted_blocks","seed":42,"size_per_stratum":2,'
        '"strata":[{"code":"SITE","levels":["A","B"]}]},"format":"' + LIST_FORMAT + '"}'
    )
    assert len(lines) == 1 + len(allocation.slots)
    assert lines[1].startswith('{"arm":"')
    assert lines[1].endswith('"sequence":1,"stratum":{"SITE":"A"}}')


def test_the_list_repr_shows_neither_the_seed_nor_the_arms() -> None:
    allocation = allocation_list(params(), seed=987654321, size_per_stratum=4)
    assert "987654321" not in repr(allocation)
    assert "AllocationSlot" not in repr(allocation)


@given(seed=seeds)
def test_the_commitment_verifies_the_list_it_was_made_from(seed: int) -> None:
    allocation = allocation_list(params(strata=(SITE,)), seed=seed, size_per_stratum=6)
    digest = allocation.commitment()
    assert len(digest) == 64
    assert verify_commitment(allocation, digest)
    assert verify_commitment(allocation, digest.upper())


def _changed(allocation: AllocationList, change: str, index: int) -> AllocationList:
    slots = list(allocation.slots)
    slot = slots[index]
    if change == "arm":
        other = "LOW" if slot.arm == "MIDHIGH" else "MIDHIGH"
        slots[index] = dataclasses.replace(slot, arm=other)
    elif change == "order":
        # Swap with the first slot of the other arm, so the change is to the order alone.
        j = next(j for j in range(len(slots)) if slots[j].arm != slot.arm)
        slots[index], slots[j] = slots[j], slots[index]
    elif change == "stratum":
        other = "B" if dict(slot.stratum)["SITE"] == "A" else "A"
        slots[index] = dataclasses.replace(slot, stratum=(("SITE", other),))
    elif change == "block":
        slots[index] = dataclasses.replace(slot, block=(slot.block or 0) + 1)
    elif change == "sequence":
        slots[index] = dataclasses.replace(slot, sequence=slot.sequence + 1)
    elif change == "dropped":
        del slots[index]
    else:
        return dataclasses.replace(allocation, seed=allocation.seed + 1)
    return dataclasses.replace(allocation, slots=tuple(slots))


@settings(max_examples=200)
@given(
    seed=seeds,
    change=st.sampled_from(["arm", "order", "stratum", "block", "sequence", "dropped", "seed"]),
    position=st.integers(min_value=0, max_value=10_000),
)
def test_the_commitment_fails_after_any_single_change(
    seed: int, change: str, position: int
) -> None:
    allocation = allocation_list(params(strata=(SITE,)), seed=seed, size_per_stratum=8)
    digest = allocation.commitment()
    tampered = _changed(allocation, change, position % len(allocation.slots))
    assert tampered.to_jsonl() != allocation.to_jsonl()
    assert not verify_commitment(tampered, digest)


@pytest.mark.parametrize("digest", ["abc", "g" * 64, 12345, None])
def test_a_malformed_commitment_is_an_error_not_a_mismatch(digest: object) -> None:
    allocation = allocation_list(params(), seed=1, size_per_stratum=2)
    with pytest.raises(InputError, match=r"^commitment: expected a SHA-256 digest of 64 hex"):
        verify_commitment(allocation, digest)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"arms": ("A", "B"), "ratio": (2, 1), "block_sizes": (3, 4)},
            "block_sizes[1]: expected a multiple of 3, the sum of the allocation ratio 2:1, got 4",
        ),
        ({"ratio": (1, 1, 1)}, "ratio: expected 2 weights, one per arm in the order of arms"),
        ({"ratio": (1, 0)}, "ratio[1]: expected a positive whole number, got 0"),
        ({"ratio": (1, True)}, "ratio[1]: expected a positive whole number, got True"),
        ({"arms": ("A", "A")}, "arms[1]: expected each arm once, got 'A'"),
        ({"arms": ()}, "arms: expected at least one arm code"),
        ({"block_sizes": ()}, "block_sizes: expected at least one block size"),
        ({"block_sizes": (4, 4)}, "block_sizes[1]: expected each size once, got 4"),
        ({"block_sizes": (-2,)}, "block_sizes[0]: expected a positive whole number, got -2"),
        ({"scheme": "simple"}, "block_sizes: expected no block sizes for simple randomization"),
        (
            {"scheme": "urn"},
            "scheme: expected 'permuted_blocks', 'simple' or 'minimization', got 'urn'",
        ),
        ({"target_enrollment": 0}, "target_enrollment: expected a positive whole number, got 0"),
        ({"strata": (SITE, SITE)}, "strata[1].code: expected each factor once, got 'SITE'"),
    ],
)
def test_invalid_parameters_name_the_field_expected_and_received(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(InputError) as caught:
        params(**changes)
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"seed": -1}, "seed: expected a non-negative whole number, got -1"),
        ({"seed": True}, "seed: expected a non-negative whole number, got True"),
        ({"seed": 1, "size_per_stratum": 0}, "size_per_stratum: expected a positive whole number"),
    ],
)
def test_invalid_seed_or_size_is_refused(options: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError) as caught:
        allocation_list(PROTOCOL, **options)
    assert str(caught.value).startswith(message)


def test_a_non_randomized_protocol_has_no_allocation_list() -> None:
    raw = yaml.safe_load(seed_protocol_path().read_text(encoding="utf-8"))
    raw["design"]["allocation"] = "non_randomized"
    protocol = parse_protocol(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False))
    with pytest.raises(InputError, match=r"^design\.allocation: expected 'randomized'"):
        allocation_list(protocol, seed=1)


def test_draws_use_only_the_version_stable_random_method(monkeypatch: pytest.MonkeyPatch) -> None:
    """Python guarantees only random()'s sequence across versions, so nothing else may be used."""

    def unstable(*_: object, **__: object) -> None:
        raise AssertionError("a draw used a method whose sequence Python does not guarantee")

    for name in ("getrandbits", "randbytes", "randrange", "randint", "choice", "choices"):
        monkeypatch.setattr(random.Random, name, unstable)
    monkeypatch.setattr(random.Random, "shuffle", unstable)
    monkeypatch.setattr(random.Random, "sample", unstable)
    allocation_list(params(strata=(SITE,)), seed=1, size_per_stratum=50)
    allocation_list(params(block_sizes=(), scheme="simple"), seed=1, size_per_stratum=50)
    rng = random.Random(1)
    existing = [({"SITE": "A"}, "LOW")]
    for _ in range(20):
        minimization_assign(existing, {"SITE": "A"}, arms=("LOW", "MIDHIGH"), rng=rng)
