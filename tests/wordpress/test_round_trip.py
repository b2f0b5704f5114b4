"""Moving out again: export_wxr → import_wxr into an emptied site keeps tags, images and every
old WordPress address (issue 13)."""

from http import HTTPStatus
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from comments.models import Comment
from films.models import Film
from reviews.models import Author, Review, ReviewImage, Tag
from tests.images import png_upload
from tests.wordpress.test_old_addresses import BLOGS
from wordpress.models import ImportedItem, ImportSource, LegacyRedirect

pytestmark = pytest.mark.django_db


def run(command, *args):
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def empty_the_site():
    """Everything the import makes, gone (the media files stay, as a copied folder would)."""
    for model in (Comment, LegacyRedirect, ImportedItem, ImportSource, ReviewImage, Review):
        model.objects.all().delete()
    for model in (Tag, Film, Author):
        model.objects.all().delete()
    get_user_model().objects.all().delete()


OLD_ADDRESSES = [
    "/2015/03/07/alpha-in-the-rain/",
    "/index.php/2015/03/07/alpha-in-the-rain",
    "/alpha-in-the-rain/",
    "/?p=11",
    "/2015/03/07/alpha-in-the-rain/amp/",
]


@pytest.fixture
def moved_twice(tmp_path, settings):
    """Blog "a" imported from WordPress, given an image and a tag here, exported, and imported
    into an emptied site: {"before": what the first site answered, "output": the import's}."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COMMENTS_PER_PAGE = 3
    wordpress = tmp_path / "wordpress.xml"
    wordpress.write_text(BLOGS["a"])
    run("import_wxr", str(wordpress), "--comments-per-page", "2")

    alpha = Review.objects.get(slug="alpha-in-the-rain")
    ReviewImage.objects.create(
        review=alpha,
        image=png_upload("rain-still.png", size=(120, 80)),
        alt_text="Rain running down a window at night",
        caption="The opening shot, held for a minute",
        order=1,
    )
    alpha.body += "\n\n[image 1]\n"
    alpha.save()
    alpha.tags.add(Tag.objects.create(name="Made here", slug="made-here"))

    exported = tmp_path / "export.xml"
    run("export_wxr", "--output", str(exported))
    empty_the_site()
    output = run("import_wxr", str(exported), "--uploads", str(settings.MEDIA_ROOT))
    return {"output": output, "text": exported.read_text()}


def test_the_export_carries_tags_old_addresses_and_images_as_wordpress_does(moved_twice):
    text = moved_twice["text"]
    assert '<category domain="post_tag" nicename="noir">Noir</category>' in text
    assert '<category domain="post_tag" nicename="made-here">Made here</category>' in text
    assert "<wp:meta_value>/2015/03/07/alpha-in-the-rain</wp:meta_value>" in text
    assert "<wp:meta_value>/?p=11</wp:meta_value>" in text
    assert "<wp:post_type>attachment</wp:post_type>" in text
    assert "<wp:meta_key>_wp_attached_file</wp:meta_key>" in text
    assert "<wp:meta_value>Rain running down a window at night</wp:meta_value>" in text


def test_tags_survive_the_round_trip(moved_twice):
    review = Review.objects.get(headline="Alpha in the rain")
    assert set(review.tags.values_list("slug", flat=True)) >= {"noir", "made-here"}


def test_the_image_survives_with_its_alt_text_and_caption(client, moved_twice):
    review = Review.objects.get(headline="Alpha in the rain")
    image = review.images.get()
    assert (image.alt_text, image.caption) == (
        "Rain running down a window at night",
        "The opening shot, held for a minute",
    )
    html = client.get(review.get_absolute_url()).content.decode()
    assert "<figcaption>The opening shot, held for a minute</figcaption>" in html


@pytest.mark.parametrize("old", OLD_ADDRESSES)
def test_every_old_wordpress_address_still_answers_301(client, moved_twice, old):
    review = Review.objects.get(headline="Alpha in the rain")
    response = client.get(old)
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == review.get_absolute_url()


def test_old_comment_pages_keep_the_wordpress_page_size(client, moved_twice):
    review = Review.objects.get(headline="Alpha in the rain")
    response = client.get("/2015/03/07/alpha-in-the-rain/comment-page-3/")
    # WordPress showed 2 threads a page: its page 3 starts with the 5th thread, on page 2 here.
    assert response["Location"] == f"{review.get_absolute_url()}?cpage=2#comments"


def test_categories_tags_and_authors_still_redirect(client, moved_twice):
    assert client.get("/category/reviews/")["Location"] == "/tags/reviews/"
    assert client.get("/tag/noir/")["Location"] == "/tags/noir/"
    assert client.get("/author/margo/")["Location"] == "/authors/margo/"


def test_the_exporting_site_s_own_ids_are_not_taken_for_old_addresses(moved_twice):
    review = Review.objects.get(headline="Alpha in the rain")
    stored = set(review.legacy_redirects.values_list("old_path", flat=True))
    assert "/?p=11" in stored
    assert not {path for path in stored if path.startswith("/?p=")} - {"/?p=11"}
    assert not LegacyRedirect.objects.filter(old_path="/alpha-in-the-rain-2").exists()
