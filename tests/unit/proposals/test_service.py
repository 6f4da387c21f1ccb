"""The proposals service on expected repeats: a form sent twice, a signature or a
candidacy given twice. None of them raises a database error (DESIGN anonymity 10)."""

from __future__ import annotations

import uuid

import pytest

from proposals import service
from proposals.errors import AlreadySigned, AlreadyStanding
from proposals.models import Cosignature, Kind, PetitionSignature, Phase, Proposal, Purpose
from tests.common.rounds import add_proposal, advance_to, key_directory, spec, tag_key

pytestmark = pytest.mark.usefixtures("db")

TEXT = service.ProposalText("Housing", "Why housing matters.", [], [])


async def test_the_same_proposal_form_sent_twice_stores_one_proposal(orm):
    round_ = await service.open_round(spec())
    author, form = uuid.uuid4(), uuid.uuid4()
    first = await service.submit_proposal(
        round_, TEXT, tag_key(orm, round_), author, submission=form
    )
    again = await service.submit_proposal(
        round_, TEXT, tag_key(orm, round_), author, submission=form
    )
    assert first.id == again.id == form
    assert await Proposal.filter(round=round_).count() == 1


async def test_a_form_id_of_someone_elses_proposal_stores_a_new_one(orm):
    round_ = await service.open_round(spec())
    theirs = await add_proposal(orm, round_, "Housing")
    mine = await service.submit_proposal(
        round_, TEXT, tag_key(orm, round_), uuid.uuid4(), submission=theirs.id
    )
    assert mine.id != theirs.id
    assert await Proposal.filter(round=round_).count() == 2


async def test_standing_twice_is_refused_without_a_database_error(orm):
    round_ = await service.open_round(spec(purpose=Purpose.ELECTION))
    member, tags = uuid.uuid4(), tag_key(orm, round_)
    text = service.ProposalText("Carmen", "I will listen to everyone.", [], [])
    await service.submit_proposal(round_, text, tags, member, Kind.CANDIDATE)
    for submission in (None, uuid.uuid4()):
        with pytest.raises(AlreadyStanding):
            await service.submit_proposal(round_, text, tags, member, Kind.CANDIDATE, submission)
    assert await Proposal.filter(round=round_).count() == 1


async def test_a_signature_inserted_twice_is_kept_once_and_raises_nothing(orm):
    round_ = await service.open_round(spec())
    proposal = await add_proposal(orm, round_, "Housing")
    round_ = await advance_to(orm, round_, Phase.COSIGNING)
    await service.cosign(proposal, tag_key(orm, round_), uuid.uuid4())
    (tag,) = await Cosignature.filter(proposal=proposal).values_list("signer_tag", flat=True)
    # As when two co-signatures of one member arrive at once: the second finds the first.
    await service.insert_once(Cosignature(proposal=proposal, signer_tag=tag))
    assert await Cosignature.filter(proposal=proposal).count() == 1


async def test_a_petition_signed_twice_is_refused_and_kept_once(orm):
    signer = uuid.uuid4()
    round_ = await service.start_petition(spec(), key_directory(orm), signer, 3)
    with pytest.raises(AlreadySigned):
        await service.sign_petition(round_, tag_key(orm, round_), signer)
    (tag,) = await PetitionSignature.filter(round=round_).values_list("signer_tag", flat=True)
    await service.insert_once(PetitionSignature(round=round_, signer_tag=tag))
    assert await PetitionSignature.filter(round=round_).count() == 1
