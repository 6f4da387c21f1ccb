"""Nobody can choose a name that hides characters or passes as someone else's, and names in
one script other than Latin stay welcome."""

import html

import httpx
import pytest

from anonymity.wrapping import keyed_hash
from governance.identity.models import Credential, Invite, InviteState
from governance.identity.pseudonyms import likeness
from governance.identity.service.invitees import pseudonym_of
from tests.common.forms import csrf_token
from tests.common.people import PASSPHRASE, invite_code, make_person, secrets_of

pytestmark = pytest.mark.usefixtures("db")

LOOKALIKE = "looks too much like the name of someone already here"


async def join(app, client: httpx.AsyncClient, pseudonym: str) -> httpx.Response:
    token = csrf_token(await client.get("/join"))
    return await client.post(
        "/join",
        data={
            "csrf_token": token,
            "invite_code": await invite_code(app),
            "pseudonym": pseudonym,
            "passphrase": PASSPHRASE,
            "confirmation": PASSPHRASE,
        },
    )


@pytest.mark.parametrize(
    ("pseudonym", "message"),
    [
        ("\u0410mina", "Write your name in one alphabet"),  # a Cyrillic А
        ("B\u0430o", "Write your name in one alphabet"),  # a Cyrillic а
        ("\u3164\u3164", "letters, numbers, spaces and punctuation only"),  # Hangul filler
        ("Bao\u3164", "letters, numbers, spaces and punctuation only"),
        ("Bao\u2800", "letters, numbers, spaces and punctuation only"),  # braille blank
        ("\u2800\u2800\u2800", "letters, numbers, spaces and punctuation only"),
        ("Am\u200bina", "letters, numbers, spaces and punctuation only"),  # zero width space
        ("Amina\u202e", "letters, numbers, spaces and punctuation only"),  # bidi override
        ("\u2067Amina\u2069", "letters, numbers, spaces and punctuation only"),  # bidi isolate
        ("Ami\u034fna", "letters, numbers, spaces and punctuation only"),  # grapheme joiner
        ("Amina\u0301\u0301", "the same mark only once"),
        ("\u0301Amina", "must sit on a letter"),
        ("Ami\u0300\u0301\u0302\u0303\u0304na", "at most 3 on one letter"),
        ("Dara \u0967", "Use the digits 0 to 9"),  # a Devanagari one
        ("Dara 1\u0662", "Use the digits 0 to 9"),  # an Arabic-Indic two
        ("1234", "at least one letter"),
    ],
)
async def test_names_that_hide_characters_or_mix_scripts_are_refused(
    app, client, pseudonym, message
):
    response = await join(app, client, pseudonym)
    assert response.status_code == 400
    assert message in html.unescape(response.text)
    assert await Credential.all().count() == 0
    assert await Invite.filter(state=InviteState.OPEN).count() == 1


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Amina", "Arnina"),  # "rn" for "m"
        ("Amina", "Amina."),
        ("Amina", "Ámina"),
        ("Amina", "Amina\u0336"),  # struck through
        ("Bao", "\u0412\u0430\u043e"),  # all Cyrillic: Вао
        ("Bao", "Ba0"),
        ("Jean-Luc", "Jean Luc"),
        ("Lil", "Li1"),
        ("محمد", "مُحَمَّد"),  # the same Arabic name, with its vowel marks
        ("Kim", "Ｋｉｍ"),  # full-width letters, the same name once normalised (NFKC)
    ],
)
async def test_a_name_that_looks_like_one_taken_is_refused(app, client, first, second):
    await make_person(app, first)
    response = await join(app, client, second)
    assert response.status_code == 400
    text = html.unescape(response.text)
    assert LOOKALIKE in text or "That name is taken" in text
    assert await Credential.all().count() == 1


@pytest.mark.parametrize(
    "pseudonym", ["Дмитрий", "محمد", "김민준", "राम", "Ἀλέξανδρος", "山田", "Nguyễn Thị Ánh"]
)
async def test_names_in_one_script_are_welcome(app, client, pseudonym):
    response = await join(app, client, pseudonym)
    assert response.status_code == 200
    assert pseudonym in response.text


async def test_a_name_is_normalised_and_what_it_looks_like_is_kept_only_keyed(app):
    joined = await make_person(app, "  \uff32\uff4f\uff53\uff41\u00a0 Li ")
    assert joined.pseudonym == "Rosa Li"
    assert pseudonym_of(secrets_of(app).key_directory, joined.person.id) == "Rosa Li"
    credential = await Credential.get(id=joined.credential.id)
    lookup_key = secrets_of(app).lookup_key
    assert credential.name_likeness == keyed_hash(lookup_key, "likeness|" + likeness("Rosa Li"))
    assert likeness("Rosa Li") == "rosali"
