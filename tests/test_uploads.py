"""Poster uploads through the admin: only real images of a sane size are stored."""

from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from films.models import Film
from tests.images import fake_jpeg_upload, image_bytes, png_upload

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:films_film_add")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def signed_in(client, author):
    client.force_login(author.user)
    return client


def film_with_poster(poster):
    return {
        "title": "Her",
        "slug": "her",
        "year": "2013",
        "certification": "R",
        "runtime_minutes": "126",
        "synopsis": "",
        "poster": poster,
        "credits-TOTAL_FORMS": "0",
        "credits-INITIAL_FORMS": "0",
        "credits-MIN_NUM_FORMS": "0",
        "credits-MAX_NUM_FORMS": "1000",
    }


def stored_files(root):
    return [path for path in root.rglob("*") if path.is_file()]


def test_text_file_renamed_jpg_is_refused_and_nothing_is_saved(signed_in, media_root):
    response = signed_in.post(ADD_URL, film_with_poster(fake_jpeg_upload()))

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "This file is not a valid image. Upload a JPEG, PNG, WebP or GIF picture." in content
    assert "Upload a valid image" not in content  # the site's message, not Django's
    assert not Film.objects.exists()
    assert stored_files(media_root) == []


def test_oversized_file_is_refused_with_its_size_and_the_limit(signed_in, media_root, settings):
    settings.IMAGE_UPLOAD_MAX_BYTES = 200
    poster = png_upload(size=(200, 300))
    assert poster.size > 200

    response = signed_in.post(ADD_URL, film_with_poster(poster))

    assert response.status_code == HTTPStatus.OK
    assert "the largest accepted is 200\xa0bytes" in response.content.decode()
    assert not Film.objects.exists()
    assert stored_files(media_root) == []


def test_image_with_too_many_pixels_is_refused(signed_in, media_root, settings):
    settings.IMAGE_UPLOAD_MAX_PIXELS = 100 * 100
    response = signed_in.post(ADD_URL, film_with_poster(png_upload(size=(200, 300))))

    assert response.status_code == HTTPStatus.OK
    assert "This image is 200×300 pixels" in response.content.decode()
    assert not Film.objects.exists()
    assert stored_files(media_root) == []


def test_image_in_a_format_not_accepted_is_refused(signed_in, media_root):
    bmp = SimpleUploadedFile("poster.bmp", image_bytes(image_format="BMP"), "image/bmp")
    response = signed_in.post(ADD_URL, film_with_poster(bmp))

    assert response.status_code == HTTPStatus.OK
    assert "BMP images are not accepted." in response.content.decode()
    assert not Film.objects.exists()


def test_real_png_poster_is_stored(signed_in, media_root):
    response = signed_in.post(ADD_URL, film_with_poster(png_upload("her.png", size=(200, 300))))

    assert response.status_code == HTTPStatus.FOUND
    film = Film.objects.get(slug="her")
    assert film.poster.name.startswith("posters/her")
    assert (media_root / film.poster.name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert film.poster.width == 200
    assert film.poster.height == 300


def test_replacing_a_poster_with_a_non_image_keeps_the_old_one(signed_in, media_root):
    signed_in.post(ADD_URL, film_with_poster(png_upload("her.png")))
    film = Film.objects.get()
    old_name = film.poster.name
    change_url = reverse("admin:films_film_change", args=[film.pk])

    response = signed_in.post(change_url, film_with_poster(fake_jpeg_upload("new.jpg")))

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "This file is not a valid image." in content
    assert f'src="{film.poster_thumb.url}"' in content  # the stored poster is still shown
    film.refresh_from_db()
    assert film.poster.name == old_name


def test_form_shown_again_for_another_error_does_not_preview_an_unsaved_upload(
    signed_in, media_root
):
    data = film_with_poster(png_upload("her.png")) | {"year": "1700"}

    response = signed_in.post(ADD_URL, data)

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "Enter a year between 1880 and 2100." in content
    assert "Preview shown after saving." in content
    assert not Film.objects.exists()
    assert stored_files(media_root) == []
