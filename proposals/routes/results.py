"""Results, for everyone at once and only after close: the page, the receipt check (by
POST, never in an address) and the recount files (aggregates only, never a ballot)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from chorus.auth import CurrentPerson, signed_in
from chorus.i18n import _
from chorus.memo import CHARTER, round_key, shared_page
from chorus.rendering import render
from chorus.services import services
from proposals import forms, results, service
from proposals.methods import method_of
from proposals.models import Phase, Purpose, Round
from proposals.routes.shared import (
    ROUND_WORDS,
    remembered_round,
    round_of,
    round_words,
)


async def closed_round(request: Request) -> Round:
    round_ = await round_of(request)
    if round_.phase != Phase.CLOSED or round_.tally is None:
        raise HTTPException(404)
    return round_


async def _labels(round_: Round) -> dict[str, str]:
    return {p.ballot_key: p.title for p in await service.ballot_options(round_)}


def results_view(
    data: dict[str, Any], labels: dict[str, str], k: int, *, election: bool
) -> dict[str, Any]:
    """What the page may show of one count, and nothing more: below the threshold the
    view holds no number and no order, so no template can show them by mistake."""
    shown = results.what_to_show(data, k, election=election)
    view: dict[str, Any] = {"shown": shown.value, "disclosed": shown == results.Shown.EVERYTHING}
    if shown == results.Shown.WINNER:
        view["winner"] = results.label_of(labels, data["winner"])
    if shown == results.Shown.EVERYTHING:
        method = method_of(data["method"])
        view |= {
            "data": data,
            "ordered": results.ordered(data, labels),
            "ties": results.tie_explanations(data, labels),
            "columns": results.option_labels(data, labels),
            "charts": results.charts(data, labels),
            "results_template": method.results_template,
        } | method.results_view(data, labels)
    return view


@signed_in(*service.READ_SOME_ROUNDS)
async def results_page(request: Request, person: CurrentPerson) -> Response:
    round_ = await remembered_round(request)
    if round_.phase != Phase.CLOSED or round_.tally is None:
        # Nothing of the count exists before close, for anybody.
        return render(request, "proposals/results_pending.html", round_words(round_))
    return await shared_results(request, round_.id)


RESULTS_NAMES = (
    *ROUND_WORDS,
    "main",
    "advisory_view",
    "k",
    "suppression_note",
    "election_note",
    "advisory_note",
    "extension_note",
    "tie_rule",
    "turnout",
    "counted",
    "receipts",
    "advisory_receipts",
    "receipt",
    "receipt_counted",
    "errors",
    "labels",
)


@shared_page(
    "proposals/results.html",
    names=RESULTS_NAMES,
    depends=lambda round_id: [round_key(round_id), CHARTER],  # the charter holds k
)
async def shared_results(request: Request, round_id: UUID) -> dict[str, Any]:
    """The same for everyone: read and rendered once, reused (chorus.memo.shared_page)."""
    return await results_context(request, await remembered_round(request))


async def results_context(
    request: Request,
    round_: Round,
    *,
    receipt: str = "",
    receipt_counted: bool | None = None,
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    labels = await _labels(round_)
    k = await services(request).of(service.ProposalServices).results_threshold()
    election = round_.purpose == Purpose.ELECTION
    main = results_view(round_.tally, labels, k, election=election)
    advisory = (
        results_view(round_.advisory_tally, labels, k, election=False)
        if round_.advisory_tally
        else None
    )
    # Blank ballots took part too: turnout counts them, against the electorate stored when
    # voting opened (service._fix_electorate), not against who holds the role today.
    counted = round_.tally["ballots_counted"] + round_.tally["abstentions"]
    turnout = round(100 * counted / round_.eligible_voters) if round_.eligible_voters else None
    # Below the threshold the list of counted receipts is not shown either: its length is
    # the number of ballots, which is what the page withholds. Anyone can still check
    # their own receipt with the form.
    return round_words(round_) | {
        "main": main,
        "advisory_view": advisory,
        "k": k,
        "suppression_note": results.suppression_note(k),
        "election_note": results.election_note(k),
        "advisory_note": results.advisory_note(k),
        "extension_note": results.extension_note(),
        "tie_rule": results.tie_rule_text(round_.method),
        "turnout": turnout,
        "counted": counted,
        "receipts": await service.receipts(round_) if main["disclosed"] else [],
        "advisory_receipts": await service.receipts(round_, advisory=True)
        if advisory and advisory["disclosed"]
        else [],
        "receipt": receipt,
        "receipt_counted": receipt_counted,
        "errors": errors or {},
        "labels": labels,
    }


@signed_in(*service.READ_SOME_ROUNDS)
async def results_check(request: Request, person: CurrentPerson) -> Response:
    """Check a ballot receipt, sent in the form body, never in an address."""
    round_ = await closed_round(request)
    form = await request.form()
    receipt = forms.text(form, "receipt", 200).strip()
    if not receipt:
        errors = {"receipt": _("Enter your ballot receipt, as it was shown to you.")}
        context = await results_context(request, round_, errors=errors)
        return render(request, "proposals/results.html", context, status_code=400)
    counted = await service.receipt_was_counted(round_, receipt)
    context = await results_context(request, round_, receipt=receipt, receipt_counted=counted)
    return render(request, "proposals/results.html", context)


async def _download(request: Request, kind: str) -> Response:
    round_ = await closed_round(request)
    k = await services(request).of(service.ProposalServices).results_threshold()
    labels = await _labels(round_)
    # The advisory count is published apart, under the same threshold.
    data = (
        round_.advisory_tally if request.query_params.get("count") == "advisory" else round_.tally
    )
    if data is None or not results.disclosed(data, k):
        raise HTTPException(404)
    body = (
        results.recount_json(data, labels) if kind == "json" else results.recount_csv(data, labels)
    )
    media = "application/json" if kind == "json" else "text/csv; charset=utf-8"
    return Response(
        body,
        media_type=media,
        headers={"content-disposition": f'attachment; filename="round-results.{kind}"'},
    )


@signed_in(*service.READ_SOME_ROUNDS)
async def results_csv(request: Request, person: CurrentPerson) -> Response:
    return await _download(request, "csv")


@signed_in(*service.READ_SOME_ROUNDS)
async def results_json(request: Request, person: CurrentPerson) -> Response:
    return await _download(request, "json")


routes = [
    Route("/rounds/{round_id:uuid}/results", results_page, name="results"),
    Route(
        "/rounds/{round_id:uuid}/results/check",
        results_check,
        methods=["POST"],
        name="results_check",
    ),
    Route("/rounds/{round_id:uuid}/results.csv", results_csv, name="results_csv"),
    Route("/rounds/{round_id:uuid}/results.json", results_json, name="results_json"),
]
