"""Demo-like data for the reading-site tests: a film with its people, reviews, images."""

import html as html_lib
import re
from datetime import timedelta
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from films.models import Credit, Person
from reviews.models import Review, ReviewImage
from tests import factories


def image_upload(name="poster.png", size=(60, 90), color=(160, 60, 40)):
    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def make_film(
    title="Her",
    slug="her",
    *,
    year=2013,
    genres=("Romance", "Science Fiction", "Drama"),
    director=None,
    writers=(),
    cast=(("Joaquin Phoenix", "Theodore Twombly"), ("Scarlett Johansson", "Samantha")),
    poster=False,
    **fields,
):
    """A film with genres, a director, writers and cast (name, character), like the seed's."""
    film = factories.FilmFactory(title=title, slug=slug, year=year, **fields)
    film.genres.set([factories.GenreFactory(name=name, slug=slugify(name)) for name in genres])
    director = director or factories.PersonFactory(
        name=f"Director of {title}", slug=f"director-of-{slug}"
    )
    factories.CreditFactory(film=film, person=director, role=Credit.Role.DIRECTOR)
    for person in writers:
        factories.CreditFactory(film=film, person=person, role=Credit.Role.WRITER)
    for order, (name, character) in enumerate(cast):
        factories.CreditFactory(
            film=film,
            person=Person.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0],
            role=Credit.Role.CAST,
            character=character,
            billing_order=order,
        )
    if poster:
        film.poster = image_upload(f"{slug}.png")
        film.save()
    return film


def slugify(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def draft(**kwargs):
    """A draft review (never public)."""
    kwargs.setdefault("headline", "SECRET DRAFT headline")
    return factories.ReviewFactory(status=Review.Status.DRAFT, published_at=None, **kwargs)


def scheduled(**kwargs):
    """A review scheduled for tomorrow (not public yet)."""
    kwargs.setdefault("headline", "SECRET SCHEDULED headline")
    return factories.ReviewFactory(
        status=Review.Status.SCHEDULED,
        published_at=timezone.now() + timedelta(days=1),
        **kwargs,
    )


def add_image(review, order=1, caption="Theodore on the beach.", alt="A man alone on a beach"):
    return ReviewImage.objects.create(
        review=review,
        image=image_upload(f"still-{order}.png", size=(320, 180)),
        alt_text=alt,
        caption=caption,
        order=order,
    )


def page_text(response):
    """The visible text of an HTML response, tags removed and whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return re.sub(r" ([,.;:!?])", r"\1", text)  # "Phoenix , Johansson" -> "Phoenix, Johansson"
