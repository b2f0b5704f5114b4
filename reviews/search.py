"""Search over published reviews, films and people.

PostgreSQL: full-text search with ranking (django.contrib.postgres, websearch syntax).
SQLite (and anything else): every word must appear in the headline, standfirst, body, the
film's title or one of its people's names, case-insensitively.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext

from films.models import Credit, Film, Person
from reviews.models import Review

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10  # words beyond this add nothing but cost on SQLite
MIN_TERM_LENGTH = 1
RESULT_FILMS = 12
RESULT_PEOPLE = 12


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
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = (
            SearchVector("headline", weight="A", config="english")
            + SearchVector("film__title", weight="A", config="english")
            + SearchVector("standfirst", weight="B", config="english")
            + SearchVector("body", weight="C", config="english")
        )
        ts_query = SearchQuery(query.text, search_type="websearch", config="english")
        return (
            reviews.annotate(search=vector, rank=SearchRank(vector, ts_query))
            .filter(Q(search=ts_query) | Q(film_id__in=person_films))
            .order_by("-rank", "-published_at", "-id")
        )
    for term in query.terms:
        reviews = reviews.filter(
            Q(headline__icontains=term)
            | Q(standfirst__icontains=term)
            | Q(body__icontains=term)
            | Q(film__title__icontains=term)
            | Q(film_id__in=_person_film_ids([term]))
        )
    return reviews.order_by("-published_at", "-id")


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
        films = films.annotate(search=vector).filter(Q(search=ts_query) | Q(pk__in=person_films))
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
