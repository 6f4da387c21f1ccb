"""A voting method is one module and one registry line: a round stores its key as text,
so a sixth method needs no enum value, no migration and no other module.

The sixth method here is a copy of approval under a key of its own (the class a new
module would define), added to the registry for this test only. Closing runs the count
on the event loop here: the worker process knows the registry as shipped.
"""

from __future__ import annotations

from anonymity import offload
from chorus.roles import Role
from governance.service.charter import set_charter_value
from proposals.methods import METHODS
from proposals.methods.approval import Approval
from proposals.models import Phase, Proposal, Round
from tests.common.forms import csrf_token
from tests.common.people import signed_in_client
from tests.common.rounds import RECEIPT, add_proposal, advance_to, spec


class Plurality(Approval):
    key = "plurality"  # type: ignore[assignment]  # Approval's is a Method: a shipped key
    name = "Plurality (a sixth method, for this test)"


async def test_a_sixth_method_is_one_module_and_a_registry_line(app, client, monkeypatch):
    monkeypatch.setitem(METHODS, Plurality.key, Plurality())
    monkeypatch.setattr(offload, "inline", True)
    lead, _ = await signed_in_client(app, client, "Lin", Role.LEAD)
    member, _ = await signed_in_client(app, client, "Mo")
    assert Plurality.name in (await lead.get("/rounds/new")).text

    from proposals import service

    round_ = await service.open_round(spec(Plurality.key, question="Which one first?"))
    for title in ("Housing", "Legal help"):
        await add_proposal(app, round_, title)
    round_ = await advance_to(app, round_, Phase.VOTING)
    assert (await Round.get(id=round_.id)).method == "plurality"
    housing = await Proposal.get(round=round_, title="Housing")

    path = f"/rounds/{round_.id}/ballot"
    fields = {"choice": housing.ballot_key}
    review = await member.post(
        path, data={"csrf_token": csrf_token(await member.get(path)), **fields}
    )
    assert review.status_code == 200, review.text
    cast = await member.post(f"{path}/confirm", data={"csrf_token": csrf_token(review), **fields})
    assert RECEIPT.search(cast.text), cast.text[-500:]

    await set_charter_value("results_threshold", 1)  # counts shown from one ballot
    round_ = await advance_to(app, round_, Phase.CLOSED)
    assert round_.tally is not None and round_.tally["method"] == "plurality"
    results = await member.get(f"/rounds/{round_.id}/results")
    assert results.status_code == 200
    assert "Housing" in results.text
