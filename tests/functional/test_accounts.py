"""Joining, signing in and out, recovery, passphrase changes and deletion, over HTTP."""

import re

import httpx
import pytest

from governance.identity.models import (
    Credential,
    Invite,
    InviteState,
    Person,
    RecoveryCode,
    SignedOut,
)
from tests.common.forms import csrf_token
from tests.common.people import PASSPHRASE, another_client, invite_code, make_person, sign_in

pytestmark = pytest.mark.usefixtures("db")

CODE = re.compile(r"<code>([A-Z2-7]{4}(?:-[A-Z2-7]{4}){3})</code>")


async def post_form(client: httpx.AsyncClient, path: str, **fields: str) -> httpx.Response:
    token = csrf_token(await client.get(path))
    return await client.post(path, data={"csrf_token": token, **fields})


async def test_joining_with_an_invite_signs_in_and_shows_ten_codes_once(app, client):
    code = await invite_code(app)
    response = await post_form(
        client,
        "/join",
        invite_code=code,
        pseudonym="Amina",
        passphrase=PASSPHRASE,
        confirmation=PASSPHRASE,
    )
    assert response.status_code == 200
    codes = CODE.findall(response.text)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.cookies.get("__Host-session")
    account = await client.get("/account")
    assert "Amina" in account.text and "<dd>10</dd>" in account.text
    assert not any(code in account.text for code in codes)
    assert await Invite.all().count() == 0  # used up: the invite is gone


async def test_a_used_invite_cannot_be_used_again(app, client):
    code = await invite_code(app)
    await post_form(
        client,
        "/join",
        invite_code=code,
        pseudonym="Amina",
        passphrase=PASSPHRASE,
        confirmation=PASSPHRASE,
    )
    client.cookies.clear()
    response = await post_form(
        client,
        "/join",
        invite_code=code,
        pseudonym="Bao",
        passphrase=PASSPHRASE,
        confirmation=PASSPHRASE,
    )
    assert response.status_code == 400
    assert "or it was used already" in response.text
    assert await Credential.all().count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"invite_code": "AAAA-BBBB-CCCC-DDDD"}, "We did not find that invite code"),
        ({"pseudonym": "A"}, "at least 2 characters"),
        ({"pseudonym": "x" * 41}, "40 characters or fewer"),
        ({"pseudonym": "Ana\u0007"}, "letters, numbers, spaces and punctuation only"),
        ({"passphrase": "short", "confirmation": "short"}, "at least 12 characters"),
        ({"confirmation": "something else entirely"}, "not the same"),
    ],
)
async def test_bad_join_input_is_explained_and_changes_nothing(app, client, fields, message):
    form = {
        "invite_code": await invite_code(app),
        "pseudonym": "Carmen",
        "passphrase": PASSPHRASE,
        "confirmation": PASSPHRASE,
        **fields,
    }
    response = await post_form(client, "/join", **form)
    assert response.status_code == 400
    assert message in response.text
    assert 'class="error-summary"' in response.text
    assert f'value="{form["pseudonym"]}"' in response.text or "\u0007" in form["pseudonym"]
    assert PASSPHRASE not in response.text
    assert await Credential.all().count() == 0
    assert await Invite.filter(state=InviteState.OPEN).count() == 1


async def test_a_taken_pseudonym_is_refused_whatever_its_case(app, client):
    await make_person(app, "Dara")
    response = await post_form(
        client,
        "/join",
        invite_code=await invite_code(app),
        pseudonym="DARA",
        passphrase=PASSPHRASE,
        confirmation=PASSPHRASE,
    )
    assert response.status_code == 400
    assert "That name is taken" in response.text


async def test_sign_in_and_out(app, client):
    await make_person(app, "Esi")
    response = await sign_in(client, "Esi")
    assert response.status_code == 303 and response.headers["location"] == "/account"
    cookie = response.headers["set-cookie"]
    for attribute in ("__Host-session=", "HttpOnly", "Secure", "SameSite=strict", "Path=/"):
        assert attribute.lower() in cookie.lower()
    assert "max-age" not in cookie.lower()
    assert (await client.get("/account")).status_code == 200
    kept = client.cookies.get("__Host-session")
    token = csrf_token(await client.get("/account"))
    out = await client.post("/sign-out", data={"csrf_token": token})
    assert out.status_code == 303
    assert (await client.get("/account")).status_code == 303
    # A cookie kept from before (a copied one, say) is refused too: signing out stored
    # only a keyed hash of the session's random id, and nothing else.
    client.cookies.set("__Host-session", kept or "", domain="chorus.test")
    assert (await client.get("/account")).status_code == 303
    assert len(await SignedOut.all()) == 1


async def test_a_wrong_passphrase_keeps_the_name_and_says_what_to_do(app, client):
    await make_person(app, "Farid")
    response = await sign_in(client, "Farid", "not the passphrase at all")
    assert response.status_code == 400
    assert "The name or passphrase is not right" in response.text
    assert 'value="Farid"' in response.text
    assert "__Host-session" not in response.headers.get("set-cookie", "")


async def test_sign_in_is_limited_per_pseudonym_and_says_when_to_retry(app, client):
    await make_person(app, "Gus")
    for _ in range(10):
        await sign_in(client, "Gus", "wrong wrong wrong")
    response = await sign_in(client, "Gus", PASSPHRASE)
    assert response.status_code == 400
    assert "Too many tries. Wait 15 minutes" in response.text
    await make_person(app, "Hana")
    assert (await sign_in(client, "Hana")).status_code == 303


async def test_recovery_sets_a_new_passphrase_and_uses_the_code_up(app, client):
    joined = await make_person(app, "Ines")
    code = joined.recovery_codes[0]
    new = "a brand new passphrase"
    response = await post_form(
        client, "/recover", pseudonym="Ines", code=code.lower(), passphrase=new, confirmation=new
    )
    assert response.status_code == 303
    assert await RecoveryCode.filter(credential_id=joined.credential.id).count() == 9
    client.cookies.clear()
    assert (await sign_in(client, "Ines", PASSPHRASE)).status_code == 400
    assert (await sign_in(client, "Ines", new)).status_code == 303
    client.cookies.clear()
    again = await post_form(
        client, "/recover", pseudonym="Ines", code=code, passphrase=new, confirmation=new
    )
    assert again.status_code == 400
    assert "recovery code is not right" in again.text


async def test_a_code_works_only_with_its_own_pseudonym(app, client):
    joined = await make_person(app, "Jo")
    await make_person(app, "Kai")
    response = await post_form(
        client,
        "/recover",
        pseudonym="Kai",
        code=joined.recovery_codes[0],
        passphrase="another passphrase",
        confirmation="another passphrase",
    )
    assert response.status_code == 400


async def test_changing_the_passphrase_keeps_the_personal_key(app, client):
    joined = await make_person(app, "Lena")
    await sign_in(client, "Lena")
    new = "the second passphrase"
    wrong = await post_form(
        client, "/account/passphrase", current="nope nope nope", passphrase=new, confirmation=new
    )
    assert wrong.status_code == 400 and "not your current passphrase" in wrong.text
    response = await post_form(
        client, "/account/passphrase", current=PASSPHRASE, passphrase=new, confirmation=new
    )
    assert response.status_code == 303
    from anonymity.wrapping import Stretched, check, unwrap

    credential = await Credential.get(id=joined.credential.id)
    key = unwrap(credential.wrapped_key, check(new, Stretched.decode(credential.passphrase)))
    assert key == joined.personal_key


async def test_a_new_passphrase_ends_every_other_session_and_keeps_this_one(app, client):
    await make_person(app, "Lise")
    await sign_in(client, "Lise")
    other = another_client(client)
    await sign_in(other, "Lise")
    new = "the second passphrase"
    changed = await post_form(
        client, "/account/passphrase", current=PASSPHRASE, passphrase=new, confirmation=new
    )
    assert changed.status_code == 303
    assert (await client.get("/account")).status_code == 200
    assert (await other.get("/account")).status_code == 303
    await other.aclose()


async def test_recovery_ends_every_other_session(app, client):
    joined = await make_person(app, "Rosa")
    other = another_client(client)
    await sign_in(other, "Rosa")  # someone who knew the old passphrase, say
    assert (await other.get("/account")).status_code == 200
    new = "a brand new passphrase"
    recovered = await post_form(
        client,
        "/recover",
        pseudonym="Rosa",
        code=joined.recovery_codes[0],
        passphrase=new,
        confirmation=new,
    )
    assert recovered.status_code == 303
    assert (await client.get("/account")).status_code == 200
    assert (await other.get("/account")).status_code == 303
    await other.aclose()


async def test_a_suspended_person_cannot_recover_and_nothing_changes(app, client):
    from governance.identity.models import Suspension

    joined = await make_person(app, "Noa")
    await Suspension.create(person=joined.person, reason="Safety.")
    before = await Credential.get(id=joined.credential.id)
    response = await post_form(
        client,
        "/recover",
        pseudonym="Noa",
        code=joined.recovery_codes[0],
        passphrase="a brand new passphrase",
        confirmation="a brand new passphrase",
    )
    assert response.status_code == 400
    after = await Credential.get(id=joined.credential.id)
    assert (after.passphrase, after.session_generation) == (
        before.passphrase,
        before.session_generation,
    )
    assert await RecoveryCode.filter(credential_id=joined.credential.id).count() == 10


async def test_new_recovery_codes_ask_for_the_passphrase_first(app, client):
    joined = await make_person(app, "Mira")
    await sign_in(client, "Mira")
    before = set(
        await RecoveryCode.filter(credential_id=joined.credential.id).values_list(
            "lookup", flat=True
        )
    )
    page = await client.get("/account/recovery-codes")
    assert 'name="current"' in page.text and 'type="password"' in page.text
    for typed in ("", "not my passphrase"):
        # Someone at an unlocked, signed-in device, without the passphrase.
        response = await post_form(client, "/account/recovery-codes", current=typed)
        assert response.status_code == 400
        assert "That is not your current passphrase" in response.text
        assert 'class="error-summary"' in response.text
        assert not CODE.findall(response.text)
    after = await RecoveryCode.filter(credential_id=joined.credential.id).values_list(
        "lookup", flat=True
    )
    assert set(after) == before  # the old codes still work, none was added


async def test_new_recovery_codes_replace_the_old_ones(app, client):
    joined = await make_person(app, "Maya")
    await sign_in(client, "Maya")
    response = await post_form(client, "/account/recovery-codes", current=PASSPHRASE)
    codes = CODE.findall(response.text)
    assert len(codes) == 10 and not set(codes) & set(joined.recovery_codes)
    assert await RecoveryCode.filter(credential_id=joined.credential.id).count() == 10


async def test_sign_out_everywhere_ends_every_session(app, client):
    joined = await make_person(app, "Nour")
    await sign_in(client, "Nour")
    other = another_client(client)
    await sign_in(other, "Nour")
    assert (await other.get("/account")).status_code == 200
    token = csrf_token(await client.get("/account"))
    await client.post("/sign-out-everywhere", data={"csrf_token": token})
    # The person's own act moves only their credentials on, never their person row.
    assert (await Credential.get(id=joined.credential.id)).session_generation == 1
    assert (await Person.get(id=joined.person.id)).session_generation == 0
    assert (await other.get("/account")).status_code == 303
    assert (await client.get("/account")).status_code == 303
    await other.aclose()


async def test_deleting_the_account_removes_it_after_confirmation(app, client):
    joined = await make_person(app, "Omar")
    await sign_in(client, "Omar")
    page = await client.get("/account/delete")
    assert "stay counted" in page.text
    wrong = await post_form(client, "/account/delete", current="not it at all")
    assert wrong.status_code == 400
    assert await Person.exists(id=joined.person.id)
    done = await post_form(client, "/account/delete", current=PASSPHRASE)
    assert done.status_code == 200
    assert not await Person.exists(id=joined.person.id)
    assert not await Credential.exists(id=joined.credential.id)
    assert await RecoveryCode.filter(credential_id=joined.credential.id).count() == 0


async def test_a_session_cookie_from_another_key_is_ignored(app, client):
    client.cookies.set("__Host-session", "A" * 120, domain="chorus.test")
    assert (await client.get("/account")).status_code == 303


async def test_a_cookie_whose_key_part_was_altered_signs_nobody_in(app, client):
    await make_person(app, "Amina")
    await sign_in(client, "Amina")
    assert (await client.get("/account")).status_code == 200
    value = client.cookies["__Host-session"]
    altered = value[:-2] + ("AA" if value[-2:] != "AA" else "BB")
    client.cookies.set("__Host-session", altered, domain="chorus.test")
    # The session id is right, but the personal key it carries does not open.
    assert (await client.get("/account")).status_code == 303


@pytest.mark.parametrize(
    ("state", "message"), [("expired", "has expired"), ("revoked", "cancelled")]
)
async def test_an_expired_or_revoked_invite_is_explained_and_changes_nothing(
    app, client, state, message
):
    from datetime import UTC, datetime, timedelta

    from governance.identity.service.invites import revoke_invite

    code = await invite_code(app)
    invite = await Invite.get(state=InviteState.OPEN)
    if state == "expired":
        invite.expires_on = datetime.now(UTC).date() - timedelta(days=1)
        await invite.save()
    else:
        assert await revoke_invite(str(invite.id))
    response = await post_form(
        client,
        "/join",
        invite_code=code,
        pseudonym="Late",
        passphrase=PASSPHRASE,
        confirmation=PASSPHRASE,
    )
    assert response.status_code == 400
    assert message in response.text and 'value="Late"' in response.text
    assert await Credential.all().count() == 0
