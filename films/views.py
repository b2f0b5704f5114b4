"""The public film pages: the A–Z index, a film, a person, a genre.

What these pages show of reviews and readers' ratings is added by those apps through
`films.pages` (reviews and comments sit above films and register providers there).
"""

import string

from django.db.models import Exists
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from core import seo
from core.http import int_param
from core.images import rendition_url
from core.paginator import KeysFirstPaginator
from core.views import PageParamMixin
from films import titles
from films.credits import credits_by_role
from films.models import Credit, Film, Genre, Person
from films.pages import film_list, film_page, genre_page, person_page

FILMS_PAGE_SIZE = 24
LETTERS = list(string.ascii_uppercase)
# Titles starting with a digit or another script: ?letter=0-9 (the address links have always
# used), stored as Film.index_letter "#"; "#" itself is accepted too.
OTHERS_PARAM = "0-9"
OTHERS_PARAMS = {"0-9", "#"}
LETTER_FIELD_VALUES = {OTHERS_PARAM: titles.OTHERS}

# The index's heading for each combination of filters, as whole sentences (a translation may
# order the parts its own way): keyed by which of genre, year and letter are set.
LIST_TITLES = {
    (False, False, False): _("Films A–Z"),
    (True, False, False): _("Films A–Z: %(genre)s"),
    (False, True, False): _("Films A–Z: from %(year)s"),
    (False, False, True): _("Films A–Z: starting with %(letter)s"),
    (True, True, False): _("Films A–Z: %(genre)s, from %(year)s"),
    (True, False, True): _("Films A–Z: %(genre)s, starting with %(letter)s"),
    (False, True, True): _("Films A–Z: from %(year)s, starting with %(letter)s"),
    (True, True, True): _("Films A–Z: %(genre)s, from %(year)s, starting with %(letter)s"),
}


class FilmListView(PageParamMixin, ListView):
    """Films A–Z, filtered by ?genre=<slug>, ?year=<yyyy> and ?letter=<a-z>."""

    template_name = "films/film_list.html"
    context_object_name = "films"
    paginate_by = FILMS_PAGE_SIZE
    paginator_class = KeysFirstPaginator  # a far page costs what the first does

    def get_queryset(self):
        params = self.request.GET
        self.filters = {}
        self.notices = []
        # Higher apps annotate the films (reviews adds review_count).
        films = Film.objects.prefetch_related("genres").annotate(**film_list.context())

        genre_slug = params.get("genre", "").strip()
        if genre_slug:
            genre = Genre.objects.filter(slug=genre_slug[:60]).first()
            if genre is None:
                self.notices.append(
                    gettext("We don't have a genre by that name; showing films of every genre.")
                )
            else:
                self.filters["genre"] = genre
                films = films.filter(genres=genre)

        raw_year = params.get("year", "").strip()
        if raw_year:
            year = int_param(raw_year, minimum=1000, maximum=9999)  # four digits
            if year is not None:
                self.filters["year"] = year
                films = films.filter(year=year)
            else:
                self.notices.append(
                    gettext("A year is four digits, such as 2013; showing films of every year.")
                )

        letter = params.get("letter", "").strip().upper()
        if letter:
            if letter in OTHERS_PARAMS:
                letter = OTHERS_PARAM
            if letter in LETTERS or letter == OTHERS_PARAM:
                self.filters["letter"] = letter
                # Filed by Film.index_letter ("The Quiet Frequency" under Q), indexed with
                # the order below (film_letter_idx).
                films = films.filter(index_letter=LETTER_FIELD_VALUES.get(letter, letter))
            else:
                self.notices.append(gettext("Pick a letter from A to Z."))
        # id last: films of one title and year keep their place from page to page.
        return films.order_by("sort_title", "year", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = self.filters
        genre = filters.get("genre")
        title = LIST_TITLES[("genre" in filters, "year" in filters, "letter" in filters)] % {
            "genre": genre.name if genre else "",
            "year": filters.get("year", ""),
            "letter": filters.get("letter", ""),
        }
        context.update(
            filters=self.filters,
            notices=self.notices,
            heading=title,
            letters=self.letter_bar(),
            genres=Genre.objects.all(),
            years=Film.objects.order_by("-year").values_list("year", flat=True).distinct(),
            meta=seo.page_meta(
                title=title,
                description=gettext(
                    "Every film we have written about, from A to Z, by genre and year."
                ),
            ),
        )
        return context

    def letter_bar(self):
        """(label, ?letter= value, whether any film is filed there) for A–Z and "#".

        One query of 27 EXISTS probes on film_letter_idx: its cost does not grow with the
        catalogue. The links lead to every film of a letter, whatever genre and year are
        chosen, so a letter counts as filled when any film is filed under it.
        """
        letters = [(letter, letter, letter) for letter in LETTERS]
        letters.append((titles.OTHERS, OTHERS_PARAM, titles.OTHERS))
        probes = {
            f"letter_{n}": Exists(Film.objects.filter(index_letter=stored))
            for n, (_label, _param, stored) in enumerate(letters)
        }
        # Any one row carries the probes; with no film at all, every letter is empty.
        row = Film.objects.order_by().annotate(**probes).values(*probes).first() or {}
        return [
            (label, param, bool(row.get(f"letter_{n}")))
            for n, (label, param, _stored) in enumerate(letters)
        ]


def _reader_score(audience):
    """The readers' score for the film's JSON-LD, only when the page shows it."""
    if audience is None or not audience.is_shown:
        return {}
    return {"reader_average": audience.average, "reader_count": audience.count}


class FilmDetailView(DetailView):
    """A film: facts, credits, the critics' and the audience's scores, its published reviews."""

    template_name = "films/film_detail.html"
    context_object_name = "film"

    def get_queryset(self):
        return Film.objects.with_people()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        film = self.object
        credits = credits_by_role(film)
        # reviews, critic_average, critic_count, critic_verdict (reviews); audience (comments).
        context.update(film_page.context(film=film, request=self.request))
        poster = rendition_url(film, "poster", "poster_large")
        image_url = self.request.build_absolute_uri(poster) if poster else ""
        context.update(
            credits=credits,
            meta=seo.page_meta(
                title=str(film),
                description=film.synopsis
                or gettext("%(film)s — reviews and ratings.") % {"film": film},
                image_url=image_url,
                og_type="video.movie",
            ),
            jsonld=seo.film_jsonld(
                self.request,
                film,
                directors=credits.directors,
                image_url=image_url,
                average=context.get("critic_average"),
                count=context.get("critic_count", 0),  # reviews with a score
                **_reader_score(context.get("audience")),
            ),
        )
        return context


class PersonDetailView(DetailView):
    """A director's, writer's or actor's films, and the published reviews of them."""

    template_name = "films/person_detail.html"
    context_object_name = "person"
    model = Person

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        credits = list(
            Credit.objects.filter(person=person)
            .select_related("film")
            .order_by("-film__year", "film__title", "billing_order")
        )
        roles = {
            "directed": [c for c in credits if c.role == Credit.Role.DIRECTOR],
            "wrote": [c for c in credits if c.role == Credit.Role.WRITER],
            "cast": [c for c in credits if c.role == Credit.Role.CAST],
        }
        film_ids = {credit.film_id for credit in credits}
        jobs = [
            label
            for label, key in (
                (gettext("Director"), "directed"),
                (gettext("Writer"), "wrote"),
                (gettext("Actor"), "cast"),
            )
            if roles[key]
        ]
        context.update(person_page.context(person=person, film_ids=film_ids, request=self.request))
        context.update(
            roles=roles,
            jobs=jobs,
            meta=seo.page_meta(
                title=person.name,
                description=person.bio
                or gettext("%(name)s: films and reviews of them on this site.")
                % {"name": person.name},
                og_type="profile",
            ),
        )
        return context


class GenreDetailView(DetailView):
    """Published reviews of films in a genre, newest first (listed by the reviews app)."""

    template_name = "films/genre_detail.html"
    context_object_name = "genre"
    model = Genre

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        genre = self.object
        # reviews, page_obj, paginator, is_paginated (reviews).
        context.update(genre_page.context(genre=genre, request=self.request))
        context.update(
            film_count=genre.films.count(),
            meta=seo.page_meta(
                title=gettext("%(genre)s film reviews") % {"genre": genre.name},
                description=gettext("Reviews of %(genre)s films, newest first.")
                % {"genre": genre.name.lower()},
            ),
        )
        return context
