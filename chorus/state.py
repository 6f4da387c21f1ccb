"""What routes read from the app built by create_app: keys and places, one way each."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request


def lookup_key(request: Request) -> bytes:
    """The key of keyed hashes: invite and recovery codes, authors' and signers' tags."""
    key: bytes = request.app.state.account_secrets.lookup_key
    return key


def key_directory(request: Request) -> Path:
    directory: Path = request.app.state.settings.key_directory
    return directory
