"""No public page reads the review or comment table from end to end (PostgreSQL only).

Every SELECT that a public page runs is explained with sequential scans switched off: the
planner then picks an index wherever one can serve the query, so a "Seq Scan" left on
reviews_review or comments_comment means no index can, whatever the amount of data. Such a
query costs more with every review or comment the site gains (issue 11: the lists that grew
with the site).
"""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.counts import recount_all
from comments.models import Comment
from films.models import Credit, Film, Person
from reviews.models import Review
from tests import factories

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="EXPLAIN plans are checked on PostgreSQL"
    ),
]

WATCHED_TABLES = ("reviews_review", "comments_comment")
FILMS, REVIEWS, COMMENTS_PER_REVIEW = 120, 400, 8  # 3,200 comments, a quarter of them replies


def build_site():
    """A few hundred reviews and a few thousand comments, written in bulk."""
    rng = random.Random(11)
    now = timezone.now()
    genres = [factories.GenreFactory(name=name) for name in ("Drama", "Comedy", "Horror")]
    authors = [factories.AuthorFactory() for _ in range(4)]
    people = Person.objects.bulk_create(
        Person(name=f"Person {n}", slug=f"person-{n}") for n in range(40)
    )
    films = Film.objects.bulk_create(
        Film(title=f"{chr(65 + n % 26)}film {n}", slug=f"film-{n}", year=1990 + n % 30)
        for n in range(FILMS)
    )
    Film.genres.through.objects.bulk_create(
        Film.genres.through(film=film, genre=genres[n % len(genres)])
        for n, film in enumerate(films)
    )
    Credit.objects.bulk_create(
        Credit(film=film, person=people[n % len(people)], role=role, billing_order=order)
        for n, film in enumerate(films)
        for order, role in enumerate((Credit.Role.DIRECTOR, Credit.Role.CAST))
    )
    statuses = [Review.Status.PUBLISHED] * 8 + [Review.Status.DRAFT, Review.Status.SCHEDULED]
    reviews = Review.objects.bulk_create(
        Review(
            film=films[n % FILMS],
            author=authors[n % len(authors)],
            headline=f"Review {n} of a quiet film",
            slug=f"review-{n}",
            standfirst="Loneliness, longing and a voice.",
            body="A paragraph about loneliness.\n\nAnother one.",
            rating=Decimal(rng.randint(0, 20)) / 2,
            status=statuses[n % len(statuses)],
            published_at=(
                None
                if statuses[n % len(statuses)] == Review.Status.DRAFT
                else now + timedelta(days=1 if n % 10 == 9 else -n)
            ),
            updated_at=now - timedelta(hours=n) if n % 7 == 0 else None,
        )
        for n in range(REVIEWS)
    )
    tops = Comment.objects.bulk_create(
        Comment(
            review=review,
            name=f"Reader {n}",
            email=f"reader{n}@example.net",
            body="Agreed, mostly.",
            rating=rng.randint(1, 10) if n % 2 else None,
            status=Comment.Status.APPROVED if n % 5 else Comment.Status.PENDING,
        )
        for review in reviews
        for n in range(COMMENTS_PER_REVIEW * 3 // 4)
    )
    Comment.objects.bulk_create(
        Comment(
            review_id=top.review_id,
            parent=top,
            depth=1,
            name="Replier",
            email="replier@example.net",
            body="Not quite.",
            status=Comment.Status.APPROVED,
        )
        for top in tops[::3]
    )
    with connection.cursor() as cursor:
        # The materialized paths Comment.save() would have written.
        cursor.execute(
            "UPDATE comments_comment SET path = LPAD(id::text, 10, '0') WHERE parent_id IS NULL"
        )
        cursor.execute(
            "UPDATE comments_comment AS c SET path = p.path || '/' || LPAD(c.id::text, 10, '0')"
            " FROM comments_comment AS p WHERE c.parent_id = p.id"
        )
    recount_all()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # statistics as a real site would have them
    return {"reviews": reviews, "films": films, "people": people, "authors": authors}


def public_urls(site):
    review = next(r for r in site["reviews"] if r.status == Review.Status.PUBLISHED)
    film, person, author = review.film, site["people"][0], site["authors"][0]
    return [
        "/",
        "/?page=2",
        review.get_absolute_url(),
        review.get_absolute_url() + "?cpage=2",
        film.get_absolute_url(),
        person.get_absolute_url(),
        "/genres/drama/",
        "/genres/drama/?page=2",
        author.get_absolute_url(),
        author.get_absolute_url() + "?page=2",
        "/films/",
        "/films/?genre=drama",
        "/films/?year=2001",
        "/feeds/reviews/",
        "/feeds/reviews/atom/",
        f"{review.get_absolute_url()}comments/feed/",
        "/sitemap.xml",
        "/sitemap-pages.xml",
        "/sitemap-reviews.xml",
        "/sitemap-films.xml",
        "/sitemap-people.xml",
        "/sitemap-authors.xml",
        "/search/?q=loneliness",
        "/search/?q=film",
    ]


def explain(sql):
    """The plan PostgreSQL picks for `sql` when any index will do rather than a full read."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            cursor.execute("EXPLAIN " + sql)
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")


def full_reads(plan):
    return [table for table in WATCHED_TABLES if f"Seq Scan on {table}" in plan]


def selects(captured):
    for query in captured:
        sql = query["sql"]
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            yield sql


def test_no_public_page_reads_the_review_or_comment_table_from_end_to_end(settings):
    settings.PAGE_CACHE = False  # every request runs its queries
    site = build_site()
    problems, explained = [], 0
    for url in public_urls(site):
        with CaptureQueriesContext(connection) as captured:
            response = Client().get(url)
        assert response.status_code == 200, url
        for sql in selects(captured.captured_queries):
            plan = explain(sql)
            explained += 1
            if full_reads(plan):
                problems.append(f"{url}\n  {sql}\n{plan}")
    assert explained > len(public_urls(site)), "the pages ran no queries: nothing was checked"
    assert not problems, "Sequential scans with no index to use instead:\n\n" + "\n\n".join(
        problems
    )


def test_the_check_sees_a_query_no_index_serves():
    build_site()
    with CaptureQueriesContext(connection) as captured:
        list(Review.objects.filter(verdict="Fine"))  # no index on the verdict
        list(Comment.objects.filter(pk=1))
    unindexed, by_key = (explain(sql) for sql in selects(captured.captured_queries))
    assert full_reads(unindexed) == ["reviews_review"]
    assert full_reads(by_key) == []
