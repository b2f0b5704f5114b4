"""What a WordPress import remembers: the items it created, and the old addresses that redirect."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ImportedItem(models.Model):
    """What a WordPress import created, by its WordPress id: a rerun of the same file skips it."""

    class Kind(models.TextChoices):
        # What was imported: an author account, a blog post, a comment (nouns, not a badge or
        # a button).
        AUTHOR = "author", pgettext_lazy("imported item kind", "Author")
        POST = "post", pgettext_lazy("imported item kind", "Post")
        COMMENT = "comment", pgettext_lazy("imported item kind", "Comment")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The exported site's base URL: ids are only unique within one WordPress site.
    source = models.CharField(max_length=200)
    source_id = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "reviews_importeditem"  # created by reviews before this app existed
        ordering = ["source", "kind", "source_id"]
        verbose_name = _("imported item")
        verbose_name_plural = _("imported items")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "source_id"], name="imported_item_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["author", "post", "comment"]), name="imported_item_kind"
            ),
        ]

    def __str__(self):
        return f"{self.source} {self.kind} {self.source_id}"


class LegacyRedirect(models.Model):
    """An old address of a review (a WordPress permalink): a 404 there is a 301 to the review."""

    # Stored without a trailing slash (except "/?p=…"), so one lookup covers both spellings.
    old_path = models.CharField(_("old path"), max_length=500, unique=True)
    review = models.ForeignKey(
        "reviews.Review",
        on_delete=models.CASCADE,
        related_name="legacy_redirects",
        verbose_name=_("review"),
    )

    class Meta:
        db_table = "reviews_legacyredirect"  # created by reviews before this app existed
        ordering = ["old_path"]
        verbose_name = _("legacy redirect")
        verbose_name_plural = _("legacy redirects")

    def __str__(self):
        return f"{self.old_path} → {self.review}"
