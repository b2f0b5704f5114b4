"""What the film pages (films.pages) show of reviews: registered in ReviewsConfig.ready()."""

from django.core.paginator import InvalidPage
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from core.http import page_param
from core.paginator import KeysFirstPaginator
from films.models import Film
from films.pages import film_list, film_page, genre_page, person_page

from .models import Review, verdict_for

GENRE_PAGE_SIZE = 10


@film_list.register
def review_counts():
    """review_count: how many published reviews each film of the index has (a subquery)."""
    counts = (
        Review.objects.published()
        .filter(film=OuterRef("pk"))
        .order_by()
        .values("film")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return {"review_count": Coalesce(Subquery(counts, output_field=IntegerField()), 0)}


@film_page.register
def film_reviews(*, film, request):
    """The film's published reviews and the critics' average of those that give a score."""
    reviews = list(Review.objects.for_list().filter(film=film))
    # A review without a score says nothing about it: it neither counts nor pulls it down.
    scores = [review.rating for review in reviews if review.rating is not None]
    average = sum(scores) / len(scores) if scores else None
    return {
        "reviews": reviews,
        "critic_average": average,
        "critic_count": len(scores),
        "critic_verdict": verdict_for(average),
    }


@person_page.register
def person_reviews(*, person, film_ids, request):
    """Published reviews of the films a person directed, wrote or acted in."""
    return {"reviews": list(Review.objects.for_list().filter(film_id__in=film_ids))}


@genre_page.register
def genre_reviews(*, genre, request):
    """One page (?page=N) of published reviews of the genre's films, newest first."""
    reviews = Review.objects.for_list().filter(film__in=Film.objects.filter(genres=genre))
    paginator = KeysFirstPaginator(reviews, GENRE_PAGE_SIZE, allow_empty_first_page=True)
    number = page_param(request.GET.get("page"), last=paginator.num_pages)
    try:
        page = paginator.page(number)
    except InvalidPage as error:
        raise Http404(f"No such page: {error}") from None
    return {
        "reviews": page.object_list,
        "page_obj": page,
        "paginator": paginator,
        "is_paginated": page.has_other_pages(),
    }
