"""The reading pages' parameters: search, the film index's filters, every list's ?page=, the
comment threads' ?cpage=, ?corder= and ?replytocom=. Never a 500, nothing executable, and what
a reader searched for is shown back escaped."""

import pytest
from django.urls import reverse
from django.utils.html import escape
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.support import (
    assert_no_server_error,
    assert_nothing_executable,
    encode_query,
    example,
    nasty_text,
    printable_text,
    raw_bytes,
    unicode_digits,
)

pytestmark = pytest.mark.django_db

numbers = st.one_of(
    unicode_digits, st.integers(-3, 10**25).map(str), printable_text, nasty_text, raw_bytes
)


def get(client, path, params):
    """GET with the parameters that are not None (support.encode_query)."""
    query = encode_query([(key, value) for key, value in params.items() if value is not None])
    response = client.get(f"{path}?{query}" if query else path)
    assert_no_server_error(response)
    assert_nothing_executable(response)
    return response


maybe_page = st.one_of(st.none(), st.just("1"), numbers)


@given(q=st.one_of(printable_text, nasty_text), page=maybe_page)
def test_search_never_fails_and_shows_the_query_escaped(anonymous, site, q, page):
    with example("page: search"):
        response = get(anonymous, reverse("reviews:search"), {"q": q, "page": page})
        text = " ".join(q.split())
        if response.status_code == 200 and text.isprintable() and len(q) <= 200:
            assert escape(text) in response.content.decode()


@given(
    genre=st.one_of(st.none(), st.just("drama"), printable_text, nasty_text),
    year=st.one_of(st.none(), st.just("2013"), numbers),
    letter=st.one_of(st.none(), st.sampled_from(["h", "0-9"]), printable_text, nasty_text),
    page=maybe_page,
)
def test_film_index_filters_never_fail(anonymous, site, genre, year, letter, page):
    with example("page: films index filters"):
        params = {"genre": genre, "year": year, "letter": letter, "page": page}
        get(anonymous, reverse("films:list"), params)


LISTS = ["reviews:home", "films:list", "reviews:search"]


@given(
    name=st.sampled_from([*LISTS, "films:genre", "reviews:author"]),
    page=numbers,
)
def test_every_list_reads_its_page_number_safely(anonymous, site, name, page):
    with example("page: ?page= of every list"):
        kwargs = {}
        if name == "films:genre":
            kwargs = {"slug": "drama"}
        elif name == "reviews:author":
            kwargs = {"slug": site.review.author.slug}
        get(anonymous, reverse(name, kwargs=kwargs), {"page": page})


@given(
    cpage=numbers,
    corder=st.one_of(st.sampled_from(["oldest", "newest"]), printable_text, nasty_text),
    replytocom=st.one_of(st.just("keep"), numbers),
)
def test_comment_thread_parameters_never_fail(anonymous, site, cpage, corder, replytocom):
    with example("page: review ?cpage ?corder ?replytocom"):
        reply = str(site.comment.pk) if replytocom == "keep" else replytocom
        params = {"cpage": cpage, "corder": corder, "replytocom": reply}
        get(anonymous, site.review.get_absolute_url(), params)
