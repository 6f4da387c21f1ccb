"""Pages shared between people (chorus.memo.shared_page): each template reads only the
names its page declares, and a page is forgotten when what it was read from changes,
never because of an unrelated request."""

from __future__ import annotations

import jinja2
import pytest
from jinja2 import meta, nodes
from starlette.applications import Starlette

from chorus.memo import LAYOUT_NAMES, SHARED_PAGES, SharedPage
from chorus.roles import Role
from chorus.services import services
from proposals.methods import METHODS
from proposals.routes import results as results_routes
from proposals.routes import voting as ballot_routes
from tests.common.forms import csrf_token
from tests.common.people import signed_in_client
from tests.common.rounds import round_with

PAGES = {page.template: page for page in SHARED_PAGES}
METHOD_TEMPLATES = {
    "ballot_template": {method.ballot_template for method in METHODS.values()},
    "results_template": {m.results_template for m in METHODS.values() if m.results_template},
}


def names_read(env: jinja2.Environment, name: str, seen: set[str] | None = None) -> set[str]:
    """Every name `name` reads from its context, with the templates it extends, includes
    and imports from (a macro's body included)."""
    seen = seen if seen is not None else set()
    if name in seen:
        return set()
    seen.add(name)
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, name)
    tree = env.parse(source)
    # Macros a template defines or imports are not names of the context (Jinja counts them as such
    # inside blocks and included templates).
    imported = {
        alias if isinstance(alias, str) else alias[1]
        for node in tree.find_all(nodes.FromImport)
        for alias in node.names
    } | {node.target for node in tree.find_all(nodes.Import)}
    imported |= {node.name for node in tree.find_all(nodes.Macro)}
    found = set(meta.find_undeclared_variables(tree)) - imported
    for other in meta.find_referenced_templates(tree):
        if other is not None:
            found |= names_read(env, other, seen)
    # A template chosen as it runs is a voting method's (its ballot or its results part):
    # read every method's, less what the including template sets itself (a loop's name).
    local = {node.name for node in tree.find_all(nodes.Name) if node.ctx in ("store", "param")}
    for include in tree.find_all(nodes.Include):
        chosen = include.template
        if isinstance(chosen, nodes.Const):
            continue
        named = chosen.attr if isinstance(chosen, nodes.Getattr) else getattr(chosen, "name", "")
        assert named in METHOD_TEMPLATES, f"{name} includes a template it works out as it runs"
        for method_template in sorted(METHOD_TEMPLATES[named]):
            found |= names_read(env, method_template, seen) - local
    return found


def test_every_shared_page_is_declared():
    assert set(PAGES) == {
        "proposals/ballot.html",
        "proposals/results.html",
        "proposals/round.html",
        "proposals/rounds.html",
    }
    assert callable(ballot_routes.shared_ballot) and callable(results_routes.shared_results)


@pytest.mark.parametrize("template", sorted(PAGES))
def test_a_shared_template_reads_only_the_names_it_declares(app: Starlette, template: str):
    env = services(app).renderer.templates.env
    page: SharedPage = PAGES[template]
    undeclared = names_read(env, template) - page.names - LAYOUT_NAMES - set(env.globals)
    assert not undeclared
    # In particular nothing of who asks: no request (its cookies), no session.
    assert not {"request", "session", "pseudonym"} & (page.names | LAYOUT_NAMES)


def test_a_shared_page_is_refused_a_name_it_did_not_declare():
    page = PAGES["proposals/results.html"]
    with pytest.raises(KeyError, match="pseudonym"):
        page.context_of({"receipt": "", "pseudonym": "Mo"})


@pytest.mark.usefixtures("db")
async def test_an_unrelated_post_forgets_no_shared_page(app, client):
    member, _ = await signed_in_client(app, client, "Mo")
    round_, _ = await round_with(app, ["Housing", "Legal help"])
    ballot = f"/rounds/{round_.id}/ballot"
    assert (await member.get(ballot)).status_code == 200
    kept = len(services(app).memo)
    visitor = await client.get("/")
    changed = await client.post(
        "/language", data={"csrf_token": csrf_token(visitor), "language": "fr"}
    )
    assert changed.status_code == 303
    assert len(services(app).memo) == kept


@pytest.mark.usefixtures("db")
async def test_a_rounds_write_forgets_that_rounds_pages_only(app, client, monkeypatch):
    # Closing the first round opens its ballots in the worker process, which may take
    # longer than the memo's usual second: what is measured here is what a write forgets.
    monkeypatch.setattr(services(app).memo, "lifetime", 60)
    member, _ = await signed_in_client(app, client, "Mo")
    lead, _ = await signed_in_client(app, client, "Lin", Role.LEAD)
    first, _ = await round_with(app, ["Housing", "Legal help"])
    second, _ = await round_with(app, ["Jobs", "Papers"])
    for round_ in (first, second):
        assert (await member.get(f"/rounds/{round_.id}/ballot")).status_code == 200
    memo = services(app).memo

    def kept_of(round_id: object) -> int:
        return sum(str(round_id) in str(key) for key in memo._values)

    assert kept_of(first.id) and kept_of(second.id)
    before = kept_of(second.id)
    token = csrf_token(await lead.get(f"/rounds/{first.id}"))
    moved = await lead.post(
        f"/rounds/{first.id}/advance", data={"csrf_token": token, "phase": "voting"}
    )
    assert moved.status_code == 303
    assert kept_of(first.id) == 0
    assert kept_of(second.id) == before
    assert (await member.get(f"/rounds/{first.id}/ballot")).status_code == 409
