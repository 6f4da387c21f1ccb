"""The single source of settings: read once, passed down, never read deep inside the code."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

LOG_LEVELS = ("error", "warning", "info", "debug")
POSTGRES_SCHEMES = ("postgresql://", "postgres://", "asyncpg://")


class SettingsError(ValueError):
    """A setting has a value Chorus cannot use."""


@dataclass(frozen=True)
class Settings:
    # Where the data lives. SQLite by default (one file, zero set-up).
    database_url: str = "sqlite://chorus.sqlite3"
    # Secrets live outside the database, in this directory (or in the environment).
    key_directory: Path = Path("keys")
    # Values given directly (from CHORUS_KEY_<NAME> variables) win over files.
    key_values: Mapping[str, str] = field(default_factory=dict)
    # Only Chorus' own loggers follow this level; nothing identifying is ever logged.
    log_level: str = "error"
    # Where the exit control leads: a neutral site that draws no attention.
    exit_url: str = "https://www.bbc.com/weather"
    languages: tuple[str, ...] = ("en", "fr")
    default_language: str = "en"
    # Scheduled jobs: on SQLite always in-process; on PostgreSQL through
    # procrastinate, run by `chorus worker`, or inside the web process when true.
    worker_in_process: bool = False
    # Seconds between runs of the in-process timer's sample job (heartbeat).
    heartbeat_seconds: int = 60
    # Where rate-limit counts live: memory for one process, redis://host:port to share them.
    rate_limit_storage: str = "memory://"
    # argon2id cost: "standard" (RFC 9106 low-memory); "test" only in the test suite.
    passphrase_profile: str = "standard"  # noqa: S105 (a cost profile, not a secret)
    passphrase_min_length: int = 12
    # Stored content stays readable for this many months after the end of the calendar
    # month (UTC) it was written in; then its key is destroyed (anonymity/retention.py).
    retention_months: int = 24
    # How long this process may reuse what it read for a page (chorus/memo.py): a change
    # made by another process is seen within this time. 0 reads everything every time.
    memo_seconds: float = 1.0

    @property
    def uses_postgres(self) -> bool:
        return self.database_url.startswith(POSTGRES_SCHEMES)

    def with_changes(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        defaults = cls()
        level = env.get("CHORUS_LOG_LEVEL", defaults.log_level).lower()
        if level not in LOG_LEVELS:
            raise SettingsError(
                f"CHORUS_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {level!r}"
            )
        prefix = "CHORUS_KEY_"
        key_values = {
            name[len(prefix) :].lower(): value
            for name, value in env.items()
            if name.startswith(prefix) and name != "CHORUS_KEY_DIRECTORY" and value
        }
        retention_months = int(env.get("CHORUS_RETENTION_MONTHS", defaults.retention_months))
        if retention_months < 0:
            raise SettingsError(
                f"CHORUS_RETENTION_MONTHS must be 0 or more months, not {retention_months}"
            )
        memo_seconds = float(env.get("CHORUS_MEMO_SECONDS", defaults.memo_seconds))
        if not 0 <= memo_seconds <= 60:
            raise SettingsError(
                f"CHORUS_MEMO_SECONDS must be from 0 to 60 seconds, not {memo_seconds}"
            )
        return cls(
            database_url=env.get("CHORUS_DATABASE_URL", defaults.database_url),
            key_directory=Path(env.get("CHORUS_KEY_DIRECTORY", str(defaults.key_directory))),
            key_values=key_values,
            log_level=level,
            exit_url=env.get("CHORUS_EXIT_URL", defaults.exit_url),
            worker_in_process=_flag(env.get("CHORUS_WORKER_IN_PROCESS"), False),
            heartbeat_seconds=int(env.get("CHORUS_HEARTBEAT_SECONDS", defaults.heartbeat_seconds)),
            rate_limit_storage=env.get("CHORUS_RATE_LIMIT_STORAGE", defaults.rate_limit_storage),
            passphrase_min_length=int(
                env.get("CHORUS_PASSPHRASE_MIN_LENGTH", defaults.passphrase_min_length)
            ),
            retention_months=retention_months,
            memo_seconds=memo_seconds,
        )


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")
