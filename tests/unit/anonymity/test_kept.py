from pathlib import Path

import pytest

from anonymity import kept


def test_a_value_is_kept_once_readable_by_its_owner_only_until_destroyed(tmp_path: Path):
    kept.keep(tmp_path, "people", "p1", b"Amina")
    assert kept.read(tmp_path, "people", "p1") == b"Amina"
    assert kept.holds(tmp_path, "people", "p1")
    assert (tmp_path / "people" / "p1").stat().st_mode & 0o077 == 0
    with pytest.raises(FileExistsError):
        kept.keep(tmp_path, "people", "p1", b"Someone else")
    assert kept.owners(tmp_path, "people") == ["p1"]
    assert kept.destroy(tmp_path, "people", "p1")
    assert kept.read(tmp_path, "people", "p1") is None
    assert not kept.destroy(tmp_path, "people", "p1")
    assert kept.owners(tmp_path, "never-made") == []


def test_odd_names_are_refused(tmp_path: Path):
    for folder, owner in (("../out", "a"), ("people", "../../etc"), ("people", "")):
        with pytest.raises(ValueError):
            kept.keep(tmp_path, folder, owner, b"x")


def test_a_key_is_made_once_whole_and_leaves_nothing_else_behind(tmp_path: Path):
    from anonymity.files import key_made_once

    first = key_made_once(tmp_path / "k")
    assert len(first) == 32 and key_made_once(tmp_path / "k") == first
    assert [p.name for p in tmp_path.iterdir()] == ["k"]
    assert (tmp_path / "k").stat().st_mode & 0o077 == 0
