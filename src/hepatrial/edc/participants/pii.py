"""Encryption of personal identifiers at rest, and the keyed hash that finds duplicates.

Values are encrypted with Fernet (AES-128-CBC with HMAC-SHA256, from the ``cryptography``
package) under ``settings.PII_KEY``, which lives outside the database (environment or a file
readable only by the owner). The national ID number is also stored as HMAC-SHA256 of its
normalized form, under a second key derived from ``PII_KEY`` with HKDF (RFC 5869), so that
duplicate enrolment is detected by equality without decrypting, and the hash cannot be
recomputed from a guessed ID by anyone who has the database but not the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from hepatrial.errors import InputError

__all__ = [
    "clean_name",
    "clean_national_id",
    "clean_phone",
    "national_id_digest",
    "pii_decrypt",
    "pii_encrypt",
]

_HMAC_INFO = b"hepatrial national-id hmac v1"
_PHONE = re.compile(r"\+?[0-9 ()\-]+")
_NATIONAL_ID = re.compile(r"[0-9A-Z]{4,40}")


@lru_cache(maxsize=2)
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode())


@lru_cache(maxsize=2)
def _hmac_key(key: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HMAC_INFO).derive(
        base64.urlsafe_b64decode(key.encode())
    )


def pii_encrypt(value: str) -> str:
    """A Fernet token of ``value`` (a fresh random IV each time, so equal values differ)."""
    return _fernet(settings.PII_KEY).encrypt(value.encode("utf-8")).decode("ascii")


def pii_decrypt(token: str) -> str:
    try:
        return _fernet(settings.PII_KEY).decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise InputError(
            field="personal identifiers",
            expected="ciphertext written under the configured PII key",
            received="a token that does not decrypt (wrong HEPATRIAL_PII_KEY or altered data)",
        ) from None


def national_id_digest(national_id: str) -> str:
    """HMAC-SHA256 (hex) of the normalized national ID under the HKDF-derived key."""
    key = _hmac_key(settings.PII_KEY)
    return hmac.new(key, clean_national_id(national_id).encode(), hashlib.sha256).hexdigest()


def _text(field: str, value: object, expected: str) -> str:
    if not isinstance(value, str) or not value.strip():
        # The value itself is never echoed: error messages end up in logs.
        shown = None if value is None or not str(value).strip() else type(value).__name__
        raise InputError(field=field, expected=expected, received=shown)
    return value.strip()


def clean_name(value: object) -> str:
    name = _text("name", value, "the participant's full name")
    if len(name) > 200:
        raise InputError(field="name", expected="at most 200 characters", received=len(name))
    return name


def clean_phone(value: object) -> str:
    expected = "a phone number of 5 to 20 digits (digits, spaces, +, -, parentheses)"
    phone = _text("phone", value, expected)
    digits = sum(ch.isdigit() for ch in phone)
    if not _PHONE.fullmatch(phone) or not 5 <= digits <= 20:
        raise InputError(field="phone", expected=expected, received=f"{len(phone)} characters")
    return phone


def clean_national_id(value: object) -> str:
    """The ID in one canonical form (no spaces or hyphens, upper case) so duplicates match."""
    expected = "a national ID number of 4 to 40 letters and digits"
    raw = _text("national_id", value, expected)
    canonical = re.sub(r"[\s\-]", "", raw).upper()
    if not _NATIONAL_ID.fullmatch(canonical):
        raise InputError(
            field="national_id", expected=expected, received=f"{len(canonical)} characters"
        )
    return canonical
