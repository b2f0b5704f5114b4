"""import_wxr --uploads: a copy of wp-content/uploads brings a blog's images in as review images
(alt text, caption, [image N] in the body) and featured images as posters; missing and broken
files are reported, never fatal; a rerun adds no duplicates; a dry run writes no file."""

import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from films.models import Film
from reviews.models import Review, ReviewImage
from tests import factories
from tests.wordpress import wxr_builder as wp
from wordpress.models import ImportedItem

pytestmark = pytest.mark.django_db

CAPTION_BODY = (
    "<p>The ferry leaves at dawn.</p>\n"
    '[caption id="attachment_201" align="aligncenter" width="640"]'
    f'<img class="size-medium wp-image-201" src="{wp.UPLOADS}/2020/04/ferry-300x169.png" '
    'alt="The ferry in fog" width="300" height="169" /> Fog over the crossing[/caption]\n'
    "<p>It never quite arrives.</p>\n"
    f'<p><img src="{wp.UPLOADS}/2020/04/deck.png" alt="Two passengers on deck" /></p>\n'
    f'<p><img src="{wp.UPLOADS}/2020/04/gone.png" alt="A lost still" /></p>\n'
    "<p>The end.</p>"
)


def body_html(client, review):
    html = client.get(review.get_absolute_url()).content.decode()
    start = html.index('<div class="review-body">')
    return html[start : html.index('<section class="author-box"', start)]


def run(*args):
    out = StringIO()
    call_command("import_wxr", *map(str, args), stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def uploads(tmp_path):
    folder = tmp_path / "uploads"
    wp.add_file(folder, "2020/04/ferry.png")  # the original of ferry-300x169.png
    wp.add_file(folder, "2020/04/deck.png")
    wp.add_file(folder, "2020/04/poster.png", wp.png(200, 300))
    # gone.png is missing
    return folder


FEATURED = wp.meta("_thumbnail_id", "202")


def export(tmp_path, body=CAPTION_BODY, *, extra=FEATURED):
    return wp.write(
        tmp_path,
        wp.post(101, "Night Ferry (1961)", body, slug="night-ferry", extra=extra),
        wp.attachment(
            201,
            "2020/04/ferry.png",
            parent=101,
            alt="A ferry on grey water",
            caption="The crossing at first light",
        ),
        wp.attachment(202, "2020/04/poster.png", parent=101, title="Night Ferry poster"),
    )


def stored_files():
    root = settings.MEDIA_ROOT
    return sorted(str(p) for p in root.glob("*/**/*") if p.is_file())


def test_images_in_captions_and_in_the_text_become_captioned_figures(client, tmp_path, uploads):
    output = run(export(tmp_path), "--uploads", uploads)

    review = Review.objects.get()
    images = {image.order: image for image in review.images.all()}
    assert set(images) == {1, 2}
    # [caption]: the shortcode's caption and the <img>'s alt; the resized copy's original file.
    assert images[1].caption == "Fog over the crossing"
    assert images[1].alt_text == "The ferry in fog"
    assert images[1].image.name.startswith("reviews/ferry")
    # A bare <img> in the text keeps its alt; it had no caption.
    assert images[2].alt_text == "Two passengers on deck" and images[2].caption == ""
    assert re.findall(r"^\[image (\d)\]$", review.body, re.M) == ["1", "2"]
    # The missing file is listed, the import goes on, and the reader gets a link instead.
    assert "Missing media (no such file in the uploads folder):" in output
    assert "2020/04/gone.png: no such file." in output
    assert "Import finished." in output

    html = body_html(client, review)
    assert html.count('<figure class="review-figure">') == 2
    assert "<figcaption>Fog over the crossing</figcaption>" in html
    assert 'alt="The ferry in fog"' in html and 'alt="Two passengers on deck"' in html
    assert f'<a href="{wp.UPLOADS}/2020/04/gone.png"' in html
    assert "[caption" not in html and "[image" not in html


def test_an_attachment_shown_in_a_gallery_keeps_its_alt_text_and_caption(client, tmp_path, uploads):
    body = '<p>Stills.</p>\n[gallery ids="201"]'
    run(export(tmp_path, body), "--uploads", uploads)

    image = ReviewImage.objects.get(order=1)
    assert (image.alt_text, image.caption) == (
        "A ferry on grey water",
        "The crossing at first light",
    )
    html = body_html(client, image.review)
    assert "<figcaption>The crossing at first light</figcaption>" in html


def test_an_attachment_uploaded_to_the_post_but_not_shown_is_kept_and_reported(tmp_path, uploads):
    output = run(
        export(tmp_path, "<p>No pictures in the text.</p>", extra=""), "--uploads", uploads
    )

    review = Review.objects.get()
    assert list(review.images.values_list("alt_text", "order")) == [
        ("A ferry on grey water", 1),
        ("Night Ferry poster", 2),
    ]
    assert "[image" not in review.body
    assert "2020/04/ferry.png was uploaded to the post but not shown in its text" in output


def test_the_featured_image_becomes_the_poster_of_a_film_without_one(tmp_path, uploads):
    output = run(export(tmp_path), "--uploads", uploads)

    film = Film.objects.get(title="Night Ferry", year=1961)
    assert film.poster.name.startswith("posters/poster")
    assert "posters: 1 set" in output
    # Used as the poster, not repeated among the review's images.
    assert not ReviewImage.objects.filter(alt_text="Night Ferry poster").exists()


def test_a_film_that_has_a_poster_keeps_it(tmp_path, uploads):
    film = factories.FilmFactory(title="Night Ferry", year=1961)
    film.poster.save("mine.png", ContentFile(wp.png(200, 300)), save=True)

    output = run(export(tmp_path), "--uploads", uploads)

    film.refresh_from_db()
    assert film.poster.name.startswith("posters/mine")
    assert "featured image not used, the film Night Ferry (1961) has a poster already" in output


def test_a_corrupt_image_is_reported_and_not_imported(tmp_path, uploads):
    wp.add_file(uploads, "2020/04/deck.png", b"\x89PNG\r\n\x1a\n but not really an image")

    output = run(export(tmp_path), "--uploads", uploads)

    assert "Broken media (not an image the site accepts):" in output
    assert "2020/04/deck.png: This file is not a valid image." in output
    review = Review.objects.get()
    assert list(review.images.values_list("order", flat=True)) == [1]
    assert f'<a href="{wp.UPLOADS}/2020/04/deck.png">' in review.body
    assert "Import finished." in output


def test_a_rerun_adds_no_duplicate_images(tmp_path, uploads):
    path = export(tmp_path)
    run(path, "--uploads", uploads)
    files = stored_files()

    output = run(path, "--uploads", uploads)

    assert ReviewImage.objects.count() == 2
    assert stored_files() == files
    assert "reviews: 0 created, 1 already present" in output
    assert ImportedItem.objects.filter(kind="attachment").count() == 2


def test_without_uploads_images_are_kept_as_links_with_a_hint(tmp_path):
    output = run(export(tmp_path))

    assert not ReviewImage.objects.exists()
    assert "ferry-300x169.png kept as a link." in output
    assert "pass --uploads with a copy of the blog's wp-content/uploads folder" in output
    assert "featured image (attachment 202) not imported as the poster" in output


def test_a_dry_run_writes_no_file_and_no_row(tmp_path, uploads):
    before = stored_files()

    output = run(export(tmp_path), "--uploads", uploads, "--dry-run")

    assert "images: 2 imported, posters: 1 set" in output
    assert "Dry run: nothing was saved." in output
    assert stored_files() == before
    assert not ReviewImage.objects.exists() and not Review.objects.exists()


def test_a_path_out_of_the_uploads_folder_is_never_read(tmp_path, uploads):
    (tmp_path / "secret.png").write_bytes(wp.png())
    body = f'<p><img src="{wp.UPLOADS}/../../secret.png" alt="x" /></p>'

    output = run(export(tmp_path, body), "--uploads", uploads)

    assert "secret.png: no such file." in output
    assert not ReviewImage.objects.filter(alt_text="x").exists()


def test_an_image_of_another_site_is_left_as_a_link(tmp_path, uploads):
    wp.add_file(uploads, "2020/04/theirs.png")
    body = (
        '<p><img src="https://elsewhere.example.net/wp-content/uploads/2020/04/theirs.png" /></p>'
    )

    output = run(export(tmp_path, body), "--uploads", uploads)

    assert "is not in the uploads folder: kept as a link." in output
    assert 'href="https://elsewhere.example.net/wp-content/uploads/2020/04/theirs.png"' in (
        Review.objects.get().body
    )


def test_an_uploads_folder_that_does_not_exist_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such folder"):
        run(export(tmp_path), "--uploads", tmp_path / "nope")
    assert not Review.objects.exists()


def test_an_image_inside_a_paragraph_is_shown_between_its_halves(client, tmp_path, uploads):
    body = (
        f'<p>Before the storm <img src="{wp.UPLOADS}/2020/04/deck.png" alt="Deck"> and after.</p>'
    )

    run(export(tmp_path, body), "--uploads", uploads)

    html = body_html(client, Review.objects.get())
    assert html.index("Before the storm") < html.index('alt="Deck"') < html.index("and after.")
    assert '<figure class="review-figure">' in html


def test_a_rerun_with_uploads_brings_in_the_images_a_first_run_left_as_links(tmp_path, uploads):
    path = export(tmp_path)
    run(path)
    assert not ReviewImage.objects.exists()

    output = run(path, "--uploads", uploads)

    review = Review.objects.get()
    assert review.images.count() == 2
    assert re.findall(r"^\[image (\d)\]$", review.body, re.M) == ["1", "2"]
    assert Film.objects.get(title="Night Ferry").poster
    assert "reviews: 0 created, 1 already present" in output


def test_a_rerun_with_uploads_leaves_a_review_edited_since_alone(tmp_path, uploads):
    path = export(tmp_path)
    run(path)
    Review.objects.update(body="The author's own words now.")

    output = run(path, "--uploads", uploads)

    assert Review.objects.get().body == "The author's own words now."
    assert not ReviewImage.objects.exists()
    assert "its review was edited since it was imported: images not added" in output


def test_a_review_deleted_since_is_imported_again_with_its_images(tmp_path, uploads):
    path = export(tmp_path)
    run(path, "--uploads", uploads)
    Review.objects.all().delete()

    run(path, "--uploads", uploads)

    assert Review.objects.get().images.count() == 2


def test_hostile_image_addresses_and_other_attachments_never_stop_the_import(tmp_path, uploads):
    wp.add_file(uploads, "2020/04/notes.pdf", b"%PDF-1.4 not an image")
    body = "".join(
        f'<p><img src="{wp.UPLOADS}/{name}" alt="odd" /></p>'
        for name in ("a%00b.png", "x" * 5000 + ".png", "%2e%2e/%2e%2e/etc/passwd", "")
    )
    path = wp.write(
        tmp_path,
        wp.post(101, "Night Ferry (1961)", body, slug="night-ferry"),
        wp.attachment(203, "2020/04/notes.pdf", parent=101),
    )

    output = run(path, "--uploads", uploads)

    assert "Import finished." in output
    assert "2020/04/notes.pdf is not an image: not imported." in output
    assert not ReviewImage.objects.exists()


def test_numbered_images_of_this_sites_own_export_keep_their_numbers(client, tmp_path, uploads):
    # export_wxr writes a review's body with its "[image N]" lines and each image as an
    # attachment whose menu_order is N and whose file is relative to the media folder.
    wp.add_file(uploads, "reviews/second.png", wp.png(40, 30, (200, 40, 40)))
    wp.add_file(uploads, "reviews/first.png", wp.png(40, 30, (40, 200, 40)))
    body = "Opening words.\n\n[image 2]\n\nMiddle words.\n\n[image 1]\n"
    path = wp.write(
        tmp_path,
        wp.post(101, "Night Ferry (1961)", body, slug="night-ferry"),
        wp.attachment(301, "reviews/second.png", parent=101, alt="Second", menu_order=2),
        wp.attachment(302, "reviews/first.png", parent=101, alt="First", menu_order=1),
    )

    output = run(path, "--uploads", uploads)

    review = Review.objects.get()
    assert dict(review.images.values_list("order", "alt_text")) == {1: "First", 2: "Second"}
    assert review.body.strip() == body.strip()
    assert "not placed" not in output
    html = body_html(client, review)
    assert html.index('alt="Second"') < html.index("Middle words") < html.index('alt="First"')
