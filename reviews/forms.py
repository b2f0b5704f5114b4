"""Forms the admin uses for reviews."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import RATING_CHOICES, Review

BODY_HELP = _(
    "Markdown: a blank line between paragraphs, *italic*, **bold**, [link text](https://…). "
    "A line [pullquote]A sentence worth repeating.[/pullquote] makes a pull quote. "
    "A line [image 1] places the image whose Order is 1 (see Images below), "
    "with its caption and alt text."
)


# The score select's value for "this review has no score": a choice of its own, so an empty
# select ("— choose —") is an error and a review never loses its score by oversight.
NO_SCORE = "none"


def _score_from_choice(value):
    return None if value == NO_SCORE else Decimal(value)


class ReviewAdminForm(forms.ModelForm):
    rating = forms.TypedChoiceField(
        label=_("Score"),
        # The database hands back "8.0" (one decimal place) while the model's choices say
        # "8": the values are spelled as stored, or an edited review would show no score
        # chosen and could not be saved as it is.
        choices=[("", _("— choose —")), (NO_SCORE, _("No score"))]
        + [(f"{value:.1f}", label) for value, label in RATING_CHOICES],
        coerce=_score_from_choice,
        empty_value=None,
        help_text=_("Out of 10. Choose “No score” for a review published without one."),
        error_messages={"required": _("Choose a score, or “No score” if this review has none.")},
    )

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
            "tags",
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
        if self.instance.pk and self.instance.rating is None and "rating" in self.fields:
            # A review saved without a score opens with "No score" chosen, not "— choose —".
            self.initial["rating"] = NO_SCORE
