"""Two app processes on one database: a change made through one shows in the other within
CHORUS_MEMO_SECONDS (chorus/memo.py), and at once in the one it went through."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import anyio

from benchmarks import pages, voting
from benchmarks.home import chorus_app, running
from chorus.services import services

MEMO_SECONDS = 1.0


async def test_a_change_through_one_process_shows_in_another_within_the_memo_lifetime():
    with tempfile.TemporaryDirectory(prefix="chorus-test-") as directory, voting.fresh_sql():
        app = await chorus_app(
            Path(directory), passphrase_profile="test", memo_seconds=MEMO_SECONDS
        )
        async with running(app) as state:
            [cookie] = await voting.members(app, state, 1, "Member")
            round_, _ = await voting.voting_round(app)
        ballot = pages.raw_request("GET", f"/rounds/{round_.id}/ballot", [cookie])
        with (
            pages.chorus_server(services(app).settings) as first,
            pages.chorus_server(services(app).settings) as second,
        ):
            for port in (first, second):  # remembered by both
                assert (await pages.fetch(port, ballot)).status == 200
            token = pages.TOKEN.search((await pages.fetch(first, ballot)).html)
            assert token is not None
            body = urlencode({"csrf_token": token.group(1)}).encode()
            sign_out = pages.raw_request("POST", "/sign-out", [voting.FORM, cookie], body)
            assert (await pages.fetch(first, sign_out)).status == 303
            ended = time.monotonic()

            assert (await pages.fetch(first, ballot)).status == 303  # at once, here
            while (await pages.fetch(second, ballot)).status == 200:
                assert time.monotonic() - ended < MEMO_SECONDS + 0.5
                await anyio.sleep(0.05)
            assert (await pages.fetch(second, ballot)).status == 303
