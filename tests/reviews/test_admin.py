from datetime import timedelta
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from comments.models import BlocklistEntry, ModerationLog, Subscription, VerifiedEmail
from reviews.models import Author, Review, ReviewImage
from tests.factories import (
    AuthorFactory,
    CommentFactory,
    CreditFactory,
    FilmFactory,
    GenreFactory,
    ReviewFactory,
    UserFactory,
)
from tests.images import fake_jpeg_upload, image_bytes, png_upload

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:reviews_review_add")
LIST_URL = reverse("admin:reviews_review_changelist")


def change_url(review):
    return reverse("admin:reviews_review_change", args=[review.pk])


def images_management(total=0, initial=0):
    return {
        "images-TOTAL_FORMS": str(total),
        "images-INITIAL_FORMS": str(initial),
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
    }


def review_post_data(film, **overrides):
    """What the review form posts for a new published review (no images)."""
    published = timezone.localtime() - timedelta(hours=2)
    data = {
        "film": film.pk,
        "headline": "Her — a quiet triumph",
        "slug": "her-a-quiet-triumph",
        "standfirst": "A love story with an operating system.",
        "body": "First paragraph.\n\n[pullquote]A line worth repeating.[/pullquote]",
        "rating": "8.5",
        "verdict": "",
        "status": Review.Status.PUBLISHED,
        "published_at_0": published.strftime("%Y-%m-%d"),
        "published_at_1": published.strftime("%H:%M:%S"),
        "updated_at_0": "",
        "updated_at_1": "",
        "comments_open": "on",
        **images_management(),
    }
    data.update(overrides)
    return data


def change_post_data(review, **overrides):
    """What the change form posts back for an existing review, with some fields changed."""
    published = timezone.localtime(review.published_at)
    data = {
        "film": review.film_id,
        "author": review.author_id,
        "headline": review.headline,
        "slug": review.slug,
        "standfirst": review.standfirst,
        "body": review.body,
        "rating": f"{review.rating:.1f}",  # as the rating select spells it
        "verdict": review.verdict,
        "status": review.status,
        "published_at_0": published.strftime("%Y-%m-%d"),
        "published_at_1": published.strftime("%H:%M:%S"),
        "updated_at_0": "",
        "updated_at_1": "",
        "comments_open": "on",
        **images_management(),
    }
    data.update(overrides)
    return data


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_author_opens_the_add_form_with_markdown_help_and_no_author_picker(client, author):
    client.force_login(author.user)
    response = client.get(ADD_URL)
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert 'name="author"' not in content
    assert 'class="vLargeTextField markdown-source"' in content
    assert "[pullquote]" in content
    assert "[image 1]" in content
    # Film is picked through the autocomplete widget, images through the inline.
    assert 'data-field-name="film"' in content
    assert 'name="images-TOTAL_FORMS"' in content


def test_author_creates_a_review_credited_to_themselves_even_when_posting_another_author(
    client, author
):
    other = AuthorFactory()
    film = FilmFactory()
    client.force_login(author.user)

    response = client.post(ADD_URL, review_post_data(film, author=other.pk))

    assert response.status_code == HTTPStatus.FOUND
    review = Review.objects.get(slug="her-a-quiet-triumph")
    assert review.author == author
    assert review.rating == Decimal("8.5")
    assert review.film == film


def test_authors_member_without_a_profile_gets_one_on_their_first_review(client):
    user = UserFactory(first_name="Ada", last_name="Lovelace", is_staff=True, groups=["Authors"])
    AuthorFactory(slug="ada-lovelace")  # somebody already has the natural slug
    client.force_login(user)

    response = client.post(ADD_URL, review_post_data(FilmFactory()))

    assert response.status_code == HTTPStatus.FOUND
    profile = Author.objects.get(user=user)
    assert profile.display_name == "Ada Lovelace"
    assert profile.slug == "ada-lovelace-2"
    assert Review.objects.get(slug="her-a-quiet-triumph").author == profile


def test_profile_name_falls_back_to_the_username(client):
    user = UserFactory(username="cinephile", is_staff=True, groups=["Authors"])
    client.force_login(user)
    client.post(ADD_URL, review_post_data(FilmFactory()))
    assert Author.objects.get(user=user).display_name == "cinephile"


def test_author_changes_their_own_review(client, author):
    review = ReviewFactory(author=author)
    client.force_login(author.user)

    assert client.get(change_url(review)).status_code == HTTPStatus.OK
    response = client.post(change_url(review), change_post_data(review, headline="Better title"))

    assert response.status_code == HTTPStatus.FOUND
    review.refresh_from_db()
    assert review.headline == "Better title"
    assert review.author == author


def test_author_cannot_open_or_save_another_authors_review(client, author):
    theirs = ReviewFactory(headline="Someone else's words")
    client.force_login(author.user)

    opened = client.get(change_url(theirs))
    assert opened.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    assert opened.status_code != HTTPStatus.OK

    posted = client.post(change_url(theirs), change_post_data(theirs, headline="Hijacked"))
    assert posted.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    theirs.refresh_from_db()
    assert theirs.headline == "Someone else's words"

    # Neither can they delete it.
    delete_url = reverse("admin:reviews_review_delete", args=[theirs.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code != HTTPStatus.OK
    assert Review.objects.filter(pk=theirs.pk).exists()


def test_author_sees_only_their_own_reviews_in_the_list(client, author):
    ReviewFactory(author=author, headline="Mine, all mine")
    ReviewFactory(headline="A colleague's piece")
    client.force_login(author.user)

    content = client.get(LIST_URL).content.decode()

    assert "Mine, all mine" in content
    assert "A colleague&#x27;s piece" not in content
    assert "A colleague's piece" not in content


def test_moderator_cannot_add_a_review(client, moderator):
    client.force_login(moderator)
    film = FilmFactory()

    assert client.get(ADD_URL).status_code == HTTPStatus.FORBIDDEN
    assert client.post(ADD_URL, review_post_data(film)).status_code == HTTPStatus.FORBIDDEN
    assert not Review.objects.exists()


def test_moderator_can_read_a_review_in_the_admin_but_not_save_it(client, moderator, review):
    client.force_login(moderator)
    response = client.get(change_url(review))
    assert response.status_code == HTTPStatus.OK
    assert 'name="_save"' not in response.content.decode()

    response = client.post(change_url(review), change_post_data(review, headline="Changed"))
    assert response.status_code == HTTPStatus.FORBIDDEN
    review.refresh_from_db()
    assert review.headline != "Changed"


def test_superuser_can_credit_a_review_to_any_author(client, superuser):
    chosen = AuthorFactory()
    client.force_login(superuser)

    assert 'name="author"' in client.get(ADD_URL).content.decode()
    response = client.post(ADD_URL, review_post_data(FilmFactory(), author=chosen.pk))

    assert response.status_code == HTTPStatus.FOUND
    assert Review.objects.get(slug="her-a-quiet-triumph").author == chosen
    assert not Author.objects.filter(user=superuser).exists()


def test_scheduling_without_a_time_is_refused_with_a_message(client, author):
    client.force_login(author.user)
    data = review_post_data(
        FilmFactory(), status=Review.Status.SCHEDULED, published_at_0="", published_at_1=""
    )

    response = client.post(ADD_URL, data)

    assert response.status_code == HTTPStatus.OK
    assert "A scheduled review needs a publication time." in response.content.decode()
    assert not Review.objects.exists()


def test_publishing_without_a_time_publishes_now(client, author):
    client.force_login(author.user)
    data = review_post_data(FilmFactory(), published_at_0="", published_at_1="")

    client.post(ADD_URL, data)

    review = Review.objects.get()
    assert review.published_at is not None
    assert review.published_at <= timezone.now()


def test_an_invalid_rating_is_refused_on_the_form(client, author):
    client.force_login(author.user)
    response = client.post(ADD_URL, review_post_data(FilmFactory(), rating="7.3"))
    assert response.status_code == HTTPStatus.OK
    assert "Select a valid choice" in response.content.decode()
    assert not Review.objects.exists()


def test_film_autocomplete_finds_films_for_an_author(client, author):
    FilmFactory(title="Her")
    FilmFactory(title="Gravity")
    client.force_login(author.user)

    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "her", "app_label": "reviews", "model_name": "review", "field_name": "film"},
    )

    assert response.status_code == HTTPStatus.OK
    assert [item["text"] for item in response.json()["results"]] == ["Her (2013)"]


def test_related_reviews_can_be_picked_from_colleagues_reviews(client, author):
    ReviewFactory(headline="Another critic on Her")
    client.force_login(author.user)

    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "another critic",
            "app_label": "reviews",
            "model_name": "review",
            "field_name": "related_reviews",
        },
    )

    assert response.status_code == HTTPStatus.OK
    assert [item["text"] for item in response.json()["results"]] == ["Another critic on Her"]


def test_related_reviews_are_saved(client, author):
    review = ReviewFactory(author=author)
    other = ReviewFactory()
    client.force_login(author.user)

    client.post(change_url(review), change_post_data(review, related_reviews=[other.pk]))

    assert list(review.related_reviews.all()) == [other]


def test_staff_filter_and_search_the_review_list(client, superuser):
    drama = GenreFactory(name="Drama")
    her = FilmFactory(title="Her")
    her.genres.add(drama)
    ReviewFactory(film=her, headline="Quiet triumph")
    ReviewFactory(headline="Draft about something else", status="draft", published_at=None)
    client.force_login(superuser)

    by_genre = client.get(LIST_URL, {"film__genres__id__exact": drama.pk}).content.decode()
    assert "Quiet triumph" in by_genre
    assert "Draft about something else" not in by_genre

    by_title = client.get(LIST_URL, {"q": "Her"}).content.decode()
    assert "Quiet triumph" in by_title
    assert "Draft about something else" not in by_title

    drafts = client.get(LIST_URL, {"status__exact": "draft"}).content.decode()
    assert "Draft about something else" in drafts
    assert "Quiet triumph" not in drafts

    year = timezone.localtime().year
    by_date = client.get(LIST_URL, {"published_at__year": year})
    assert by_date.status_code == HTTPStatus.OK


def test_review_image_is_added_through_the_inline_with_a_preview(
    client, author, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    review = ReviewFactory(author=author)
    client.force_login(author.user)
    data = change_post_data(
        review,
        **images_management(total=1),
        **{
            "images-0-order": "1",
            "images-0-image": png_upload("still.png", size=(300, 200)),
            "images-0-alt_text": "Theodore at the window",
            "images-0-caption": "The city at dusk",
        },
    )

    response = client.post(change_url(review), data)

    assert response.status_code == HTTPStatus.FOUND
    image = ReviewImage.objects.get(review=review)
    assert image.alt_text == "Theodore at the window"
    assert (tmp_path / image.image.name).exists()
    content = client.get(change_url(review)).content.decode()
    assert 'class="admin-preview"' in content
    assert 'alt="Theodore at the window"' in content


def test_a_non_image_in_the_image_inline_is_refused_with_the_site_message(
    client, author, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    review = ReviewFactory(author=author)
    client.force_login(author.user)
    data = change_post_data(
        review,
        **images_management(total=1),
        **{
            "images-0-order": "1",
            "images-0-image": fake_jpeg_upload("still.jpg"),
            "images-0-alt_text": "Not really",
            "images-0-caption": "",
        },
    )

    response = client.post(change_url(review), data)

    assert response.status_code == HTTPStatus.OK
    assert "This file is not a valid image." in response.content.decode()
    assert not ReviewImage.objects.exists()


def test_every_admin_page_loads_for_a_superuser(client, superuser, settings, tmp_path):
    """Each registered model's list, add and change pages render: no broken admin option."""
    settings.MEDIA_ROOT = tmp_path
    review = ReviewFactory()
    review.film.poster.save("p.png", ContentFile(image_bytes()))
    ReviewImage.objects.create(review=review, image=png_upload("i.png"), alt_text="A still")
    CreditFactory(film=review.film)
    comment = CommentFactory(review=review, status="pending")
    ModerationLog.objects.create(comment=comment, moderator=superuser, action="edit")
    BlocklistEntry.objects.create(kind="word", value="casino")
    Subscription.objects.create(comment=comment, email="s@example.net")
    VerifiedEmail.objects.create(email="v@example.net")
    client.force_login(superuser)

    for model in admin.site._registry:
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        assert client.get(reverse(f"{name}_changelist")).status_code == HTTPStatus.OK, name
        add = client.get(reverse(f"{name}_add")).status_code
        assert add in (HTTPStatus.OK, HTTPStatus.FORBIDDEN), name
        obj = model._default_manager.first()
        if obj is not None:
            response = client.get(reverse(f"{name}_change", args=[obj.pk]))
            assert response.status_code == HTTPStatus.OK, name


def test_view_on_site_previews_an_authors_own_draft_only_to_staff(client, author):
    draft = ReviewFactory(
        author=author, headline="Work in progress", status=Review.Status.DRAFT, published_at=None
    )
    client.force_login(author.user)
    page = client.get(change_url(draft)).content.decode()
    content_type = ContentType.objects.get_for_model(Review)
    view_on_site = reverse("admin:view_on_site", args=[content_type.pk, draft.pk])
    assert f'href="{view_on_site}"' in page

    preview = client.get(view_on_site, follow=True)
    assert preview.status_code == HTTPStatus.OK
    assert preview.redirect_chain[-1][0].endswith(draft.get_absolute_url())
    assert "Work in progress" in preview.content.decode()

    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_two_images_with_the_same_number_are_refused_with_a_message(
    client, author, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    review = ReviewFactory(author=author)
    client.force_login(author.user)
    rows = {}
    for index in range(2):
        rows |= {
            f"images-{index}-order": "1",
            f"images-{index}-image": png_upload(f"still{index}.png"),
            f"images-{index}-alt_text": f"Still {index}",
            f"images-{index}-caption": "",
        }

    response = client.post(
        change_url(review), change_post_data(review, **images_management(total=2), **rows)
    )

    assert response.status_code == HTTPStatus.OK
    assert "Please correct the duplicate data for order." in response.content.decode()
    assert not ReviewImage.objects.exists()


@pytest.mark.parametrize(("stored", "shown"), [("8", "8.0"), ("8.5", "8.5"), ("0", "0.0")])
def test_editing_a_review_keeps_its_rating_selected_and_saves_it_unchanged(
    client, author, stored, shown
):
    review = ReviewFactory(author=author, rating=Decimal(stored))
    review.refresh_from_db()  # as the database returns it
    client.force_login(author.user)

    page = client.get(change_url(review)).content.decode()
    assert f'<option value="{shown}" selected>' in page

    response = client.post(change_url(review), change_post_data(review, headline="Retitled"))

    assert response.status_code == HTTPStatus.FOUND
    review.refresh_from_db()
    assert review.rating == Decimal(stored)
    assert review.headline == "Retitled"
