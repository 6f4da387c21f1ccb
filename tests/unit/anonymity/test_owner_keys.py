from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anonymity import owner_keys


def test_a_sealed_value_opens_until_its_key_is_destroyed(tmp_path: Path):
    sealed = owner_keys.seal(tmp_path, "person-1", b"Amina", 160)
    assert b"Amina" not in sealed
    assert owner_keys.open_sealed(tmp_path, "person-1", sealed) == b"Amina"
    assert (tmp_path / "owners" / "person-1").stat().st_mode & 0o077 == 0
    assert owner_keys.destroy(tmp_path, "person-1")
    assert owner_keys.open_sealed(tmp_path, "person-1", sealed) is None
    assert not owner_keys.destroy(tmp_path, "person-1")


def test_each_owner_has_a_key_of_their_own(tmp_path: Path):
    sealed = owner_keys.seal(tmp_path, "one", b"secret", 32)
    owner_keys.seal(tmp_path, "two", b"other", 32)
    assert owner_keys.open_sealed(tmp_path, "two", sealed) is None


@given(st.text(max_size=40))
def test_every_length_seals_to_the_same_size(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("keys")
    short = owner_keys.seal(folder, "a", b"", 160)
    assert len(owner_keys.seal(folder, "a", text.encode(), 160)) == len(short)


def test_too_long_or_odd_owners_are_refused(tmp_path: Path):
    with pytest.raises(owner_keys.SecretTooLong):
        owner_keys.seal(tmp_path, "a", b"x" * 33, 32)
    with pytest.raises(ValueError):
        owner_keys.seal(tmp_path, "../escape", b"x", 32)
