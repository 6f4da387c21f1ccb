"""The demo network, as `chorus demo` makes it, works as the README says."""

from __future__ import annotations

import pytest

from chorus.app import seed_demo
from governance.demo import DEMO_PASSPHRASE, DEMO_PEOPLE
from proposals.models import Phase, Round
from tests.common.forms import csrf_token
from tests.common.people import another_client, sign_in

pytestmark = pytest.mark.usefixtures("db")


async def test_the_demo_members_can_open_the_demo_petition(settings, client):
    await seed_demo(settings)
    petition = await Round.get(phase=Phase.PETITION)
    members = [name for name, roles in DEMO_PEOPLE if "member" in roles and name != "Amina"]
    for name in members:  # Amina started it
        if (await Round.get(id=petition.id)).phase != Phase.PETITION:
            break
        async with another_client(client) as browser:
            await sign_in(browser, name, DEMO_PASSPHRASE)
            page = await browser.get(f"/rounds/{petition.id}")
            signed = await browser.post(
                f"/rounds/{petition.id}/sign", data={"csrf_token": csrf_token(page)}
            )
            assert signed.status_code == 303
    assert (await Round.get(id=petition.id)).phase == Phase.PROPOSING
