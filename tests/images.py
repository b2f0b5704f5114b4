"""Upload helpers for admin tests: real little images and files that only pretend to be."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(size=(40, 60), image_format="PNG", color=(180, 40, 40)):
    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, format=image_format)
    return buffer.getvalue()


def png_upload(name="poster.png", size=(40, 60)):
    return SimpleUploadedFile(name, image_bytes(size), content_type="image/png")


def fake_jpeg_upload(name="poster.jpg"):
    """A text file renamed .jpg, as a careless or hostile upload would be."""
    return SimpleUploadedFile(name, b"This is not a picture at all.\n" * 20, "image/jpeg")
