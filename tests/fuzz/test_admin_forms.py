"""The admin's add and change forms (reviews, films, people, genres, authors, the blocklist,
comments) under arbitrary text in any of their fields, as a superuser. Never a 500; a refused
form shows what was typed, escaped; what was saved runs nowhere (pages and feeds)."""

import pytest
from django.utils.html import escape
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.support import (
    assert_no_server_error,
    assert_nothing_executable,
    assert_well_formed_xml,
    example,
    nasty_text,
    printable_text,
    read_form,
    unicode_digits,
    with_values,
)

pytestmark = pytest.mark.django_db

TYPED = {"text", "textarea", "url", "email", "number", "search", "datetime-local", "date"}


def admin_forms(site):
    """(model, URL) of each form; change forms of the site's own rows."""
    return [
        ("review", "/admin/reviews/review/add/"),
        ("review", f"/admin/reviews/review/{site.review.pk}/change/"),
        ("film", "/admin/films/film/add/"),
        ("film", f"/admin/films/film/{site.review.film.pk}/change/"),
        ("person", "/admin/films/person/add/"),
        ("genre", "/admin/films/genre/add/"),
        ("author", f"/admin/reviews/author/{site.review.author.pk}/change/"),
        ("blocklistentry", "/admin/comments/blocklistentry/add/"),
        ("comment", f"/admin/comments/comment/{site.comment.pk}/change/"),
    ]


values = st.one_of(printable_text, nasty_text, unicode_digits)


@given(data=st.data())
def test_admin_forms_never_fail_and_keep_what_was_typed(anonymous, site, data):
    model, url = data.draw(st.sampled_from(admin_forms(site)), label="form")
    with example("admin: add and change forms"):
        anonymous.force_login(site.superuser)
        page = anonymous.get(url)
        assert page.status_code == 200, (url, page.status_code)
        fields, kinds = read_form(page.content.decode(), form_id=f"{model}_form")
        typed_fields = sorted(
            name for name, kind in kinds.items() if kind in TYPED and "-" not in name
        )
        chosen = data.draw(
            st.lists(st.sampled_from(typed_fields), min_size=1, max_size=3, unique=True),
            label="fields",
        )
        typed = {name: data.draw(values, label=name) for name in chosen}
        response = anonymous.post(url, with_values(fields, typed))
        assert_no_server_error(response)
        assert_nothing_executable(response)
        if response.status_code == 200:  # the form again, with its errors
            html = response.content.decode()
            for name, value in typed.items():
                if value.strip() and kinds[name] in ("text", "textarea", "url", "email"):
                    assert escape(value) in html, (url, name, value)
        for path in (site.review.get_absolute_url(), "/feeds/reviews/", "/feeds/reviews/atom/"):
            shown = anonymous.get(path)
            assert_no_server_error(shown)
            assert_nothing_executable(shown)
            if "feeds" in path:
                assert_well_formed_xml(shown)
