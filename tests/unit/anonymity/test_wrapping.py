import pytest
from argon2.profiles import CHEAPEST

from anonymity.wrapping import (
    Stretched,
    WrongSecret,
    check,
    keyed_hash,
    new_personal_key,
    stretch,
    unwrap,
    wrap,
)


def test_the_right_passphrase_unwraps_the_personal_key():
    key = new_personal_key()
    stored, wrapping_key = stretch("a long passphrase", CHEAPEST)
    wrapped = wrap(key, wrapping_key)
    again = Stretched.decode(stored.encode())
    assert again == stored
    assert unwrap(wrapped, check("a long passphrase", again)) == key


def test_a_wrong_passphrase_is_refused():
    stored, _ = stretch("a long passphrase", CHEAPEST)
    with pytest.raises(WrongSecret):
        check("another passphrase", stored)


def test_nothing_stored_contains_the_key_or_the_passphrase():
    key = new_personal_key()
    stored, wrapping_key = stretch("a long passphrase", CHEAPEST)
    blob = stored.encode() + wrap(key, wrapping_key)
    assert key not in blob and b"a long passphrase" not in blob
    assert wrapping_key not in blob


def test_a_wrong_wrapping_key_is_refused():
    wrapped = wrap(new_personal_key(), b"k" * 32)
    with pytest.raises(WrongSecret):
        unwrap(wrapped, b"x" * 32)


def test_keyed_hashes_depend_on_the_key():
    assert keyed_hash(b"a" * 32, "CODE") != keyed_hash(b"b" * 32, "CODE")
    assert keyed_hash(b"a" * 32, "CODE") == keyed_hash(b"a" * 32, "CODE")
