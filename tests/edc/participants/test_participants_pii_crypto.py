"""The encryption of identifiers round-trips, and the duplicate hash ignores how an ID is typed."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from hepatrial.edc.participants.pii import national_id_digest, pii_decrypt, pii_encrypt

ids = st.text(alphabet="0123456789ABCDEFGHJKLMNPQRSTUVWXYZ", min_size=4, max_size=30)


@given(st.text(min_size=1, max_size=200))
def test_any_identifier_decrypts_to_what_was_stored(value: str) -> None:
    token = pii_encrypt(value)
    assert pii_decrypt(token) == value
    assert pii_encrypt(value) != token  # a fresh IV each time: equal values do not match


@given(ids, st.lists(st.sampled_from([" ", "-", "  "]), max_size=5), st.data())
def test_an_id_typed_with_spaces_hyphens_or_lower_case_has_the_same_hash(
    national_id: str, separators: list[str], data: st.DataObject
) -> None:
    typed = national_id.lower() if data.draw(st.booleans()) else national_id
    for separator in separators:
        at = data.draw(st.integers(0, len(typed)))
        typed = typed[:at] + separator + typed[at:]
    assert national_id_digest(typed) == national_id_digest(national_id)


@given(ids, ids)
def test_different_ids_have_different_hashes(first: str, second: str) -> None:
    assume(first != second)
    assert national_id_digest(first) != national_id_digest(second)
