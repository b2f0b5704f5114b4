from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from imagekit.models import ImageSpecField
from imagekit.processors import ResizeToFill, ResizeToFit

from core.images import Renditions, validate_image_upload
from core.validators import TEXT_VALIDATORS
from films import titles


class Genre(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True, validators=TEXT_VALIDATORS)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("genre")
        verbose_name_plural = _("genres")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("films:genre", kwargs={"slug": self.slug})


class Person(models.Model):
    name = models.CharField(_("name"), max_length=120, validators=TEXT_VALIDATORS)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    bio = models.TextField(_("bio"), blank=True, validators=TEXT_VALIDATORS)
    photo = models.ImageField(
        _("photo"), upload_to="people/", blank=True, validators=[validate_image_upload]
    )
    photo_thumb = ImageSpecField(
        source="photo", processors=[ResizeToFill(160, 160)], format="JPEG", options={"quality": 82}
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
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

    def bulk_create(self, objs, *args, **kwargs):
        """As Django's, with each film's A–Z fields filled as save() fills them."""
        objs = list(objs)
        for film in objs:
            film.set_index_fields()
        return super().bulk_create(objs, *args, **kwargs)


class Film(models.Model):
    title = models.CharField(_("title"), max_length=200, validators=TEXT_VALIDATORS)
    # Derived from the title in save() (films/titles.py): "The Quiet Frequency" files under Q.
    sort_title = models.CharField(
        _("sort title"), max_length=titles.SORT_TITLE_LENGTH, editable=False, default=""
    )
    index_letter = models.CharField(
        _("index letter"), max_length=1, editable=False, default=titles.OTHERS
    )
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    year = models.PositiveSmallIntegerField(_("year"), help_text=_("Year of first release."))
    release_date = models.DateField(_("release date"), null=True, blank=True)
    certification = models.CharField(
        _("certification"),
        max_length=12,
        blank=True,
        validators=TEXT_VALIDATORS,
        help_text=_('Age rating as shown on the poster, e.g. "R" or "15".'),
    )
    runtime_minutes = models.PositiveSmallIntegerField(_("runtime minutes"), null=True, blank=True)
    synopsis = models.TextField(_("synopsis"), blank=True, validators=TEXT_VALIDATORS)
    poster = models.ImageField(
        _("poster"),
        upload_to="posters/",
        blank=True,
        validators=[validate_image_upload],
        help_text=_("Portrait 2:3 artwork; JPEG, PNG or WebP, at most 8 MB."),
    )
    # Sized renditions: lists never send the full upload to the browser.
    poster_thumb = ImageSpecField(
        source="poster", processors=[ResizeToFill(200, 300)], format="JPEG", options={"quality": 82}
    )
    poster_large = ImageSpecField(
        source="poster", processors=[ResizeToFit(500, 750)], format="JPEG", options={"quality": 85}
    )
    # What reading pages show, through core.images.picture: 2:3, 1x and 2x of every place a
    # poster appears (64 to 280 CSS pixels wide).
    poster_renditions = Renditions("poster", widths=(160, 320, 480, 640), aspect=(2, 3))
    genres = models.ManyToManyField(
        Genre, related_name="films", blank=True, verbose_name=_("genres")
    )
    people = models.ManyToManyField(
        Person, through="Credit", related_name="films", verbose_name=_("people")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = FilmQuerySet.as_manager()

    class Meta:
        ordering = ["title", "year"]
        verbose_name = _("film")
        verbose_name_plural = _("films")
        # The sitemap reads films in (title, year, id) order, a page at a time.
        indexes = [
            models.Index(fields=["title", "year", "id"], name="film_title_idx"),
            # The A–Z index: every film, or one letter's, in (sort_title, year, id) order.
            models.Index(fields=["sort_title", "year", "id"], name="film_sort_idx"),
            models.Index(
                fields=["index_letter", "sort_title", "year", "id"], name="film_letter_idx"
            ),
            models.Index(fields=["year"]),
            # The newest lastmod of the sitemap's films and people.
            models.Index(fields=["-updated_at"], name="film_updated_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=1880) & Q(year__lte=2100), name="film_year_plausible"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.year})"

    def save(self, *args, **kwargs):
        self.set_index_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "title" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_title", "index_letter"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("films:detail", kwargs={"slug": self.slug})

    def set_index_fields(self):
        """Files the film in the A–Z by its title, ignoring a leading "The", "A" or "An"."""
        self.sort_title = titles.sort_title(self.title)
        self.index_letter = titles.index_letter(self.title)


class Credit(models.Model):
    class Role(models.TextChoices):
        DIRECTOR = "director", _("Director")
        WRITER = "writer", _("Writer")
        CAST = "cast", _("Cast")

    film = models.ForeignKey(
        Film, on_delete=models.CASCADE, related_name="credits", verbose_name=_("film")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="credits", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    character = models.CharField(
        _("character"),
        max_length=120,
        blank=True,
        validators=TEXT_VALIDATORS,
        help_text=_("For cast only."),
    )
    billing_order = models.PositiveSmallIntegerField(
        _("billing order"), default=0, help_text=_("Lower numbers are listed first.")
    )

    class Meta:
        ordering = ["film", "role", "billing_order", "id"]
        verbose_name = _("credit")
        verbose_name_plural = _("credits")
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
