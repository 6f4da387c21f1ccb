import httpx
import pytest

from chorus.models import JobBeat

pytestmark = pytest.mark.usefixtures("db")


async def test_home_page_has_neutral_title_and_exit_first(client: httpx.AsyncClient):
    response = await client.get("/")
    assert response.status_code == 200
    assert "<title>Chorus — Home</title>" in response.text
    body = response.text.split("<body", 1)[1]
    skip, exit_link = body.index('class="skip-link"'), body.index('id="exit-this-page"')
    assert skip < exit_link < body.index("<header")


async def test_requests_see_the_tests_transaction(client: httpx.AsyncClient):
    await JobBeat.create(name="probe", runs=7)
    assert (await JobBeat.get(name="probe")).runs == 7


async def test_each_test_starts_clean(client: httpx.AsyncClient):
    assert await JobBeat.filter(name="probe").count() == 0
