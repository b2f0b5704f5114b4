"""What a WordPress import remembers: the items it created, and the old addresses that redirect."""

from django.core.validators import MaxValueValidator, MinValueValidator
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
        # A media library item (an image) and a category or tag.
        ATTACHMENT = "attachment", pgettext_lazy("imported item kind", "Attachment")
        TERM = "term", pgettext_lazy("imported item kind", "Category or tag")

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
                condition=Q(kind__in=["author", "post", "comment", "attachment", "term"]),
                name="imported_item_kind",
            ),
        ]
        # An old /category/<nicename>/ address names no source: looked up by kind and id alone.
        indexes = [models.Index(fields=["kind", "source_id"], name="imported_item_kind_id")]

    def __str__(self):
        return f"{self.source} {self.kind} {self.source_id}"


class ImportSource(models.Model):
    """One WordPress site imported here, with what its old addresses need and WXR does not say."""

    # The exported site's base URL, as ImportedItem.source spells it.
    url = models.CharField(_("site"), max_length=200, unique=True)
    comments_per_page = models.PositiveSmallIntegerField(
        _("comments per page"),
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_(
            "WordPress's Settings → Discussion → top level comments per page: old "
            "/comment-page-N/ addresses land on the page holding that WordPress page's comments."
        ),
    )
    permalink_structure = models.CharField(
        _("permalink structure"),
        max_length=200,
        blank=True,
        help_text=_("As its export's links imply, e.g. /%year%/%monthnum%/%postname%/."),
    )
    imported_at = models.DateTimeField(_("last imported"), auto_now=True)

    class Meta:
        ordering = ["url"]
        verbose_name = _("imported site")
        verbose_name_plural = _("imported sites")
        constraints = [
            models.CheckConstraint(
                condition=Q(comments_per_page__gte=1), name="import_source_comments_per_page"
            )
        ]

    def __str__(self):
        return self.url


class LegacyRedirect(models.Model):
    """An old address (a WordPress permalink): a 404 there is a 301 to a review or an author.

    Suffixes WordPress adds to a post's address (/feed/, /comment-page-2/, /amp/, …) are not
    stored: wordpress.redirects strips them and looks the post's path up, in one query.
    """

    # Stored decoded, without a trailing slash or an /index.php prefix (except "/?p=…"), so one
    # lookup covers every spelling of the same address.
    old_path = models.CharField(_("old path"), max_length=500, unique=True)
    review = models.ForeignKey(
        "reviews.Review",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="legacy_redirects",
        verbose_name=_("review"),
    )
    author = models.ForeignKey(
        "reviews.Author",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="legacy_redirects",
        verbose_name=_("author"),
        help_text=_("For an old /author/<name>/ address."),
    )
    # Which import made it: its comments per page place old comment pages.
    source = models.ForeignKey(
        ImportSource,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="redirects",
        verbose_name=_("imported site"),
    )

    class Meta:
        db_table = "reviews_legacyredirect"  # created by reviews before this app existed
        ordering = ["old_path"]
        verbose_name = _("legacy redirect")
        verbose_name_plural = _("legacy redirects")
        constraints = [
            models.CheckConstraint(
                condition=Q(review__isnull=False, author__isnull=True)
                | Q(review__isnull=True, author__isnull=False),
                name="legacy_redirect_one_target",
            )
        ]

    def __str__(self):
        return f"{self.old_path} → {self.review or self.author}"
