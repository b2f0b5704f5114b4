"""WordPress categories and tags as the site's tags (or categories as genres).

Every category and tag of the export (the channel's ``wp:category`` / ``wp:tag`` / ``wp:term``
and each post's ``<category domain="category|post_tag" nicename="…">``) becomes a reviews.Tag
whose slug is the WordPress nicename, so ``/category/<nicename>/`` and ``/tag/<nicename>/`` can
redirect to it. A slug another tag already has gets a suffix; a tag with the same name (a
category and a tag both called "Horror") is one tag. Each is remembered as
ImportedItem(kind="term", source_id=term_source_id(domain, nicename)). WordPress's default
category, "Uncategorized", is no subject and is skipped.

With ``categories_as="genres"`` categories instead add the review's film to the existing genre
with that slug or name (ImportedItem source_id "genre:<nicename>", the genre's id); a category no
genre matches is reported. Tags stay tags either way.
"""

import hashlib
from html import unescape
from urllib.parse import unquote

from django.db.models import Q
from django.utils.text import slugify

from films.models import Genre
from reviews.models import Tag

from .models import ImportedItem

UNCATEGORIZED = {"uncategorized"}
SOURCE_ID_LENGTH = 40  # ImportedItem.source_id


def term_source_id(domain, nicename):
    """ImportedItem.source_id of a term: "<domain>:<nicename>", or with a hash of the
    nicename in its place when that is longer than the column (percent-encoded slugs can be)."""
    value = f"{domain}:{nicename}"
    if len(value) <= SOURCE_ID_LENGTH:
        return value
    digest = hashlib.sha256(nicename.encode()).hexdigest()
    return f"{domain}:#{digest}"[:SOURCE_ID_LENGTH]


def _clean_name(name):
    # WordPress stores term names HTML-escaped ("Sci-Fi &amp; Fantasy").
    return " ".join(unescape(name or "").split())[:100]


def _nicename(term):
    return (term.nicename or slugify(_clean_name(term.name)) or "").strip()[:200]


class TermImporter:
    """Tags (or genres) for one import run; remembers what it found, so each term is looked up
    once per run (the export's terms: a few hundred at most, not one per post)."""

    def __init__(self, *, site, counts, categories_as="tags"):
        self.site = site
        self.counts = counts
        self.categories_as = categories_as
        self._tags = {}  # (domain, nicename) -> Tag id or None (skipped)
        self._genres = {}  # nicename -> Genre or None (no match)

    def is_skipped(self, term):
        nicename = _nicename(term).lower()
        return term.domain == "category" and (
            nicename in UNCATEGORIZED or _clean_name(term.name).lower() in UNCATEGORIZED
        )

    def tag_id(self, term):
        """The Tag id for a category or tag (created when new), or None when skipped."""
        if term.domain not in ("category", "post_tag") or self.is_skipped(term):
            return None
        if term.domain == "category" and self.categories_as == "genres":
            return None
        key = (term.domain, _nicename(term))
        if key not in self._tags:
            self._tags[key] = self._find_or_create(term, key[1])
        return self._tags[key]

    def genre(self, term):
        """The existing Genre a category names (categories_as="genres"), or None."""
        if term.domain != "category" or self.categories_as != "genres" or self.is_skipped(term):
            return None
        nicename = _nicename(term)
        if nicename not in self._genres:
            name = _clean_name(term.name)
            found = (
                Genre.objects.filter(Q(slug=nicename) | Q(name__iexact=name)).order_by("pk").first()
            )
            self._genres[nicename] = found
            if found is None:
                self.counts.unknown_genres.append(
                    f"Category {name!r} ({nicename}): no genre here has that slug or name; "
                    f"not imported."
                )
            else:
                self._remember(f"genre:{nicename}", found)
        return self._genres[nicename]

    def channel_terms(self, terms):
        """The export's list of categories and tags, used by posts or not."""
        for term in terms:
            if term.domain == "category" and self.categories_as == "genres":
                self.genre(term)
            else:
                self.tag_id(term)

    def apply(self, review, terms):
        """Files a newly imported review under its post's tags (and its film under genres)."""
        tag_ids, genres = [], []
        for term in terms:
            genre = self.genre(term)
            if genre is not None:
                genres.append(genre)
            tag_id = self.tag_id(term)
            if tag_id is not None:
                tag_ids.append(tag_id)
        if tag_ids:
            review.tags.add(*dict.fromkeys(tag_ids))
        if genres:
            review.film.genres.add(*dict.fromkeys(genres))

    # ---------------------------------------------------------------------------------------

    def _remember(self, source_id, obj):
        item, created = ImportedItem.objects.get_or_create(
            source=self.site,
            kind=ImportedItem.Kind.TERM,
            source_id=source_id[:SOURCE_ID_LENGTH],
            defaults={"object_id": obj.pk},
        )
        if not created and item.object_id != obj.pk:
            item.object_id = obj.pk
            item.save(update_fields=["object_id"])

    def _find_or_create(self, term, nicename):
        source_id = term_source_id(term.domain, nicename)
        item = ImportedItem.objects.filter(
            source=self.site, kind=ImportedItem.Kind.TERM, source_id=source_id
        ).first()
        tag = Tag.objects.filter(pk=item.object_id).first() if item else None
        if tag is not None:
            self.counts.add("tags", False)
            return tag.pk
        name = _clean_name(term.name) or unquote(nicename)[:100]
        if not name:
            return None
        tag = Tag.objects.filter(name__iexact=name).order_by("pk").first()
        created = tag is None
        if created:
            base = slugify(unquote(nicename)) or slugify(name, allow_unicode=False) or "tag"
            slug, n = base[:110], 2
            while Tag.objects.filter(slug=slug).exists():  # another name has it: unique-ified
                slug = f"{base[:110]}-{n}"
                n += 1
            tag = Tag.objects.create(name=name, slug=slug)
            if slug != base[:110]:
                self.counts.problems.append(
                    f"Tag {name!r}: the slug {base!r} belongs to another tag here; "
                    f"imported as {slug!r}."
                )
        self.counts.add("tags", created)
        self._remember(source_id, tag)
        return tag.pk
