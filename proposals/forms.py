"""Reading the forms of rounds, proposals, hiding reasons and ballots.

Each reader returns what it understood, what was typed (to show it again) and
FieldErrors: field id -> a translated message that says how to fix the problem.
Bad input never raises. Field ids are the HTML `name`s; the error summary links
to `#<name>`, so the template gives that id to the field (for a group of
checkboxes or radios: to its first input).

Ballot fields (the ballot page and its review page follow these exactly)
--------------------------------------------------------------------------
Options are the ballot's option ids ("1", "2", ...). Each voting method reads its own
fields (`proposals/methods/<method>.py` says which): checkboxes `choice` (approval),
selects `rank-<id>` (Schulze, instant-runoff), radios `grade-<id>` (majority judgment),
number inputs `dots-<id>` (dots).

The review-and-confirm page carries the entered values on as hidden inputs with
the same names (`BallotInput.entered`: field name -> values), so the confirm
POST is read by the same `read_ballot`. Errors about the ballot as a whole are
on the id `ballot` (give it to the first input of the ballot); others are on
the field of one option (for radios: the group's fieldset).

A ballot with nothing chosen is valid: it is a blank ballot (an abstention), and
`BallotInput.empty` says so, for the review page to tell the voter.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import TypeVar

from starlette.datastructures import FormData

from chorus.i18n import N_, _
from chorus.text import FieldErrors, text
from chorus.vocabulary import FORMS_OF_TRAFFICKING, OPPRESSION_CATEGORIES
from proposals.methods import METHODS, Params, method_of
from proposals.methods.approval import ApprovalBallot
from proposals.methods.ranked import RankedBallot
from proposals.models import Method, Purpose, Voters
from proposals.names import ELECTABLE

__all__ = [
    "Ballot",
    "BallotInput",
    "FieldErrors",
    "ProposalInput",
    "RoundInput",
    "decode_ballot",
    "encode_ballot",
    "read_ballot",
    "read_proposal",
    "read_reason",
    "read_round",
    "read_voting_end",
    "review_lines",
    "submission_id",
    "text",
]

# Characters of a field kept to show it again, however long it was (the error says the limit).
_KEEP = 20_000
# How far ahead a round's dates may go.
_FURTHEST = timedelta(days=731)
# Invisible control characters (not tab or newline) are dropped: they only hide or break text.
# So are the bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they
# reorder what follows them, so that a title can be shown as other text than it holds.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_INTEGER = re.compile(r"[+-]?\d{1,9}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# (empty, too short, too long) messages; translated when shown.
_QUESTION = (
    N_("Enter the question people will answer."),
    N_("The question must be at least %(minimum)s characters long."),
    N_("The question must be %(maximum)s characters or fewer. It has %(count)s now."),
)
_TITLE = (
    N_("Enter a title for your proposal."),
    N_("The title must be at least %(minimum)s characters long."),
    N_("The title must be %(maximum)s characters or fewer. It has %(count)s now."),
)
_DESCRIPTION = (
    N_("Describe your proposal: what should the network do, and why?"),
    N_("The description must be at least %(minimum)s characters long."),
    N_("The description must be %(maximum)s characters or fewer. It has %(count)s now."),
)
_STATEMENT = (
    N_("Write a short statement: why are you standing, and what would you do?"),
    N_("Your statement must be at least %(minimum)s characters long."),
    N_("Your statement must be %(maximum)s characters or fewer. It has %(count)s now."),
)
_REASON = (
    N_("Write the reason here. Use at least %(minimum)s characters."),
    N_("Write at least %(minimum)s characters, so the reason is clear."),
    N_("Write %(maximum)s characters or fewer. It has %(count)s now."),
)

_Choice = TypeVar("_Choice", bound=StrEnum)


# -- Text ---------------------------------------------------------------------------------------


def _one_line(raw: str) -> str:
    """A one-line field: newlines become spaces, spaces at both ends go."""
    return _CONTROL.sub("", " ".join(raw.replace("\r\n", "\n").splitlines())).strip()


def _paragraphs(raw: str) -> str:
    """A text area: \\n line endings, no spaces at line ends, no blank lines around it."""
    lines = _CONTROL.sub("", raw.replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def _length_error(
    value: str, minimum: int, maximum: int, messages: tuple[str, str, str]
) -> str | None:
    empty, short, long = messages
    values = {"minimum": minimum, "maximum": maximum, "count": len(value)}
    if not value.strip():
        return _(empty, **values) if minimum > 0 else None
    if len(value) < minimum:
        return _(short, **values)
    if len(value) > maximum:
        return _(long, **values)
    return None


def _check_length(
    errors: FieldErrors,
    name: str,
    value: str,
    minimum: int,
    maximum: int,
    messages: tuple[str, str, str],
) -> None:
    message = _length_error(value, minimum, maximum, messages)
    if message:
        errors[name] = message


def _choice(kind: type[_Choice], raw: str) -> _Choice | None:
    try:
        return kind(raw)
    except ValueError:
        return None


def _integer(raw: str) -> int | None:
    """A whole number as typed ("12", " 3 ", "-1", "١٢"); None for anything else."""
    raw = raw.strip()
    return int(raw) if _INTEGER.fullmatch(raw) else None


def _date(raw: str) -> date | None:
    """A date from an HTML date input (YYYY-MM-DD); None when it is no real date."""
    raw = raw.strip()
    if not _ISO_DATE.fullmatch(raw):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None  # 2025-02-30


# -- Rounds -------------------------------------------------------------------------------------

ROUND_FIELDS = (
    "question",
    "purpose",
    "elects",
    "method",
    "dots_per_ballot",
    "voters",
    "cosignatures_needed",
    "allows_revision",
    "proposing_ends",
    "cosigning_ends",
    "voting_ends",
)


@dataclass(frozen=True)
class RoundInput:
    question: str
    purpose: Purpose | None
    elects: str  # the role an election fills (Role.LEAD or Role.COMMITTEE), else ""
    method: str | None  # a key of proposals.methods.METHODS
    dots_per_ballot: int  # 0 unless the method is dots
    voters: Voters | None
    cosignatures_needed: int  # 0 for a petition: the caller decides
    allows_revision: bool
    proposing_ends: date | None
    cosigning_ends: date | None
    voting_ends: date | None
    entered: dict[str, str] = field(default_factory=dict)  # every field of ROUND_FIELDS


def read_round(form: FormData, today: date, *, petition: bool) -> tuple[RoundInput, FieldErrors]:
    """The settings of a new round (or a members' petition for one)."""
    entered = {name: text(form, name, _KEEP) for name in ROUND_FIELDS}
    errors: FieldErrors = {}

    question = _one_line(entered["question"])
    _check_length(errors, "question", question, 5, 200, _QUESTION)

    purpose = _choice(Purpose, entered["purpose"])
    if purpose is None:
        errors["purpose"] = _("Choose what this round is for.")
    elects = ""
    if purpose == Purpose.ELECTION:
        if entered["elects"] in ELECTABLE:
            elects = entered["elects"]
        else:
            errors["elects"] = _("Choose the role people will elect someone to.")

    method = entered["method"] if entered["method"] in METHODS else None
    if method is None:
        errors["method"] = _("Choose how the votes are counted.")
    dots_per_ballot = 0
    if method == Method.DOTS:
        dots = _integer(entered["dots_per_ballot"])
        if dots is not None and 1 <= dots <= 100:
            dots_per_ballot = dots
        elif not entered["dots_per_ballot"].strip():
            errors["dots_per_ballot"] = _("Enter how many dots each voter gets, from 1 to 100.")
        else:
            errors["dots_per_ballot"] = _("Enter a whole number of dots from 1 to 100, like 5.")

    voters = _choice(Voters, entered["voters"])
    if voters is None:
        errors["voters"] = _("Choose who can vote.")

    cosignatures_needed = 0
    if not petition:
        needed = _integer(entered["cosignatures_needed"])
        if needed is not None and 0 <= needed <= 1000:
            cosignatures_needed = needed
        else:
            errors["cosignatures_needed"] = _(
                "Enter how many co-signatures a proposal needs: a whole number "
                "from 0 to 1000. Enter 0 if it needs none."
            )

    allows_revision = entered["allows_revision"] == "yes"

    example = (today + timedelta(days=14)).isoformat()
    missing = {
        "proposing_ends": _("Enter the date proposing ends."),
        "cosigning_ends": _("Enter the date co-signing ends."),
        "voting_ends": _("Enter the date voting ends."),
    }
    dates: dict[str, date | None] = {}
    for name, message in missing.items():
        dates[name] = _date(entered[name])
        if dates[name] is None:
            if entered[name].strip():
                errors[name] = _(
                    "Enter a real date as year-month-day, like %(example)s.", example=example
                )
            else:
                errors[name] = message
    # Each date after today and after every date before it (the phases follow one another).
    too_early = {
        ("proposing_ends", "today"): _("Proposing must end after today. Choose a later date."),
        ("cosigning_ends", "today"): _("Co-signing must end after today. Choose a later date."),
        ("cosigning_ends", "proposing_ends"): _(
            "Co-signing must end after proposing ends. Choose a later date."
        ),
        ("voting_ends", "today"): _("Voting must end after today. Choose a later date."),
        ("voting_ends", "proposing_ends"): _(
            "Voting must end after proposing ends. Choose a later date."
        ),
        ("voting_ends", "cosigning_ends"): _(
            "Voting must end after co-signing ends. Choose a later date."
        ),
    }
    latest, latest_name = today, "today"
    for name, chosen in dates.items():
        if chosen is None:
            continue
        if chosen > today + _FURTHEST:
            errors[name] = _("Choose a date within two years from today.")
        elif chosen <= latest:
            errors[name] = too_early[name, latest_name]
        else:
            latest, latest_name = chosen, name
    proposing_ends, cosigning_ends, voting_ends = dates.values()
    errors = {name: errors[name] for name in ROUND_FIELDS if name in errors}  # in page order

    return (
        RoundInput(
            question=question,
            purpose=purpose,
            elects=elects,
            method=method,
            dots_per_ballot=dots_per_ballot,
            voters=voters,
            cosignatures_needed=cosignatures_needed,
            allows_revision=allows_revision,
            proposing_ends=proposing_ends,
            cosigning_ends=cosigning_ends,
            voting_ends=voting_ends,
            entered=entered,
        ),
        errors,
    )


def read_voting_end(
    form: FormData, today: date, last_day: date
) -> tuple[date | None, dict[str, str], FieldErrors]:
    """A later last day of voting (a lead gives more time): after the one the round has
    and after today, within two years. Returns the day, what was typed, and the errors."""
    entered = {"voting_ends": text(form, "voting_ends", 40)}
    chosen = _date(entered["voting_ends"])
    if chosen is None:
        if entered["voting_ends"].strip():
            example = (last_day + timedelta(days=7)).isoformat()
            message = _("Enter a real date as year-month-day, like %(example)s.", example=example)
        else:
            message = _("Enter the new last day of voting.")
        return None, entered, {"voting_ends": message}
    if chosen <= max(last_day, today):
        return None, entered, {"voting_ends": _("Choose a day after the last day voting has now.")}
    if chosen > today + _FURTHEST:
        return None, entered, {"voting_ends": _("Choose a date within two years from today.")}
    return chosen, entered, {}


# -- Proposals and candidates -------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalInput:
    title: str  # "" for a candidate (their name is the title)
    description: str  # a candidate's statement
    forms_of_trafficking: list[str]  # known keys only, sorted: also what to show as checked
    oppression_categories: list[str]
    entered: dict[str, str] = field(default_factory=dict)  # "title" and "description", as typed


def _tags(form: FormData, name: str, mapping: Mapping[str, str], errors: FieldErrors) -> list[str]:
    values = form.getlist(name)
    if any(not isinstance(value, str) or value not in mapping for value in values):
        errors[name] = _("Choose from the list.")
    return sorted({value for value in values if isinstance(value, str) and value in mapping})


def read_proposal(form: FormData, *, candidate: bool) -> tuple[ProposalInput, FieldErrors]:
    """A proposal (title, description, tags), or a candidate's statement (and tags)."""
    errors: FieldErrors = {}
    entered = {"description": text(form, "description", _KEEP)}
    title = ""
    if not candidate:
        entered = {"title": text(form, "title", _KEEP), **entered}
        title = _one_line(entered["title"])
        _check_length(errors, "title", title, 3, 120, _TITLE)
    description = _paragraphs(entered["description"])
    if candidate:
        _check_length(errors, "description", description, 10, 1000, _STATEMENT)
    else:
        _check_length(errors, "description", description, 1, 5000, _DESCRIPTION)
    forms = _tags(form, "forms_of_trafficking", FORMS_OF_TRAFFICKING, errors)
    categories = _tags(form, "oppression_categories", OPPRESSION_CATEGORIES, errors)
    return ProposalInput(title, description, forms, categories, entered), errors


def submission_id(form: FormData) -> uuid.UUID | None:
    """The id a proposal form was given when shown (a hidden field); None if it is not one."""
    try:
        return uuid.UUID(text(form, "submission", 40).strip())
    except ValueError:
        return None


def read_tellers(form: FormData, minimum: int) -> tuple[str | None, FieldErrors]:
    """Teller mode, if ticked (`tellers`), and the tellers' passphrase: None without it.

    The passphrase is never kept to show again: it is typed anew after any error.
    """
    if text(form, "tellers", 10) != "yes":
        return None, {}
    passphrase = text(form, "teller_passphrase", 1000)
    if len(passphrase) < minimum:
        message = _(
            "The tellers' passphrase must be at least %(minimum)s characters. "
            "Try 3 or 4 words the tellers will remember.",
            minimum=minimum,
        )
        return None, {"teller_passphrase": message}
    if text(form, "teller_confirmation", 1000) != passphrase:
        message = _("The two passphrases are not the same. Type them again.")
        return None, {"teller_confirmation": message}
    return passphrase, {}


def read_reason(
    form: FormData, name: str, *, minimum: int = 10, maximum: int = 1000
) -> tuple[str, FieldErrors]:
    """A lead's reason for hiding a proposal, or its author's reply contesting it."""
    reason = _paragraphs(text(form, name, _KEEP))
    message = _length_error(reason, minimum, maximum, _REASON)
    return reason, {name: message} if message else {}


# -- Ballots ------------------------------------------------------------------------------------

Ballot = ApprovalBallot | RankedBallot | Mapping[str, int]
"""What the tally of each method counts: approvals, a ranking, grades or dots."""


@dataclass(frozen=True)
class BallotInput:
    method: str
    ballot: Ballot | None  # None when there are errors
    entered: dict[str, list[str]] = field(default_factory=dict)  # field name -> values typed

    @property
    def empty(self) -> bool:
        """Nothing chosen: a blank ballot, which counts as an abstention."""
        return self.ballot is not None and not self.ballot

    def encode(self) -> bytes:
        """The sealed content of this ballot (compact JSON); see `decode_ballot`."""
        if self.ballot is None:
            raise ValueError("a ballot with errors cannot be sealed")
        return encode_ballot(self.method, self.ballot)


def read_ballot(
    form: FormData, method: str, options: Sequence[str], *, dots_per_ballot: int
) -> tuple[BallotInput, FieldErrors]:
    """The ballot on the form, checked by the same rules as the tally (see the module doc)."""
    ballot, entered, errors = method_of(method).read_ballot(
        form, options, Params(dots_per_ballot=dots_per_ballot)
    )
    return BallotInput(method, ballot, entered), errors


def encode_ballot(method: str, ballot: Ballot) -> bytes:
    """Compact JSON: {"a":["1","3"]}, {"r":["2","1"]}, {"g":{"1":4}} or {"d":{"2":3}}."""
    return method_of(method).encode(ballot)


def decode_ballot(method: str, content: bytes) -> Ballot:
    """The ballot `encode_ballot` sealed, as the tally counts it; MalformedBallot if unreadable."""
    ballot: Ballot = method_of(method).decode(content)
    return ballot


# -- Review -------------------------------------------------------------------------------------


def review_lines(method: str, ballot: Ballot, labels: Mapping[str, str]) -> list[str]:
    """What the ballot says, in words, for the voter to check before confirming.

    Options in `labels` order (option id -> its title). A blank ballot gives no
    line: the page says it counts as a blank ballot.
    """
    return method_of(method).review_lines(ballot, labels)
