"""Posters and review images as readers' browsers get them: a <picture> of sized renditions in
modern formats with a JPEG fallback, the above-the-fold poster first, the rest lazily, and
rendition URLs cached for a year because a changed image always gets new ones."""

import re
from http import HTTPStatus
from io import BytesIO

import pytest
from django.urls import reverse
from PIL import Image

from core.images import RENDITION_FORMATS
from films.models import Film
from reviews.models import ReviewImage
from tests import factories
from tests.reviews.reading_data import add_image, image_upload, make_film
from tests.test_uploads import film_with_poster

pytestmark = pytest.mark.django_db

POSTER_WIDTHS = (160, 320, 480, 640)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def pictures(html):
    return re.findall(r"<picture>.*?</picture>", html, re.S)


def attribute(tag_html, name):
    match = re.search(rf'\s{name}="([^"]*)"', tag_html)
    return match and match.group(1)


def srcset_of(picture, mime):
    """{width: url} of the <source> of this type, or of the <img> for image/jpeg."""
    if mime == "image/jpeg":
        tag = re.search(r"<img\b[^>]*>", picture).group(0)
    else:
        tag = re.search(rf'<source type="{mime}"[^>]*>', picture).group(0)
    return {int(width): url for url, width in re.findall(r"(\S+) (\d+)w", attribute(tag, "srcset"))}


def fetch_image(client, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK, url
    return response, Image.open(BytesIO(b"".join(response.streaming_content)))


def test_film_poster_comes_in_every_width_as_avif_or_webp_with_a_jpeg_fallback(client):
    film = make_film(poster=True)
    html = client.get(film.get_absolute_url()).content.decode()

    (picture,) = [p for p in pictures(html) if "Poster for Her" in p]
    expected_types = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg"}
    # The newest format first: a browser takes the first <source> it can decode.
    offered = re.findall(r'<source type="([^"]+)"', picture)
    assert offered == [expected_types[f] for f in RENDITION_FORMATS if f != "jpeg"]
    assert "image/webp" in offered
    for image_format in RENDITION_FORMATS:
        renditions = srcset_of(picture, expected_types[image_format])
        assert sorted(renditions) == list(POSTER_WIDTHS)
        for width, url in renditions.items():
            response, image = fetch_image(client, url)
            assert response["Content-Type"] == expected_types[image_format]
            assert image.size == (width, width * 3 // 2)  # 2:3, as the width says
    img = re.search(r"<img\b[^>]*>", picture).group(0)
    # Width and height reserve the poster's 2:3 box before it arrives: nothing jumps.
    assert (attribute(img, "width"), attribute(img, "height")) == ("320", "480")
    # On a phone the poster is a small one beside the title.
    assert attribute(img, "sizes") == "(min-width: 768px) 280px, 96px"
    assert attribute(img, "alt") == "Poster for Her"


def test_the_poster_above_the_fold_is_fetched_first_and_every_other_image_lazily(client):
    film = make_film(poster=True)
    other = make_film("Arrival", "arrival", poster=True)
    newest = factories.ReviewFactory(film=film, headline="Newest")
    factories.ReviewFactory(
        film=other, headline="Older", published_at=newest.published_at.replace(year=2020)
    )
    add_image(newest, order=1)
    newest.body = "Intro.\n\n[image 1]"
    newest.save()

    def images(path):
        html = client.get(path).content.decode()
        return re.findall(r"<img\b[^>]*>", html.split("<main", 1)[1])

    def eager(img):
        return 'fetchpriority="high"' in img and "loading=" not in img

    def lazy(img):
        return 'loading="lazy"' in img and 'decoding="async"' in img

    home = images(reverse("reviews:home"))
    assert eager(home[0]) and "Poster for Her" in home[0]  # the lead card
    assert all(lazy(img) for img in home[1:]) and len(home) == 2

    review_page = [img for img in images(newest.get_absolute_url()) if "avatar" not in img]
    first_poster = next(img for img in review_page if "Poster for Her" in img)
    assert eager(first_poster)
    assert [img for img in review_page if eager(img)] == [first_poster]
    assert any(lazy(img) and "A man alone on a beach" in img for img in review_page)

    film_page = images(film.get_absolute_url())
    assert eager(film_page[0]) and "Poster for Her" in film_page[0]
    assert all(lazy(img) for img in film_page[1:])


def test_small_posters_offer_only_the_widths_they_can_use(client):
    """A 64 px related-review poster needs one rendition, not the film page's four."""
    film = make_film(poster=True)
    review = factories.ReviewFactory(film=film)
    other = factories.ReviewFactory(film=film, headline="Another look")
    review.related_reviews.add(other)

    html = client.get(review.get_absolute_url()).content.decode()

    (mini,) = [p for p in pictures(html) if "mini-card-poster" in p]
    assert list(srcset_of(mini, "image/jpeg")) == [160]
    assert list(srcset_of(mini, "image/webp")) == [160]


def test_a_wide_review_image_is_offered_in_three_widths_keeping_its_proportions(client):
    review = factories.ReviewFactory(body="[image 1]")
    ReviewImage.objects.create(
        review=review, image=image_upload("wide.png", size=(1600, 900)), alt_text="A pier", order=1
    )

    html = client.get(review.get_absolute_url()).content.decode()

    (picture,) = [p for p in pictures(html) if "A pier" in p]
    renditions = srcset_of(picture, "image/jpeg")
    assert sorted(renditions) == [480, 960, 1440]
    for width, url in renditions.items():
        _, image = fetch_image(client, url)
        assert image.size == (width, round(width * 900 / 1600))
    img = re.search(r"<img\b[^>]*>", picture).group(0)
    assert (attribute(img, "width"), attribute(img, "height")) == ("480", "270")


def test_renditions_are_cached_for_a_year_and_originals_are_not(client):
    film = make_film(poster=True)
    html = client.get(film.get_absolute_url()).content.decode()
    rendition_url = attribute(re.search(r"<img\b[^>]*poster[^>]*>", html).group(0), "src")

    rendition = client.get(rendition_url)
    original = client.get(film.poster.url)
    missing = client.get(rendition_url.replace(".jpg", "-gone.jpg"))

    assert rendition["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "immutable" not in original.get("Cache-Control", "")
    assert missing.status_code == HTTPStatus.NOT_FOUND
    assert "immutable" not in missing.get("Cache-Control", "")


def test_a_replaced_poster_gets_new_rendition_urls_even_under_the_same_file_name(client, author):
    """What makes the year-long caching safe: a browser never keeps the old poster."""
    client.force_login(author.user)
    client.post(reverse("admin:films_film_add"), film_with_poster(image_upload("her.png")))
    film = Film.objects.get(slug="her")
    before = set(
        re.findall(r"/media/CACHE/\S+?\.\w+", client.get(film.get_absolute_url()).content.decode())
    )

    change_url = reverse("admin:films_film_change", args=[film.pk])
    replacement = image_upload("her.png", color=(20, 90, 200))
    response = client.post(change_url, film_with_poster(replacement))
    assert response.status_code == HTTPStatus.FOUND
    client.logout()
    after = set(
        re.findall(r"/media/CACHE/\S+?\.\w+", client.get(film.get_absolute_url()).content.decode())
    )

    assert before and after
    assert not before & after
    _, image = fetch_image(client, sorted(after)[0])
    assert image.convert("RGB").getpixel((5, 5))[2] > 150  # the new, blue poster
