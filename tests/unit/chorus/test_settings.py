from pathlib import Path

import pytest

from chorus.settings import Settings, SettingsError


def test_defaults_need_no_environment():
    settings = Settings.from_environ({})
    assert settings.database_url.startswith("sqlite://")
    assert settings.log_level == "error"
    assert not settings.uses_postgres


def test_environment_values_are_read_once():
    settings = Settings.from_environ(
        {
            "CHORUS_DATABASE_URL": "postgresql://u@h/db",
            "CHORUS_KEY_DIRECTORY": "/srv/keys",
            "CHORUS_KEY_APP_SECRET": "ab" * 32,
            "CHORUS_LOG_LEVEL": "DEBUG",
            "CHORUS_WORKER_IN_PROCESS": "yes",
        }
    )
    assert settings.uses_postgres
    assert settings.key_directory == Path("/srv/keys")
    assert settings.key_values == {"app_secret": "ab" * 32}
    assert settings.log_level == "debug"
    assert settings.worker_in_process


def test_an_unknown_log_level_is_refused_with_the_choices():
    with pytest.raises(SettingsError, match="error, warning, info, debug"):
        Settings.from_environ({"CHORUS_LOG_LEVEL": "trace"})


def test_retention_is_read_in_months_and_never_negative():
    assert Settings.from_environ({}).retention_months == 24
    assert Settings.from_environ({"CHORUS_RETENTION_MONTHS": "6"}).retention_months == 6
    assert Settings.from_environ({"CHORUS_RETENTION_MONTHS": "0"}).retention_months == 0
    with pytest.raises(SettingsError, match="CHORUS_RETENTION_MONTHS"):
        Settings.from_environ({"CHORUS_RETENTION_MONTHS": "-1"})


def test_the_memo_lifetime_is_read_in_seconds_within_bounds():
    assert Settings.from_environ({}).memo_seconds == 1.0
    assert Settings.from_environ({"CHORUS_MEMO_SECONDS": "0"}).memo_seconds == 0
    assert Settings.from_environ({"CHORUS_MEMO_SECONDS": "2.5"}).memo_seconds == 2.5
    for wrong in ("-1", "61"):
        with pytest.raises(SettingsError, match="CHORUS_MEMO_SECONDS"):
            Settings.from_environ({"CHORUS_MEMO_SECONDS": wrong})
