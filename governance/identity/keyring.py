"""What identity's routes and commands need from the app: account secrets and cookie keys,
derived once from the key directory and settings."""

from __future__ import annotations

from dataclasses import dataclass

from anonymity.wrapping import PROFILES
from chorus.csrf import derive_key
from chorus.services import Services
from governance.identity.cookies import CookieKeys
from governance.identity.service.accounts import Secrets


@dataclass(frozen=True)
class Keyring:
    secrets: Secrets
    cookies: CookieKeys


def keyring_of(services: Services) -> Keyring:
    settings, keys = services.settings, services.keys
    return Keyring(
        secrets=Secrets(
            lookup_key=services.lookup_key,
            profile=PROFILES[settings.passphrase_profile],
            passphrase_min_length=settings.passphrase_min_length,
            key_directory=settings.key_directory,
        ),
        cookies=CookieKeys(
            seal=derive_key(keys.app_secret, "session-cookie"),
            sign_out=derive_key(keys.app_secret, "signed-out"),
            device=derive_key(keys.app_secret, "device-cookie"),
        ),
    )
