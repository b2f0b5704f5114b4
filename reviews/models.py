from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from imagekit.models import ImageSpecField
from imagekit.processors import ResizeToFill, ResizeToFit

from core.images import validate_image_upload
from films.models import Film

# 0, 0.5, 1, … 10: the only ratings the database accepts.
# Values carry one decimal place, as the column stores them ("8.0"), so forms match saved values.
RATING_CHOICES = [
    ((Decimal(n) / 2).quantize(Decimal("0.1")), f"{Decimal(n) / 2:g}") for n in range(21)
]
RATING_VALUES = [value for value, _ in RATING_CHOICES]

VERDICTS = [  # (lowest rating, verdict); see SPEC.md "Verdict words by rating".
    (Decimal("10"), "Masterpiece"),
    (Decimal("9"), "Great"),
    (Decimal("8"), "Good"),
    (Decimal("6"), "Decent"),
    (Decimal("4"), "Mixed"),
    (Decimal("0"), "Poor"),
]


def verdict_for(rating):
    """The verdict word the spec gives for a rating out of 10 (None for no rating)."""
    if rating is None:
        return ""
    rating = Decimal(str(rating))
    for floor, word in VERDICTS:
        if rating >= floor:
            return word
    return "Poor"


class Author(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="author_profile"
    )
    display_name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    bio = models.TextField(blank=True, help_text="Shown in the box under each of your reviews.")
    avatar = models.ImageField(upload_to="authors/", blank=True, validators=[validate_image_upload])
    avatar_thumb = ImageSpecField(
        source="avatar", processors=[ResizeToFill(96, 96)], format="JPEG", options={"quality": 85}
    )
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("reviews:author", kwargs={"slug": self.slug})


class ReviewQuerySet(models.QuerySet):
    def published(self):
        """Reviews the public may see: published or scheduled, with a publication time passed."""
        return self.filter(
            status__in=[Review.Status.PUBLISHED, Review.Status.SCHEDULED],
            published_at__lte=timezone.now(),
        )

    def with_comment_count(self):
        """Adds `approved_comment_count` (approved comments only) as one aggregate."""
        return self.annotate(
            approved_comment_count=Count("comments", filter=Q(comments__status="approved"))
        )

    def for_list(self):
        """Published reviews with what a card shows, in a fixed number of queries."""
        return (
            self.published()
            .select_related("film", "author")
            .with_comment_count()
            .order_by("-published_at", "-id")
        )


class Review(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"

    film = models.ForeignKey(Film, on_delete=models.PROTECT, related_name="reviews")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="reviews")
    headline = models.CharField(
        max_length=200, help_text="May differ from the film title, e.g. “Her — a quiet triumph”."
    )
    slug = models.SlugField(max_length=220, unique=True)
    standfirst = models.TextField(
        blank=True,
        max_length=400,
        help_text="One or two sentences shown on lists, in feeds and as the page description.",
    )
    body = models.TextField(
        help_text=(
            "Markdown. A line [pullquote]A sentence worth repeating.[/pullquote] makes a pull "
            "quote; a line [image 1] places the first image below (with its caption)."
        )
    )
    rating = models.DecimalField(
        max_digits=3, decimal_places=1, choices=RATING_CHOICES, help_text="Out of 10."
    )
    verdict = models.CharField(
        max_length=30, blank=True, help_text="Leave empty to use the word for the rating."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When it goes public. In the future with status Scheduled to schedule it.",
    )
    updated_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when you materially change a published review; shown as “Updated …”.",
    )
    comments_open = models.BooleanField(default=True)
    related_reviews = models.ManyToManyField(
        "self", symmetrical=False, blank=True, help_text="Hand-picked reviews to suggest."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="review_public_idx"),
            models.Index(fields=["author", "-published_at"], name="review_author_idx"),
            models.Index(fields=["film", "-published_at"], name="review_film_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__in=RATING_VALUES), name="review_rating_half_points"
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

    def get_absolute_url(self):
        return reverse("reviews:detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.status != self.Status.DRAFT and self.published_at is None:
            if self.status == self.Status.SCHEDULED:
                raise ValidationError(
                    {"published_at": "A scheduled review needs a publication time."}
                )
            self.published_at = timezone.now()
        if (
            self.status == self.Status.SCHEDULED
            and self.published_at
            and self.published_at <= timezone.now()
            and self._state.adding
        ):
            raise ValidationError(
                {"published_at": "To schedule a review, pick a time in the future."}
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
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to="reviews/", validators=[validate_image_upload])
    image_large = ImageSpecField(
        source="image", processors=[ResizeToFit(1200, 900)], format="JPEG", options={"quality": 85}
    )
    alt_text = models.CharField(
        max_length=200, help_text="What the image shows, for screen readers."
    )
    caption = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(
        default=1, help_text="[image 1] in the body is number 1."
    )

    class Meta:
        ordering = ["review", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "order"], name="review_image_order_unique")
        ]

    def __str__(self):
        return self.caption or self.alt_text
