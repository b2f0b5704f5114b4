"""Every XML writer (RSS, Atom, the comment feed, the sitemap, the WXR export) with rows holding
any text at all, saved around the validators as an old row or a script could have: always a
well-formed document, nothing executable in it, and an export that import_wxr reads back."""

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from comments.models import Comment
from films.models import Film, Genre, Person
from reviews.models import Author, Review
from tests.fuzz.support import (
    NASTY,
    assert_no_server_error,
    assert_nothing_executable,
    assert_well_formed_xml,
    example,
)
from wordpress.export import export_wxr
from wordpress.wxr import import_wxr

pytestmark = pytest.mark.django_db


def stored(max_size):
    """Text a row can hold: anything but lone surrogates (and NUL, which PostgreSQL refuses)."""
    text = st.one_of(
        st.text(st.characters(codec="utf-8"), max_size=max_size),
        st.sampled_from([value[:max_size] for value in NASTY]),
    )
    if connection.vendor == "postgresql":
        text = text.map(lambda value: value.replace("\x00", ""))
    return text


@given(
    headline=stored(200),
    standfirst=stored(400),
    body=stored(400),
    verdict=stored(30),
    film=stored(200),
    author=stored(120),
    genre=stored(60),
    person=stored(120),
    name=stored(80),
    comment=stored(400),
)
def test_xml_writers_carry_any_stored_text(
    anonymous,
    site,
    headline,
    standfirst,
    body,
    verdict,
    film,
    author,
    genre,
    person,
    name,
    comment,
):
    with example("xml: feeds, sitemap, export with any stored text"):
        review = site.review
        Review.objects.filter(pk=review.pk).update(
            headline=headline, standfirst=standfirst, body=body, verdict=verdict
        )
        Film.objects.filter(pk=review.film_id).update(title=film)
        Author.objects.filter(pk=review.author_id).update(display_name=author)
        Genre.objects.filter(films=review.film_id).update(name=genre)
        Person.objects.filter(films=review.film_id).update(name=person)
        Comment.objects.filter(pk=site.comment.pk).update(name=name, body=comment)

        for path in (
            "/feeds/reviews/",
            "/feeds/reviews/atom/",
            f"{review.get_absolute_url()}comments/feed/",
            "/sitemap.xml",
            "/sitemap-reviews.xml",
            "/sitemap-films.xml",
            "/sitemap-people.xml",
            "/sitemap-authors.xml",
        ):
            response = anonymous.get(path)
            assert_no_server_error(response)
            assert response.status_code == 200, path
            assert_well_formed_xml(response)
        page = anonymous.get(review.get_absolute_url())
        assert_no_server_error(page)
        assert_nothing_executable(page)

        counts = import_wxr(data=export_wxr(), dry_run=True)
        assert counts.present.get("reviews", 0) + counts.created.get("reviews", 0) == 1
