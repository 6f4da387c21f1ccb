"""Passphrases that are blank, easy to guess or too long are refused wherever one is set
(joining, a new passphrase, recovery), with a clear message; none is ever cut; and every
passphrase set before still signs in."""

import html
import re

import httpx
import pytest

from governance.identity import passphrases
from governance.identity.models import Credential, Invite, InviteState, RecoveryCode
from tests.common.forms import csrf_token
from tests.common.people import PASSPHRASE, invite_code, make_person, sign_in

pytestmark = pytest.mark.usefixtures("db")

WEAK = "easy for someone to guess"
EXAMPLE = re.compile(r"for example: “([a-z ]+)”")
# 1,024 characters that are not easy to guess, and one more.
LONGEST = ("violet harbour " * 70)[:1000] + "q8 zebra lantern cobalt!"
assert len(LONGEST) == passphrases.MAXIMUM


async def post_form(client: httpx.AsyncClient, path: str, **fields: str) -> httpx.Response:
    token = csrf_token(await client.get(path))
    return await client.post(path, data={"csrf_token": token, **fields})


async def join(app, client, passphrase: str, pseudonym: str = "Carmen") -> httpx.Response:
    return await post_form(
        client,
        "/join",
        invite_code=await invite_code(app),
        pseudonym=pseudonym,
        passphrase=passphrase,
        confirmation=passphrase,
    )


@pytest.mark.parametrize(
    ("passphrase", "message"),
    [
        (" " * 12, "Spaces alone do not count"),
        ("\t" * 12, "Spaces alone do not count"),
        ("aaaaaaaaaaaa", WEAK),
        ("password1234", WEAK),
        ("qwertyuiop12", WEAK),  # a keyboard's row
        (LONGEST + "x", "1,024 characters or fewer"),
        (LONGEST * 3, "1,024 characters or fewer"),
    ],
)
async def test_joining_refuses_a_blank_weak_or_too_long_passphrase(
    app, client, passphrase, message
):
    response = await join(app, client, passphrase)
    assert response.status_code == 400
    assert message in html.unescape(response.text)
    assert 'value="Carmen"' in response.text  # the name typed is kept
    assert await Credential.all().count() == 0
    assert await Invite.filter(state=InviteState.OPEN).count() == 1


async def test_a_weak_passphrase_gets_four_random_words_in_the_persons_language(app, client):
    english = EXAMPLE.search(html.unescape((await join(app, client, "aaaaaaaaaaaa")).text))
    again = EXAMPLE.search(html.unescape((await join(app, client, "aaaaaaaaaaaa")).text))
    assert english and again
    words = english.group(1).split()
    assert len(words) == 4 and len(set(words)) == 4
    assert set(words) <= set(passphrases.words("en"))
    assert english.group(1) != again.group(1)  # drawn afresh each time
    assert passphrases.problem(english.group(1), 12) is None  # and it would be accepted

    client.cookies.set("__Host-lang", "fr")
    french = html.unescape((await join(app, client, "aaaaaaaaaaaa")).text)
    found = re.search(r"par exemple : « ([a-z ]+) »", french)
    assert found, "no French suggestion"
    assert set(found.group(1).split()) <= set(passphrases.words("fr"))


async def test_the_longest_passphrase_is_kept_whole_and_signs_in(app, client):
    response = await join(app, client, LONGEST)
    assert response.status_code == 200
    client.cookies.clear()
    assert (await sign_in(client, "Carmen", LONGEST)).status_code == 303
    client.cookies.clear()
    # Cut at 1,000 characters, as before, it is not the same passphrase.
    assert (await sign_in(client, "Carmen", LONGEST[:1000])).status_code == 400


async def test_a_passphrase_once_cut_at_1000_characters_still_signs_in(app, client):
    typed = LONGEST + "and more words after the old cut"
    # What joining kept of it before these rules: its first 1,000 characters.
    await make_person(app, "Dara", passphrase=typed[: passphrases.LEGACY_CUT])
    assert (await sign_in(client, "Dara", typed)).status_code == 303
    client.cookies.clear()
    assert (await sign_in(client, "Dara", typed[:999])).status_code == 400


async def test_a_new_passphrase_follows_the_same_rules(app, client):
    await make_person(app, "Lena")
    await sign_in(client, "Lena")
    before = (await Credential.get(name_lookup__isnull=False)).passphrase
    for weak, message in (
        (" " * 12, "Spaces alone do not count"),
        ("aaaaaaaaaaaa", WEAK),
        (LONGEST + "x", "1,024 characters or fewer"),
    ):
        response = await post_form(
            client, "/account/passphrase", current=PASSPHRASE, passphrase=weak, confirmation=weak
        )
        assert response.status_code == 400
        assert message in html.unescape(response.text)
    assert (await Credential.get(name_lookup__isnull=False)).passphrase == before


async def test_recovery_follows_the_same_rules_and_keeps_the_code(app, client):
    joined = await make_person(app, "Ines")
    response = await post_form(
        client,
        "/recover",
        pseudonym="Ines",
        code=joined.recovery_codes[0],
        passphrase="aaaaaaaaaaaa",
        confirmation="aaaaaaaaaaaa",
    )
    assert response.status_code == 400
    assert WEAK in html.unescape(response.text)
    assert await RecoveryCode.filter(credential_id=joined.credential.id).count() == 10
    assert (await sign_in(client, "Ines")).status_code == 303
