"""import_wxr's report: what was imported, skipped and needs a look, as text and (--report FILE)
as JSON; a dry run prints the same report and changes nothing."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from reviews.models import Review, Tag
from tests.wordpress import wxr_builder as wp
from wordpress.models import ImportedItem
from wordpress.wxr import SpooledList

pytestmark = pytest.mark.django_db

BODY = (
    "<p>Rating: 7/10. A slow boat.</p>\n"
    f'<p><img src="{wp.UPLOADS}/2021/02/deck.png" alt="The deck" /></p>\n'
    f'<p><img src="{wp.UPLOADS}/2021/02/lost.png" alt="Lost" /></p>\n'
    '<p>[poll id="3"]</p>'
)


def run(*args):
    out = StringIO()
    call_command("import_wxr", *map(str, args), stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def export(tmp_path):
    return wp.write(
        tmp_path,
        wp.post(
            101,
            "Harbour Lights (1958)",
            BODY,
            categories=[("post_tag", "harbours", "Harbours")],
            extra="""<wp:comment><wp:comment_id>5</wp:comment_id>
              <wp:comment_author>Pim</wp:comment_author>
              <wp:comment_date_gmt>2020-04-03 10:00:00</wp:comment_date_gmt>
              <wp:comment_content>Lovely.</wp:comment_content>
              <wp:comment_approved>1</wp:comment_approved>
              <wp:comment_parent>0</wp:comment_parent></wp:comment>""",
        ),
        wp.post(102, "Notes on a quiet year", "<p>No film year here.</p>"),
        wp.attachment(301, "2021/02/deck.png", parent=101),
    )


@pytest.fixture
def uploads(tmp_path):
    folder = tmp_path / "uploads"
    wp.add_file(folder, "2021/02/deck.png")
    return folder


def test_the_report_file_holds_counts_rows_and_what_needs_a_look(tmp_path, export, uploads):
    get_user_model().objects.create_user("nell")  # an author clash
    report = tmp_path / "report.json"

    output = run(export, "--uploads", uploads, "--report", report)

    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["dry_run"] is False
    assert data["created"]["reviews"] == 2
    assert data["created"]["comments"] == 1
    assert data["created"]["images"] == 1
    assert data["created"]["tags"] == 1
    assert data["posts"][0] | {"imdb_id": ""} == {
        "post": "Harbour Lights (1958)",
        "film": "Harbour Lights",
        "year": 1958,
        "year_source": "title",
        "imdb_id": "",
        "score": 7.0,
        "score_source": "pattern",
        "score_detail": '"Rating: 7/10"',
    }
    assert data["posts"][1]["score"] is None and data["posts"][1]["score_source"] == "none"
    look = data["needs_a_look"]
    assert any("no year given" in line for line in look["films_to_confirm"])
    assert any("'nell'" in line for line in look["author_clashes"])
    assert any('[poll id="3"] kept as text' in line for line in look["shortcodes_kept_as_text"])
    assert look["missing_media"] == [
        "Post 101 (Harbour Lights (1958)): 2021/02/lost.png: no such file."
    ]
    assert look["broken_media"] == []
    assert data["hints"] == []
    # The text report says the same.
    assert f"Report written to {report}." in output
    assert "images: 1 imported" in output
    assert "Shortcodes kept as text:" in output
    assert "  Post 101 (Harbour Lights (1958)): 2021/02/lost.png: no such file." in output


def test_a_dry_run_prints_the_same_report_and_changes_nothing(tmp_path, export, uploads):
    report = tmp_path / "dry.json"

    output = run(export, "--uploads", uploads, "--dry-run", "--report", report)

    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["dry_run"] is True
    assert data["created"]["reviews"] == 2 and data["created"]["images"] == 1
    lines = output.splitlines()
    assert lines[0].startswith("Post ") and "→ Film (year)" in lines[0]
    assert any(line.startswith("Harbour Lights (1958)") and "7 / 10" in line for line in lines)
    assert "Missing media (no such file in the uploads folder):" in output
    assert "Dry run: nothing was saved." in output
    assert not Review.objects.exists() and not Tag.objects.exists()
    assert not ImportedItem.objects.exists()


def test_without_uploads_the_report_says_how_to_bring_the_images(tmp_path, export):
    report = tmp_path / "report.json"

    run(export, "--report", report)

    data = json.loads(report.read_text(encoding="utf-8"))
    assert "created" in data and "images" not in data["created"]
    assert len(data["needs_a_look"]["media_not_imported"]) == 2
    assert data["hints"] == [
        "Images were not imported: pass --uploads with a copy of the blog's "
        "wp-content/uploads folder to import them."
    ]


def test_a_report_that_cannot_be_written_is_a_clear_error(tmp_path, export):
    with pytest.raises(CommandError, match="Cannot write the report"):
        run(export, "--report", tmp_path / "no-such-folder" / "report.json")


def test_a_long_report_is_kept_out_of_memory_and_still_complete(tmp_path, monkeypatch):
    # Past SpooledList.KEEP items the report's rows and lines go to a temporary file.
    monkeypatch.setattr(SpooledList, "KEEP", 2)
    posts = [wp.post(n, f"Crossing {n} (1960)", f"<p>[poll id='{n}']</p>") for n in range(1, 8)]
    report = tmp_path / "report.json"

    output = run(wp.write(tmp_path, *posts), "--dry-run", "--report", report)

    data = json.loads(report.read_text(encoding="utf-8"))
    assert [row["post"] for row in data["posts"]] == [f"Crossing {n} (1960)" for n in range(1, 8)]
    assert len(data["needs_a_look"]["shortcodes_kept_as_text"]) == 7
    table = [line for line in output.splitlines() if line.startswith("Crossing ")]
    assert len(table) == 7 and len({line.index("→") for line in table}) == 1  # aligned
    assert "Post 7 (Crossing 7 (1960)): shortcode [poll id='7'] kept as text." in output
