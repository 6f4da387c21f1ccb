"""Logging that cannot give anyone away.

No access log; errors only by default. What is written never holds a client
address, user agent, cookie, path, query string, form value or exception
message (those can carry content): an error is logged as its type and the
places in the code it passed through. Libraries that could log query values
or request details are held at WARNING, whatever the level asked for.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType
from typing import TextIO

from chorus.settings import Settings

# Loggers that may print request details or query values when verbose.
QUIET_LIBRARIES = (
    "tortoise",
    "tortoise.db_client",
    "asyncpg",
    "aiosqlite",
    "procrastinate",
    "psycopg",
    "httpx",
    "httpcore",
    "multipart",
    "python_multipart",
    "uvicorn.asgi",
)

_LEVELS = {
    "error": logging.ERROR,
    "warning": logging.WARNING,
    "info": logging.INFO,
    "debug": logging.DEBUG,
}

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


class ScrubbingFormatter(logging.Formatter):
    """Formats errors as type and code locations only; the message could hold content."""

    def formatException(self, ei: ExcInfo) -> str:  # type: ignore[override]  # noqa: N802
        return describe_exception(ei[0], ei[2])

    def formatStack(self, stack_info: str) -> str:  # noqa: N802
        return ""


def describe_exception(kind: type[BaseException], tb: TracebackType | None) -> str:
    places = [
        f"  {frame.filename}:{frame.lineno} in {frame.name}" for frame in traceback.extract_tb(tb)
    ]
    return "\n".join([f"{kind.__module__}.{kind.__qualname__} (message withheld)", *places])


class ScrubbingHandler(logging.StreamHandler[TextIO]):
    """Writes to stderr; when a log call itself fails, says where, and nothing of its content."""

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802
        # logging's own report would print the record's arguments and the exception being
        # handled at the time, messages and all.
        if not logging.raiseExceptions:
            return
        kind = sys.exc_info()[0]
        name = kind.__qualname__ if kind else "error"
        try:
            sys.stderr.write(
                f"--- logging failed ({name}) in {record.pathname}:{record.lineno} ---\n"
            )
        except (OSError, ValueError):
            pass


class DropRequestDetails(logging.Filter):
    """Drops the access log, and anything below WARNING from libraries that are not ours."""

    def filter(self, record: logging.LogRecord) -> bool:
        name = record.name
        if name == "uvicorn.access" or name.startswith("uvicorn.access."):
            return False
        if name == "chorus" or name.startswith("chorus."):
            return True
        if name == "uvicorn.error" and record.levelno >= logging.INFO:
            # Start and stop messages; the server runs without websockets, so no
            # request ever reaches this logger at INFO.
            return True
        return record.levelno >= logging.WARNING


def configure_logging(settings: Settings) -> None:
    handler = ScrubbingHandler(sys.stderr)
    handler.setFormatter(ScrubbingFormatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(DropRequestDetails())
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("chorus").setLevel(_LEVELS[settings.log_level])
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True
    logging.getLogger("uvicorn.error").setLevel(logging.INFO)
    logging.getLogger("uvicorn.access").disabled = True
