"""import_wxr reads the export a chunk at a time (never the whole file), checks all of it before
writing anything, and keeps each item only while it imports it."""

import gc
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from comments.models import Comment
from reviews.models import Review
from tests.wordpress import wxr_builder as wp
from wordpress import stream, wxr

pytestmark = pytest.mark.django_db

CHUNK = 1024


def comment(comment_id, parent=0):
    return f"""<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>
      <wp:comment_author>Reader {comment_id}</wp:comment_author>
      <wp:comment_date_gmt>2020-04-03 10:{comment_id % 60:02d}:00</wp:comment_date_gmt>
      <wp:comment_content>Comment number {comment_id}, {"with words " * 20}</wp:comment_content>
      <wp:comment_approved>1</wp:comment_approved>
      <wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"""


def posts(count):
    items = []
    for n in range(1, count + 1):
        thread = comment(n * 10) + comment(n * 10 + 1, parent=n * 10)
        text = "<p>" + f"Paragraph {n} about harbours and lights. " * 30 + "</p>"
        items.append(wp.post(n, f"Crossing number {n} (1960)", text, extra=thread))
    return items


class ReadSpy:
    """A file that records how much each read asks for."""

    def __init__(self, file, sizes):
        self.file, self.sizes = file, sizes

    def read(self, size=-1):
        self.sizes.append(size)
        return self.file.read(size)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.file.close()


def test_the_file_is_read_in_small_chunks_never_whole(tmp_path, monkeypatch):
    path = wp.write(tmp_path, *posts(16))
    size = path.stat().st_size
    assert size > 40 * CHUNK
    monkeypatch.setattr(stream, "CHUNK_SIZE", CHUNK)
    sizes = []
    opened = wxr._Source.open
    monkeypatch.setattr(wxr._Source, "open", lambda self: ReadSpy(opened(self), sizes))
    out = StringIO()

    call_command("import_wxr", str(path), stdout=out, stderr=StringIO())

    assert "reviews: 16 created" in out.getvalue()
    assert Comment.objects.filter(parent__isnull=False).count() == 16  # threads kept
    assert sizes and all(0 < n <= CHUNK for n in sizes)  # never read(-1), never more
    assert len(sizes) >= 2 * size // CHUNK  # two passes, chunk by chunk


def test_each_item_is_dropped_from_the_tree_once_read(tmp_path, monkeypatch):
    monkeypatch.setattr(stream, "CHUNK_SIZE", CHUNK)
    path = wp.write(tmp_path, *posts(5))
    held = []
    with path.open("rb") as file:
        items = stream.read_wxr(file)
        channel = next(items)
        for item in items:
            assert isinstance(item, stream.WXRPost) and len(item.comments) == 2
            held.append(len(items_in_memory()))
    assert channel.site == wp.SITE
    # The item being read, perhaps the start of the next in the same chunk; none before it.
    assert max(held) <= 2


def items_in_memory():
    return [
        obj
        for obj in gc.get_objects()
        if type(obj).__name__ == "Element" and getattr(obj, "tag", None) == "item" and len(obj)
    ]


def test_a_file_broken_after_its_first_posts_imports_nothing(tmp_path):
    path = wp.write(tmp_path, *posts(3))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("</channel>", "<item><title>cut short", 1), encoding="utf-8")

    with pytest.raises(CommandError, match="not well-formed XML"):
        call_command("import_wxr", str(path), stdout=StringIO(), stderr=StringIO())
    assert not Review.objects.exists()


def test_invalid_utf8_after_the_first_chunk_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(stream, "CHUNK_SIZE", CHUNK)
    path = wp.write(tmp_path, *posts(3))
    data = path.read_bytes().replace(b"Paragraph 3 about", b"Paragraph \xff about", 1)
    path.write_bytes(data)

    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_wxr", str(path), stdout=StringIO(), stderr=StringIO())
    assert not Review.objects.exists()


def test_a_character_split_between_chunks_is_read_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(stream, "CHUNK_SIZE", 7)  # "é" and "夜" fall across chunk edges
    path = wp.write(tmp_path, wp.post(1, "Été du nuit (1960)", "<p>夜の船 é è ü</p>"))

    call_command("import_wxr", str(path), stdout=StringIO(), stderr=StringIO())

    review = Review.objects.get()
    assert review.headline == "Été du nuit (1960)"
    assert re.search("夜の船 é è ü", review.body)
