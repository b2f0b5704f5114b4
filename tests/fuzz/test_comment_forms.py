"""The reader's forms under arbitrary input: a comment, a reply, an edit of one's own comment,
a report. Never a 500; a refused form shows the reader what they typed (escaped); nothing they
typed runs in the page or in a mail."""

import re
from urllib.parse import quote

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.support import (
    NASTY,
    assert_no_server_error,
    assert_nothing_executable,
    example,
    executable_markup,
    nasty_text,
    printable_text,
    read_form,
    unicode_digits,
    with_values,
)

pytestmark = pytest.mark.django_db

# Mostly what a person types, so that many posts are saved and shown; the rest anything.
texts = st.one_of(printable_text, nasty_text)
emails = st.one_of(
    st.just("reader@example.net"),
    st.emails(),
    nasty_text,
    st.builds("{}@example.net".format, nasty_text),
)
urls = st.one_of(
    st.just(""),
    st.sampled_from(["https://example.net/", "http://x.example/<script>", "javascript:alert(1)"]),
    nasty_text,
)
ids = st.one_of(unicode_digits, st.sampled_from(NASTY), st.integers(-5, 2**70).map(str))
checkbox = st.sampled_from(["", "on", "\x00", "²"])


def comment_form(client, review, query=""):
    """The comment form's fields as the review page renders them for this client."""
    page = client.get(review.get_absolute_url() + query)
    assert page.status_code == 200, page.status_code
    fields, _kinds = read_form(page.content.decode(), form_id="commentform")
    return fields


def assert_mails_hold_nothing_executable(start):
    for message in mail.outbox[start:]:
        assert message.content_subtype == "plain", message.subject
        assert "\n" not in message.subject and "\r" not in message.subject
        for content, mimetype in getattr(message, "alternatives", []):
            assert "html" not in mimetype or not executable_markup(content), message.subject


def post_and_check(client, review, data, *, capture):
    """Posts the form: no 500; on a refusal the typed comment and name come back, escaped; on
    success the page that shows the comment, and any mail sent, hold nothing executable."""
    start = len(mail.outbox)
    with capture(execute=True):
        response = client.post(reverse("comments:post", kwargs={"slug": review.slug}), data)
    assert_no_server_error(response)
    assert_nothing_executable(response)
    if response.status_code >= 400:
        html = response.content.decode()
        for name in ("comment", "name"):
            typed = data.get(name, [""])[0]
            # Whitespace alone is no text to keep (the page collapses it).
            if typed.strip():
                assert escape(typed) in html, f"{name} {typed!r} not shown again"
    else:
        assert response.status_code == 302, response.status_code
        page = client.get(response["Location"])
        assert_no_server_error(page)
        assert_nothing_executable(page)
    assert_mails_hold_nothing_executable(start)
    return response


# A valid comment, with one to three of its fields replaced by generated input: most
# examples then fail on the generated field alone, and many are saved and shown.
VALID_COMMENT = {
    "comment": "A thoughtful comment about the film.",
    "name": "Ada Reader",
    "email": "ada@example.net",
    "url": "",
    "rating": "",
    "spoilers": "",
    "notify": "on",
}
COMMENT_FIELDS = {
    "comment": texts,
    "name": texts,
    "email": emails,
    "url": urls,
    "rating": st.one_of(st.sampled_from(["7", "10"]), ids),
    "spoilers": checkbox,
    "notify": checkbox,
}
comment_values = st.sets(st.sampled_from(sorted(COMMENT_FIELDS)), min_size=1, max_size=3).flatmap(
    lambda names: st.fixed_dictionaries({name: COMMENT_FIELDS[name] for name in names})
)


@given(values=comment_values)
def test_comment_form_never_fails_and_keeps_what_was_typed(
    anonymous, site, django_capture_on_commit_callbacks, values
):
    with example("form: comment"):
        fields = comment_form(anonymous, site.review)
        data = with_values(fields, {**VALID_COMMENT, **values})
        post_and_check(anonymous, site.review, data, capture=django_capture_on_commit_callbacks)


@given(
    comment=texts,
    name=st.one_of(st.just("Ada Reader"), texts),
    parent=st.one_of(st.none(), ids),
)
def test_reply_form_never_fails(
    anonymous, site, django_capture_on_commit_callbacks, comment, name, parent
):
    with example("form: reply"):
        fields = comment_form(anonymous, site.review, f"?replytocom={site.comment.pk}")
        # The reply form as rendered (parent set), or with the parent tampered with.
        values = {"comment": comment, "name": name, "email": "reader@example.net"}
        if parent is not None:
            values["parent"] = parent
        data = with_values(fields, values)
        post_and_check(anonymous, site.review, data, capture=django_capture_on_commit_callbacks)


def _own_comment(client, review):
    """Posts a plain comment as this client and returns its id (the client may now edit it)."""
    data = with_values(
        comment_form(client, review),
        {"comment": "Mine, to edit.", "name": "Owner", "email": "owner@example.net"},
    )
    response = client.post(reverse("comments:post", kwargs={"slug": review.slug}), data)
    assert response.status_code == 302, response.content.decode()[:500]
    return int(re.search(r"#comment-(\d+)$", response["Location"])[1])


@given(comment=nasty_text, spoilers=checkbox)
def test_own_edit_form_never_fails_and_keeps_what_was_typed(anonymous, site, comment, spoilers):
    with example("form: own edit"):
        pk = _own_comment(anonymous, site.review)
        url = reverse("comments:edit", kwargs={"pk": pk})
        response = anonymous.post(url, {"comment": comment, "spoilers": spoilers})
        assert_no_server_error(response)
        assert_nothing_executable(response)
        if response.status_code >= 400 and comment.strip():
            assert escape(comment) in response.content.decode()
        page = anonymous.get(site.review.get_absolute_url())
        assert_no_server_error(page)
        assert_nothing_executable(page)


@given(reason=nasty_text, target=st.one_of(st.just("comment"), ids))
def test_report_form_never_fails(anonymous, site, reason, target):
    with example("form: report"):
        pk = site.comment.pk if target == "comment" else quote(target, safe="")
        response = anonymous.post(f"/comments/{pk}/report/", {"reason": reason})
        assert_no_server_error(response)
        assert_nothing_executable(response)
