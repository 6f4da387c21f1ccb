"""Factories for people: each test says only who it needs."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette

from chorus.roles import Role
from chorus.services import Services, services
from governance.identity.keyring import Keyring
from governance.identity.service.accounts import Joined, Secrets, join
from governance.identity.service.invitees import NOT_BY_INVITE
from governance.identity.service.invites import create_invite
from governance.service.charter import Charter
from tests.common.forms import csrf_token

PASSPHRASE = "correct horse battery staple"


def services_in(where: Starlette | Services) -> Services:
    """The services of an app, or the services themselves (the `orm` fixture's)."""
    return where if isinstance(where, Services) else services(where)


def secrets_of(app: Starlette | Services) -> Secrets:
    return services_in(app).of(Keyring).secrets


async def invite_code(app: Starlette | Services, role: Role = Role.MEMBER) -> str:
    secrets_ = secrets_of(app)
    created = await create_invite(
        None, role, Charter(), secrets_.lookup_key, key_directory=secrets_.key_directory
    )
    return created.code


async def make_person(
    app: Starlette | Services, pseudonym: str, *roles: Role, passphrase: str = PASSPHRASE
) -> Joined:
    from governance.identity.models import RoleGrant

    first, *more = roles or (Role.MEMBER,)
    # The committee is never invited (members elect it): its members join as members.
    invited = Role.MEMBER if first in NOT_BY_INVITE else first
    joined = await join(
        await invite_code(app, invited), pseudonym, passphrase, passphrase, secrets_of(app)
    )
    for role in more:
        await RoleGrant.create(person=joined.person, role=role)
    if invited != first:
        # Only the roles asked for: the committee alone, say.
        await RoleGrant.create(person=joined.person, role=first)
        if Role.MEMBER not in roles:
            await RoleGrant.filter(person=joined.person, role=Role.MEMBER).delete()
    return joined


async def sign_in(
    client: httpx.AsyncClient,
    pseudonym: str,
    passphrase: str = PASSPHRASE,
    *,
    own_device: bool = False,
) -> httpx.Response:
    """Sign in from the sign-in page; `own_device` ticks "This is my own device"."""
    token = csrf_token(await client.get("/sign-in"))
    fields = {"csrf_token": token, "pseudonym": pseudonym, "passphrase": passphrase}
    if own_device:
        fields["own_device"] = "yes"
    return await client.post("/sign-in", data=fields)


def another_client(client: httpx.AsyncClient) -> httpx.AsyncClient:
    """A second browser on the same app: its own cookies, the same transport."""
    return httpx.AsyncClient(
        transport=client._transport,
        base_url=str(client.base_url),
        headers={"sec-fetch-site": "same-origin"},
    )


async def signed_in_client(
    app: Starlette, client: httpx.AsyncClient, pseudonym: str, *roles: Role
) -> tuple[httpx.AsyncClient, Joined]:
    """A new person, signed in on a browser of their own."""
    joined = await make_person(app, pseudonym, *roles)
    browser = another_client(client)
    await sign_in(browser, pseudonym)
    return browser, joined
