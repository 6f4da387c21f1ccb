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
from chorus.auth import signed_in
from chorus.ratelimit import INVITE, RECOVERY, SIGN_IN, RateLimited, RateLimiter
from chorus.rendering import render
from chorus.sessions import (
    CookieKeys,
    CurrentPerson,
    clear_session_cookie,
    current_person,
    set_session_cookie,
)
from chorus.sessions import sign_out as sign_out_this_browser
from chorus.state import key_directory
from chorus.text import text
from governance import accounts, sessions
from governance.accounts import Secrets, SignedIn, clean_pseudonym
from governance.errors import GovernanceError, PseudonymInvalid, WrongCredentials
from governance.forms import field_errors


def account_secrets(request: Request) -> Secrets:
    secrets_: Secrets = request.app.state.account_secrets
    return secrets_


def limiter(request: Request) -> RateLimiter:
    found: RateLimiter = request.app.state.rate_limiter
    return found


def pseudonym_key(pseudonym: str) -> str:
    try:
        return clean_pseudonym(pseudonym)[1]
    except PseudonymInvalid:
        return pseudonym.strip().casefold()[:160]


def cookie_keys(request: Request) -> CookieKeys:
    found: CookieKeys = request.app.state.cookie_keys
    return found


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
            text(form, "passphrase", 1000),
            text(form, "confirmation", 1000),
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


async def sign_in(request: Request) -> Response:
    if current_person(request) is not None and request.method == "GET":
        return RedirectResponse("/account", status_code=303)
    if request.method == "GET":
        return render(request, "governance/sign_in.html", {"values": {}, "errors": {}})
    form = await request.form()
    values = {"pseudonym": text(form, "pseudonym", 80)}
    key = pseudonym_key(values["pseudonym"])
    try:
        await limiter(request).check(SIGN_IN, key)
        signed = await accounts.sign_in(
            values["pseudonym"], text(form, "passphrase", 1000), account_secrets(request)
        )
    except (GovernanceError, RateLimited) as error:
        if isinstance(error, WrongCredentials):
            await limiter(request).count(SIGN_IN, key)
        return render(
            request,
            "governance/sign_in.html",
            {"values": values, "errors": field_errors(error)},
            status_code=400,
        )
    await limiter(request).clear(SIGN_IN, key)
    return signed_in_response(request, signed, RedirectResponse("/account", status_code=303))


async def sign_out(request: Request) -> Response:
    person = current_person(request)
    if person is not None:
        await sign_out_this_browser(cookie_keys(request), person)
    response = RedirectResponse("/", status_code=303)
    clear_session_cookie(response)
    return response


def gone_elsewhere() -> Response:
    """The account was deleted meanwhile (in another tab, say): this browser is signed out."""
    response = RedirectResponse("/sign-in", status_code=303)
    clear_session_cookie(response)
    return response


@signed_in()
async def sign_out_everywhere(request: Request, person: CurrentPerson) -> Response:
    credential = await accounts.credential_of(person.credential_id)
    if credential is not None:
        await accounts.end_every_session(credential)
    return gone_elsewhere()


@signed_in()
async def stay_signed_in(request: Request, person: CurrentPerson) -> Response:
    # Reaching here already extended the session (SessionMiddleware); go back where they were.
    return RedirectResponse("/account", status_code=303)


# Recovery --------------------------------------------------------------------


async def recover(request: Request) -> Response:
    if request.method == "GET":
        return render(request, "governance/recover.html", {"values": {}, "errors": {}})
    form = await request.form()
    values = {"pseudonym": text(form, "pseudonym", 80)}
    key = pseudonym_key(values["pseudonym"])
    try:
        await limiter(request).check(RECOVERY, key)
        recovered = await accounts.recover(
            values["pseudonym"],
            text(form, "code", 40),
            text(form, "passphrase", 1000),
            text(form, "confirmation", 1000),
            account_secrets(request),
        )
    except (GovernanceError, RateLimited) as error:
        if isinstance(error, WrongCredentials):
            await limiter(request).count(RECOVERY, key)
        return render(
            request,
            "governance/recover.html",
            {"values": values, "errors": field_errors(error, credentials_field="code")},
            status_code=400,
        )
    return signed_in_response(
        request, recovered, RedirectResponse("/account?recovered=1", status_code=303)
    )


# The account ---------------------------------------------------------------


@signed_in()
async def account(request: Request, person: CurrentPerson) -> Response:
    remaining = await accounts.remaining_recovery_codes(person.credential_id)
    return render(
        request,
        "governance/account.html",
        {
            "person": person,
            "remaining_codes": remaining,
            "recovered": request.query_params.get("recovered") == "1",
            "changed": request.query_params.get("changed") == "1",
        },
    )


@signed_in()
async def change_passphrase(request: Request, person: CurrentPerson) -> Response:
    if request.method == "GET":
        return render(request, "governance/passphrase.html", {"errors": {}})
    form = await request.form()
    credential = await accounts.credential_of(person.credential_id)
    if credential is None:
        return gone_elsewhere()
    try:
        await accounts.change_passphrase(
            credential,
            text(form, "current", 1000),
            text(form, "passphrase", 1000),
            text(form, "confirmation", 1000),
            account_secrets(request),
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


@signed_in()
async def recovery_codes(request: Request, person: CurrentPerson) -> Response:
    if request.method == "GET":
        return render(request, "governance/new_codes.html")
    codes = await accounts.replace_recovery_codes(
        person.credential_id, person.personal_key, account_secrets(request)
    )
    return render(request, "governance/recovery_codes.html", {"codes": codes, "joined": False})


@signed_in()
async def delete_account(request: Request, person: CurrentPerson) -> Response:
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
            text(form, "current", 1000),
            key_directory(request),
        )
    except WrongCredentials as error:
        return render(
            request,
            "governance/delete.html",
            {"errors": field_errors(error, credentials_field="current")},
            status_code=400,
        )
    request.scope["state"].pop("person", None)  # the page after is that of a visitor
    response = render(request, "governance/deleted.html")
    clear_session_cookie(response)
    return response


routes = [
    Route("/join", join, methods=["GET", "POST"], name="join"),
    Route("/sign-in", sign_in, methods=["GET", "POST"], name="sign_in"),
    Route("/sign-out", sign_out, methods=["POST"], name="sign_out"),
    Route("/sign-out-everywhere", sign_out_everywhere, methods=["POST"]),
    Route("/stay-signed-in", stay_signed_in, methods=["POST"]),
    Route("/recover", recover, methods=["GET", "POST"], name="recover"),
    Route("/account", account, name="account"),
    Route("/account/passphrase", change_passphrase, methods=["GET", "POST"]),
    Route("/account/recovery-codes", recovery_codes, methods=["GET", "POST"]),
    Route("/account/delete", delete_account, methods=["GET", "POST"]),
]
