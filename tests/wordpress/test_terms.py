"""import_wxr: WordPress categories and tags become the site's tags (slug = WordPress nicename,
remembered for the old /category/ and /tag/ addresses), or categories file films under genres."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from reviews.models import Review, Tag
from tests import factories
from tests.wordpress import wxr_builder as wp
from wordpress.models import ImportedItem
from wordpress.terms import term_source_id

pytestmark = pytest.mark.django_db

CHANNEL_TERMS = """
  <wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>slow-cinema</wp:category_nicename>
    <wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[Slow Cinema]]></wp:cat_name>
  </wp:category>
  <wp:category><wp:term_id>1</wp:term_id><wp:category_nicename>uncategorized</wp:category_nicename>
    <wp:cat_name><![CDATA[Uncategorized]]></wp:cat_name></wp:category>
  <wp:category><wp:term_id>4</wp:term_id><wp:category_nicename>thrillers</wp:category_nicename>
    <wp:cat_name><![CDATA[Thrillers]]></wp:cat_name></wp:category>
  <wp:tag><wp:term_id>9</wp:term_id><wp:tag_slug>night-shoots</wp:tag_slug>
    <wp:tag_name><![CDATA[Night shoots]]></wp:tag_name></wp:tag>
  <wp:tag><wp:term_id>10</wp:term_id><wp:tag_slug>sea-and-sky</wp:tag_slug>
    <wp:tag_name><![CDATA[Sea &amp; sky]]></wp:tag_name></wp:tag>
"""

POST_TERMS = (
    ("category", "slow-cinema", "Slow Cinema"),
    ("category", "uncategorized", "Uncategorized"),
    ("category", "thrillers", "Thrillers"),
    ("post_tag", "night-shoots", "Night shoots"),
    ("post_tag", "sea-and-sky", "Sea &amp; sky"),
    ("film", "night-ferry", "Night Ferry (1961)"),
)


def run(*args):
    out = StringIO()
    call_command("import_wxr", *map(str, args), stdout=out, stderr=StringIO())
    return out.getvalue()


def export(tmp_path, terms=POST_TERMS):
    return wp.write(
        tmp_path,
        wp.post(101, "A night crossing", "<p>Slow and dark.</p>", categories=terms),
        wp.post(102, "Another crossing", "<p>Less slow.</p>", categories=terms[:1]),
        channel=CHANNEL_TERMS,
    )


def test_categories_and_tags_become_tags_with_the_wordpress_slugs(client, tmp_path):
    output = run(export(tmp_path))

    assert sorted(Tag.objects.values_list("slug", "name")) == [
        ("night-shoots", "Night shoots"),
        ("sea-and-sky", "Sea & sky"),
        ("slow-cinema", "Slow Cinema"),
        ("thrillers", "Thrillers"),
    ]  # "Uncategorized" is no subject; the film category is the film, not a tag
    review = Review.objects.get(slug="a-night-crossing")
    assert sorted(review.tags.values_list("slug", flat=True)) == [
        "night-shoots",
        "sea-and-sky",
        "slow-cinema",
        "thrillers",
    ]
    assert review.film.title == "Night Ferry" and review.film.year == 1961
    assert list(
        Review.objects.get(slug="another-crossing").tags.values_list("slug", flat=True)
    ) == ["slow-cinema"]
    assert "tags: 4 created, 0 already present" in output
    # Remembered by domain and nicename, for the old /category/… and /tag/… addresses.
    for domain, nicename in [("category", "slow-cinema"), ("post_tag", "sea-and-sky")]:
        item = ImportedItem.objects.get(kind="term", source_id=f"{domain}:{nicename}")
        assert Tag.objects.get(pk=item.object_id).slug == nicename

    html = client.get(review.get_absolute_url()).content.decode()
    assert "Sea &amp; sky" in html
    try:
        url = reverse("reviews:tag", kwargs={"slug": "sea-and-sky"})
    except NoReverseMatch:  # the tag page is another change's
        pytest.skip("no tag page yet")
    assert f'href="{url}"' in html


def test_a_slug_taken_by_another_tag_gets_a_suffix_and_the_same_name_is_one_tag(tmp_path):
    factories.ReviewFactory()  # a site with content already
    Tag.objects.create(name="Slow films", slug="slow-cinema")
    Tag.objects.create(name="Thrillers", slug="suspense")

    output = run(export(tmp_path))

    tag = Tag.objects.get(name="Slow Cinema")
    assert tag.slug == "slow-cinema-2"
    assert "the slug 'slow-cinema' belongs to another tag here; imported as 'slow-cinema-2'" in (
        output
    )
    # Same name, different slug: the existing tag is used, not a second "Thrillers".
    assert Tag.objects.filter(name="Thrillers").count() == 1
    review = Review.objects.get(slug="a-night-crossing")
    assert review.tags.filter(slug="suspense").exists()
    item = ImportedItem.objects.get(kind="term", source_id="category:thrillers")
    assert item.object_id == Tag.objects.get(slug="suspense").pk


def test_a_rerun_adds_no_tags(tmp_path):
    path = export(tmp_path)
    run(path)

    output = run(path)

    assert Tag.objects.count() == 4
    assert "tags: 0 created, 4 already present" in output


def test_categories_as_genres_file_the_film_under_existing_genres(tmp_path):
    factories.GenreFactory(name="Slow cinema", slug="slow")  # matched by name
    thriller = factories.GenreFactory(name="Thriller", slug="thrillers")  # matched by slug

    output = run(export(tmp_path), "--categories-as", "genres")

    review = Review.objects.get(slug="a-night-crossing")
    assert sorted(review.film.genres.values_list("slug", flat=True)) == ["slow", "thrillers"]
    # Tags stay tags; categories are no tags now.
    assert sorted(Tag.objects.values_list("slug", flat=True)) == ["night-shoots", "sea-and-sky"]
    item = ImportedItem.objects.get(kind="term", source_id="genre:thrillers")
    assert item.object_id == thriller.pk
    assert "Categories no genre matches:" not in output


def test_categories_no_genre_matches_are_reported(tmp_path):
    factories.GenreFactory(name="Thriller", slug="thrillers")

    output = run(export(tmp_path), "--categories-as", "genres")

    assert "Categories no genre matches:" in output
    assert "Category 'Slow Cinema' (slow-cinema): no genre here has that slug or name" in output
    assert "Uncategorized" not in output


def test_a_long_nicename_is_remembered_within_the_column(tmp_path):
    nicename = "%e5%a4%9c%e3%81%ae%e8%88%b9-" * 4
    output = run(export(tmp_path, (("post_tag", nicename, "夜の船"),)))

    assert "Import finished." in output
    item = ImportedItem.objects.get(kind="term", source_id=term_source_id("post_tag", nicename))
    assert len(item.source_id) <= 40
    assert Tag.objects.get(pk=item.object_id).name == "夜の船"
