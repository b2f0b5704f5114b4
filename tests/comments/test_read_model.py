"""The comment section is computed by the review view (comments.selectors) and only rendered
by templates: no template tag queries or reads the session."""

from http import HTTPStatus

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from comments.identity import OWN_COMMENTS_SESSION_KEY, Viewer
from comments.models import Comment
from comments.selectors import thread_page
from tests.comments.commenting import post_comment
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db


def test_the_review_view_context_carries_the_thread(client, review):
    first = CommentFactory(review=review, name="Ada")
    CommentFactory(review=review, parent=first, name="Grace")
    CommentFactory(review=review, status=Comment.Status.PENDING, name="Held")

    response = client.get(review.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    thread = response.context["thread"]
    assert thread.count == 2  # approved only
    assert [shown.name for shown in thread.comments] == ["Ada"]
    assert [shown.name for shown in thread.comments[0].children] == ["Grace"]
    assert thread.form is not None and thread.is_open


def test_rendering_the_section_runs_no_query(client, review, django_assert_num_queries):
    for n in range(3):
        parent = CommentFactory(review=review, url=f"https://blog{n}.example/")
        CommentFactory(review=review, parent=parent)
    request = RequestFactory().get(review.get_absolute_url())
    thread = thread_page(review=review, viewer=Viewer(), query=request.GET)

    with django_assert_num_queries(0):
        html = render_to_string(
            "comments/_section.html", {"thread": thread, "review": review}, request=request
        )

    assert html.count('class="comment ') == 6
    assert "Leave a Reply" in html


def test_a_held_comment_is_in_its_writers_thread_only(client, review):
    post_comment(client, review, comment="Waiting for a moderator.")
    held = Comment.objects.get(body="Waiting for a moderator.")
    assert held.status == Comment.Status.PENDING

    own = client.get(review.get_absolute_url()).context["thread"]
    assert [shown.pk for shown in own.comments] == [held.pk]
    assert own.comments[0].is_own_pending

    stranger = Viewer()
    assert thread_page(review=review, viewer=stranger, query={}).comments == []


def test_a_tampered_session_list_is_ignored(review):
    request = RequestFactory().get(review.get_absolute_url())
    request.session = {OWN_COMMENTS_SESSION_KEY: ["1", None, -4, 7, {"x": 1}]}
    assert Viewer.from_request(request).own_ids == (7,)
