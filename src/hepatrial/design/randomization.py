"""Allocation lists: permuted blocks of random size (or simple randomization), per stratum.

A list is generated once, before the first participant, from the protocol's scheme and a secret
seed, and is then consumed slot by slot within each stratum. The scheme follows the usual tools:
blockrand's ``blockrand(n, num.levels, levels, stratum, block.sizes)`` and randomizeR's
``rpbrPar``, which draws each block's length equiprobably from the allowed sizes
(reference/standards-analysis.md §6, [S25]). With fixed blocks the last allocation of each block
is known once the others are; random block sizes that stay hidden from site staff make the
sequence much harder to guess (BMC Med Res Methodol 2014;14:130, [S28]). The block number and
block size of a slot are therefore as secret as its arm.

Reproducibility: the draws use only ``random.Random(int).random()``, the one part of Python's
generator whose sequence the documentation guarantees across versions; shuffling and choosing
are implemented on top of it in :mod:`hepatrial.design._draws` rather than taken from
``random.shuffle`` and ``random.choice``, whose algorithms carry no such guarantee. Each stratum
draws from its own generator, seeded from SHA-256 of the seed and the stratum, so the strata are
independent and a stratum's sequence does not depend on how long the others are.

Commitment: :meth:`AllocationList.to_jsonl` is a canonical text of the list (a ``created_with``
header naming the scheme, arms, ratio, block sizes, strata, length and seed, then one line per
slot) and :meth:`AllocationList.commitment` its SHA-256. Publishing the digest before enrolment
binds the trial to the list without revealing it (reference/standards-analysis.md §6). The seed
regenerates the whole list, so it is exactly as secret as the list; and since the algorithm is
public, anyone can try candidate seeds against the published digest, so a production seed must
be unguessable, e.g. ``secrets.randbits(128)`` drawn by the caller.

Minimization (``scheme: minimization``) has no list: each participant is assigned from the
allocations so far by :meth:`RandomizationParams.minimize`. Its random element is drawn from
:func:`minimization_rng`, seeded from SHA-256 of the secret seed and the allocation's sequence
number, so anyone holding the seed can replay every assignment in order, and
:func:`minimization_commitment` binds the trial to the parameters and the seed before enrolment.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

from hepatrial.design import _draws
from hepatrial.design._minimization import (
    Allocated,
    ArmImbalance,
    ImbalanceMeasure,
    MinimizationResult,
    minimization_assign,
)
from hepatrial.errors import InputError
from hepatrial.protocol import Minimization, Protocol, Stratum

__all__ = [
    "LIST_FORMAT",
    "LIST_MARGIN",
    "MINIMIZATION_FORMAT",
    "AllocationList",
    "AllocationSlot",
    "ArmImbalance",
    "ImbalanceMeasure",
    "MinimizationResult",
    "RandomizationParams",
    "Scheme",
    "StratumKey",
    "allocation_list",
    "minimization_assign",
    "minimization_commitment",
    "minimization_rng",
    "verify_commitment",
]

Scheme = Literal["permuted_blocks", "simple", "minimization"]
StratumKey = tuple[tuple[str, str], ...]
"""(factor code, level) pairs in the order of the factors; ``()`` when unstratified."""

LIST_FORMAT: Final = "hepatrial.allocation_list/1"
LIST_MARGIN: Final = 2
"""By default each stratum gets at least this many times the target enrollment in slots."""
MINIMIZATION_FORMAT: Final = "hepatrial.minimization/1"

_SCHEMES: Final = ("permuted_blocks", "simple", "minimization")
_DIGEST = re.compile(r"[0-9a-fA-F]{64}")


def _positive_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InputError(field=name, expected="a positive whole number", received=value)
    return value


def _ratio_text(ratio: tuple[int, ...]) -> str:
    return ":".join(str(w) for w in ratio)


@dataclass(frozen=True, slots=True)
class RandomizationParams:
    """What an allocation list is generated from: arms with their ratio, scheme, blocks, strata.

    ``ratio`` gives the arms' weights in the order of ``arms``. For ``permuted_blocks`` every
    block size must be a multiple of the ratio's sum, so that every complete block holds each arm
    exactly in proportion; ``simple`` randomization and ``minimization`` have no blocks.
    ``target_enrollment`` sets the default length of the list. Minimization balances the factors
    in ``strata`` (at least one) with the ``minimization`` settings (the protocol's defaults when
    left out). :meth:`from_protocol` reads all of it from a protocol.
    """

    arms: tuple[str, ...]
    ratio: tuple[int, ...]
    block_sizes: tuple[int, ...]
    target_enrollment: int
    scheme: Scheme = "permuted_blocks"
    strata: tuple[Stratum, ...] = ()
    minimization: Minimization | None = None

    def __post_init__(self) -> None:
        for name in ("arms", "ratio", "block_sizes", "strata"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        self._check_arms()
        self._check_blocks()
        _positive_int("target_enrollment", self.target_enrollment)
        for i, stratum in enumerate(self.strata):
            if not isinstance(stratum, Stratum):
                raise InputError(
                    field=f"strata[{i}]", expected="a protocol Stratum", received=stratum
                )
            if any(s.code == stratum.code for s in self.strata[:i]):
                raise InputError(
                    field=f"strata[{i}].code", expected="each factor once", received=stratum.code
                )
        self._check_minimization()

    def _check_minimization(self) -> None:
        if self.scheme != "minimization":
            if self.minimization is not None:
                raise InputError(
                    field="minimization",
                    expected="no minimization settings unless the scheme is 'minimization'",
                    received=self.minimization.model_dump(),
                )
            return
        if not self.strata:
            raise InputError(
                field="strata",
                expected="at least one factor to balance by minimization",
                received=[],
            )
        if self.minimization is None:
            object.__setattr__(self, "minimization", Minimization())
        elif not isinstance(self.minimization, Minimization):
            raise InputError(
                field="minimization",
                expected="the protocol's Minimization settings",
                received=self.minimization,
            )

    def _check_arms(self) -> None:
        if not self.arms:
            raise InputError(field="arms", expected="at least one arm code", received=[])
        for i, arm in enumerate(self.arms):
            if not isinstance(arm, str) or not arm.strip():
                raise InputError(field=f"arms[{i}]", expected="a non-blank arm code", received=arm)
            if arm in self.arms[:i]:
                raise InputError(field=f"arms[{i}]", expected="each arm once", received=arm)
        if len(self.ratio) != len(self.arms):
            raise InputError(
                field="ratio",
                expected=f"{len(self.arms)} weights, one per arm in the order of arms",
                received=list(self.ratio),
            )
        for i, weight in enumerate(self.ratio):
            _positive_int(f"ratio[{i}]", weight)

    def _check_blocks(self) -> None:
        if self.scheme not in _SCHEMES:
            raise InputError(
                field="scheme",
                expected="'permuted_blocks', 'simple' or 'minimization'",
                received=self.scheme,
            )
        if self.scheme != "permuted_blocks":
            if self.block_sizes:
                raise InputError(
                    field="block_sizes",
                    expected=f"no block sizes for {self.scheme} randomization",
                    received=list(self.block_sizes),
                )
            return
        if not self.block_sizes:
            raise InputError(field="block_sizes", expected="at least one block size", received=[])
        total = sum(self.ratio)
        for i, size in enumerate(self.block_sizes):
            _positive_int(f"block_sizes[{i}]", size)
            if size % total:
                raise InputError(
                    field=f"block_sizes[{i}]",
                    expected=f"a multiple of {total}, the sum of the allocation ratio "
                    f"{_ratio_text(self.ratio)}",
                    received=size,
                )
            if size in self.block_sizes[:i]:
                raise InputError(
                    field=f"block_sizes[{i}]", expected="each size once", received=size
                )

    @classmethod
    def from_protocol(cls, protocol: Protocol) -> RandomizationParams:
        """The parameters ``protocol`` declares in ``design`` and ``arms``."""
        design = protocol.design
        if design.allocation != "randomized":
            raise InputError(
                field="design.allocation", expected="'randomized'", received=design.allocation
            )
        return cls(
            arms=tuple(arm.code for arm in protocol.arms),
            ratio=design.allocation_ratio,
            block_sizes=design.randomization.block_sizes,
            target_enrollment=design.target_enrollment,
            scheme=design.randomization.scheme,
            strata=design.randomization.strata,
            minimization=design.randomization.minimization,
        )

    @property
    def stratum_keys(self) -> tuple[StratumKey, ...]:
        """Every stratum: the cartesian product of the factors' levels, in protocol order."""
        factors = [[(s.code, level) for level in s.levels] for s in self.strata]
        return tuple(itertools.product(*factors))

    def stratum_key(self, levels: Mapping[str, str]) -> StratumKey:
        """The stratum of a participant with ``levels`` (factor code to level)."""
        codes = [s.code for s in self.strata]
        extra = sorted(code for code in levels if code not in codes)
        if extra:
            expected = (
                f"only the factors {', '.join(codes)}"
                if codes
                else "no stratification factors (the scheme is unstratified)"
            )
            raise InputError(field="stratum", expected=expected, received=", ".join(extra))
        key: list[tuple[str, str]] = []
        for stratum in self.strata:
            level = levels.get(stratum.code)
            if not isinstance(level, str) or level not in stratum.levels:
                raise InputError(
                    field=f"stratum.{stratum.code}",
                    expected=f"one of {', '.join(repr(v) for v in stratum.levels)}",
                    received=level,
                )
            key.append((stratum.code, level))
        return tuple(key)

    def minimize(
        self, existing: Sequence[Allocated], levels: Mapping[str, str], *, rng: random.Random
    ) -> MinimizationResult:
        """Assign a participant with ``levels`` by minimization over ``existing`` allocations.

        ``levels`` must give a level of every factor (an InputError names the first missing);
        ``existing`` holds the (factor levels, arm) of everyone randomized before.
        """
        if self.scheme != "minimization" or self.minimization is None:
            raise InputError(field="scheme", expected="'minimization'", received=self.scheme)
        new_levels = dict(self.stratum_key(levels))
        return minimization_assign(
            existing,
            new_levels,
            arms=self.arms,
            rng=rng,
            ratio=self.ratio,
            p_preferred=self.minimization.p_preferred,
            measure=self.minimization.measure,
            factor_weights=self.minimization.factor_weights,
        )

    def created_with(self) -> dict[str, object]:
        """The parameters as a JSON-ready mapping (without a seed or a list length)."""
        settings = self.minimization
        return {
            "arms": list(self.arms),
            "block_sizes": list(self.block_sizes),
            "minimization": None if settings is None else settings.model_dump(mode="json"),
            "ratio": list(self.ratio),
            "scheme": self.scheme,
            "strata": [{"code": s.code, "levels": list(s.levels)} for s in self.strata],
        }


@dataclass(frozen=True, slots=True)
class AllocationSlot:
    """One position of the list: the ``sequence``-th participant randomized in ``stratum``.

    ``sequence`` counts from 1 within the stratum; ``block`` (from 1) and ``block_size`` are None
    under simple randomization.
    """

    stratum: StratumKey
    sequence: int
    block: int | None
    block_size: int | None
    arm: str

    def record(self) -> dict[str, object]:
        """The slot as a JSON-ready mapping, the stratum as factor code to level."""
        return {
            "arm": self.arm,
            "block": self.block,
            "block_size": self.block_size,
            "sequence": self.sequence,
            "stratum": dict(self.stratum),
        }


@dataclass(frozen=True, slots=True)
class AllocationList:
    """A generated allocation list: slots grouped by stratum, in sequence order within each.

    The seed and the slots are left out of ``repr`` so the list cannot leak into a log or a
    traceback by accident.
    """

    params: RandomizationParams
    seed: int = field(repr=False)
    size_per_stratum: int
    slots: tuple[AllocationSlot, ...] = field(repr=False)

    def created_with(self) -> dict[str, object]:
        """Everything that regenerates the list, the seed included."""
        p = self.params
        return {
            "arms": list(p.arms),
            "block_sizes": list(p.block_sizes),
            "ratio": list(p.ratio),
            "scheme": p.scheme,
            "seed": self.seed,
            "size_per_stratum": self.size_per_stratum,
            "strata": [{"code": s.code, "levels": list(s.levels)} for s in p.strata],
        }

    def stratum_slots(self, levels: Mapping[str, str]) -> tuple[AllocationSlot, ...]:
        """The slots of the stratum of a participant with ``levels``, in sequence order."""
        key = self.params.stratum_key(levels)
        return tuple(slot for slot in self.slots if slot.stratum == key)

    def to_jsonl(self) -> str:
        """The canonical text of the list, as secret as the list itself.

        JSON Lines with sorted keys, no spaces and ASCII escapes: first
        ``{"created_with": {...}, "format": LIST_FORMAT}``, then one line per slot in list order.
        """
        header = {"created_with": self.created_with(), "format": LIST_FORMAT}
        lines = [_canonical_json(header), *(_canonical_json(s.record()) for s in self.slots)]
        return "\n".join(lines) + "\n"

    def commitment(self) -> str:
        """SHA-256 (FIPS 180-4) of :meth:`to_jsonl`, as 64 lowercase hex digits; safe to publish."""
        return hashlib.sha256(self.to_jsonl().encode("ascii")).hexdigest()


def _canonical_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def verify_commitment(allocation: AllocationList, commitment: str) -> bool:
    """Whether ``allocation`` is exactly the list that ``commitment`` was published for."""
    if not isinstance(commitment, str) or not _DIGEST.fullmatch(commitment):
        raise InputError(
            field="commitment",
            expected="a SHA-256 digest of 64 hexadecimal characters",
            received=commitment,
        )
    return hmac.compare_digest(allocation.commitment(), commitment.lower())


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InputError(field="seed", expected="a non-negative whole number", received=seed)
    return seed


def minimization_commitment(params: RandomizationParams, seed: int) -> str:
    """SHA-256 of the canonical JSON of the minimization parameters and the seed; safe to publish.

    ``{"created_with": {...parameters, "seed": seed}, "format": MINIMIZATION_FORMAT}`` with sorted
    keys and no spaces, as for a list's commitment; it binds the trial to the settings and to the
    seed that replays every assignment.
    """
    if params.scheme != "minimization":
        raise InputError(field="scheme", expected="'minimization'", received=params.scheme)
    created_with = {**params.created_with(), "seed": _check_seed(seed)}
    text = _canonical_json({"created_with": created_with, "format": MINIMIZATION_FORMAT})
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def minimization_rng(seed: int, sequence: int) -> random.Random:
    """The generator for the ``sequence``-th minimization (from 1): SHA-256 of seed and sequence.

    One generator per allocation keeps each draw auditable on its own: replaying allocation
    ``n`` needs the seed, ``n`` and the allocations before it, not the state of earlier draws.
    """
    material = _canonical_json(
        [MINIMIZATION_FORMAT, _check_seed(seed), _positive_int("sequence", sequence)]
    )
    digest = hashlib.sha256(material.encode("ascii")).digest()
    return random.Random(int.from_bytes(digest, "big"))


def _stratum_rng(seed: int, stratum: StratumKey) -> random.Random:
    material = _canonical_json([LIST_FORMAT, seed, [list(pair) for pair in stratum]])
    digest = hashlib.sha256(material.encode("ascii")).digest()
    return random.Random(int.from_bytes(digest, "big"))


def _stratum_slots(
    params: RandomizationParams, stratum: StratumKey, seed: int, size: int
) -> list[AllocationSlot]:
    rng = _stratum_rng(seed, stratum)
    if params.scheme == "simple":
        return [
            AllocationSlot(
                stratum, n, None, None, params.arms[_draws.weighted_index(rng, params.ratio)]
            )
            for n in range(1, size + 1)
        ]
    total = sum(params.ratio)
    slots: list[AllocationSlot] = []
    block = 0
    while len(slots) < size:
        block += 1
        block_size = params.block_sizes[_draws.below(rng, len(params.block_sizes))]
        arms = [
            arm
            for arm, weight in zip(params.arms, params.ratio, strict=True)
            for _ in range(weight * block_size // total)
        ]
        _draws.shuffle(rng, arms)
        start = len(slots)
        slots += [
            AllocationSlot(stratum, start + i, block, block_size, arm)
            for i, arm in enumerate(arms, start=1)
        ]
    return slots


def allocation_list(
    source: Protocol | RandomizationParams, *, seed: int, size_per_stratum: int | None = None
) -> AllocationList:
    """Generate the allocation list of ``source`` from ``seed``.

    Each stratum gets at least ``size_per_stratum`` slots, by default :data:`LIST_MARGIN` times
    the target enrollment, since in the worst case every participant falls in one stratum. Under
    permuted blocks the list always ends with a complete block, so it may run a little longer.
    The same source and seed give the same list, on any Python version. Minimization has no
    list and is refused: see :meth:`RandomizationParams.minimize`.
    """
    params = (
        source
        if isinstance(source, RandomizationParams)
        else RandomizationParams.from_protocol(source)
    )
    if params.scheme == "minimization":
        raise InputError(
            field="scheme",
            expected="'permuted_blocks' or 'simple' for an allocation list (minimization assigns "
            "each participant from the allocations so far)",
            received=params.scheme,
        )
    _check_seed(seed)
    size = (
        LIST_MARGIN * params.target_enrollment
        if size_per_stratum is None
        else _positive_int("size_per_stratum", size_per_stratum)
    )
    slots = tuple(
        slot for key in params.stratum_keys for slot in _stratum_slots(params, key, seed, size)
    )
    return AllocationList(params=params, seed=seed, size_per_stratum=size, slots=slots)
