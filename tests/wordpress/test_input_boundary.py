"""WordPress pieces at the input boundary: "/?p=" read as ASCII digits only, an export that
strips what XML cannot carry (so import_wxr reads it back), and an import that refuses such
characters with a clear message."""

import xml.etree.ElementTree as ET
from http import HTTPStatus
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from comments.models import Comment
from reviews.models import Review
from tests import factories
from tests.wordpress.test_wxr import SAMPLE, import_sample
from wordpress.export import export_wxr
from wordpress.wxr import import_wxr

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["²", "１０１", "١٠١", "101²", "9" * 5000])
def test_old_post_ids_in_other_digits_are_no_redirect_and_no_500(client, value):
    import_sample()

    response = client.get("/", {"p": value})

    assert response.status_code == HTTPStatus.OK


def test_an_old_post_id_with_leading_zeros_still_redirects(client):
    import_sample()

    assert client.get("/", {"p": "0101"}).status_code == HTTPStatus.MOVED_PERMANENTLY


def test_the_export_of_old_rows_with_control_characters_is_read_back_by_the_import():
    review = factories.ReviewFactory(headline="Clean headline")
    comment = factories.CommentFactory(review=review)
    # Saved before the validators existed: update() skips them, as an old row did.
    Review.objects.filter(pk=review.pk).update(
        headline="Old\x0bheadline", body="Body\x01 with \ufffe", verdict="Go\x0cod"
    )
    Comment.objects.filter(pk=comment.pk).update(name="Ann\x1f", body="Nice\x08 one")

    data = export_wxr()

    item = ET.fromstring(data).find("channel/item")  # well-formed
    assert item.findtext("title") == "Oldheadline"
    wp = "{http://wordpress.org/export/1.2/}"
    assert item.findtext(f"{wp}comment/{wp}comment_author") == "Ann"
    counts = import_wxr(data=data, dry_run=True)
    assert counts.created["reviews"] == 1 and counts.created["comments"] == 1


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("<![CDATA[Margo Lane]]>", "<![CDATA[Margo\x0bLane]]>"),
        ("<![CDATA[Margo Lane]]>", "<![CDATA[Margo\x00Lane]]>"),
        ("<title>Old Film Blog</title>", "<title>Old&#11;Film Blog</title>"),
        ("<title>Old Film Blog</title>", "<title>Old&#x1;Film Blog</title>"),
    ],
)
def test_an_export_holding_a_control_character_is_refused_with_a_clear_message(tmp_path, old, new):
    # XML 1.0 has no place for them, raw or as references: the parser refuses the file (nothing
    # to clean, nothing imported), and the command says why.
    text = SAMPLE.read_text().replace(old, new, 1)
    path = tmp_path / "control.xml"
    path.write_text(text)

    with pytest.raises(CommandError, match="not well-formed XML"):
        call_command("import_wxr", str(path), stdout=StringIO(), stderr=StringIO())
    assert not Review.objects.exists()


def test_ids_in_other_digits_in_an_export_are_imported_without_a_crash(tmp_path):
    # '²'.isdigit() is True and int('²') raises: the import sorted comments by int(id).
    text = SAMPLE.read_text()
    text = text.replace("<wp:comment_id>12</wp:comment_id>", "<wp:comment_id>²</wp:comment_id>")
    text = text.replace("<wp:post_id>102</wp:post_id>", "<wp:post_id>１０２</wp:post_id>")
    path = tmp_path / "digits.xml"
    path.write_text(text)

    output = StringIO()
    call_command("import_wxr", str(path), stdout=output, stderr=StringIO())

    assert "Import finished." in output.getvalue()
    assert Comment.objects.exists()
