"""Form pieces the admin uses for uploads."""

from django import forms
from django.core.exceptions import ValidationError

from reviewsite.images import validate_image_upload

from .models import Film


class ValidatedImageField(forms.ImageField):
    """An image upload that reports a non-image with the site's own message.

    Django's ImageField refuses a non-image before the model validator runs, with its own
    wording; asking reviewsite.images for the reason keeps one message everywhere.
    """

    def to_python(self, data):
        try:
            return super().to_python(data)
        except ValidationError as error:
            if error.code != "invalid_image" or data is None:
                raise
            validate_image_upload(data)  # raises the site's message (too large, not an image…)
            raise


class FilmAdminForm(forms.ModelForm):
    # Same bounds as the film_year_plausible constraint, said in words an author understands.
    year = forms.IntegerField(
        min_value=1880,
        max_value=2100,
        help_text="Year of first release.",
        error_messages={
            "min_value": "Enter a year between 1880 and 2100.",
            "max_value": "Enter a year between 1880 and 2100.",
        },
    )

    class Meta:
        model = Film
        fields = [
            "title",
            "slug",
            "year",
            "release_date",
            "certification",
            "runtime_minutes",
            "genres",
            "synopsis",
            "poster",
        ]
