"""The public URL contract of SPEC.md: every route reverses to its path and resolves back."""

import pytest
from django.urls import resolve, reverse

ROUTES = [
    ("reviews:home", {}, "/"),
    ("reviews:detail", {"slug": "her-a-quiet-triumph"}, "/reviews/her-a-quiet-triumph/"),
    (
        "comments:feed",
        {"slug": "her-a-quiet-triumph"},
        "/reviews/her-a-quiet-triumph/comments/feed/",
    ),
    ("films:list", {}, "/films/"),
    ("films:detail", {"slug": "her"}, "/films/her/"),
    ("films:person", {"slug": "spike-jonze"}, "/people/spike-jonze/"),
    ("films:genre", {"slug": "science-fiction"}, "/genres/science-fiction/"),
    ("reviews:author", {"slug": "ana-critic"}, "/authors/ana-critic/"),
    ("reviews:search", {}, "/search/"),
    ("reviews:feed_rss", {}, "/feeds/reviews/"),
    ("reviews:feed_atom", {}, "/feeds/reviews/atom/"),
    ("sitemap", {}, "/sitemap.xml"),
    ("robots_txt", {}, "/robots.txt"),
]


@pytest.mark.parametrize(("name", "kwargs", "path"), ROUTES)
def test_public_route_reverses_to_its_contract_path(name, kwargs, path):
    assert reverse(name, kwargs=kwargs) == path


@pytest.mark.parametrize(("name", "kwargs", "path"), ROUTES)
def test_public_path_resolves_to_its_named_route(name, kwargs, path):
    match = resolve(path)
    assert match.view_name == name
    assert match.kwargs.items() >= kwargs.items()


def test_model_permalinks_follow_the_contract(db):
    from tests.factories import AuthorFactory, GenreFactory, PersonFactory, ReviewFactory

    review = ReviewFactory(slug="her-a-quiet-triumph", film__slug="her")
    assert review.get_absolute_url() == "/reviews/her-a-quiet-triumph/"
    assert review.film.get_absolute_url() == "/films/her/"
    assert PersonFactory(slug="spike-jonze").get_absolute_url() == "/people/spike-jonze/"
    assert GenreFactory(name="Drama").get_absolute_url() == "/genres/drama/"
    assert AuthorFactory(slug="ana-critic").get_absolute_url() == "/authors/ana-critic/"
