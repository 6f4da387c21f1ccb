from hypothesis import given
from hypothesis import strategies as st

from chorus.csrf import derive_key, issue_token, same_origin, token_is_valid

KEY = derive_key(b"k" * 32, "csrf")


def test_a_fresh_token_is_valid():
    assert token_is_valid(KEY, issue_token(KEY))


def test_tokens_differ_every_time_so_compression_cannot_reveal_them():
    assert len({issue_token(KEY) for _ in range(20)}) == 20


def test_a_token_from_another_key_is_refused():
    other = derive_key(b"o" * 32, "csrf")
    assert not token_is_valid(KEY, issue_token(other))


def test_a_token_bound_to_one_session_fails_for_another():
    token = issue_token(KEY, binding=b"session-a")
    assert token_is_valid(KEY, token, binding=b"session-a")
    assert not token_is_valid(KEY, token, binding=b"session-b")
    assert not token_is_valid(KEY, token)


def test_an_old_token_expires():
    token = issue_token(KEY, now=1_000_000)
    assert token_is_valid(KEY, token, now=1_000_000 + 3600)
    assert not token_is_valid(KEY, token, now=1_000_000 + 13 * 3600)


@given(st.text(max_size=80))
def test_garbage_is_never_valid(text: str):
    assert not token_is_valid(KEY, text)


@given(st.binary(min_size=48, max_size=48))
def test_tampered_tokens_are_refused(noise: bytes):
    import base64

    assert not token_is_valid(KEY, base64.urlsafe_b64encode(noise).decode().rstrip("="))


def test_purposes_get_different_keys():
    assert derive_key(b"k" * 32, "csrf") != derive_key(b"k" * 32, "session")


def test_same_origin_rules():
    assert same_origin({"sec-fetch-site": "same-origin", "host": "a.test"})
    assert same_origin({"sec-fetch-site": "none", "host": "a.test"})
    assert not same_origin({"sec-fetch-site": "cross-site", "host": "a.test"})
    assert not same_origin({"sec-fetch-site": "same-site", "host": "a.test"})
    assert same_origin({"origin": "https://a.test", "host": "a.test"})
    assert not same_origin({"origin": "https://evil.test", "host": "a.test"})
    assert not same_origin({"origin": "null", "host": "a.test"})
    assert same_origin({"host": "a.test"})
