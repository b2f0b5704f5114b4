"""Every URL pattern of the site, with arbitrary path parameters, query strings and form bodies:
never a 500, and nothing executable in any page. The public routes anonymously, the admin's as
a signed-in superuser."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.support import (
    any_text,
    assert_no_server_error,
    assert_nothing_executable,
    example,
    nasty_text,
    path_for,
    query_strings,
    raw_bytes,
    route_text,
    walk_patterns,
)

pytestmark = pytest.mark.django_db

PATTERNS = sorted(walk_patterns(), key=route_text)
PUBLIC = [chain for chain in PATTERNS if not route_text(chain).startswith("admin/")]
ADMIN = [chain for chain in PATTERNS if route_text(chain).startswith("admin/")]

# Field names the site's forms use, so a random body reaches their validation.
FORM_KEYS = [
    "comment",
    "name",
    "email",
    "url",
    "rating",
    "parent",
    "spoilers",
    "notify",
    "remember",
    "honeypot",
    "timestamp",
    "reason",
    "next",
    "action",
    "body",
    "confirm",
    "q",
    "_selected_action",
    "index",
    "select_across",
    "headline",
    "title",
    "year",
    "display_name",
    "username",
    "password",
]
form_bodies = st.dictionaries(
    st.one_of(st.sampled_from(FORM_KEYS), any_text.filter(bool)),
    st.one_of(nasty_text, st.lists(nasty_text, max_size=3)),
    max_size=5,
)


def known_values(site):
    ids = [str(pk) for pk in site.ids]
    return {
        "slug": site.slugs,
        "pk": ids,
        "object_id": ids,
        "id": ids,
        "token": site.tokens,
        "content_type_id": ["1", "7"],
        "app_label": ["comments", "reviews", "films", "auth"],
    }


def request(client, method, path, query, body, raw_body):
    url = f"{path}?{query}" if query else path
    if method == "POST" and raw_body is not None:
        return client.generic(
            "POST", url, raw_body.encode(), content_type="application/x-www-form-urlencoded"
        )
    if method == "POST":
        return client.post(url, body)
    return client.generic(method, url)


def _exercise(client, site, chains, data, surface, *, login=None):
    chain = data.draw(st.sampled_from(chains), label="pattern")
    path = data.draw(path_for(chain, known_values(site)), label="path")
    method = data.draw(st.sampled_from(["GET", "GET", "HEAD", "POST"]), label="method")
    query = data.draw(query_strings, label="query")
    body = data.draw(form_bodies, label="body") if method == "POST" else {}
    raw_body = (
        data.draw(st.one_of(st.none(), raw_bytes), label="raw body") if method == "POST" else None
    )
    with example(surface):
        if login is not None:
            client.force_login(login)  # a POST to /admin/logout/ may have signed out
        response = request(client, method, path, query, body, raw_body)
        assert_no_server_error(response)
        assert_nothing_executable(response)


@given(data=st.data())
def test_no_public_url_answers_500(anonymous, site, data):
    _exercise(anonymous, site, PUBLIC, data, "urls: public, anonymous")


@given(data=st.data())
def test_no_admin_url_answers_500_to_a_superuser(anonymous, site, data):
    _exercise(anonymous, site, ADMIN, data, "urls: admin, superuser", login=site.superuser)


@given(path=st.one_of(nasty_text, raw_bytes), query=query_strings)
def test_no_made_up_path_answers_500(anonymous, site, path, query):
    with example("urls: made-up paths"):
        url = "/" + path.lstrip("/") + (f"?{query}" if query else "")
        response = anonymous.get(url)
        assert_no_server_error(response)
        assert_nothing_executable(response)
