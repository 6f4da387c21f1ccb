"""The public charter page: every rule in force, described, with its value."""

from __future__ import annotations

import re
from dataclasses import fields

import pytest

from governance.service.charter import DESCRIPTIONS, Charter, current_charter, set_charter_value
from tests.common.people import make_person, sign_in

pytestmark = pytest.mark.usefixtures("db")

ROW = re.compile(r'<tr id="(\w+)"><th scope="row">([^<]+)</th><td>([^<]+)</td></tr>')


async def test_anyone_can_read_every_rule_with_its_value(client):
    page = await client.get("/charter")
    assert page.status_code == 200
    assert "<title>Chorus — Our rules</title>" in page.text
    rows = {name: (description, value) for name, description, value in ROW.findall(page.text)}
    assert list(rows) == [field.name for field in fields(Charter)]
    for name, (description, _) in rows.items():
        assert description == DESCRIPTIONS[name]
    assert rows["who_may_invite"][1] == "Leads only"
    assert rows["invite_valid_days"][1] == "14"
    assert rows["suspension_review_days"][1] == "7"
    assert "Members change these rules by a vote." in page.text


async def test_a_changed_rule_shows_its_new_value(client):
    await set_charter_value("who_may_invite", "members")
    await set_charter_value("results_threshold", 12)
    page = await client.get("/charter")
    rows = {name: value for name, _, value in ROW.findall(page.text)}
    assert rows["who_may_invite"] == "Members and leads"
    assert rows["results_threshold"] == "12"


async def test_stored_values_of_every_kind_come_back_as_they_were(client):
    await set_charter_value("who_may_invite", "members")
    await set_charter_value("invites_per_member", 3)
    await set_charter_value("invites_per_member", 4)  # a second change replaces the first
    charter = await current_charter()
    assert charter.who_may_invite == "members" and charter.invites_per_member == 4
    with pytest.raises(KeyError):
        await set_charter_value("no_such_rule", 1)


async def test_signed_in_people_see_the_same_page(app, client):
    await make_person(app, "Ana")
    await sign_in(client, "Ana")
    page = await client.get("/charter")
    assert page.status_code == 200 and len(ROW.findall(page.text)) == len(fields(Charter))
