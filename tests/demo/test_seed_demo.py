"""`manage.py seed_demo`: the demo content an operator gets from `make run`."""

import io
import ipaddress
import re
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Max
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from comments.models import Comment
from core.images import RENDITION_FORMATS
from demo.content import DEMO_ACCOUNTS
from films.models import Credit, Film, Person
from reviews.models import Author, Review, ReviewImage

pytestmark = pytest.mark.django_db


def run_seed(*args):
    out = io.StringIO()
    # Tests run with DEBUG off, where the command refuses unless told (published passwords).
    call_command("seed_demo", "--allow-without-debug", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    """A MEDIA_ROOT of this test's own, so file counts are not shared with other tests."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """One seed shared by the read-only tests of a class, rolled back when the class is done.

    Each test still runs in its own savepoint inside this transaction, so nothing leaks.
    """
    media_root = tmp_path_factory.mktemp("seeded-media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media_root),
        transaction.atomic(),
    ):
        yield run_seed()
        transaction.set_rollback(True)


def row_counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def file_count(directory):
    return sum(1 for path in directory.rglob("*") if path.is_file())


def test_refuses_to_create_published_passwords_with_debug_off(media):
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not Review.objects.exists()
    assert not Author.objects.exists()


def test_if_empty_seeds_an_empty_database_and_then_does_nothing(media, settings):
    settings.DEBUG = True  # as under `make run`: no extra flag needed
    call_command("seed_demo", "--if-empty", stdout=io.StringIO())
    assert Review.objects.count() >= 12
    counts, files = row_counts(), file_count(media)

    out = io.StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)

    assert "already exist" in out.getvalue()
    assert row_counts() == counts
    assert file_count(media) == files


def test_running_again_adds_no_rows_and_no_files(media):
    run_seed()
    counts, files = row_counts(), file_count(media)
    posters = file_count(media / "posters")
    comment_ids = set(Comment.objects.values_list("pk", flat=True))

    run_seed()

    assert row_counts() == counts
    assert file_count(media) == files
    assert file_count(media / "posters") == posters == Film.objects.count()
    assert set(Comment.objects.values_list("pk", flat=True)) == comment_ids
    assert Review.objects.get(status=Review.Status.SCHEDULED).published_at > timezone.now()


def test_running_again_redraws_a_poster_whose_file_has_gone_missing(media):
    run_seed()
    film = Film.objects.order_by("slug").first()
    film.poster.storage.delete(film.poster.name)

    run_seed()

    film.refresh_from_db()
    assert film.poster.storage.exists(film.poster.name)
    assert file_count(media / "posters") == Film.objects.count()


class TestSeededDemo:
    """Read-only checks on one seeded database (see the class-scoped `seeded` fixture)."""

    def test_films_have_credits_genres_details_and_a_drawn_poster(self, seeded):
        films = list(Film.objects.with_people())
        assert len(films) >= 8
        for film in films:
            credits = list(film.credits.all())
            cast = [credit for credit in credits if credit.role == Credit.Role.CAST]
            assert any(credit.role == Credit.Role.DIRECTOR for credit in credits), film
            assert any(credit.role == Credit.Role.WRITER for credit in credits), film
            assert 3 <= len(cast) <= 5, film
            assert all(credit.character for credit in cast), film
            assert len({credit.billing_order for credit in cast}) == len(cast), film
            assert 1 <= len(film.genres.all()) <= 3, film
            assert film.certification and film.runtime_minutes and film.release_date, film
            assert film.synopsis.count(".") >= 2, film
            with Image.open(film.poster.path) as poster:
                assert poster.format == "JPEG"
                assert poster.size == (600, 900)
        assert not Person.objects.filter(bio="").exists()

    def test_some_directors_have_two_films_for_more_from_the_director(self, seeded):
        prolific = (
            Credit.objects.filter(role=Credit.Role.DIRECTOR)
            .values("person")
            .annotate(films=Count("film", distinct=True))
            .filter(films__gte=2)
        )
        assert prolific.count() >= 2

    def test_three_authors_with_bios_websites_avatars_and_staff_accounts(self, seeded):
        authors = list(Author.objects.select_related("user"))
        assert len(authors) == 3
        assert "author" in {author.user.username for author in authors}
        for author in authors:
            assert author.bio and author.website and author.slug
            assert author.user.is_staff
            assert author.user.groups.filter(name="Authors").exists()
            with Image.open(author.avatar.path) as avatar:
                assert avatar.size == (256, 256)

    def test_reviews_cover_draft_scheduled_and_a_spread_of_published(self, seeded):
        now = timezone.now()
        draft = Review.objects.get(status=Review.Status.DRAFT)
        assert draft.published_at is None
        scheduled = Review.objects.get(status=Review.Status.SCHEDULED)
        assert scheduled.published_at > now
        published = Review.objects.published()
        assert published.count() >= 12
        assert not published.filter(pk__in=[draft.pk, scheduled.pk]).exists()

        ratings = set(published.values_list("rating", flat=True))
        assert Decimal("10") in ratings
        assert any(rating < 4 for rating in ratings)
        assert any(rating % 1 == Decimal("0.5") for rating in ratings)
        oldest = min(published.values_list("published_at", flat=True))
        assert (now - oldest).days > 240  # spread over most of a year
        assert published.filter(updated_at__isnull=False).count() >= 2
        assert published.filter(comments_open=False).count() == 1
        assert published.exclude(verdict="").exists()
        assert published.filter(verdict="").count() > published.exclude(verdict="").count()
        assert published.filter(headline__contains=" — ").exists()  # "<Film> — <a phrase>"
        films_reviewed_twice = (
            Review.objects.values("film").annotate(n=Count("id")).filter(n__gte=2)
        )
        assert films_reviewed_twice.count() >= 2
        assert Review.objects.filter(related_reviews__isnull=False).distinct().count() >= 3
        for review in published:
            assert review.standfirst
            assert 450 <= len(review.body.split()) <= 900, review.slug

    def test_bodies_use_the_pullquote_and_image_conventions(self, seeded):
        with_pullquotes = Review.objects.filter(body__contains="[pullquote]")
        assert with_pullquotes.count() >= 3
        for review in with_pullquotes:
            for quote in re.findall(r"^\[pullquote\](.+)\[/pullquote\]$", review.body, re.M):
                # A pull quote repeats a sentence of the body.
                assert review.body.count(quote) >= 2, (review.slug, quote)

        with_images = Review.objects.filter(body__contains="[image 1]")
        assert with_images.count() >= 3
        for review in with_images:
            for number in re.findall(r"^\[image (\d+)\]$", review.body, re.M):
                image = ReviewImage.objects.get(review=review, order=int(number))
                assert image.alt_text and image.caption
                with Image.open(image.image.path) as still:
                    assert still.size == (1200, 675)

    def test_comment_threads_are_deep_moderated_and_answered_by_authors(self, seeded):
        comments = Comment.objects.select_related("review__author", "parent")
        assert comments.count() >= 60
        assert comments.aggregate(Max("depth"))["depth__max"] >= 4
        by_author = [c for c in comments if c.user_id and c.user_id == c.review.author.user_id]
        assert len(by_author) >= 5
        assert all(c.name == c.review.author.display_name for c in by_author)
        assert comments.filter(status=Comment.Status.PENDING).count() >= 4
        assert comments.filter(status=Comment.Status.SPAM).count() >= 3
        assert comments.filter(status=Comment.Status.REMOVED).count() >= 1
        assert comments.filter(status=Comment.Status.APPROVED).count() >= 50
        assert comments.exclude(url="").exists()
        assert comments.filter(rating__isnull=False).exists()
        assert not comments.filter(rating__isnull=False, parent__isnull=False).exists()
        assert not comments.exclude(review__in=Review.objects.published()).exists()

        now = timezone.now()
        documentation_net = ipaddress.ip_network("192.0.2.0/24")
        for comment in comments:
            assert comment.email.rsplit("@", 1)[1] in {"example.com", "example.net", "example.org"}
            assert comment.review.published_at < comment.created_at <= now
            if comment.parent:
                assert comment.parent.created_at < comment.created_at
                assert comment.depth == comment.parent.depth + 1
                assert comment.path.startswith(comment.parent.path + "/")
            if comment.ip_address:
                assert ipaddress.ip_address(comment.ip_address) in documentation_net

    def test_demo_accounts_log_in_to_the_admin_with_the_printed_passwords(self, seeded, client):
        for account in DEMO_ACCOUNTS:
            printed = rf"^\s*{account.username}\s+{re.escape(account.password)}\s"
            assert re.search(printed, seeded, re.M), account.username
            response = client.post(
                "/admin/login/?next=/admin/",
                {"username": account.username, "password": account.password},
            )
            assert response.status_code == HTTPStatus.FOUND, account.username
            assert client.get("/admin/").status_code == HTTPStatus.OK
            client.logout()

        User = get_user_model()
        assert User.objects.get(username="admin").is_superuser
        assert User.objects.get(username="author").groups.filter(name="Authors").exists()
        moderator = User.objects.get(username="moderator")
        assert moderator.is_staff and not moderator.is_superuser
        assert moderator.groups.filter(name="Moderators").exists()

    def test_summary_reports_counts(self, seeded):
        assert re.search(r"^\s+\d+\s+films$", seeded, re.M)
        assert re.search(r"^\s+\d+\s+comments$", seeded, re.M)


def test_make_run_seeds_every_image_size_up_front(media, client):
    run_seed("--renditions")

    cached = {path.relative_to(media).as_posix() for path in (media / "CACHE").rglob("*.*")}
    films = list(Film.objects.exclude(poster=""))
    images = list(ReviewImage.objects.all())
    assert films and images
    for instance, spec in [(film, Film.poster_renditions) for film in films] + [
        (image, ReviewImage.image_renditions) for image in images
    ]:
        for width in spec.widths:
            for image_format in RENDITION_FORMATS:
                name = getattr(instance, spec.spec_name(width, image_format)).name
                assert name in cached, name
    # The film index then names files that are all there already.
    html = client.get("/films/").content.decode()
    for url in re.findall(r"/media/(CACHE/[^\s\"]+)", html):
        assert url in cached, url
