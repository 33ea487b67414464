"""Version-stable random draws built only on ``random.Random.random()``.

Python documents one reproducibility guarantee for its generator ("Notes on Reproducibility" in
the ``random`` module's documentation): given the same seed through the compatible seeder,
``random()`` keeps producing the same sequence across Python versions. ``shuffle``, ``choice``,
``randrange`` and ``choices`` carry no such promise, and their algorithms have changed between
releases. An allocation list must be regenerable from its seed years later, so every draw here is
derived from ``random()`` alone.
"""

from __future__ import annotations

import math
import random
from collections.abc import MutableSequence, Sequence
from typing import TypeVar

__all__ = ["below", "shuffle", "weighted_index"]

_SPAN = 1 << 53

T = TypeVar("T")


def _draw53(rng: random.Random) -> int:
    # CPython's random() returns k / 2**53 for a whole k in [0, 2**53), so this recovers k exactly.
    return math.floor(rng.random() * _SPAN)


def below(rng: random.Random, n: int) -> int:
    """A uniform integer in ``[0, n)``, exactly unbiased by rejection sampling.

    The 53-bit draw is rejected when it falls in the incomplete last run of ``n`` values, so every
    result is equally likely (Knuth, TAOCP vol. 2, 3rd ed., §3.4.1).
    """
    limit = _SPAN - _SPAN % n
    while True:
        k = _draw53(rng)
        if k < limit:
            return k % n


def shuffle(rng: random.Random, items: MutableSequence[T]) -> None:
    """Shuffle ``items`` in place, each permutation equally likely.

    Durstenfeld's form of the Fisher-Yates shuffle (Durstenfeld, Commun. ACM 1964;7:420; Knuth,
    TAOCP vol. 2, §3.4.2, Algorithm P).
    """
    for i in range(len(items) - 1, 0, -1):
        j = below(rng, i + 1)
        items[i], items[j] = items[j], items[i]


def weighted_index(rng: random.Random, weights: Sequence[int]) -> int:
    """An index drawn with probability proportional to its positive integer weight."""
    k = below(rng, sum(weights))
    for index, weight in enumerate(weights[:-1]):
        if k < weight:
            return index
        k -= weight
    return len(weights) - 1
