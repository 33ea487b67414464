"""The allocation seed: how strong it must be, and how it is kept (encrypted, never in clear).

The generating algorithm is public (``hepatrial.design.randomization``) and the commitment is
published, so anyone may try candidate seeds until one reproduces the digest. A seed drawn from a
small range (a date, a phone number, anything below 2**64) can be found that way in hours, and the
whole list, hence every future allocation, would be unblinded. A 128-bit seed from the operating
system's generator (``secrets.randbits(128)``) puts that search out of reach.
"""

from __future__ import annotations

import secrets

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

from hepatrial.errors import InputError

SEED_BITS = 128
MIN_SEED = 2**64


def seed_draw() -> int:
    return secrets.randbits(SEED_BITS)


def seed_check(seed: object, *, allow_weak_seed: bool) -> int:
    """``seed`` if it is a whole number strong enough to keep the list secret."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InputError(field="seed", expected="a non-negative whole number", received=seed)
    if seed < MIN_SEED and not allow_weak_seed:
        # The weak seed is not echoed: it may be the one the operator meant to keep secret.
        raise InputError(
            field="seed",
            expected="a seed of at least 2**64 (omit it to draw 128 random bits), since a "
            "guessable seed and the public algorithm would reveal the whole list",
            received=f"a seed of {seed.bit_length()} bits",
        )
    return seed


def _fernet() -> Fernet:
    return Fernet(settings.PII_KEY.encode())


def seed_encrypt(seed: int) -> str:
    return _fernet().encrypt(str(seed).encode("ascii")).decode("ascii")


def seed_decrypt(token: str) -> int:
    """The seed from its Fernet token; an InputError if this installation's key cannot open it."""
    try:
        return int(_fernet().decrypt(token.encode("ascii")).decode("ascii"))
    except (InvalidToken, ValueError):
        raise InputError(
            field="seed_encrypted",
            expected="a seed encrypted with this installation's PII key",
            received="a token the key cannot decrypt",
        ) from None
