"""Search over published reviews, films and people.

PostgreSQL: full-text search with ranking (websearch syntax) over a stored, GIN-indexed tsvector
kept up to date by triggers (migration reviews 0008); trigram similarity for misspelt titles.
SQLite: every word (or a word starting with it) must be in the headline, standfirst, body or
the film's title (an FTS5 index, reviews/fts.py), or every word in the name of one of the
film's people; ranked by bm25 with the film title and headline above the body. Anything else:
the same words matched case-insensitively anywhere in those texts, newest first.

Every query is served by an index, and a fixed number of them runs whatever the query: a word
found in most reviews ranks only a few hundred of them (REVIEW_CANDIDATES), the page then says
"100+". Films and people come first on the page (reviews.views.SearchView).

Guards (used by reviews.views.SearchView): rate_limited(ip) counts a search per client IP;
time_box() cancels the search's queries on PostgreSQL after SEARCH_TIMEOUT_MS, so one search
box cannot tie up the database.
"""

import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import BooleanField, FloatField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from core import ratelimit
from films.models import Credit, Film, Person
from reviews import fts
from reviews.models import Review

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10  # words beyond this add nothing but cost on SQLite
MIN_TERM_LENGTH = 1
RESULT_FILMS = 12
RESULT_PEOPLE = 12
# At most this many reviews per source are ranked: the newest text matches on PostgreSQL (see
# _review_candidates_postgresql), the best bm25 matches on SQLite.
REVIEW_CANDIDATES = 100

MESSAGE_TOO_SLOW = gettext_noop(
    "That search took too long. Please try fewer words, or more specific ones."
)
MESSAGE_RATE = gettext_noop(
    "You have searched a lot in a short time. Please wait a minute and search again."
)


@dataclass
class CleanQuery:
    text: str = ""
    error: str = ""
    terms: tuple = ()

    @property
    def usable(self):
        return bool(self.terms) and not self.error


def clean_query(raw):
    """The query as we search it, or an error a reader can act on."""
    raw = raw or ""
    if len(raw) > MAX_QUERY_LENGTH:
        return CleanQuery(
            text=raw[:MAX_QUERY_LENGTH],
            error=gettext(
                "That search is %(length)d characters long; please keep it under %(limit)d. "
                "A film title, a name or a few words work best."
            )
            % {"length": len(raw), "limit": MAX_QUERY_LENGTH},
        )
    # Control characters (a NUL byte makes PostgreSQL refuse the query outright) become spaces.
    text = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in raw)
    text = " ".join(text.split())
    terms = tuple(term for term in re.findall(r"\w[\w'’-]*", text) if len(term) >= MIN_TERM_LENGTH)[
        :MAX_TERMS
    ]
    if text and not terms:
        return CleanQuery(
            text=text, error=gettext("Try searching for a film title, a person or a few words.")
        )
    return CleanQuery(text=text, terms=terms)


def _person_film_ids(terms):
    """Films any of whose people match every term."""
    people = Person.objects.all()
    for term in terms:
        people = people.filter(name__icontains=term)
    return Credit.objects.filter(person__in=people).order_by().values("film_id")


def _sql(queryset):
    """A queryset as (sql, params), to place inside raw SQL."""
    return queryset.query.sql_with_params()


# PostgreSQL. Each branch below is served by its own index; they are joined by UNION because
# an OR across them (or with a subquery) makes the planner read every row instead.
TS_QUERY = "websearch_to_tsquery('english', %s)"
# A film's vectors are stored generated columns, GIN-indexed (films 0007), read only inside
# "SELECT … FROM films_film" subqueries; the headline's is an expression GIN index (reviews
# 0010): that expression must stay exactly this.
FILM_TEXT_VECTOR = "search_text"
FILM_TITLE_VECTOR = "search_title"
HEADLINE_VECTOR = "to_tsvector('english'::regconfig, coalesce(headline, ''))"


def _review_candidates_postgresql(query):
    """SQL selecting the ids of at most a few hundred reviews that match, and its params.

    A common word matches most reviews; ranking them all reads every review's vector (about
    0.3 s on 20,000 reviews). Instead: the newest REVIEW_CANDIDATES text matches (the GIN index
    for a rare word, the publication-order index for a common one), every review whose film
    title or headline matches (the strongest matches, whatever their age; capped too), and the
    reviews of films whose people match. Only these are ranked.
    """
    # The condition of Review.objects.published(), which the outer query applies again.
    where = "status IN (%s, %s) AND published_at <= %s"
    published_params = [Review.Status.PUBLISHED, Review.Status.SCHEDULED, timezone.now()]
    people_sql, people_params = _sql(_person_film_ids(query.terms))
    cap = REVIEW_CANDIDATES
    sql = (
        f"(SELECT id FROM reviews_review WHERE search_vector @@ {TS_QUERY} AND {where} "
        f"ORDER BY published_at DESC, id DESC LIMIT {cap}) "
        f"UNION (SELECT id FROM reviews_review WHERE {HEADLINE_VECTOR} @@ {TS_QUERY} AND {where} "
        f"ORDER BY published_at DESC, id DESC LIMIT {cap}) "
        f"UNION (SELECT id FROM reviews_review WHERE film_id IN (SELECT id FROM films_film "
        f"WHERE {FILM_TITLE_VECTOR} @@ {TS_QUERY}) AND {where} "
        f"ORDER BY published_at DESC, id DESC LIMIT {cap}) "
        f"UNION (SELECT id FROM reviews_review WHERE film_id IN ({people_sql}) AND {where} "
        f"ORDER BY published_at DESC, id DESC LIMIT {cap})"
    )
    params = [query.text, *published_params] * 3 + [*people_params, *published_params]
    return sql, params


class RankedReviews:
    """The matching reviews' ids, best first, read in one query; a page's reviews in another.

    The paginator counts it without a query, and slicing it loads just that page's reviews
    with what a card shows, instead of matching and ranking once to count and again to list.
    """

    def __init__(self, ranked_ids):
        self.ids = list(ranked_ids)

    def count(self):
        return len(self.ids)

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        page_ids = self.ids[index]
        if not page_ids:
            return []
        by_id = Review.objects.for_list().in_bulk(page_ids)
        return [by_id[pk] for pk in page_ids if pk in by_id]


def search_reviews(query):
    """Published reviews matching the query, best first."""
    reviews = Review.objects.for_list()
    if connection.vendor == "postgresql":
        # reviews_review.search_vector is stored and GIN-indexed (migration reviews 0008): the
        # film title and headline weigh A, the standfirst B, the body C.
        candidates, params = _review_candidates_postgresql(query)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM reviews_review WHERE id IN ({candidates}) "
                f"ORDER BY ts_rank(search_vector, {TS_QUERY}) DESC, published_at DESC, id DESC",
                [*params, query.text],
            )
            return RankedReviews(row[0] for row in cursor.fetchall())
    if connection.vendor == "sqlite":
        return _search_reviews_sqlite(reviews, query)
    for term in query.terms:
        reviews = reviews.filter(
            Q(headline__icontains=term)
            | Q(standfirst__icontains=term)
            | Q(body__icontains=term)
            | Q(film__title__icontains=term)
            | Q(film_id__in=_person_film_ids([term]))
        )
    return reviews.order_by("-published_at", "-id")


def _fts_term(term):
    """One word as an FTS5 prefix query: quoted, so no word is read as FTS5 syntax."""
    return '"{}"*'.format(term.replace('"', '""'))


def _search_reviews_sqlite(reviews, query):
    """Every word in the review's text (FTS5, reviews/fts.py), or its film's people; by bm25.

    One FTS5 query ranks the text matches and keeps the best REVIEW_CANDIDATES (ranking them
    in FTS5 costs a few milliseconds for thousands of matches; a bm25() subquery per review
    costs about a millisecond each). The reviews query then orders by that list.
    """
    every_term = " ".join(_fts_term(term) for term in query.terms)  # FTS5: all of them
    with connection.cursor() as cursor:
        # bm25() is lower for a better match: the film title and headline weigh most, then
        # the standfirst, then the body. Drafts are in the index: the outer query drops them.
        cursor.execute(
            f"SELECT rowid FROM {fts.TABLE} WHERE {fts.TABLE} MATCH %s "
            f"ORDER BY bm25({fts.TABLE}, 10.0, 10.0, 4.0, 1.0) LIMIT %s",
            [every_term, REVIEW_CANDIDATES],
        )
        ranked = [row[0] for row in cursor.fetchall()]
    # A review's place in the ranked list; one found only through its people comes after.
    places = ",{},".format(",".join(map(str, ranked)))
    place = RawSQL(
        "COALESCE(NULLIF(instr(%s, ',' || reviews_review.id || ','), 0), 1000000000)",
        [places],
        output_field=FloatField(),
    )
    return RankedReviews(
        reviews.filter(Q(id__in=ranked) | Q(film_id__in=_person_film_ids(query.terms)))
        .annotate(rank=place)
        .order_by("rank", "-published_at", "-id")
        .values_list("id", flat=True)
    )


def search_films(query):
    """Films whose title (or, on PostgreSQL, synopsis) or people match, A–Z.

    On PostgreSQL, films whose title matches come first, and a misspelt title is found by
    trigram similarity when the words themselves find no film.
    """
    films = Film.objects.all()
    if connection.vendor == "postgresql":
        people_sql, people_params = _sql(_person_film_ids(query.terms))
        in_text = f"SELECT id FROM films_film WHERE {FILM_TEXT_VECTOR} @@ {TS_QUERY}"
        # Trigrams (pg_trgm, GIN-indexed in films 0004) are compared only when the words match
        # no film, person or review (so are likely misspelt): comparing them can cost a pass
        # over the titles, and a correctly spelt query gets nothing from it but near-misses.
        matching = (
            f"{in_text} UNION {people_sql} UNION SELECT id FROM films_film WHERE title %%> %s "
            f"AND NOT EXISTS ({in_text}) AND NOT EXISTS ({people_sql}) "
            f"AND NOT EXISTS (SELECT 1 FROM reviews_review WHERE search_vector @@ {TS_QUERY})"
        )
        title_matches = f"SELECT id FROM films_film WHERE {FILM_TITLE_VECTOR} @@ {TS_QUERY}"
        films = films.filter(
            id__in=RawSQL(
                matching,
                [query.text, *people_params, query.text, query.text, *people_params, query.text],
            )
        ).annotate(
            title_matches=RawSQL(
                f"films_film.id IN ({title_matches})", [query.text], output_field=BooleanField()
            )
        )
        return films.order_by("-title_matches", "title", "year")[:RESULT_FILMS]
    for term in query.terms:
        films = films.filter(Q(title__icontains=term) | Q(pk__in=_person_film_ids([term])))
    return films.order_by("title", "year")[:RESULT_FILMS]


def search_people(query):
    """People whose name contains every word."""
    people = Person.objects.all()
    for term in query.terms:
        people = people.filter(name__icontains=term)
    return people.order_by("name")[:RESULT_PEOPLE]


def rate_limited(ip) -> bool:
    """Counts one search from `ip`; True once it is over SEARCH_RATE_LIMIT in the window."""
    if not ip:
        return False
    return ratelimit.hit(
        "search", ip, limit=settings.SEARCH_RATE_LIMIT, window=settings.SEARCH_RATE_WINDOW
    )


@contextmanager
def time_box():
    """Run the enclosed queries with a statement timeout on PostgreSQL (nothing elsewhere).

    A cancelled query raises django.db.OperationalError out of the block. A local setting lasts
    until the end of the transaction, so inside an enclosing one (ATOMIC_REQUESTS, tests) the
    session's value is put back on the way out; on error the rollback undoes it.
    """
    if connection.vendor != "postgresql":
        yield
        return
    nested = connection.in_atomic_block
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, true)",
                [f"{settings.SEARCH_TIMEOUT_MS}ms"],
            )
        yield
        if nested:  # outside a transaction, COMMIT ends the setting with no extra query
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout TO DEFAULT")
