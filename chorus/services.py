"""What routes and jobs use, built once by create_app: one frozen object, one way to get it.

The shell's own services have named fields. Each domain's are an object of its own
type, built from these (`Domain.services`, or by chorus.app where one domain serves
another) and fetched by that type: `services(request).of(ProposalServices)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from starlette.applications import Starlette
from starlette.requests import HTTPConnection

if TYPE_CHECKING:  # types only: rendering and memo fetch their app's services from here
    from chorus.keys import Keys
    from chorus.memo import Memo
    from chorus.ratelimit import RateLimiter
    from chorus.rendering import Renderer
    from chorus.settings import Settings

T = TypeVar("T")


@dataclass(frozen=True)
class Services:
    settings: Settings
    keys: Keys
    renderer: Renderer
    memo: Memo
    rate_limiter: RateLimiter
    # The key of keyed hashes: invite and recovery codes, authors' and signers' tags.
    lookup_key: bytes = field(repr=False)
    domains: Mapping[type, object] = field(default_factory=dict)

    def of(self, kind: type[T]) -> T:
        """A domain's own services, by their type."""
        found = self.domains[kind]
        assert isinstance(found, kind)
        return found

    @property
    def key_directory(self) -> Path:
        return self.settings.key_directory


def services(where: HTTPConnection | Starlette) -> Services:
    """The services of the app that serves this request (or of this app)."""
    app = where.app if isinstance(where, HTTPConnection) else where
    found: Services = app.state.services
    return found
