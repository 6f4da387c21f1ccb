import stat
from pathlib import Path

import pytest

from chorus.keys import (
    KeyDirectoryError,
    destroy_keys,
    init_key_directory,
    load_keys,
    rotate_keys,
)


def test_init_creates_private_keys_and_never_overwrites(tmp_path: Path):
    directory = tmp_path / "keys"
    assert init_key_directory(directory) == ["app_secret", "lookup_secret"]
    secret = (directory / "app_secret").read_text()
    assert stat.S_IMODE((directory / "app_secret").stat().st_mode) == 0o600
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert init_key_directory(directory) == []
    assert (directory / "app_secret").read_text() == secret
    assert len(load_keys(directory).app_secret) == 32


def test_missing_directory_says_what_to_do(tmp_path: Path):
    with pytest.raises(KeyDirectoryError, match="chorus keys init"):
        load_keys(tmp_path / "nowhere")


def test_a_key_readable_by_others_is_refused(tmp_path: Path):
    init_key_directory(tmp_path)
    (tmp_path / "app_secret").chmod(0o644)
    with pytest.raises(KeyDirectoryError, match="chmod 600"):
        load_keys(tmp_path)


def test_keys_from_the_environment_need_no_directory(tmp_path: Path):
    keys = load_keys(tmp_path / "nowhere", {"app_secret": "ab" * 32, "lookup_secret": "cd" * 32})
    assert keys.app_secret == bytes.fromhex("ab" * 32)


def test_a_malformed_key_is_refused(tmp_path: Path):
    with pytest.raises(KeyDirectoryError, match="32 bytes"):
        load_keys(tmp_path, {"app_secret": "not hex"})


def test_rotation_replaces_the_app_secret_and_keeps_the_lookup_secret(tmp_path: Path):
    init_key_directory(tmp_path)
    before = load_keys(tmp_path)
    assert rotate_keys(tmp_path) == ["app_secret"]
    after = load_keys(tmp_path)
    assert after.app_secret != before.app_secret
    assert after.lookup_secret == before.lookup_secret
    assert stat.S_IMODE((tmp_path / "app_secret").stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app_secret", "lookup_secret"]


def test_destroying_removes_every_key_round_keys_included(tmp_path: Path):
    from anonymity.keystore import create_round_keys

    directory = tmp_path / "keys"
    init_key_directory(directory)
    create_round_keys(directory, "open-round")
    destroy_keys(directory)
    assert not directory.exists()
    with pytest.raises(KeyDirectoryError, match="chorus keys init"):
        load_keys(directory)
