"""export_wxr: what the file holds (tags, images as attachments, old addresses) and its cost."""

import xml.etree.ElementTree as ET
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews.models import ReviewImage, Tag
from tests import factories
from tests.images import png_upload
from wordpress.models import ImportSource, LegacyRedirect

pytestmark = pytest.mark.django_db

WP = "{http://wordpress.org/export/1.2/}"


def export(tmp_path):
    path = tmp_path / "export.xml"
    call_command("export_wxr", "--output", str(path), stdout=StringIO(), stderr=StringIO())
    return path


def items(path):
    channel = ET.parse(path).getroot().find("channel")
    return {item.findtext(f"{WP}post_type"): item for item in channel.findall("item")}, channel


def meta(item):
    return [
        (m.findtext(f"{WP}meta_key"), m.findtext(f"{WP}meta_value"))
        for m in item.findall(f"{WP}postmeta")
    ]


def a_review(n):
    review = factories.ReviewFactory()
    factories.CommentFactory(review=review, body=f"Comment on review {n}.")
    review.tags.add(Tag.objects.get_or_create(name=f"Subject {n % 2}", slug=f"subject-{n % 2}")[0])
    ReviewImage.objects.create(
        review=review, image=png_upload(f"still-{n}.png"), alt_text=f"Still {n}", order=1
    )
    LegacyRedirect.objects.create(old_path=f"/2014/01/old-{n}", review=review)
    return review


def test_an_image_is_an_attachment_of_its_review_with_its_file_alt_and_caption(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    review = factories.ReviewFactory()
    image = ReviewImage.objects.create(
        review=review,
        image=png_upload("harbour.png"),
        alt_text="A harbour at dawn",
        caption="Where the film begins",
        order=1,
    )
    by_type, _ = items(export(tmp_path))
    attachment, post = by_type["attachment"], by_type["post"]
    assert attachment.findtext(f"{WP}post_parent") == str(review.pk)
    assert attachment.findtext(f"{WP}post_id") != post.findtext(f"{WP}post_id")
    url = attachment.findtext(f"{WP}attachment_url")
    assert url.startswith(f"{settings.SITE_URL}/") and url.endswith(image.image.name)
    assert ("_wp_attached_file", image.image.name) in meta(attachment)
    assert ("_wp_attachment_image_alt", "A harbour at dawn") in meta(attachment)
    excerpt = attachment.findtext("{http://wordpress.org/export/1.2/excerpt/}encoded")
    assert excerpt == "Where the film begins"


def test_a_review_s_tags_and_old_addresses_are_written_as_wordpress_would(tmp_path, settings):
    review = factories.ReviewFactory()
    review.tags.add(Tag.objects.create(name="Slow cinema", slug="slow-cinema"))
    source = ImportSource.objects.create(url="https://old.example", comments_per_page=10)
    for path in ("/2014/01/old-post", "/?p=7"):
        LegacyRedirect.objects.create(old_path=path, review=review, source=source)
    by_type, channel = items(export(tmp_path))
    post = by_type["post"]
    tags = [c for c in post.findall("category") if c.get("domain") == "post_tag"]
    assert [(c.get("nicename"), c.text) for c in tags] == [("slow-cinema", "Slow cinema")]
    assert channel.find(f"{WP}tag").findtext(f"{WP}tag_slug") == "slow-cinema"
    written = meta(post)
    assert ("_reviewsite_old_path", "/2014/01/old-post") in written
    assert ("_reviewsite_old_path", "/?p=7") in written
    assert ("_reviewsite_old_site", "https://old.example") in written
    assert ("_reviewsite_comments_per_page", "10") in written


def test_a_draft_s_old_addresses_stay_out_of_the_export(tmp_path):
    draft = factories.ReviewFactory(status="draft", published_at=None)
    LegacyRedirect.objects.create(old_path="/2014/01/secret-draft", review=draft)
    assert "secret-draft" not in export(tmp_path).read_text()


def test_the_export_costs_the_same_queries_for_three_reviews_as_for_ten(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    for n in range(3):
        a_review(n)
    with CaptureQueriesContext(connection) as few:
        export(tmp_path)
    for n in range(3, 10):
        a_review(n)
    with CaptureQueriesContext(connection) as more:
        path = export(tmp_path)
    assert len(more) == len(few)
    by_type, channel = items(path)
    assert len(channel.findall("item")) == 20  # ten posts, ten attachments


def test_stdout_and_file_hold_the_same_export(tmp_path):
    factories.CommentFactory(body="Tea & <biscuits>")
    out = StringIO()
    call_command("export_wxr", stdout=out, stderr=StringIO())
    assert out.getvalue() == export(tmp_path).read_text()
