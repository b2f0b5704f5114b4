"""Python-side strings are marked for translation (issue 9, "i18n readiness").

A tiny German catalogue is compiled into a temporary LOCALE_PATHS folder; with German active,
what the site says in Python (a model's names, a choice, a form's label and error, a view's
notice and heading, a plural) comes out translated. The English that every other test sees is
the same text these marks wrap, so the rest of the suite shows nothing changed for readers.
"""

import struct

import pytest
from django.urls import reverse
from django.utils import translation

from comments.forms import CommentForm
from comments.models import Comment, ModerationLog
from comments.templatetags.comment_tags import comment_count_label
from films.models import Film
from reviews.models import Review

pytestmark = pytest.mark.django_db

CATALOGUE = {
    "reviews": "Kritiken",
    "runtime minutes": "Laufzeit in Minuten",
    "Pending": "Wartend",
    "Approved": "Freigegeben",
    # pgettext: context and message joined by EOT, as gettext stores them.
    "moderation action\x04Approved": "Freigabe",
    "Comment": "Kommentar",
    "Please enter your name.": "Bitte geben Sie Ihren Namen ein.",
    "Films A–Z": "Filme A–Z",
    "We don't have a genre by that name; showing films of every genre.": (
        "Dieses Genre haben wir nicht; es werden Filme aller Genres gezeigt."
    ),
    # ngettext: the two English forms joined by NUL, and the German forms likewise.
    "%(count)s Comment\x00%(count)s Comments": "%(count)s Kommentar\x00%(count)s Kommentare",
}
HEADER = "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n != 1);\n"


def write_mo(path, messages):
    """A GNU .mo file (the format msgfmt writes) of `messages`, so no gettext tools are needed."""
    entries = sorted({"": HEADER, **messages}.items())
    ids = [key.encode() for key, _ in entries]
    strs = [value.encode() for _, value in entries]
    count = len(entries)
    ids_table, strs_table = 7 * 4, 7 * 4 + count * 8
    offset = 7 * 4 + count * 16
    table, blob = [], b""
    for text in ids + strs:
        table.append((len(text), offset + len(blob)))
        blob += text + b"\0"
    header = struct.pack("<7I", 0x950412DE, 0, count, ids_table, strs_table, 0, 0)
    path.write_bytes(header + b"".join(struct.pack("<2I", *row) for row in table) + blob)


@pytest.fixture
def german(settings, tmp_path):
    """German available as a site language, from the catalogue above only."""
    folder = tmp_path / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    write_mo(folder / "django.mo", CATALOGUE)
    # Changing these settings clears Django's translation caches (and again when restored).
    settings.LOCALE_PATHS = [tmp_path]
    settings.LANGUAGES = [("en-gb", "English"), ("de", "German")]


def test_models_forms_and_template_filters_speak_the_active_language(german):
    with translation.override("de"):
        assert str(Review._meta.verbose_name_plural) == "Kritiken"
        assert str(Film._meta.get_field("runtime_minutes").verbose_name) == "Laufzeit in Minuten"
        assert str(Comment.Status.PENDING.label) == "Wartend"
        # The same English word, told apart by its context: a comment's state, a log's action.
        assert str(Comment.Status.APPROVED.label) == "Freigegeben"
        assert str(ModerationLog.Action.APPROVE.label) == "Freigabe"
        name = CommentForm.base_fields["name"]
        assert str(CommentForm.base_fields["comment"].label) == "Kommentar"
        assert str(name.error_messages["required"]) == "Bitte geben Sie Ihren Namen ein."
        assert comment_count_label(1) == "1 Kommentar"
        assert comment_count_label(3) == "3 Kommentare"
    assert str(Review._meta.verbose_name_plural) == "reviews"
    assert comment_count_label(3) == "3 Comments"


def test_a_page_is_served_in_the_language_the_reader_asks_for(client, german):
    url = reverse("films:list") + "?genre=no-such-genre"

    german_page = client.get(url, headers={"accept-language": "de"}).content.decode()
    assert "Filme A–Z" in german_page
    assert "Dieses Genre haben wir nicht; es werden Filme aller Genres gezeigt." in german_page

    english_page = client.get(url, headers={"accept-language": "en-gb"}).content.decode()
    assert "Films A–Z" in english_page
    assert "We don&#x27;t have a genre by that name; showing films of every genre." in english_page
