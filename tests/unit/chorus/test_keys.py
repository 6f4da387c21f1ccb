import stat
from pathlib import Path

import pytest

from chorus.keys import KeyDirectoryError, init_key_directory, load_keys


def test_init_creates_private_keys_and_never_overwrites(tmp_path: Path):
    directory = tmp_path / "keys"
    assert init_key_directory(directory) == ["app_secret"]
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
    keys = load_keys(tmp_path / "nowhere", {"app_secret": "ab" * 32})
    assert keys.app_secret == bytes.fromhex("ab" * 32)


def test_a_malformed_key_is_refused(tmp_path: Path):
    with pytest.raises(KeyDirectoryError, match="32 bytes"):
        load_keys(tmp_path, {"app_secret": "not hex"})
