"""What search engines and link previews read: page meta and schema.org JSON-LD."""

import json
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

DESCRIPTION_LENGTH = 160  # what search result snippets show


def describe(text):
    """A one-line meta description from any text (tags stripped, cut at ~160 characters)."""
    flat = " ".join(strip_tags(text or "").split())
    return Truncator(flat).chars(DESCRIPTION_LENGTH)


def page_meta(
    *,
    title,
    description="",
    image_url="",
    image_size=None,
    image_alt="",
    og_type="website",
    noindex=False,
):
    """The dict base.html reads for <title>, description, Open Graph and Twitter tags.

    `image_size`: (width, height) of the image in pixels, when known (og:image:width/height).
    """
    width, height = image_size or (None, None)
    return {
        "title": title,
        "description": describe(description),
        "image": image_url,
        "image_width": width,
        "image_height": height,
        "image_alt": image_alt,
        "type": og_type,
        "noindex": noindex,
    }


def absolute(request, url):
    """An absolute URL for `url` (a path), or "" for no URL."""
    if not url:
        return ""
    return request.build_absolute_uri(url)


def _number(value):
    """A rating as a JSON number: 8 rather than 8.0, 7.5 as 7.5."""
    value = Decimal(str(value))
    return int(value) if value == value.to_integral_value() else float(value)


def rating_jsonld(value, **extra):
    return {
        "@type": "Rating",
        "ratingValue": _number(value),
        "bestRating": 10,
        "worstRating": 0,
        **extra,
    }


def movie_jsonld(request, film, *, directors=(), image_url=""):
    data = {
        "@type": "Movie",
        "name": film.title,
        "url": absolute(request, film.get_absolute_url()),
        "dateCreated": film.release_date.isoformat() if film.release_date else str(film.year),
    }
    if directors:
        people = [
            {
                "@type": "Person",
                "name": person.name,
                "url": absolute(request, person.get_absolute_url()),
            }
            for person in directors
        ]
        data["director"] = people[0] if len(people) == 1 else people
    if image_url:
        data["image"] = image_url
    return data


def review_jsonld(request, review, *, directors=(), image_url="", keywords=()):
    """schema.org Review of a Movie, with the fields Google documents for review snippets.

    `keywords`: the review's tag names, given as schema.org's comma-separated text.
    """
    published = review.published_at
    modified = review.updated_at if review.updated_at and review.updated_at > published else None
    data = {
        "@context": "https://schema.org",
        "@type": "Review",
        "name": review.headline,
        "headline": review.headline,
        "url": absolute(request, review.get_absolute_url()),
        "description": describe(review.standfirst),
        "itemReviewed": movie_jsonld(
            request, review.film, directors=directors, image_url=image_url
        ),
        "author": {
            "@type": "Person",
            "name": review.author.display_name,
            "url": absolute(request, review.author.get_absolute_url()),
        },
        "datePublished": published.isoformat() if published else None,
        "dateModified": (modified or published).isoformat() if published else None,
        "publisher": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "url": absolute(request, reverse("reviews:home")),
        },
    }
    if review.rating is not None:
        # A review without a score has no reviewRating: never an invented one.
        data["reviewRating"] = rating_jsonld(review.rating)
    if keywords:
        data["keywords"] = ", ".join(keywords)
    return data


def film_jsonld(
    request,
    film,
    *,
    directors=(),
    image_url="",
    average=None,
    count=0,
    reader_average=None,
    reader_count=0,
):
    """schema.org Movie with an aggregateRating that is a score the page shows.

    The readers' score (`reader_average` over `reader_count` counted ratings: one per reader,
    comments/ratings.py) once the page shows it; until then the critics' average (`average`
    over the `count` reviews with a score); none when neither exists.
    """
    data = {"@context": "https://schema.org", **movie_jsonld(request, film, directors=directors)}
    if image_url:
        data["image"] = image_url
    if film.synopsis:
        data["description"] = describe(film.synopsis)
    if film.runtime_minutes:
        data["duration"] = f"PT{film.runtime_minutes}M"
    if film.certification:
        data["contentRating"] = film.certification
    if reader_average is not None and reader_count:
        # Readers rate 1–10, each with a comment (a short review of their own).
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": round(float(reader_average), 1),
            "bestRating": 10,
            "worstRating": 1,
            "ratingCount": reader_count,
            "reviewCount": reader_count,
        }
    elif average is not None and count:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": round(float(average), 1),
            "bestRating": 10,
            "worstRating": 0,
            "ratingCount": count,
            "reviewCount": count,
        }
    return data


def jsonld_script(data):
    """A <script type="application/ld+json"> block; `<`, `>` and `&` escaped so no text in
    the data (a headline, a name) can close the tag. Browsers never execute this type, so the
    strict CSP (script-src 'self') does not apply to it."""
    payload = (
        json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')
