"""The admin's review pickers show an author what they may see: published reviews and their own
work, never a colleague's draft (its headline is unpublished work). Through the autocomplete URL
the select boxes call, and the change form that saves the choice."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from reviews.models import Review
from tests.factories import ReviewFactory
from tests.reviews.test_admin import change_post_data, change_url

pytestmark = pytest.mark.django_db

AUTOCOMPLETE = reverse("admin:autocomplete")
RELATED = {"app_label": "reviews", "model_name": "review", "field_name": "related_reviews"}
REDIRECT_TARGET = {"app_label": "wordpress", "model_name": "legacyredirect", "field_name": "review"}


@pytest.fixture
def newsroom(author):
    """A colleague's published review, draft and scheduled one, and the author's own draft."""
    later = timezone.now() + timedelta(days=3)
    return {
        "published": ReviewFactory(headline="Her: published by a colleague"),
        "draft": ReviewFactory(
            headline="Her: a colleague's draft", status=Review.Status.DRAFT, published_at=None
        ),
        "scheduled": ReviewFactory(
            headline="Her: a colleague's scheduled piece",
            status=Review.Status.SCHEDULED,
            published_at=later,
        ),
        "own draft": ReviewFactory(
            author=author, headline="Her: my own draft", status=Review.Status.DRAFT
        ),
    }


def suggested(client, term="her", field=RELATED):
    response = client.get(AUTOCOMPLETE, {"term": term, **field})
    assert response.status_code == HTTPStatus.OK
    return sorted(item["text"] for item in response.json()["results"])


def test_an_author_is_offered_published_reviews_and_their_own_never_a_colleagues_draft(
    client, author, newsroom
):
    client.force_login(author.user)

    assert suggested(client) == ["Her: my own draft", "Her: published by a colleague"]


def test_searching_a_drafts_words_finds_nothing_either(client, author, newsroom):
    Review.objects.filter(pk=newsroom["draft"].pk).update(body="A secret twist about Samantha.")
    client.force_login(author.user)

    assert suggested(client, term="samantha") == []


def test_a_legacy_redirects_review_picker_follows_the_same_rule(client, author, newsroom):
    # Any staff user who may view reviews can call it, through another model's field.
    client.force_login(author.user)

    assert suggested(client, field=REDIRECT_TARGET) == [
        "Her: my own draft",
        "Her: published by a colleague",
    ]


def test_an_editor_who_may_change_any_review_is_offered_every_review(client, author, newsroom):
    editor = author.user
    editor.user_permissions.add(Permission.objects.get(codename="change_any_review"))
    client.force_login(editor)

    assert len(suggested(client)) == 4


def test_a_typed_id_of_a_colleagues_draft_is_neither_shown_nor_linked(client, author, newsroom):
    own = ReviewFactory(author=author)
    client.force_login(author.user)

    response = client.post(
        change_url(own), change_post_data(own, related_reviews=[newsroom["draft"].pk])
    )

    assert response.status_code == HTTPStatus.OK  # the form again, with the error
    assert "Select a valid choice" in response.content.decode()
    assert newsroom["draft"].headline not in response.content.decode()
    assert not own.related_reviews.exists()


def test_a_link_an_editor_made_to_a_draft_survives_the_authors_save(client, author, newsroom):
    own = ReviewFactory(author=author)
    own.related_reviews.add(newsroom["draft"])
    client.force_login(author.user)

    response = client.post(
        change_url(own),
        change_post_data(
            own,
            standfirst="Edited.",
            related_reviews=[newsroom["draft"].pk, newsroom["published"].pk],
        ),
    )

    assert response.status_code == HTTPStatus.FOUND
    assert set(own.related_reviews.all()) == {newsroom["draft"], newsroom["published"]}


def test_film_and_person_pickers_hold_nothing_private(client, author):
    # Films and people have no unpublished state: every one is public on the site.
    client.force_login(author.user)
    for field in (
        {"app_label": "reviews", "model_name": "review", "field_name": "film"},
        {"app_label": "films", "model_name": "credit", "field_name": "person"},
    ):
        assert client.get(AUTOCOMPLETE, {"term": "", **field}).status_code == HTTPStatus.OK


def test_an_authors_user_picker_is_closed_to_authors(client, author):
    # The Author form's user picker lists accounts (names, addresses): superusers only.
    client.force_login(author.user)

    response = client.get(
        AUTOCOMPLETE,
        {"term": "", "app_label": "reviews", "model_name": "author", "field_name": "user"},
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
