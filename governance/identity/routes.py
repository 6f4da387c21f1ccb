"""Account pages: join, sign in and out, recovery, passphrase, codes, deletion.

Thin handlers: read the form, call the service, render. Secrets typed into a
form are never sent back; everything else is kept when a form has an error.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from anonymity.codes import normalise_code
from anonymity.wrapping import keyed_hash
from chorus.auth import PERSON
from chorus.ratelimit import INVITE, RECOVERY, SIGN_IN, Limit, RateLimited, RateLimiter
from chorus.rendering import render, render_kept
from chorus.services import services
from chorus.text import text
from governance.errors import GovernanceError
from governance.identity import passphrases
from governance.identity.cookies import (
    CookieKeys,
    SignedInPerson,
    clear_session_cookie,
    set_session_cookie,
    signed_in_person,
    with_session,
)
from governance.identity.cookies import sign_out as sign_out_this_browser
from governance.identity.devices import (
    Tries,
    clear_device_cookie,
    device_name,
    new_device,
    set_device_cookie,
    tries_for,
)
from governance.identity.errors import PseudonymInvalid, WrongCredentials
from governance.identity.forms import field_errors
from governance.identity.keyring import Keyring
from governance.identity.service import accounts, sessions
from governance.identity.service.accounts import Secrets, SignedIn, clean_pseudonym


def account_secrets(request: Request) -> Secrets:
    return services(request).of(Keyring).secrets


def limiter(request: Request) -> RateLimiter:
    return services(request).rate_limiter


def pseudonym_key(pseudonym: str) -> str:
    try:
        return clean_pseudonym(pseudonym)[1]
    except PseudonymInvalid:
        return pseudonym.strip().casefold()[:160]


def cookie_keys(request: Request) -> CookieKeys:
    return services(request).of(Keyring).cookies


def signed_in_response(request: Request, signed: SignedIn, response: Response) -> Response:
    """A new session: a cookie for this browser, and nothing written anywhere."""
    ticket = sessions.new_ticket(
        signed.person, signed.credential, signed.personal_key, signed.pseudonym
    )
    set_session_cookie(response, cookie_keys(request).seal, ticket)
    return response


# Joining ------------------------------------------------------------------


async def join(request: Request) -> Response:
    if request.method == "GET":
        return render(request, "governance/join.html", {"values": {}, "errors": {}})
    form = await request.form()
    values = {
        "invite_code": text(form, "invite_code", 40),
        "pseudonym": text(form, "pseudonym", 80),
    }
    code_key = keyed_hash(
        account_secrets(request).lookup_key, normalise_code(values["invite_code"])
    )
    try:
        await limiter(request).check(INVITE, code_key)
        joined = await accounts.join(
            values["invite_code"],
            values["pseudonym"],
            text(form, "passphrase", passphrases.READ),
            text(form, "confirmation", passphrases.READ),
            account_secrets(request),
        )
    except (GovernanceError, RateLimited) as error:
        if isinstance(error, GovernanceError) and "invite_code" in field_errors(error):
            await limiter(request).count(INVITE, code_key)
        return render(
            request,
            "governance/join.html",
            {"values": values, "errors": field_errors(error, credentials_field="invite_code")},
            status_code=400,
        )
    page = render(
        request,
        "governance/recovery_codes.html",
        {"codes": joined.recovery_codes, "joined": True, "pseudonym": joined.pseudonym},
    )
    return signed_in_response(request, joined, page)


# Signing in and out ---------------------------------------------------------


async def tries_of(request: Request, limit: Limit, typed_name: str) -> Tries:
    """What this try counts against: this browser's own device for that name, or the name."""
    keys = cookie_keys(request)
    return await tries_for(
        request,
        limiter(request),
        limit,
        pseudonym_key(typed_name),
        keys.device,
        account_secrets(request),
    )


def forget_void_device(tries: Tries, response: Response) -> Response:
    if tries.void:
        clear_device_cookie(response)
    return response


async def sign_in(request: Request) -> Response:
    if signed_in_person(request) is not None and request.method == "GET":
        return RedirectResponse("/account", status_code=303)
    if request.method == "GET":
        return render(request, "governance/sign_in.html", {"values": {}, "errors": {}})
    form = await request.form()
    values = {
        "pseudonym": text(form, "pseudonym", 80),
        "own_device": "yes" if form.get("own_device") == "yes" else "",
    }
    tries = await tries_of(request, SIGN_IN, values["pseudonym"])
    try:
        await tries.check()
        signed = await accounts.sign_in(
            values["pseudonym"],
            text(form, "passphrase", passphrases.READ),
            account_secrets(request),
            first=tries.first,
        )
    except (GovernanceError, RateLimited) as error:
        if isinstance(error, WrongCredentials):
            await tries.wrong()
        page = render(
            request,
            "governance/sign_in.html",
            {"values": values, "errors": field_errors(error)},
            status_code=400,
        )
        return forget_void_device(tries, page)
    await tries.right()
    response = signed_in_response(request, signed, RedirectResponse("/account", status_code=303))
    if values["own_device"]:
        name = device_name(pseudonym_key(values["pseudonym"]), account_secrets(request))
        set_device_cookie(response, cookie_keys(request).device, new_device(name))
        return response
    return forget_void_device(tries, response)


async def sign_out(request: Request) -> Response:
    person = signed_in_person(request)
    if person is not None:
        await sign_out_this_browser(cookie_keys(request), person)
    response = RedirectResponse("/", status_code=303)
    clear_session_cookie(response)
    return response


async def leave(request: Request) -> Response:
    """Quick exit: forget this browser's session and data here, then go somewhere neutral."""
    person = signed_in_person(request)
    if person is not None:
        await sign_out_this_browser(cookie_keys(request), person)
    response = RedirectResponse(services(request).renderer.exit_url, status_code=303)
    response.headers["clear-site-data"] = '"cache", "cookies", "storage"'
    clear_device_cookie(response)  # also where Clear-Site-Data is not understood
    return response


def gone_elsewhere() -> Response:
    """The account was deleted meanwhile (in another tab, say): this browser is signed out."""
    response = RedirectResponse("/sign-in", status_code=303)
    clear_session_cookie(response)
    return response


@with_session
async def sign_out_everywhere(request: Request, person: SignedInPerson) -> Response:
    credential = await accounts.credential_of(person.credential_id)
    if credential is not None:
        await accounts.end_every_session(credential)
    return gone_elsewhere()


@with_session
async def stay_signed_in(request: Request, person: SignedInPerson) -> Response:
    # Reaching here already extended the session (SessionMiddleware); go back where they were.
    return RedirectResponse("/account", status_code=303)


# Recovery --------------------------------------------------------------------


async def recover(request: Request) -> Response:
    if request.method == "GET":
        return render(request, "governance/recover.html", {"values": {}, "errors": {}})
    form = await request.form()
    values = {"pseudonym": text(form, "pseudonym", 80)}
    tries = await tries_of(request, RECOVERY, values["pseudonym"])
    try:
        await tries.check()
        recovered = await accounts.recover(
            values["pseudonym"],
            text(form, "code", 40),
            text(form, "passphrase", passphrases.READ),
            text(form, "confirmation", passphrases.READ),
            account_secrets(request),
            first=tries.first,
        )
    except (GovernanceError, RateLimited) as error:
        if isinstance(error, WrongCredentials):
            await tries.wrong()
        page = render(
            request,
            "governance/recover.html",
            {"values": values, "errors": field_errors(error, credentials_field="code")},
            status_code=400,
        )
        return forget_void_device(tries, page)
    await tries.right()
    response = signed_in_response(
        request, recovered, RedirectResponse("/account?recovered=1", status_code=303)
    )
    return forget_void_device(tries, response)


# The account ---------------------------------------------------------------


@with_session
async def account(request: Request, person: SignedInPerson) -> Response:
    remaining = await accounts.remaining_recovery_codes(person.credential_id)
    # The same page for everyone with these roles and figures but for the name, so it is
    # rendered once (chorus.rendering.Renderer.render_kept) and the name spliced in.
    values = {
        "remaining_codes": remaining,
        "recovered": request.query_params.get("recovered") == "1",
        "changed": request.query_params.get("changed") == "1",
    }
    return render_kept(request, "governance/account.html", values, {"name": person.pseudonym})


@with_session
async def change_passphrase(request: Request, person: SignedInPerson) -> Response:
    if request.method == "GET":
        return render(request, "governance/passphrase.html", {"errors": {}})
    form = await request.form()
    credential = await accounts.credential_of(person.credential_id)
    if credential is None:
        return gone_elsewhere()
    try:
        await accounts.change_passphrase(
            credential,
            text(form, "current", passphrases.READ),
            text(form, "passphrase", passphrases.READ),
            text(form, "confirmation", passphrases.READ),
            account_secrets(request),
            person.pseudonym,
        )
    except GovernanceError as error:
        return render(
            request,
            "governance/passphrase.html",
            {"errors": field_errors(error, credentials_field="current")},
            status_code=400,
        )
    # Every other session ended; this browser stays signed in with a fresh one.
    signed = SignedIn(person.person, credential, person.personal_key, person.pseudonym)
    return signed_in_response(request, signed, RedirectResponse("/account?changed=1", 303))


@with_session
async def recovery_codes(request: Request, person: SignedInPerson) -> Response:
    if request.method == "GET":
        return render(request, "governance/new_codes.html", {"errors": {}})
    form = await request.form()
    credential = await accounts.credential_of(person.credential_id)
    if credential is None:
        return gone_elsewhere()
    try:
        codes = await accounts.replace_recovery_codes(
            credential,
            text(form, "current", passphrases.READ),
            person.personal_key,
            account_secrets(request),
        )
    except WrongCredentials as error:
        return render(
            request,
            "governance/new_codes.html",
            {"errors": field_errors(error, credentials_field="current")},
            status_code=400,
        )
    return render(request, "governance/recovery_codes.html", {"codes": codes, "joined": False})


@with_session
async def delete_account(request: Request, person: SignedInPerson) -> Response:
    if request.method == "GET":
        return render(request, "governance/delete.html", {"errors": {}})
    form = await request.form()
    credential = await accounts.credential_of(person.credential_id)
    if credential is None:
        return gone_elsewhere()
    try:
        await accounts.delete_account(
            person.person,
            credential,
            text(form, "current", passphrases.READ),
            services(request).key_directory,
        )
    except WrongCredentials as error:
        return render(
            request,
            "governance/delete.html",
            {"errors": field_errors(error, credentials_field="current")},
            status_code=400,
        )
    request.scope["state"].pop(PERSON, None)  # the page after is that of a visitor
    response = render(request, "governance/deleted.html")
    clear_session_cookie(response)
    clear_device_cookie(response)  # it was for a name that no longer exists
    return response


routes = [
    Route("/join", join, methods=["GET", "POST"], name="join"),
    Route("/sign-in", sign_in, methods=["GET", "POST"], name="sign_in"),
    Route("/sign-out", sign_out, methods=["POST"], name="sign_out"),
    Route(
        "/sign-out-everywhere",
        sign_out_everywhere,
        methods=["POST"],
        name="sign_out_everywhere",
    ),
    Route("/stay-signed-in", stay_signed_in, methods=["POST"], name="stay_signed_in"),
    Route("/exit", leave, name="exit"),
    Route("/recover", recover, methods=["GET", "POST"], name="recover"),
    Route("/account", account, name="account"),
    Route("/account/passphrase", change_passphrase, methods=["GET", "POST"], name="passphrase"),
    Route(
        "/account/recovery-codes",
        recovery_codes,
        methods=["GET", "POST"],
        name="recovery_codes",
    ),
    Route("/account/delete", delete_account, methods=["GET", "POST"], name="delete_account"),
]
