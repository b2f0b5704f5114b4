"""The film admin's form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Film


class FilmAdminForm(forms.ModelForm):
    # Same bounds as the film_year_plausible constraint, said in words an author understands.
    year = forms.IntegerField(
        min_value=1880,
        max_value=2100,
        label=_("Year"),
        help_text=_("Year of first release."),
        error_messages={
            "min_value": _("Enter a year between 1880 and 2100."),
            "max_value": _("Enter a year between 1880 and 2100."),
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
