"""Sharing a review: its link-preview picture (og:image, drawn once per version of the review and
kept in the media storage) and the share links under it (plain anchors, nothing loaded from the
networks)."""

from decimal import Decimal
from html.parser import HTMLParser
from http import HTTPStatus
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from reviews.models import Review
from tests import factories
from tests.core import test_object_storage as object_storage
from tests.images import png_upload
from tests.reviews.test_seo import head
from tests.s3 import object_names

pytestmark = pytest.mark.django_db

POSTER_RED = (180, 40, 40)  # tests.images.image_bytes' colour
GOLD = (241, 196, 95)  # the score badge

# The S3 API on loopback and a fresh bucket per test, as the object-storage tests use them.
s3_endpoint = object_storage.s3_endpoint
bucket = object_storage.bucket


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def review():
    film = factories.FilmFactory(title="The Lantern Keeper", year=2019, poster=png_upload())
    return factories.ReviewFactory(
        film=film,
        slug="lantern-keeper",
        headline="The Lantern Keeper keeps its secrets a little too well",
        rating=Decimal("7.5"),
    )


def og_url(client, review):
    return head(client.get(review.get_absolute_url())).meta["og:image"]


def fetch_picture(client, url):
    """The final response for the og:image URL (redirects followed) and the picture in it."""
    response = client.get(url, follow=True)
    assert response.status_code == HTTPStatus.OK
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, Image.open(BytesIO(body))


def stored_pictures(media_root, review):
    folder = media_root / "og"
    return sorted(p.name for p in folder.glob(f"{review.pk}-*")) if folder.exists() else []


def colour_at(picture, xy, *, near):
    red, green, blue = picture.convert("RGB").getpixel(xy)
    return all(abs(a - b) <= 12 for a, b in zip((red, green, blue), near, strict=True))


# --- The picture ------------------------------------------------------------------------------


def test_review_page_names_its_own_picture_with_size_and_alt_text(client, review):
    page = head(client.get(review.get_absolute_url()))

    url = page.meta["og:image"]
    assert url.startswith("http://testserver/reviews/lantern-keeper/og-")
    assert url.endswith(".jpg")
    assert page.meta["og:image:width"] == "1200"
    assert page.meta["og:image:height"] == "630"
    assert page.meta["og:image:alt"] == (
        "The Lantern Keeper (2019): “The Lantern Keeper keeps its secrets a little too well”, "
        "scored 7.5 / 10"
    )
    assert page.meta["twitter:card"] == "summary_large_image"
    assert page.meta["twitter:image"] == url


def test_the_picture_is_a_1200_by_630_jpeg_with_the_poster_and_the_score(
    client, review, media_root
):
    response, picture = fetch_picture(client, og_url(client, review))

    assert picture.format == "JPEG"
    assert picture.size == (1200, 630)
    assert colour_at(picture, (200, 315), near=POSTER_RED)  # the poster, on the left
    assert colour_at(picture, (500, 540), near=GOLD)  # the score badge, bottom left of the text
    # Served as a media file whose name never changes content: cached for a year.
    assert response.redirect_chain[0][0].startswith("/media/og/")
    assert "immutable" in response["Cache-Control"]
    assert stored_pictures(media_root, review) == [response.redirect_chain[0][0].rsplit("/", 1)[1]]


def test_the_picture_is_drawn_once_and_then_read_from_storage(
    client, review, media_root, monkeypatch
):
    url = og_url(client, review)
    fetch_picture(client, url)
    drawn = []
    monkeypatch.setattr("reviews.og_image.draw", lambda review: drawn.append(review) or b"")

    fetch_picture(client, url)

    assert drawn == []


def test_an_edited_headline_gives_a_new_picture_and_deletes_the_old_one(client, review, media_root):
    old_url = og_url(client, review)
    fetch_picture(client, old_url)
    (old_file,) = stored_pictures(media_root, review)

    review.headline = "The Lantern Keeper, seen again"
    review.save()
    new_url = og_url(client, review)  # the page cache was told of the change
    fetch_picture(client, new_url)

    assert new_url != old_url
    assert old_file not in stored_pictures(media_root, review)
    assert len(stored_pictures(media_root, review)) == 1
    # A page rendered before the edit still leads to an image: the current one.
    response = client.get(old_url)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == urlsplit(new_url).path


@pytest.mark.parametrize(
    "change",
    [
        {"rating": Decimal("9")},
        {"verdict": "Haunting"},
    ],
)
def test_a_new_score_or_verdict_gives_a_new_picture(client, review, change):
    before = og_url(client, review)
    Review.objects.filter(pk=review.pk).update(**change)
    from core.pagecache import content_changed

    content_changed()

    assert og_url(client, review) != before


def test_a_new_poster_or_film_title_gives_a_new_picture(client, review):
    before = og_url(client, review)
    film = review.film
    film.poster = png_upload("another.png")
    film.save()
    after_poster = og_url(client, review)
    film.title = "The Lantern Keeper: Director's Cut"
    film.save()

    assert len({before, after_poster, og_url(client, review)}) == 3


def test_a_review_without_a_score_draws_no_badge(client, review):
    review.rating = None
    review.save()
    page = head(client.get(review.get_absolute_url()))

    _, picture = fetch_picture(client, page.meta["og:image"])

    assert picture.size == (1200, 630)
    assert not colour_at(picture, (500, 540), near=GOLD)
    assert "/ 10" not in page.meta["og:image:alt"]


def test_a_film_without_a_poster_gets_a_neutral_panel(client):
    review = factories.ReviewFactory(film__title="Untold", rating=Decimal("6"))

    _, picture = fetch_picture(client, og_url(client, review))

    assert picture.size == (1200, 630)
    assert not colour_at(picture, (200, 40), near=POSTER_RED)
    red, green, blue = picture.convert("RGB").getpixel((20, 20))
    assert max(red, green, blue) - min(red, green, blue) < 30  # a grey-brown, not a colour


def test_a_broken_poster_file_still_gives_a_picture(client, review):
    film = review.film
    name = default_storage.save("posters/broken.png", ContentFile(b"not a picture at all"))
    type(film).objects.filter(pk=film.pk).update(poster=name)
    from core.pagecache import content_changed

    content_changed()

    _, picture = fetch_picture(client, og_url(client, review))

    assert picture.size == (1200, 630)


def test_a_very_long_headline_still_fits(client, review):
    review.headline = "Unbroken" * 25  # 200 characters, no space to wrap at
    review.save()

    _, picture = fetch_picture(client, og_url(client, review))

    assert picture.size == (1200, 630)


def test_the_picture_is_served_even_when_the_media_storage_fails(client, review, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("bucket unreachable")

    monkeypatch.setattr(default_storage, "save", refuse)

    response = client.get(og_url(client, review))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "image/jpeg"
    assert Image.open(BytesIO(response.content)).size == (1200, 630)


def test_an_unpublished_review_has_no_picture_and_its_preview_shows_the_poster(client, review):
    url = og_url(client, review)
    review.status = Review.Status.DRAFT
    review.save()

    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    client.force_login(review.author.user)
    preview = head(client.get(review.get_absolute_url()))
    assert preview.meta["og:image"] == "http://testserver" + review.film.poster_large.url


def test_the_picture_url_refuses_posts_and_odd_digests(client, review):
    url = urlsplit(og_url(client, review)).path

    assert client.post(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    odd = client.get("/reviews/lantern-keeper/og-not-a-digest.jpg")
    assert odd.status_code == HTTPStatus.FOUND
    assert odd["Location"] == url
    assert client.get("/reviews/no-such-review/og-abc.jpg").status_code == HTTPStatus.NOT_FOUND


# --- Share links ------------------------------------------------------------------------------


class ShareParser(HTMLParser):
    """The links of the share block, and every element that loads something."""

    def __init__(self):
        super().__init__()
        self.links, self.loads = [], []
        self._in_share = 0
        self._in_link = False
        self._text = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and "share" in (attrs.get("class") or "").split():
            self._in_share = 1
        elif self._in_share and tag == "a":
            self.links.append({**attrs, "text": ""})
            self._in_link = True
        if tag in ("script", "img", "iframe", "source", "link", "embed", "object"):
            self.loads.append(attrs.get("src") or attrs.get("srcset") or attrs.get("href") or "")

    def handle_endtag(self, tag):
        if tag == "a":
            self._in_link = False
        if tag == "section" and self._in_share:
            self._in_share = 0

    def handle_data(self, data):
        if self._in_share and self._in_link:
            self.links[-1]["text"] += data


def share_block(client, review):
    parser = ShareParser()
    parser.feed(client.get(review.get_absolute_url()).content.decode())
    return parser


def test_share_links_carry_the_review_address_and_headline_encoded(client):
    review = factories.ReviewFactory(slug="sound-fury", headline="Sound & fury: a “loud” film")
    address = "http://testserver/reviews/sound-fury/"
    links = {link["text"].strip(): link for link in share_block(client, review).links}

    assert list(links) == [
        "Copy link",
        "Email",
        "Bluesky",
        "X (Twitter)",
        "Facebook",
        "LinkedIn",
        "Reddit",
    ]
    assert links["Copy link"]["href"] == address
    mail = urlsplit(links["Email"]["href"])
    assert mail.scheme == "mailto"
    assert parse_qs(mail.query) == {"subject": [review.headline], "body": [address]}
    assert "%26" in mail.query and "+" not in mail.query  # & encoded, spaces as %20
    expected = {
        "Bluesky": ("bsky.app", {"text": [f"{review.headline} {address}"]}),
        "X (Twitter)": ("x.com", {"text": [review.headline], "url": [address]}),
        "Facebook": ("www.facebook.com", {"u": [address]}),
        "LinkedIn": ("www.linkedin.com", {"url": [address]}),
        "Reddit": ("www.reddit.com", {"url": [address], "title": [review.headline]}),
    }
    for name, (host, query) in expected.items():
        parts = urlsplit(links[name]["href"])
        assert (parts.scheme, parts.netloc) == ("https", host), name
        assert parse_qs(parts.query) == query, name
        assert "noopener" in links[name]["rel"].split(), name


def test_the_page_loads_nothing_from_the_networks(client, review):
    block = share_block(client, review)

    assert block.links
    off_site = [url for url in block.loads if urlsplit(url).netloc not in ("", "testserver")]
    assert off_site == []
    assert "/static/js/share.js" in block.loads


def test_a_draft_preview_has_no_share_links(client, review):
    review.status = Review.Status.DRAFT
    review.save()
    client.force_login(review.author.user)

    assert share_block(client, review).links == []


# --- In object storage (MEDIA_STORAGE=s3) ---------------------------------------------------


def test_in_a_bucket_the_picture_is_stored_there_immutable_and_replaced_on_change(
    bucket, s3_endpoint, client, review, media_root
):
    def picture_in_bucket():
        response = client.get(og_url(client, review))
        assert response.status_code == HTTPStatus.FOUND
        location = response["Location"]
        assert location.startswith(f"{s3_endpoint}/{bucket}/og/{review.pk}-")
        return location

    first = picture_in_bucket()
    status, headers, body = object_storage.fetch(first)
    assert status == HTTPStatus.OK
    assert headers["Cache-Control"] == object_storage.IMMUTABLE
    assert Image.open(BytesIO(body)).size == (1200, 630)

    review.headline = "Seen again, from the bucket"
    review.save()
    second = picture_in_bucket()

    assert second != first
    # The older picture was deleted from the bucket; nothing was written to this server's disk.
    assert object_names(s3_endpoint, bucket, "og/") == [
        second.removeprefix(f"{s3_endpoint}/{bucket}/")
    ]
    assert not any(path.is_file() for path in media_root.rglob("*"))
