"""What a notice about a vote is about, read today: the inbox's reader for the links
proposals sends (chorus.topics). A notice sent when voting opened may be opened after
the round closed: it then says so, and leads to the results."""

from __future__ import annotations

import re
import uuid

from chorus.i18n import N_, _
from chorus.topics import Topic
from proposals import service
from proposals.models import Phase, Round
from proposals.routes.shared import shown_day

# The links proposals puts in notices (proposals.service.rounds): a round, its results.
ROUND_LINK = re.compile(r"/rounds/([0-9a-f-]{36})(/results)?")

# Where a round stands, by phase (%(day)s: the last day of the phase).
STANDING = {
    Phase.PETITION: N_("Members can sign the petition that would open this vote."),
    Phase.PROPOSING: N_("Members can send proposals until %(day)s."),
    Phase.COSIGNING: N_("Members can co-sign proposals until %(day)s."),
    Phase.VOTING: N_("Voting is open until %(day)s."),
    Phase.COUNTING: N_("Voting has ended. The tellers are counting the votes."),
    Phase.CLOSED: N_("This vote is closed. The results are out."),
}


def standing_of(round_: Round) -> str:
    """Where the round stands, in the reader's language."""
    ends = service.phase_ends(round_)
    day = shown_day(ends) if ends is not None else ""
    return _(STANDING[round_.phase], day=day)


def topic_of_round(round_: Round) -> Topic:
    if round_.phase == Phase.CLOSED:
        link, link_text = f"/rounds/{round_.id}/results", _("See the results")
    else:
        link, link_text = f"/rounds/{round_.id}", _("Go to the vote")
    return Topic(round_.question, standing_of(round_), link, link_text)


async def round_topic(link: str, roles: frozenset[str]) -> Topic | None:
    """The topic of a notice's link to a round (or its results); None for any other link,
    a round that is gone, or one these roles may not read."""
    found = ROUND_LINK.fullmatch(link)
    try:
        round_id = uuid.UUID(found.group(1)) if found else None
    except ValueError:
        round_id = None
    if round_id is None:
        return None
    round_ = await service.find_round(round_id)
    if round_ is None or not service.may_read(round_, roles):
        return None
    return topic_of_round(round_)
