from http import HTTPStatus

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from films.models import Credit, Film, Genre, Person
from reviews.models import Author
from tests.factories import (
    AuthorFactory,
    CreditFactory,
    FilmFactory,
    GenreFactory,
    PersonFactory,
    UserFactory,
)
from tests.images import image_bytes, png_upload

pytestmark = pytest.mark.django_db

FILM_ADD_URL = reverse("admin:films_film_add")
FILM_LIST_URL = reverse("admin:films_film_changelist")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def credits_management(total=0, initial=0):
    return {
        "credits-TOTAL_FORMS": str(total),
        "credits-INITIAL_FORMS": str(initial),
        "credits-MIN_NUM_FORMS": "0",
        "credits-MAX_NUM_FORMS": "1000",
    }


def film_post_data(**overrides):
    data = {
        "title": "Her",
        "slug": "her",
        "year": "2013",
        "release_date": "",
        "certification": "R",
        "runtime_minutes": "126",
        "synopsis": "A lonely writer falls for an operating system.",
        **credits_management(),
    }
    data.update(overrides)
    return data


def test_author_adds_a_film_with_genres_and_credits(client, author):
    romance, drama = GenreFactory(name="Romance"), GenreFactory(name="Drama")
    director, lead = PersonFactory(name="Spike Jonze"), PersonFactory(name="Joaquin Phoenix")
    client.force_login(author.user)
    data = film_post_data(
        genres=[romance.pk, drama.pk],
        **credits_management(total=2),
        **{
            "credits-0-person": director.pk,
            "credits-0-role": Credit.Role.DIRECTOR,
            "credits-0-character": "",
            "credits-0-billing_order": "0",
            "credits-1-person": lead.pk,
            "credits-1-role": Credit.Role.CAST,
            "credits-1-character": "Theodore",
            "credits-1-billing_order": "1",
        },
    )

    response = client.post(FILM_ADD_URL, data)

    assert response.status_code == HTTPStatus.FOUND
    film = Film.objects.get(slug="her")
    assert set(film.genres.all()) == {romance, drama}
    assert list(film.credits.values_list("person__name", "role", "character")) == [
        ("Joaquin Phoenix", "cast", "Theodore"),
        ("Spike Jonze", "director", ""),
    ]


def test_film_add_form_has_genre_chooser_person_autocomplete_and_slug_prepopulation(client, author):
    client.force_login(author.user)
    content = client.get(FILM_ADD_URL).content.decode()
    assert 'class="selectfilter"' in content  # filter_horizontal for genres
    assert 'data-field-name="person"' in content  # credit inline autocomplete
    assert "data-prepopulated-fields" in content


def test_person_autocomplete_finds_people_for_the_credit_inline(client, author):
    PersonFactory(name="Scarlett Johansson")
    PersonFactory(name="Amy Adams")
    client.force_login(author.user)

    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "scar", "app_label": "films", "model_name": "credit", "field_name": "person"},
    )

    assert response.status_code == HTTPStatus.OK
    assert [item["text"] for item in response.json()["results"]] == ["Scarlett Johansson"]


def test_duplicate_film_slug_is_refused_on_the_form(client, author):
    FilmFactory(slug="her")
    client.force_login(author.user)
    response = client.post(FILM_ADD_URL, film_post_data())
    assert response.status_code == HTTPStatus.OK
    assert "Film with this Slug already exists." in response.content.decode()
    assert Film.objects.count() == 1


def test_implausible_year_is_refused_with_a_message(client, author):
    client.force_login(author.user)
    response = client.post(FILM_ADD_URL, film_post_data(year="1700"))
    assert response.status_code == HTTPStatus.OK
    assert "Enter a year between 1880 and 2100." in response.content.decode()
    assert not Film.objects.exists()


def test_change_page_shows_the_poster_thumbnail(client, author, media_root):
    film = FilmFactory(title="Her")
    film.poster.save("her.png", ContentFile(image_bytes((400, 600))))
    client.force_login(author.user)

    response = client.get(reverse("admin:films_film_change", args=[film.pk]))

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    thumb_url = film.poster_thumb.url
    assert "/CACHE/" in thumb_url
    assert f'src="{thumb_url}"' in content
    assert 'alt="Poster of Her"' in content
    assert 'width="100" height="150"' in content
    assert (media_root / film.poster_thumb.name).exists()


def test_change_page_survives_a_missing_poster_file(client, author, media_root):
    film = FilmFactory()
    film.poster.save("gone.png", ContentFile(image_bytes()))
    (media_root / film.poster.name).unlink()
    client.force_login(author.user)

    response = client.get(reverse("admin:films_film_change", args=[film.pk]))

    assert response.status_code == HTTPStatus.OK
    assert "Preview unavailable" in response.content.decode()


def test_change_page_survives_a_broken_poster_file(client, author):
    film = FilmFactory()
    # Written straight to storage, as an old import or a disk error could leave it.
    film.poster.save("broken.jpg", ContentFile(b"\xff\xd8\xff\xe0 truncated garbage"))
    client.force_login(author.user)

    response = client.get(reverse("admin:films_film_change", args=[film.pk]))

    assert response.status_code == HTTPStatus.OK
    assert "Preview unavailable" in response.content.decode()


def test_film_list_filters_and_search(client, superuser):
    scifi = GenreFactory(name="Science Fiction")
    her = FilmFactory(title="Her", year=2013, certification="R")
    her.genres.add(scifi)
    FilmFactory(title="Paddington", year=2014, certification="PG")
    client.force_login(superuser)

    def titles(params):
        response = client.get(FILM_LIST_URL, params)
        assert response.status_code == HTTPStatus.OK
        return response.content.decode()

    assert "Paddington" not in titles({"genres__id__exact": scifi.pk})
    assert "Her" in titles({"genres__id__exact": scifi.pk})
    assert "Her" not in titles({"year": 2014})
    assert "Paddington" in titles({"year": 2014})
    assert "Paddington" in titles({"certification": "PG"})
    assert "Paddington" not in titles({"q": "her"})


def test_moderator_cannot_add_films(client, moderator):
    client.force_login(moderator)
    assert client.get(FILM_ADD_URL).status_code == HTTPStatus.FORBIDDEN


def test_person_admin_shows_photo_preview_and_filmography(client, author):
    person = PersonFactory(name="Spike Jonze")
    person.photo.save("spike.png", ContentFile(image_bytes((200, 200))))
    CreditFactory(person=person, film=FilmFactory(title="Her"))
    client.force_login(author.user)

    response = client.get(reverse("admin:films_person_change", args=[person.pk]))

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert f'src="{person.photo_thumb.url}"' in content
    assert "Her (2013)" in content


def test_person_and_genre_are_added_from_the_admin(client, author):
    client.force_login(author.user)
    response = client.post(
        reverse("admin:films_person_add"),
        {
            "name": "Rooney Mara",
            "slug": "rooney-mara",
            "bio": "",
            "photo": png_upload("rooney.png"),
            "credits-TOTAL_FORMS": "0",
            "credits-INITIAL_FORMS": "0",
            "credits-MIN_NUM_FORMS": "0",
            "credits-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Person.objects.get(slug="rooney-mara").photo

    response = client.post(reverse("admin:films_genre_add"), {"name": "Romance", "slug": "romance"})
    assert response.status_code == HTTPStatus.FOUND
    assert Genre.objects.filter(slug="romance").exists()

    found = client.get(reverse("admin:films_person_changelist"), {"q": "rooney"})
    assert "Rooney Mara" in found.content.decode()


def test_author_edits_only_their_own_author_profile(client, author):
    colleague = AuthorFactory(display_name="A colleague")
    client.force_login(author.user)

    listed = client.get(reverse("admin:reviews_author_changelist")).content.decode()
    assert author.display_name in listed
    assert "A colleague" not in listed

    own_url = reverse("admin:reviews_author_change", args=[author.pk])
    page = client.get(own_url).content.decode()
    assert 'name="user"' not in page  # the account behind a profile is not theirs to switch
    response = client.post(
        own_url,
        {
            "display_name": "New byline",
            "slug": author.slug,
            "bio": "I'm the person behind this blog.",
            "website": "https://example.org/",
            "user": colleague.user.pk,
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    author.refresh_from_db()
    assert author.display_name == "New byline"
    assert author.user_id != colleague.user.pk

    theirs_url = reverse("admin:reviews_author_change", args=[colleague.pk])
    assert client.get(theirs_url).status_code != HTTPStatus.OK
    client.post(theirs_url, {"display_name": "Hijacked", "slug": colleague.slug})
    colleague.refresh_from_db()
    assert colleague.display_name == "A colleague"


def test_superuser_creates_an_author_profile_for_a_user(client, superuser):
    writer = UserFactory(username="writer", is_staff=True, groups=["Authors"])
    client.force_login(superuser)

    response = client.post(
        reverse("admin:reviews_author_add"),
        {
            "user": writer.pk,
            "display_name": "The Writer",
            "slug": "the-writer",
            "bio": "",
            "website": "",
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    assert Author.objects.get(slug="the-writer").user == writer
