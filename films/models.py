from django.db import models
from django.db.models import Q
from django.urls import reverse
from imagekit.models import ImageSpecField
from imagekit.processors import ResizeToFill, ResizeToFit

from core.images import validate_image_upload


class Genre(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("films:genre", kwargs={"slug": self.slug})


class Person(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    bio = models.TextField(blank=True)
    photo = models.ImageField(upload_to="people/", blank=True, validators=[validate_image_upload])
    photo_thumb = ImageSpecField(
        source="photo", processors=[ResizeToFill(160, 160)], format="JPEG", options={"quality": 82}
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["name"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("films:person", kwargs={"slug": self.slug})


class FilmQuerySet(models.QuerySet):
    def with_people(self):
        """Films with genres and credits (and their people) loaded in a fixed number of queries."""
        return self.prefetch_related(
            "genres", models.Prefetch("credits", Credit.objects.select_related("person"))
        )


class Film(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    year = models.PositiveSmallIntegerField(help_text="Year of first release.")
    release_date = models.DateField(null=True, blank=True)
    certification = models.CharField(
        max_length=12, blank=True, help_text='Age rating as shown on the poster, e.g. "R" or "15".'
    )
    runtime_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    synopsis = models.TextField(blank=True)
    poster = models.ImageField(
        upload_to="posters/",
        blank=True,
        validators=[validate_image_upload],
        help_text="Portrait 2:3 artwork; JPEG, PNG or WebP, at most 8 MB.",
    )
    # Sized renditions: lists never send the full upload to the browser.
    poster_thumb = ImageSpecField(
        source="poster", processors=[ResizeToFill(200, 300)], format="JPEG", options={"quality": 82}
    )
    poster_large = ImageSpecField(
        source="poster", processors=[ResizeToFit(500, 750)], format="JPEG", options={"quality": 85}
    )
    genres = models.ManyToManyField(Genre, related_name="films", blank=True)
    people = models.ManyToManyField(Person, through="Credit", related_name="films")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FilmQuerySet.as_manager()

    class Meta:
        ordering = ["title", "year"]
        indexes = [models.Index(fields=["title", "year"]), models.Index(fields=["year"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=1880) & Q(year__lte=2100), name="film_year_plausible"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.year})"

    def get_absolute_url(self):
        return reverse("films:detail", kwargs={"slug": self.slug})


class Credit(models.Model):
    class Role(models.TextChoices):
        DIRECTOR = "director", "Director"
        WRITER = "writer", "Writer"
        CAST = "cast", "Cast"

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="credits")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="credits")
    role = models.CharField(max_length=10, choices=Role.choices)
    character = models.CharField(max_length=120, blank=True, help_text="For cast only.")
    billing_order = models.PositiveSmallIntegerField(
        default=0, help_text="Lower numbers are listed first."
    )

    class Meta:
        ordering = ["film", "role", "billing_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["director", "writer", "cast"]), name="credit_role_valid"
            ),
            models.UniqueConstraint(
                fields=["film", "person", "role", "character"], name="credit_unique"
            ),
        ]
        indexes = [models.Index(fields=["person", "role"])]

    def __str__(self):
        return f"{self.person} — {self.get_role_display()} in {self.film.title}"
