"""The page types of the site, for the quality checks (HTML validity, accessibility, CSP,
third-party requests). Built from the seeded demo content so every page has real data."""

import re

from django.urls import reverse

from comments.models import Comment
from films.models import Credit, Film, Genre
from reviews.models import Author, Review, Tag


def public_page_types():
    """(label, path) for one page of each public type, from the seeded demo content."""
    review = (
        Review.objects.published()
        .filter(comments__status=Comment.Status.APPROVED, comments__depth__gte=2)
        .distinct()
        .first()
    )
    film = review.film
    person = Credit.objects.filter(film=film, role=Credit.Role.DIRECTOR).first().person
    genre = Genre.objects.filter(films__reviews__in=Review.objects.published()).first()
    author = Author.objects.filter(reviews__in=Review.objects.published()).first()
    reply_to = Comment.objects.filter(review=review, status=Comment.Status.APPROVED).first()
    tag = Tag.objects.filter(reviews__in=Review.objects.published()).first()
    return [
        ("home", reverse("reviews:home")),
        ("home page 2", reverse("reviews:home") + "?page=2"),
        ("review", review.get_absolute_url()),
        (
            "review, replying without JavaScript",
            f"{review.get_absolute_url()}?replytocom={reply_to.pk}",
        ),
        ("film", film.get_absolute_url()),
        ("film index", reverse("films:list")),
        ("film index filtered", reverse("films:list") + f"?genre={genre.slug}"),
        ("person", person.get_absolute_url()),
        ("genre", genre.get_absolute_url()),
        ("author", author.get_absolute_url()),
        ("tag", tag.get_absolute_url()),
        ("tag index", reverse("reviews:tags")),
        ("search results", reverse("reviews:search") + "?q=" + film.title.split()[0]),
        ("search, empty query", reverse("reviews:search") + "?q="),
        ("not found", "/reviews/no-such-review/"),
    ]


def comment_form_action(html):
    """The posting URL from the review page's comment form."""
    match = re.search(
        r'<form[^>]*action="([^"]+)"[^>]*>(?:(?!</form>).)*name="comment"', html, re.S
    )
    assert match, "no comment form on the review page"
    return match.group(1)


def a_film_with_reviews():
    return Film.objects.filter(reviews__in=Review.objects.published()).first()
