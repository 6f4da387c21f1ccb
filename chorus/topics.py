"""What an inbox notice is about, as the domain that sent it sees it today.

Governance keeps the inbox; the domain behind a notice's link (a vote, say) knows
what the link names now. Each domain may give a `TopicReader`; the wiring module
(chorus.app) hands them to the inbox, so neither domain imports the other.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    """A notice's topic: its own name (a vote's question, as people wrote it), where it
    stands today and where to read it (both translated)."""

    name: str
    status: str
    link: str
    link_text: str


# The topic of a link inside Chorus for someone with these roles; None when the link is
# not the reader's own, what it named is gone, or these roles may not read it.
TopicReader = Callable[[str, frozenset[str]], Awaitable[Topic | None]]


@dataclass(frozen=True)
class NoticeTopics:
    """Every domain's reader, asked in turn."""

    readers: tuple[TopicReader, ...] = ()

    async def of(self, link: str, roles: frozenset[str]) -> Topic | None:
        for read in self.readers:
            found = await read(link, roles)
            if found is not None:
                return found
        return None
