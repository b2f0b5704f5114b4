"""Search over published reviews, films and people.

PostgreSQL: full-text search with ranking (websearch syntax) over a stored, GIN-indexed tsvector
kept up to date by triggers (migration reviews 0008); trigram similarity for misspelt titles.
SQLite: every word (or a word starting with it) must be in the headline, standfirst, body or
the film's title (an FTS5 index, reviews/fts.py) or one of the film's people's names; ranked by
bm25 with the film title and headline above the body. Anything else: the same words matched
case-insensitively anywhere in those texts, newest first.

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
    return Credit.objects.filter(person__in=people).values("film_id")


def search_reviews(query):
    """Published reviews matching the query, best first."""
    reviews = Review.objects.for_list()
    person_films = _person_film_ids(query.terms)
    if connection.vendor == "postgresql":
        # reviews_review.search_vector is stored and GIN-indexed (migration reviews 0008): the
        # film title and headline weigh A, the standfirst B, the body C.
        ts_query = "websearch_to_tsquery('english', %s)"
        return (
            reviews.annotate(
                matches=RawSQL(
                    f"reviews_review.search_vector @@ {ts_query}",
                    [query.text],
                    output_field=BooleanField(),
                ),
                rank=RawSQL(
                    f"ts_rank(reviews_review.search_vector, {ts_query})",
                    [query.text],
                    output_field=FloatField(),
                ),
            )
            .filter(Q(matches=True) | Q(film_id__in=person_films))
            .order_by("-rank", "-published_at", "-id")
        )
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
    """Every word in the review's text (FTS5, reviews/fts.py) or its film's people; by bm25."""
    for term in query.terms:
        in_text = RawSQL(
            f"SELECT rowid FROM {fts.TABLE} WHERE {fts.TABLE} MATCH %s", [_fts_term(term)]
        )
        reviews = reviews.filter(Q(id__in=in_text) | Q(film_id__in=_person_film_ids([term])))
    # bm25() is lower for a better match: the film title and headline weigh most, then the
    # standfirst, then the body. A review found only through its people ranks after those.
    any_term = " OR ".join(_fts_term(term) for term in query.terms)
    rank = RawSQL(
        f"COALESCE((SELECT bm25({fts.TABLE}, 10.0, 10.0, 4.0, 1.0) FROM {fts.TABLE} "
        f"WHERE {fts.TABLE} MATCH %s AND rowid = reviews_review.id), 0.0)",
        [any_term],
        output_field=FloatField(),
    )
    return reviews.annotate(rank=rank).order_by("rank", "-published_at", "-id")


def search_films(query):
    """Films whose title (or, on PostgreSQL, synopsis) or people match, A–Z."""
    films = Film.objects.all()
    person_films = _person_film_ids(query.terms)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector("title", weight="A", config="english") + SearchVector(
            "synopsis", weight="B", config="english"
        )
        ts_query = SearchQuery(query.text, search_type="websearch", config="english")
        # Trigram matches (pg_trgm, GIN-indexed in films 0004) find a misspelt title.
        films = films.annotate(search=vector).filter(
            Q(search=ts_query)
            | Q(pk__in=person_films)
            | Q(title__trigram_similar=query.text)
            | Q(title__trigram_word_similar=query.text)
        )
    else:
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
