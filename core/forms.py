"""Form fields shared by every app."""

from django import forms
from django.core.exceptions import ValidationError

from .images import validate_image_upload


class ValidatedImageField(forms.ImageField):
    """An image upload that reports a non-image with the site's own message.

    Django's ImageField refuses a non-image before the model validator runs, with its own
    wording; asking core.images for the reason keeps one message everywhere.
    """

    def to_python(self, data):
        try:
            return super().to_python(data)
        except ValidationError as error:
            if error.code != "invalid_image" or data is None:
                raise
            validate_image_upload(data)  # raises the site's message (too large, not an image…)
            raise
