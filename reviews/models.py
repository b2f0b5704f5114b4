from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from imagekit.models import ImageSpecField
from imagekit.processors import ResizeToFill

from core.images import Renditions, validate_image_upload
from core.validators import TEXT_VALIDATORS
from films.models import Film

# 0, 0.5, 1, … 10: the only ratings the database accepts.
# Values carry one decimal place, as the column stores them ("8.0"), so forms match saved values.
RATING_CHOICES = [
    ((Decimal(n) / 2).quantize(Decimal("0.1")), f"{Decimal(n) / 2:g}") for n in range(21)
]
RATING_VALUES = [value for value, _label in RATING_CHOICES]

VERDICTS = [  # (lowest rating, verdict); see SPEC.md "Verdict words by rating".
    (Decimal("10"), _("Masterpiece")),
    (Decimal("9"), _("Great")),
    (Decimal("8"), _("Good")),
    (Decimal("6"), _("Decent")),
    (Decimal("4"), _("Mixed")),
    (Decimal("0"), _("Poor")),
]


def verdict_for(rating):
    """The verdict word the spec gives for a rating out of 10 (None for no rating)."""
    if rating is None:
        return ""
    rating = Decimal(str(rating))
    for floor, word in VERDICTS:
        if rating >= floor:
            return word
    return VERDICTS[-1][1]  # below 0 cannot be stored; "Poor" all the same


class Author(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="author_profile",
        verbose_name=_("user"),
    )
    display_name = models.CharField(_("display name"), max_length=120, validators=TEXT_VALIDATORS)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    bio = models.TextField(
        _("bio"),
        blank=True,
        validators=TEXT_VALIDATORS,
        help_text=_("Shown in the box under each of your reviews."),
    )
    avatar = models.ImageField(
        _("avatar"), upload_to="authors/", blank=True, validators=[validate_image_upload]
    )
    avatar_thumb = ImageSpecField(
        source="avatar", processors=[ResizeToFill(96, 96)], format="JPEG", options={"quality": 85}
    )
    website = models.URLField(_("website"), blank=True, validators=TEXT_VALIDATORS)

    class Meta:
        ordering = ["display_name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("reviews:author", kwargs={"slug": self.slug})


class TagQuerySet(models.QuerySet):
    def with_review_count(self):
        """Adds `review_count`: the tag's published reviews (a subquery; drafts never count)."""
        counts = (
            Review.tags.through.objects.filter(
                tag=OuterRef("pk"), review__in=Review.objects.published()
            )
            .order_by()
            .values("tag")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            review_count=Coalesce(Subquery(counts, output_field=models.IntegerField()), 0)
        )

    def in_use(self):
        """Tags with at least one published review, with `review_count`, A–Z."""
        return self.with_review_count().filter(review_count__gt=0).order_by("name", "pk")


class Tag(models.Model):
    """A subject a review is filed under (a WordPress category or tag lands here on import)."""

    name = models.CharField(_("name"), max_length=100, unique=True, validators=TEXT_VALIDATORS)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=False)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reviews:tag", kwargs={"slug": self.slug})


class ReviewQuerySet(models.QuerySet):
    def published(self):
        """Reviews the public may see: published or scheduled, with a publication time passed."""
        return self.filter(
            status__in=[Review.Status.PUBLISHED, Review.Status.SCHEDULED],
            published_at__lte=timezone.now(),
        )

    def with_comment_count(self):
        """Adds `approved_comment_count` (approved comments only), read from the review's row.

        The stored count (kept by comments.counts) instead of counting comments: a list then
        never joins or groups the comment table, so it costs the same with a million comments.
        """
        return self.annotate(approved_comment_count=F("comment_count"))

    def for_list(self):
        """Published reviews with what a card shows, in a fixed number of queries."""
        return (
            self.published()
            .select_related("film", "author")
            .prefetch_related("tags")  # the card's tag line: one query for the whole page
            .with_comment_count()
            .order_by("-published_at", "-id")
        )


class Review(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")

    film = models.ForeignKey(
        Film, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("film")
    )
    author = models.ForeignKey(
        Author, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("author")
    )
    headline = models.CharField(
        _("headline"),
        max_length=200,
        validators=TEXT_VALIDATORS,
        help_text=_("May differ from the film title, e.g. “Her — a quiet triumph”."),
    )
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    standfirst = models.TextField(
        _("standfirst"),
        blank=True,
        max_length=400,
        validators=TEXT_VALIDATORS,
        help_text=_("One or two sentences shown on lists, in feeds and as the page description."),
    )
    body = models.TextField(
        _("body"),
        validators=TEXT_VALIDATORS,
        help_text=_(
            "Markdown. A line [pullquote]A sentence worth repeating.[/pullquote] makes a pull "
            "quote; a line [image 1] places the first image below (with its caption)."
        ),
    )
    rating = models.DecimalField(
        _("rating"),
        max_digits=3,
        decimal_places=1,
        # None: a review published without a score, as many real ones are (SPEC "Data model").
        null=True,
        blank=True,
        choices=RATING_CHOICES,
        help_text=_("Out of 10, or no score."),
    )
    verdict = models.CharField(
        _("verdict"),
        max_length=30,
        blank=True,
        validators=TEXT_VALIDATORS,
        help_text=_("Leave empty to use the word for the rating (none without a score)."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("published at"),
        null=True,
        blank=True,
        help_text=_("When it goes public. In the future with status Scheduled to schedule it."),
    )
    updated_at = models.DateTimeField(
        _("updated at"),
        null=True,
        blank=True,
        help_text=_("Set when you materially change a published review; shown as “Updated …”."),
    )
    comments_open = models.BooleanField(_("comments open"), default=True)
    # Approved comments, kept by the comments app (comments/counts.py) in the same transaction
    # as every change to them, so lists show counts without touching the comment table.
    comment_count = models.PositiveIntegerField(_("comment count"), default=0, editable=False)
    related_reviews = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        verbose_name=_("related reviews"),
        help_text=_("Hand-picked reviews to suggest."),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="reviews", verbose_name=_("tags"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    modified_at = models.DateTimeField(_("modified at"), auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        # Whoever may add reviews changes (and previews) only their own, unless given this.
        permissions = [("change_any_review", "Can change and preview every author's reviews")]
        # Each list's ORDER BY (-published_at, -id) read straight off an index, so a page costs
        # the same however many reviews there are: the public lists (home, feeds, sitemap,
        # genre and related cards) over the published ones only, an author's or a film's per
        # author or film (the admin's lists, drafts included, use those too).
        indexes = [
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status__in=["published", "scheduled"]),
                name="review_public_idx",
            ),
            # The sitemap's newest lastmod: the latest update, without reading every review.
            models.Index(
                fields=["-updated_at"],
                condition=Q(status__in=["published", "scheduled"], updated_at__isnull=False),
                name="review_updated_idx",
            ),
            models.Index(fields=["author", "-published_at", "-id"], name="review_author_idx"),
            models.Index(fields=["film", "-published_at", "-id"], name="review_film_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                # No score, or a half point out of ten: NULL spelled out rather than left to
                # SQL's rule that a CHECK whose result is unknown passes.
                condition=Q(rating__isnull=True) | Q(rating__in=RATING_VALUES),
                name="review_rating_half_points",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "scheduled", "published"]),
                name="review_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="review_public_needs_date",
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        # comment_count is written only by comments.counts: an edit saved from a form loaded
        # before a comment was approved must not put the older count back.
        updating = not self._state.adding and not args and not kwargs.get("force_insert")
        if updating and kwargs.get("update_fields") is None:
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                field.attname
                for field in self._meta.concrete_fields
                if not field.primary_key
                and field.attname != "comment_count"
                and field.attname not in deferred
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("reviews:detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.status != self.Status.DRAFT and self.published_at is None:
            if self.status == self.Status.SCHEDULED:
                raise ValidationError(
                    {"published_at": _("A scheduled review needs a publication time.")}
                )
            self.published_at = timezone.now()
        if (
            self.status == self.Status.SCHEDULED
            and self.published_at
            and self.published_at <= timezone.now()
            and self._state.adding
        ):
            raise ValidationError(
                {"published_at": _("To schedule a review, pick a time in the future.")}
            )

    @property
    def is_public(self):
        return (
            self.status in (self.Status.PUBLISHED, self.Status.SCHEDULED)
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def verdict_text(self):
        """The author's verdict, else the word for the score; "" with neither (never invented)."""
        return self.verdict or verdict_for(self.rating)

    @property
    def comments_are_open(self):
        """Open unless the author closed them or COMMENTS_CLOSE_AFTER_DAYS has passed."""
        if not self.comments_open:
            return False
        days = settings.COMMENTS_CLOSE_AFTER_DAYS
        if days and self.published_at:
            return timezone.now() < self.published_at + timezone.timedelta(days=days)
        return True


class ReviewImage(models.Model):
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="images", verbose_name=_("review")
    )
    image = models.ImageField(_("image"), upload_to="reviews/", validators=[validate_image_upload])
    # What the review body shows, through core.images.picture: up to 2x of its ~700 px column.
    image_renditions = Renditions("image", widths=(480, 960, 1440))
    alt_text = models.CharField(
        _("alt text"),
        max_length=200,
        validators=TEXT_VALIDATORS,
        help_text=_("What the image shows, for screen readers."),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True, validators=TEXT_VALIDATORS)
    order = models.PositiveSmallIntegerField(
        _("order"), default=1, help_text=_("[image 1] in the body is number 1.")
    )

    class Meta:
        ordering = ["review", "order", "id"]
        verbose_name = _("review image")
        verbose_name_plural = _("review images")
        constraints = [
            models.UniqueConstraint(fields=["review", "order"], name="review_image_order_unique")
        ]

    def __str__(self):
        return self.caption or self.alt_text
