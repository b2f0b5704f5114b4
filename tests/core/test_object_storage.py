"""Media in S3-compatible object storage (MEDIA_STORAGE=s3), against a real S3 API on loopback
(moto's server, tests/s3.py): uploads from the admin land in the bucket, renditions are made
there and shown from the bucket's address, another app server finds them, and a rendition
deleted from the bucket comes back instead of staying a broken image."""

import re
import time
import urllib.error
import urllib.request
import uuid
from http import HTTPStatus

import pytest
from django.core.cache import caches
from django.urls import reverse
from imagekit.cachefiles.backends import CacheFileState

from core import images
from core.storage import RenditionCacheFileBackend
from core.storage_config import media_settings
from films.models import Film
from tests.core.test_environment_settings import show
from tests.reviews.reading_data import image_upload, make_film
from tests.s3 import REGION, TEST_CREDENTIALS, create_bucket, moto_server, object_names, s3_client
from tests.test_uploads import film_with_poster

IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture(scope="module")
def s3_endpoint():
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def bucket(settings, s3_endpoint, tmp_path, no_page_cache):
    """A new, empty bucket holding this test's media, configured as the settings would from
    MEDIA_STORAGE=s3 and the AWS_* variables. MEDIA_ROOT points at an empty folder that must
    stay empty."""
    name = f"media-{uuid.uuid4().hex[:12]}"
    create_bucket(s3_endpoint, name)
    storage, media_url, _img_src = media_settings(
        "s3",
        bucket=name,
        endpoint_url=s3_endpoint,
        region=REGION,
        access_key_id=TEST_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        secret_access_key=TEST_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    settings.MEDIA_URL = media_url
    settings.MEDIA_ROOT = tmp_path
    return name


def fetch(url):
    """(status, headers, body) of a GET from the bucket, as a reader's browser makes it."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, b""


def rendition_urls(html):
    """Every URL in the srcset and src attributes of the page's <picture>s."""
    found = set()
    for picture in re.findall(r"<picture>.*?</picture>", html, re.S):
        for srcset in re.findall(r'srcset="([^"]*)"', picture):
            found.update(re.findall(r"(\S+) \d+w", srcset))
        found.update(re.findall(r'\ssrc="([^"]*)"', picture))
    return found


def film_page(client, film):
    response = client.get(film.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def key_of(url, endpoint, bucket):
    return url.removeprefix(f"{endpoint}/{bucket}/")


def last_modified(endpoint, bucket, keys):
    client = s3_client(endpoint)
    return {key: client.head_object(Bucket=bucket, Key=key)["LastModified"] for key in keys}


# --- Settings from the environment -------------------------------------------------------------


def test_media_url_and_the_csp_follow_the_bucket_and_only_it():
    env = {
        "SECRET_KEY": "x" * 50,
        "MEDIA_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": "reel-media",
        "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
        "AWS_S3_REGION_NAME": "eu-west-2",
    }
    shown = "(settings.MEDIA_URL, settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'], "
    shown += "settings.STORAGES['default']['BACKEND'], settings.SERVE_MEDIA)"

    assert show(shown, **env) == str(
        (
            "http://127.0.0.1:9000/reel-media/",
            ["'self'", "data:", "http://127.0.0.1:9000/reel-media/"],
            "core.storage_s3.MediaS3Storage",
            False,
        )
    )
    # A CDN in front of the bucket: pages name the CDN, and the CSP allows it rather than the
    # bucket.
    assert show(shown, **env, AWS_S3_CUSTOM_DOMAIN="media.example.org") == str(
        (
            "https://media.example.org/",
            ["'self'", "data:", "https://media.example.org/"],
            "core.storage_s3.MediaS3Storage",
            False,
        )
    )
    # AWS itself, no endpoint: the bucket's virtual-hosted address.
    aws = {key: value for key, value in env.items() if key != "AWS_S3_ENDPOINT_URL"}
    assert show("settings.MEDIA_URL", **aws) == "https://reel-media.s3.eu-west-2.amazonaws.com/"
    # The default is the local disk, as before.
    assert show(shown, SECRET_KEY="x" * 50) == str(
        ("/media/", ["'self'", "data:"], "django.core.files.storage.FileSystemStorage", True)
    )


# --- Uploads and renditions in the bucket ------------------------------------------------------


@pytest.mark.django_db
def test_a_poster_uploaded_in_the_admin_lands_in_the_bucket_with_its_renditions(
    client, author, bucket, s3_endpoint, tmp_path
):
    client.force_login(author.user)
    response = client.post(
        reverse("admin:films_film_add"),
        film_with_poster(image_upload("her.png", size=(200, 300))),
    )
    assert response.status_code == HTTPStatus.FOUND
    film = Film.objects.get(slug="her")
    assert object_names(s3_endpoint, bucket, "posters/") == [film.poster.name]
    client.logout()

    urls = rendition_urls(film_page(client, film))

    # Every rendition the page offers is in the bucket, at the bucket's address, and is
    # cached by browsers for a year; nothing was written to this server's disk.
    assert len(urls) >= 8
    assert all(url.startswith(f"{s3_endpoint}/{bucket}/CACHE/images/posters/") for url in urls)
    stored = set(object_names(s3_endpoint, bucket, "CACHE/"))
    assert {key_of(url, s3_endpoint, bucket) for url in urls} <= stored
    for url in urls:
        status, headers, body = fetch(url)
        assert status == HTTPStatus.OK, url
        assert headers["Content-Type"].startswith("image/")
        assert headers["Cache-Control"] == IMMUTABLE
        assert body
    status, headers, body = fetch(film.poster.url)
    assert status == HTTPStatus.OK
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    assert headers["Cache-Control"] == "public, max-age=86400"  # originals: not immutable
    assert not any(path.is_file() for path in tmp_path.rglob("*"))


@pytest.mark.django_db
def test_a_poster_replaced_under_the_same_file_name_gets_a_new_key_and_new_rendition_urls(
    client, author, bucket, s3_endpoint
):
    """The bucket never overwrites an upload: what makes year-long caching safe there too."""
    client.force_login(author.user)
    client.post(reverse("admin:films_film_add"), film_with_poster(image_upload("her.png")))
    film = Film.objects.get(slug="her")
    before = rendition_urls(film_page(client, film))

    replacement = image_upload("her.png", color=(20, 90, 200))
    change_url = reverse("admin:films_film_change", args=[film.pk])
    assert client.post(change_url, film_with_poster(replacement)).status_code == HTTPStatus.FOUND
    film.refresh_from_db()
    after = rendition_urls(film_page(client, film))

    assert len(object_names(s3_endpoint, bucket, "posters/")) == 2
    assert before and after and not before & after
    assert all(fetch(url)[0] == HTTPStatus.OK for url in before | after)


@pytest.mark.django_db
def test_another_app_server_shows_the_renditions_without_making_them_again(
    client, bucket, s3_endpoint
):
    film = make_film(poster=True)
    urls = rendition_urls(film_page(client, film))
    made = last_modified(s3_endpoint, bucket, [key_of(url, s3_endpoint, bucket) for url in urls])

    # A second server sharing the cache (Redis): its own process memo is empty.
    images._rendered.clear()
    assert rendition_urls(film_page(client, film)) == urls
    # A server whose cache knows nothing of them (a new Redis, or the state expired): it finds
    # them in the bucket.
    for cache in caches.all():
        cache.clear()
    images._rendered.clear()
    assert rendition_urls(film_page(client, film)) == urls

    assert last_modified(s3_endpoint, bucket, made) == made  # none was generated again
    assert all(fetch(url)[0] == HTTPStatus.OK for url in urls)


@pytest.mark.django_db
def test_a_rendition_deleted_from_the_bucket_is_made_again(client, bucket, s3_endpoint, settings):
    settings.IMAGEKIT_CACHE_TIMEOUT = 1  # how long "exists" is trusted (a day in production)
    film = make_film(poster=True)
    urls = sorted(rendition_urls(film_page(client, film)))
    gone = urls[0]
    s3_client(s3_endpoint).delete_object(Bucket=bucket, Key=key_of(gone, s3_endpoint, bucket))
    assert fetch(gone)[0] == HTTPStatus.NOT_FOUND

    time.sleep(1.2)
    assert sorted(rendition_urls(film_page(client, film))) == urls

    status, headers, _body = fetch(gone)
    assert status == HTTPStatus.OK
    assert headers["Cache-Control"] == IMMUTABLE


@pytest.mark.django_db
def test_a_server_killed_while_generating_does_not_leave_renditions_missing(
    client, bucket, s3_endpoint, monkeypatch
):
    monkeypatch.setattr(RenditionCacheFileBackend, "GENERATING_SECONDS", 1)
    film = make_film(poster=True)
    # What a server leaves behind when killed in the middle of generating the renditions.
    for name in Film.poster_renditions.widths:
        for image_format in images.RENDITION_FORMATS:
            spec_file = getattr(film, Film.poster_renditions.spec_name(name, image_format))
            spec_file.cachefile_backend.set_state(spec_file, CacheFileState.GENERATING)

    time.sleep(1.2)
    urls = rendition_urls(film_page(client, film))

    assert urls and all(fetch(url)[0] == HTTPStatus.OK for url in urls)


@pytest.mark.django_db
def test_deleting_a_film_in_the_admin_keeps_its_poster_in_the_bucket(
    admin_client, bucket, s3_endpoint
):
    """The site never deletes uploaded files (as on the local disk): a name is then never
    reused, which is what lets renditions be cached for a year; the bucket keeps the poster
    for a restore."""
    admin_client.post(reverse("admin:films_film_add"), film_with_poster(image_upload("her.png")))
    film = Film.objects.get(slug="her")
    poster = film.poster.name

    response = admin_client.post(
        reverse("admin:films_film_delete", args=[film.pk]), {"post": "yes"}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert not Film.objects.exists()
    assert admin_client.get(film.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    assert object_names(s3_endpoint, bucket, "posters/") == [poster]


@pytest.mark.django_db
def test_readiness_probe_writes_to_the_bucket_and_fails_without_it(
    client, bucket, s3_endpoint, settings
):
    assert client.get("/readyz").json()["storage"] == "ok"
    assert object_names(s3_endpoint, bucket) == []  # its probe file is deleted again

    missing = {**settings.STORAGES["default"]["OPTIONS"], "bucket_name": "no-such-bucket"}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": missing},
    }
    response = client.get("/readyz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["storage"] == "error"


# --- The local disk ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_on_the_local_disk_a_deleted_rendition_is_made_again_though_the_cache_says_it_exists(
    client, settings, tmp_path, no_page_cache
):
    """The shared cache's "exists" is checked against this server's own disk, which other
    servers do not share (the 404s of issue 12)."""
    settings.MEDIA_ROOT = tmp_path
    film = make_film(poster=True)
    urls = rendition_urls(film_page(client, film))
    url = sorted(urls)[0]
    rendition = tmp_path / url.removeprefix(settings.MEDIA_URL)
    rendition.unlink()

    images._rendered.clear()  # a server whose memo is empty, or expired
    assert rendition_urls(film_page(client, film)) == urls

    assert rendition.is_file()
    assert client.get(url).status_code == HTTPStatus.OK
