"""The film admin's form."""

from django import forms

from .models import Film


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
