"""One cookie read from the header gives what Starlette's full parse gives."""

from hypothesis import given
from hypothesis import strategies as st
from starlette.requests import HTTPConnection

from chorus.middleware import cookie

names = st.sampled_from(["__Host-session", "__Host-lang", "other", "x__Host-lang", "lang"])
values = st.text(alphabet="ABCabc012-_=.", max_size=30)


@given(st.lists(st.tuples(names, values), max_size=6), st.sampled_from(["; ", ";", " ; "]))
def test_a_cookie_is_read_as_starlette_reads_it(pairs, separator):
    header = separator.join(f"{name}={value}" for name, value in pairs).encode()
    scope = {"type": "http", "headers": [(b"host", b"x"), (b"cookie", header)]}
    parsed = HTTPConnection(scope).cookies
    for name in ("__Host-session", "__Host-lang", "lang"):
        assert cookie(scope, name) == parsed.get(name)


def test_no_cookie_header_means_no_cookie():
    assert cookie({"type": "http", "headers": [(b"host", b"x")]}, "__Host-lang") is None
