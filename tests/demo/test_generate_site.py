"""`manage.py generate_site`: the generated big site the benchmark measures."""

import io
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count

from comments.models import Comment
from films.models import Film, Person
from reviews.models import Author, Review

pytestmark = pytest.mark.django_db


def generate(*args):
    out = io.StringIO()
    call_command("generate_site", *args, stdout=out)
    return out.getvalue()


def snapshot(prefix):
    """What a reader sees of a generated site, without the ids (which depend on what exists)."""
    reviews = list(
        Review.objects.filter(slug__startswith=prefix)
        .order_by("slug")
        .values_list("slug", "headline", "body", "rating", "film__title", "author__display_name")
    )
    comments = list(
        Comment.objects.filter(review__slug__startswith=prefix)
        .order_by("review__slug", "path")
        .values_list("review__slug", "depth", "name", "body", "status", "rating")
    )
    return reviews, comments


def remove_generated(prefix):
    Comment.objects.filter(review__slug__startswith=prefix).delete()
    Review.objects.filter(slug__startswith=prefix).delete()
    Film.objects.filter(slug__startswith=prefix).delete()
    Person.objects.filter(slug__startswith=prefix).delete()
    Author.objects.filter(slug__startswith=prefix).delete()
    get_user_model().objects.filter(username__startswith=prefix).delete()


def test_a_small_site_has_the_asked_numbers_and_the_wordpress_shaped_busy_reviews(client):
    out = generate("--reviews", "12", "--films", "4", "--comments", "500", "--seed", "3")

    site = Review.objects.filter(slug__startswith="g3-review-")
    assert site.count() == 12
    assert Comment.objects.filter(review__in=site).count() == 500
    assert Film.objects.filter(slug__startswith="g3-").count() == 4 + 2  # + the busy ones' films
    busy = Review.objects.get(slug="g3-busy-300")
    by_depth = dict(
        busy.comments.filter(status=Comment.Status.APPROVED)
        .values_list("depth")
        .annotate(n=Count("pk"))
        .order_by("depth")
    )
    assert by_depth == {0: 105, 1: 84, 2: 52, 3: 36, 4: 23}
    assert busy.comments.count() == 300
    assert Review.objects.get(slug="g3-busy-10000").comments.approved().count() == 10_000
    assert "10,000 comments: /reviews/g3-busy-10000/" in out

    # Paths thread each reply under its parent, so the page shows the tree in order.
    for comment in busy.comments.select_related("parent")[:200]:
        if comment.parent:
            assert comment.path.startswith(comment.parent.path + "/")
            assert comment.depth == comment.parent.depth + 1
    if hasattr(Review, "comment_count"):  # a stored count, once reviews keep one
        busy.refresh_from_db()
        assert busy.comment_count == 300

    response = client.get(busy.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    first = busy.comments.order_by("path").first()
    assert f'id="comment-{first.pk}"' in response.content.decode()


def test_the_same_seed_generates_the_same_site_and_another_seed_another():
    generate("--reviews", "5", "--films", "3", "--comments", "120", "--no-busy", "--seed", "4")
    first = snapshot("g4-")
    remove_generated("g4-")
    assert not Review.objects.filter(slug__startswith="g4-").exists()

    generate("--reviews", "5", "--films", "3", "--comments", "120", "--no-busy", "--seed", "4")
    assert snapshot("g4-") == first
    assert len(first[1]) == 120

    generate("--reviews", "5", "--films", "3", "--comments", "120", "--no-busy", "--seed", "5")
    other = snapshot("g5-")
    assert [row[1:] for row in other[0]] != [row[1:] for row in first[0]]


def test_a_seed_already_generated_is_refused_and_new_rows_get_fresh_ids():
    generate("--reviews", "2", "--films", "1", "--comments", "10", "--no-busy", "--seed", "6")
    with pytest.raises(CommandError, match="another --seed"):
        generate("--reviews", "2", "--films", "1", "--comments", "10", "--no-busy", "--seed", "6")

    # The generator picks primary keys itself: afterwards ordinary saves must not collide.
    review = Review.objects.filter(slug__startswith="g6-").first()
    comment = Comment.objects.create(
        review=review, name="After", email="after@example.net", body="Saved normally."
    )
    assert comment.pk > Comment.objects.exclude(pk=comment.pk).order_by("-pk").first().pk
