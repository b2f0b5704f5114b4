"""The moderation queue and its forms under arbitrary input: ?status= and ?page= of the queue,
the act / undo / edit forms with any action, ids and `next`. Never a 500; a decision that was
valid is saved whatever `next` says, and the browser is only ever sent back into the site."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from comments.models import Comment
from tests.fuzz.support import (
    NASTY,
    assert_no_server_error,
    assert_nothing_executable,
    encode_query,
    example,
    nasty_text,
    printable_text,
    unicode_digits,
)

pytestmark = pytest.mark.django_db

ACTIONS = ["approve", "unapprove", "spam", "remove"]
targets = st.one_of(
    st.sampled_from(["/moderation/?status=spam", "/", "https://testserver/moderation/"]),
    st.sampled_from(NASTY),
    printable_text,
    nasty_text,
)
ids = st.one_of(
    st.just("held"), unicode_digits, st.sampled_from(NASTY), st.integers(-5, 2**70).map(str)
)


def assert_sent_back_into_the_site(response):
    if response.status_code in (301, 302):
        location = urlsplit(response["Location"])
        assert location.scheme in ("", "http", "https"), location
        assert location.netloc in ("", "testserver"), location
        assert not location.path.startswith(("//", "/\\")), location


@given(
    status=st.one_of(st.sampled_from(["pending", "spam"]), printable_text, nasty_text),
    page=st.one_of(st.just("1"), unicode_digits, printable_text, nasty_text),
)
def test_queue_never_fails(moderator_client, site, status, page):
    with example("moderation: queue"):
        query = encode_query([("status", status), ("page", page)])
        response = moderator_client.get(f"{reverse('moderation:queue')}?{query}")
        assert_no_server_error(response)
        assert_nothing_executable(response)


@given(
    action=st.one_of(st.sampled_from(ACTIONS), nasty_text),
    comment_ids=st.lists(ids, max_size=3),
    next_url=st.one_of(st.none(), targets),
    json=st.booleans(),
)
def test_act_and_undo_never_fail_and_valid_decisions_are_saved(
    moderator_client, site, action, comment_ids, next_url, json
):
    with example("moderation: act and undo forms"):
        posted = [str(site.held.pk) if value == "held" else value for value in comment_ids]
        data = {"action": action, "comment": posted}
        if next_url is not None:
            data["next"] = next_url
        headers = {"Accept": "application/json"} if json else {}
        response = moderator_client.post(reverse("moderation:act"), data, headers=headers)
        assert_no_server_error(response)
        assert_sent_back_into_the_site(response)
        if action in ACTIONS and str(site.held.pk) in posted:
            site.held.refresh_from_db()
            expected = {"approve": "approved", "unapprove": "pending", "spam": "spam"}
            assert site.held.status == expected.get(action, Comment.Status.REMOVED)
        undo = moderator_client.post(reverse("moderation:undo"), data, headers=headers)
        assert_no_server_error(undo)
        assert_sent_back_into_the_site(undo)


@given(
    body=st.one_of(printable_text, nasty_text),
    next_url=st.one_of(st.none(), targets),
    via_query=st.booleans(),
)
def test_edit_form_never_fails_and_keeps_what_was_typed(
    moderator_client, site, body, next_url, via_query
):
    with example("moderation: edit form"):
        url = reverse("moderation:edit", kwargs={"pk": site.comment.pk})
        data = {"body": body}
        if next_url is not None and via_query:
            url += "?" + encode_query([("next", next_url)])
        elif next_url is not None:
            data["next"] = next_url
        page = moderator_client.get(url)
        assert_no_server_error(page)
        assert_nothing_executable(page)
        response = moderator_client.post(url, data)
        assert_no_server_error(response)
        assert_nothing_executable(response)
        assert_sent_back_into_the_site(response)
        if response.status_code == 302 and body.strip():
            site.comment.refresh_from_db()
            assert site.comment.body == body.strip()
