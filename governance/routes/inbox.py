"""The inbox: a person's own notices, a page of them at a time (newest first), each
opened on a page of its own that says what it is about and where that stands today,
to mark as read and delete.

Both actions are plain forms (POST, then back to the inbox). With htmx, the
same forms swap the list in place: the route renders the page's `notices`
block alone, with a short status message that takes focus. Neither changes the
notice: each writes a mark keyed by the person's own key (governance.service.inbox).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from chorus.auth import CurrentPerson, signed_in
from chorus.i18n import N_, _, long_date
from chorus.rendering import render
from chorus.services import services
from chorus.topics import NoticeTopics
from governance.service import inbox
from governance.service.inbox import InboxNotice

MAX_ID = 2**31 - 1

# What the page says after each action (no JavaScript: through ?done=...).
DONE = {
    "read": N_("The notice is marked as read."),
    "deleted": N_("The notice is removed from your inbox."),
}


@dataclass(frozen=True)
class ShownNotice:
    id: int
    title: str  # translated
    sent_on: date
    date: str  # in the reader's language
    link: str
    is_read: bool


def local_link(link: str) -> str:
    """Only links inside Chorus are shown: a notice never sends anyone elsewhere."""
    return link if link.startswith("/") and not link.startswith("//") and "\\" not in link else ""


def wants_fragment(request: Request) -> bool:
    headers = request.headers  # a boosted link or form wants the whole page
    return headers.get("hx-request") == "true" and headers.get("hx-boosted") != "true"


def shown(found: InboxNotice, titles: dict[str, str]) -> ShownNotice:
    """`titles`: each kind's title, translated once for the whole page."""
    if found.kind not in titles:
        titles[found.kind] = _(inbox.title_of(found.kind))
    return ShownNotice(
        id=found.id,
        title=titles[found.kind],
        sent_on=found.sent_on,
        date=long_date(found.sent_on),
        link=local_link(found.link),
        is_read=found.read,
    )


def page_number(request: Request) -> int:
    """The page asked for (?page=, or a form's `page`): 1 unless it is a sensible number."""
    found = request.query_params.get("page", "1")
    return int(found) if found.isdigit() and 0 < len(found) < 6 else 1


async def inbox_page(request: Request, person: CurrentPerson, done: str | None) -> Response:
    found = await inbox.inbox_page(person.id, person.personal_key, page_number(request))
    titles: dict[str, str] = {}
    notices = [shown(notice, titles) for notice in found.notices]
    message = _(DONE[done]) if done in DONE else ""
    return render(
        request,
        "governance/inbox.html",
        {
            "notices": notices,
            "number": found.number,
            "pages": found.pages,
            "unread": found.unread,
            "message": message,
            "fragment": wants_fragment(request),
        },
        block="notices",
    )


@signed_in()
async def show_inbox(request: Request, person: CurrentPerson) -> Response:
    return await inbox_page(request, person, request.query_params.get("done"))


@signed_in()
async def show_notice(request: Request, person: CurrentPerson) -> Response:
    """One notice, opened: what it is about and where that stands today. Opening it
    writes nothing; "Mark as read" does."""
    found = await inbox.notice_of(person.id, person.personal_key, notice_id(request))
    if found is None:
        raise HTTPException(404)
    notice = shown(found, {})
    topics = services(request).of(NoticeTopics)
    topic = await topics.of(notice.link, frozenset(person.roles)) if notice.link else None
    heading = _(inbox.about_of(found.kind), topic=topic.name) if topic else notice.title
    return render(
        request,
        "governance/notice.html",
        {"notice": notice, "topic": topic, "heading": heading},
    )


async def after_action(request: Request, person: CurrentPerson, done: str) -> Response:
    if wants_fragment(request):
        return await inbox_page(request, person, done)
    number = page_number(request)
    page = f"&page={number}" if number > 1 else ""
    return RedirectResponse(f"/inbox?done={done}{page}", status_code=303)


def notice_id(request: Request) -> int:
    found: int = request.path_params["notice_id"]
    if found > MAX_ID:  # beyond the column's range: no such notice
        raise HTTPException(404)
    return found


@signed_in()
async def mark_read(request: Request, person: CurrentPerson) -> Response:
    # Someone else's notice is "not found", exactly like one that does not exist.
    if not await inbox.mark_read(person.id, person.personal_key, notice_id(request)):
        raise HTTPException(404)
    return await after_action(request, person, "read")


@signed_in()
async def delete_notice(request: Request, person: CurrentPerson) -> Response:
    if not await inbox.dismiss(person.id, person.personal_key, notice_id(request)):
        raise HTTPException(404)
    return await after_action(request, person, "deleted")


routes = [
    Route("/inbox", show_inbox, name="inbox"),
    Route("/inbox/{notice_id:int}", show_notice, name="notice"),
    Route("/inbox/{notice_id:int}/read", mark_read, methods=["POST"], name="notice_read"),
    Route("/inbox/{notice_id:int}/delete", delete_notice, methods=["POST"], name="notice_delete"),
]
