"""The public film pages: the A–Z index, a film, a person, a genre.

Review data on these pages (lists, counts, averages) comes from `Review.objects.published()`.
"""

import string
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from comments.models import Comment
from films.credits import credits_by_role
from films.models import Credit, Film, Genre, Person
from films.templatetags.film_tags import rendition_url
from reviews import seo
from reviews.models import Review, verdict_for

FILMS_PAGE_SIZE = 24
REVIEWS_PAGE_SIZE = 10
LETTERS = list(string.ascii_uppercase)


def published_review_count():
    """Subquery: how many published reviews a film (OuterRef pk) has."""
    counts = (
        Review.objects.published()
        .filter(film=OuterRef("pk"))
        .order_by()
        .values("film")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


class FilmListView(ListView):
    """Films A–Z, filtered by ?genre=<slug>, ?year=<yyyy> and ?letter=<a-z>."""

    template_name = "films/film_list.html"
    context_object_name = "films"
    paginate_by = FILMS_PAGE_SIZE

    def get_queryset(self):
        params = self.request.GET
        self.filters = {}
        self.notices = []
        films = Film.objects.prefetch_related("genres").annotate(
            review_count=published_review_count()
        )

        genre_slug = params.get("genre", "").strip()
        if genre_slug:
            genre = Genre.objects.filter(slug=genre_slug[:60]).first()
            if genre is None:
                self.notices.append(
                    "We don't have a genre by that name; showing films of every genre."
                )
            else:
                self.filters["genre"] = genre
                films = films.filter(genres=genre)

        year = params.get("year", "").strip()
        if year:
            if year.isdigit() and len(year) == 4:
                self.filters["year"] = int(year)
                films = films.filter(year=int(year))
            else:
                self.notices.append(
                    "A year is four digits, such as 2013; showing films of every year."
                )

        letter = params.get("letter", "").strip().upper()
        if letter:
            if letter in LETTERS:
                self.filters["letter"] = letter
                films = films.filter(title__istartswith=letter)
            elif letter == "0-9":
                self.filters["letter"] = letter
                films = films.filter(title__regex=r"^[^A-Za-z]")
            else:
                self.notices.append("Pick a letter from A to Z.")
        return films.order_by("title", "year")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        parts = []
        if "genre" in self.filters:
            parts.append(self.filters["genre"].name)
        if "year" in self.filters:
            parts.append(f"from {self.filters['year']}")
        if "letter" in self.filters:
            parts.append(f"starting with {self.filters['letter']}")
        title = "Films A–Z" + (f": {', '.join(parts)}" if parts else "")
        context.update(
            filters=self.filters,
            notices=self.notices,
            heading=title,
            letters=LETTERS,
            genres=Genre.objects.all(),
            years=Film.objects.order_by("-year").values_list("year", flat=True).distinct(),
            meta=seo.page_meta(
                title=title,
                description="Every film we have written about, from A to Z, by genre and year.",
            ),
        )
        return context


@dataclass
class AudienceScore:
    """Readers' ratings (approved top-level comments on published reviews) of one film."""

    count: int
    average: Decimal | None
    bars: list  # (rating, count, width class suffix 0..100 in steps of 5), 10 first

    @property
    def verdict(self):
        return verdict_for(self.average) if self.average is not None else ""


def audience_score(film):
    """Average, count and histogram of readers' 1–10 ratings of `film`, in one query."""
    rows = (
        Comment.objects.approved()
        .filter(
            parent__isnull=True,
            rating__isnull=False,
            review__in=Review.objects.published().filter(film=film),
        )
        .order_by()
        .values("rating")
        .annotate(n=Count("pk"))
    )
    by_rating = {row["rating"]: row["n"] for row in rows}
    count = sum(by_rating.values())
    average = Decimal(sum(r * n for r, n in by_rating.items())) / count if count else None
    most = max(by_rating.values(), default=0)
    bars = []
    for rating in range(10, 0, -1):
        n = by_rating.get(rating, 0)
        # Widths are CSS classes in steps of 5 (the CSP forbids style attributes).
        width = round(n * 20 / most) * 5 if most else 0
        bars.append((rating, n, width))
    return AudienceScore(count=count, average=average, bars=bars)


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
        reviews = list(Review.objects.for_list().filter(film=film))
        critic_average = (
            sum(review.rating for review in reviews) / len(reviews) if reviews else None
        )
        poster = rendition_url(film, "poster", "poster_large")
        image_url = self.request.build_absolute_uri(poster) if poster else ""
        context.update(
            credits=credits,
            reviews=reviews,
            critic_average=critic_average,
            critic_verdict=verdict_for(critic_average) if reviews else "",
            audience=audience_score(film),
            meta=seo.page_meta(
                title=str(film),
                description=film.synopsis or f"{film} — reviews and ratings.",
                image_url=image_url,
                og_type="video.movie",
            ),
            jsonld=seo.film_jsonld(
                self.request,
                film,
                directors=credits.directors,
                image_url=image_url,
                average=critic_average,
                count=len(reviews),
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
        reviews = list(Review.objects.for_list().filter(film_id__in=film_ids))
        jobs = [
            label
            for label, key in (("Director", "directed"), ("Writer", "wrote"), ("Actor", "cast"))
            if roles[key]
        ]
        context.update(
            roles=roles,
            reviews=reviews,
            jobs=jobs,
            meta=seo.page_meta(
                title=person.name,
                description=person.bio or f"{person.name}: films and reviews of them on this site.",
                og_type="profile",
            ),
        )
        return context


class GenreDetailView(ListView):
    """Published reviews of films in a genre, newest first."""

    template_name = "films/genre_detail.html"
    context_object_name = "reviews"
    paginate_by = REVIEWS_PAGE_SIZE

    def get_queryset(self):
        self.genre = get_object_or_404(Genre, slug=self.kwargs["slug"])
        return Review.objects.for_list().filter(film__in=Film.objects.filter(genres=self.genre))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            genre=self.genre,
            film_count=self.genre.films.count(),
            meta=seo.page_meta(
                title=f"{self.genre.name} film reviews",
                description=f"Reviews of {self.genre.name.lower()} films, newest first.",
            ),
        )
        return context
