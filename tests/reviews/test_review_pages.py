"""A review page: film card, byline, score, body, author box, related reviews, preview."""

from datetime import datetime, timedelta
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.reviews.reading_data import add_image, draft, make_film, page_text, scheduled

pytestmark = pytest.mark.django_db

WORDS_FOR_SIX_MINUTES = 1300  # 1300 / 220 wpm = 5.9 -> 6 min


@pytest.fixture
def her_review():
    director = factories.PersonFactory(name="Spike Jonze", slug="spike-jonze")
    film = make_film(
        director=director,
        writers=[director],
        poster=True,
        certification="R",
        runtime_minutes=126,
    )
    review = factories.ReviewFactory(
        film=film,
        headline="Her — an excruciating self exploration",
        slug="her-self-exploration",
        standfirst="A film about loneliness that never feels lonely.",
        rating=Decimal("8"),
        author__display_name="Ana Critic",
        author__bio="I'm the person behind this blog.",
        body=(
            "Theodore writes other people's letters.\n\n"
            "[pullquote]It is the loneliest love story of the decade.[/pullquote]\n\n"
            "[image 1]\n\n"
            "The last act lands."
        ),
    )
    add_image(review, order=1, caption="Theodore at the beach.", alt="A man on a beach")
    return review


def test_review_page_shows_the_film_card(client, her_review):
    response = client.get(her_review.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    text = page_text(response)
    html = response.content.decode()
    assert "<h1" in html and "Her — an excruciating self exploration</h1>" in html
    assert "Her (2013)" in text
    assert "Certificate R" in text
    assert "Runtime 126 min" in text
    assert "Genres Drama | Romance | Science Fiction" in text
    assert "Director Spike Jonze" in text
    assert "Starring Joaquin Phoenix, Scarlett Johansson" in text
    assert f'href="{her_review.film.get_absolute_url()}">All about Her' in html
    assert her_review.film.poster_320_jpeg.url in html
    assert 'width="320" height="480" alt="Poster for Her"' in html


def test_review_page_shows_byline_score_and_reading_time(client, her_review):
    her_review.body = " ".join(["word"] * WORDS_FOR_SIX_MINUTES)
    her_review.published_at = timezone.make_aware(datetime(2025, 3, 14, 12))
    her_review.save()

    text = page_text(client.get(her_review.get_absolute_url()))

    assert "By Ana Critic · 14 March 2025" in text
    assert "6 min read" in text
    assert "8 / 10 Good" in text
    assert "A film about loneliness that never feels lonely." in text
    assert "Updated" not in text


def test_review_page_shows_updated_only_when_edited_after_publication(client, her_review):
    her_review.published_at = timezone.make_aware(datetime(2025, 3, 14, 12))
    her_review.updated_at = timezone.make_aware(datetime(2025, 6, 2, 12))
    her_review.save()

    assert "Updated 2 June 2025" in page_text(client.get(her_review.get_absolute_url()))

    her_review.updated_at = her_review.published_at - timedelta(hours=1)
    her_review.save()
    assert "Updated" not in page_text(client.get(her_review.get_absolute_url()))


def test_review_page_renders_pull_quote_figure_and_author_box(client, her_review):
    html = client.get(her_review.get_absolute_url()).content.decode()

    assert (
        '<blockquote class="pullquote"><p>It is the loneliest love story of the decade.</p>' in html
    )
    image = her_review.images.get()
    assert f'<img src="{image.image_480_jpeg.url}"' in html
    assert 'alt="A man on a beach"' in html
    assert "<figcaption>Theodore at the beach.</figcaption>" in html
    assert "About Ana Critic" in html
    assert "I&#x27;m the person behind this blog." in html
    assert 'class="avatar avatar-96 avatar-initials"' in html


def test_review_page_verdict_can_be_overridden_by_the_author(client):
    review = factories.ReviewFactory(rating=Decimal("7.5"), verdict="Flawed but brave")
    assert "7.5 / 10 Flawed but brave" in page_text(client.get(review.get_absolute_url()))


def test_review_page_includes_the_comments_section_after_the_related_block(client, her_review):
    other = factories.ReviewFactory(film=make_film("Adaptation", "adaptation"))
    her_review.related_reviews.add(other)

    html = client.get(her_review.get_absolute_url()).content.decode()

    assert 'id="comments"' in html
    assert html.index('id="related-title"') < html.index('id="comments"')


def test_unknown_review_is_not_found(client):
    response = client.get(reverse("reviews:detail", kwargs={"slug": "no-such-review"}))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "This reel is missing" in page_text(response)


class TestRelatedBlock:
    def test_more_from_the_director_lists_only_published_reviews_of_their_other_films(self, client):
        jonze = factories.PersonFactory(name="Spike Jonze")
        her = factories.ReviewFactory(film=make_film("Her", "her", director=jonze))
        adaptation = factories.ReviewFactory(
            film=make_film("Adaptation", "adaptation", director=jonze),
            headline="Adaptation, reviewed",
        )
        draft(film=make_film("Being John Malkovich", "bjm", director=jonze))
        scheduled(film=adaptation.film)
        factories.ReviewFactory(headline="Someone else's film", film=make_film("X", "x"))

        text = page_text(client.get(her.get_absolute_url()))

        block = text[text.index("More from Spike Jonze") :]
        assert "Adaptation, reviewed" in block
        assert "SECRET" not in text

    def test_same_genre_and_hand_picked_reviews_are_published_only(self, client):
        review = factories.ReviewFactory(film=make_film("Her", "her", genres=["Romance"]))
        factories.ReviewFactory(
            film=make_film("Before Sunrise", "before-sunrise", genres=["Romance"]),
            headline="Talking all night",
        )
        picked = factories.ReviewFactory(
            film=make_film("Alien", "alien", genres=["Horror"]), headline="In space"
        )
        hidden_pick = draft(film=picked.film)
        review.related_reviews.add(picked, hidden_pick)

        text = page_text(client.get(review.get_absolute_url()))

        assert "More Romance Before Sunrise (2013) Talking all night" in text
        assert "also recommends Alien (2013) In space" in text
        assert "SECRET" not in text

    def test_previous_and_next_follow_publication_order_and_skip_drafts(self, client):
        now = timezone.now()
        older = factories.ReviewFactory(headline="Older one", published_at=now - timedelta(3))
        middle = factories.ReviewFactory(headline="Middle one", published_at=now - timedelta(2))
        newer = factories.ReviewFactory(headline="Newer one", published_at=now - timedelta(1))
        scheduled()
        draft()

        text = page_text(client.get(middle.get_absolute_url()))

        assert "Previous review Older one" in text
        assert "Next review → Newer one" in text
        newest = page_text(client.get(newer.get_absolute_url()))
        assert "Next review" not in newest
        assert "SECRET" not in newest
        assert "Previous review" not in page_text(client.get(older.get_absolute_url()))


class TestDraftPreview:
    def test_readers_get_not_found_for_drafts_and_scheduled_reviews(self, client):
        for review in (draft(), scheduled()):
            response = client.get(review.get_absolute_url())
            assert response.status_code == HTTPStatus.NOT_FOUND
            assert "SECRET" not in response.content.decode()

    def test_the_reviews_own_author_previews_with_a_banner_and_no_caching(self, client):
        review = draft()
        client.force_login(review.author.user)

        response = client.get(review.get_absolute_url())

        assert response.status_code == HTTPStatus.OK
        assert "Draft preview." in page_text(response)
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"no-cache", "no-store", "must-revalidate", "private"} <= cache_control
        assert '<meta name="robots" content="noindex">' in response.content.decode()
        assert "application/ld+json" not in response.content.decode()

    def test_another_author_cannot_preview(self, client):
        review = scheduled()
        client.force_login(factories.AuthorFactory().user)
        assert client.get(review.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND

    def test_superuser_previews_any_draft(self, client):
        review = draft()
        client.force_login(factories.UserFactory(username="boss", is_staff=True, is_superuser=True))
        assert client.get(review.get_absolute_url()).status_code == HTTPStatus.OK

    def test_staff_need_the_change_permission_to_preview(self, client, moderator):
        review = draft()
        client.force_login(moderator)  # Moderators may view reviews, not change them
        assert client.get(review.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND

        editor = factories.UserFactory(username="editor", is_staff=True)
        editor.user_permissions.add(Permission.objects.get(codename="change_review"))
        client.force_login(editor)
        assert client.get(review.get_absolute_url()).status_code == HTTPStatus.OK

    def test_a_published_review_is_not_marked_as_preview(self, client, review):
        client.force_login(review.author.user)
        response = client.get(review.get_absolute_url())
        assert "Draft preview" not in page_text(response)
        assert "no-store" not in response.get("Cache-Control", "")
