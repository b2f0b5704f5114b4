"""What search engines and link previews read in every page's head, and the JSON-LD."""

import json
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests import factories
from tests.reviews.reading_data import make_film

pytestmark = pytest.mark.django_db


class HeadParser(HTMLParser):
    """Collects <title>, <meta>, <link rel=canonical>, h1 count, and every <script>/<img>."""

    def __init__(self):
        super().__init__()
        self.meta, self.links, self.scripts, self.imgs = {}, {}, [], []
        self.title, self.h1 = "", 0
        self._in_title = False
        self.inline_styles = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.inline_styles += 1
        if tag == "title":
            self._in_title = True
        elif tag == "meta" and ("name" in attrs or "property" in attrs):
            self.meta[attrs.get("name") or attrs.get("property")] = attrs.get("content")
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.links["canonical"] = attrs["href"]
        elif tag == "h1":
            self.h1 += 1
        elif tag == "script":
            self.scripts.append(attrs)
        elif tag == "img":
            self.imgs.append(attrs)
        elif tag == "style":
            self.inline_styles += 1

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def head(response):
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser


def jsonld(response):
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return [json.loads(block) for block in blocks]


@pytest.fixture
def review():
    jonze = factories.PersonFactory(name="Spike Jonze")
    film = make_film("Her", "her", director=jonze, poster=True)
    return factories.ReviewFactory(
        film=film,
        slug="her-quiet",
        headline="Her — a quiet triumph",
        standfirst="Spike Jonze makes a love story out of a voice.",
        rating=Decimal("8.5"),
        author__display_name="Ana Critic",
    )


def every_page(review):
    film = review.film
    return [
        reverse("reviews:home"),
        review.get_absolute_url(),
        reverse("films:list"),
        film.get_absolute_url(),
        film.credits.first().person.get_absolute_url(),
        film.genres.first().get_absolute_url(),
        review.author.get_absolute_url(),
        reverse("reviews:search") + "?q=her",
    ]


def test_every_page_has_title_description_canonical_social_tags_and_one_h1(client, review):
    for url in every_page(review):
        response = client.get(url)
        assert response.status_code == 200, url
        page = head(response)
        assert page.title.strip().endswith("Reel Notes"), url
        assert page.meta["description"], url
        canonical = page.links["canonical"]
        assert canonical == "http://testserver" + url.split("?")[0], url
        for tag in ("og:title", "og:description", "og:type", "og:url", "twitter:card"):
            assert page.meta.get(tag), (url, tag)
        assert page.h1 == 1, url


def test_pages_have_no_inline_styles_or_scripts_and_every_image_is_sized(client, review):
    for url in every_page(review):
        page = head(client.get(url))
        assert page.inline_styles == 0, url
        for script in page.scripts:
            assert script.get("src") or script.get("type") == "application/ld+json", url
        for img in page.imgs:
            assert img.get("width") and img.get("height") and "alt" in img, (url, img)


def test_canonical_url_drops_the_query_string_but_keeps_a_real_page_number(client):
    factories.ReviewFactory.create_batch(11)
    page = head(client.get("/?page=2&utm_source=newsletter"))
    assert page.links["canonical"] == "http://testserver/?page=2"
    assert head(client.get("/?utm_source=x")).links["canonical"] == "http://testserver/"


def test_review_page_social_tags_describe_the_review_with_its_picture(client, review):
    page = head(client.get(review.get_absolute_url()))
    assert page.title.strip() == "Her — a quiet triumph — Reel Notes"
    assert page.meta["description"] == "Spike Jonze makes a love story out of a voice."
    assert page.meta["og:type"] == "article"
    assert page.meta["og:url"] == "http://testserver/reviews/her-quiet/"
    # The review's own picture, poster and headline together (tests/reviews/test_share.py).
    assert page.meta["og:image"].startswith("http://testserver/reviews/her-quiet/og-")
    assert page.meta["twitter:card"] == "summary_large_image"


def test_review_jsonld_has_the_fields_google_documents_for_review_snippets(client, review):
    (data,) = jsonld(client.get(review.get_absolute_url()))

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Review"
    assert data["name"] == "Her — a quiet triumph"
    item = data["itemReviewed"]
    assert item["@type"] == "Movie"
    assert item["name"] == "Her"
    assert item["dateCreated"] == "2013"
    assert item["director"] == {
        "@type": "Person",
        "name": "Spike Jonze",
        "url": "http://testserver"
        + review.film.credits.get(role="director").person.get_absolute_url(),
    }
    assert item["image"] == "http://testserver" + review.film.poster_large.url
    assert data["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 8.5,
        "bestRating": 10,
        "worstRating": 0,
    }
    assert data["author"]["@type"] == "Person"
    assert data["author"]["name"] == "Ana Critic"
    assert data["author"]["url"].startswith("http://testserver/authors/")
    assert data["datePublished"] == review.published_at.isoformat()
    assert data["dateModified"] == review.published_at.isoformat()
    assert data["publisher"]["@type"] == "Organization"


def test_jsonld_cannot_be_broken_out_of_by_a_headline(client):
    review = factories.ReviewFactory(headline="</script><script>alert(1)</script> & more")
    html = client.get(review.get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in html
    (data,) = jsonld(client.get(review.get_absolute_url()))
    assert data["headline"] == "</script><script>alert(1)</script> & more"


def test_drafts_in_the_preview_carry_no_structured_data(client):
    review = factories.ReviewFactory(status="draft", published_at=None)
    client.force_login(review.author.user)
    assert jsonld(client.get(review.get_absolute_url())) == []


def test_a_description_from_the_body_has_no_markers_and_no_spoilers(client):
    film = factories.FilmFactory(synopsis="")
    review = factories.ReviewFactory(
        film=film,
        standfirst="",
        body=(
            "[image 1]\n\n"
            "[pullquote]A line worth repeating.[/pullquote]\n\n"
            "The opening is *quiet* & patient.\n\n"
            "[spoiler]\nThe keeper was the signal all along.\n[/spoiler]\n\n"
            "It ends well."
        ),
    )
    html = client.get(review.get_absolute_url()).content.decode()
    description = re.search(r'<meta name="description" content="([^"]*)"', html)[1]

    assert description == "The opening is quiet &amp; patient.\n\nIt ends well.".replace(
        "\n\n", " "
    )
    assert "keeper" not in description
