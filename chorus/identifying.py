"""Free text is checked for identifying details before it is stored.

anonymity.scrubbing finds phone numbers, email and street addresses and names;
here a form shows them to the person, who chooses, for each, to remove it or
keep it. The choice applies to the text they reviewed: a hash of that text
travels with the form, and if the text changed, it is checked again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from starlette.datastructures import FormData

from anonymity.scrubbing import Finding, find_identifying, redact
from chorus.i18n import N_, gettext

# What stands in the text where something was removed (translated when applied).
MARKERS = {
    "phone": N_("[phone number removed]"),
    "email": N_("[email address removed]"),
    "address": N_("[address removed]"),
    "name": N_("[name removed]"),
}
# How each kind is named to the person reviewing.
KIND_NAMES = {
    "phone": N_("Phone number"),
    "email": N_("Email address"),
    "address": N_("Street address"),
    "name": N_("Name"),
}


@dataclass(frozen=True)
class Scrubbed:
    text: str | None  # what to store; None while the person still has to choose
    findings: list[Finding]
    reviewed: str  # the hash of the text the findings belong to


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def scrub_field(form: FormData, field: str, text: str, language: str) -> Scrubbed:
    """The text to store, or the findings to show first (form fields are named after `field`)."""
    findings = find_identifying(text, language)
    reviewed = text_hash(text)
    if not findings:
        return Scrubbed(text, [], reviewed)
    if form.get(f"{field}_reviewed") != reviewed:
        return Scrubbed(None, findings, reviewed)
    chosen = {value for value in form.getlist(f"{field}_remove") if isinstance(value, str)}
    removed = [finding for index, finding in enumerate(findings) if str(index) in chosen]
    markers = {kind: gettext(marker) for kind, marker in MARKERS.items()}
    return Scrubbed(redact(text, removed, markers), findings, reviewed)
