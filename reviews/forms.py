"""Forms the admin uses for reviews."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import RATING_CHOICES, Review

BODY_HELP = _(
    "Markdown: a blank line between paragraphs, *italic*, **bold**, [link text](https://…). "
    "A line [pullquote]A sentence worth repeating.[/pullquote] makes a pull quote. "
    "A line [image 1] places the image whose Order is 1 (see Images below), "
    "with its caption and alt text."
)


class ReviewAdminForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = [
            "film",
            "headline",
            "slug",
            "author",
            "standfirst",
            "body",
            "rating",
            "verdict",
            "status",
            "published_at",
            "updated_at",
            "comments_open",
            "related_reviews",
        ]
        widgets = {
            # Monospace so Markdown and the [pullquote]/[image N] markers stay readable.
            "body": forms.Textarea(attrs={"class": "vLargeTextField markdown-source", "rows": 28}),
            "standfirst": forms.Textarea(attrs={"class": "vLargeTextField", "rows": 3}),
        }
        help_texts = {"body": BODY_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rating = self.fields.get("rating")
        if rating is not None:
            # The database hands back "8.0" (one decimal place) while the model's choices say
            # "8": without matching spellings an edited review shows no rating and cannot be
            # saved as it is.
            rating.choices = [("", "---------")] + [
                (f"{value:.1f}", label) for value, label in RATING_CHOICES
            ]
