"""The film pages at the input boundary: ?year= read as ASCII digits only, control characters
refused in the film, person and genre admin."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from films.models import Film, Genre, Person
from tests import factories
from tests.films.test_admin import FILM_ADD_URL, film_post_data

pytestmark = pytest.mark.django_db

CONTROL_MESSAGE = "invisible control character"


@pytest.mark.parametrize("year", ["²⁰¹³", "２０１３", "٢٠١٣", "²²²²", "2013²", "-201", "20.3"])
def test_a_year_in_other_digits_shows_the_notice_never_a_500(client, year):
    factories.FilmFactory(title="Her", year=2013)

    response = client.get(reverse("films:list"), {"year": year})

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "A year is four digits" in html
    assert "Her" in html  # every year shown


def test_an_ascii_year_still_filters(client):
    factories.FilmFactory(title="Her", year=2013)
    factories.FilmFactory(title="Alien", year=1979)

    html = client.get(reverse("films:list"), {"year": " 2013 "}).content.decode()

    assert "Her" in html and "Alien" not in html


def test_a_film_title_with_a_control_character_is_refused_with_the_text_kept(client, author):
    client.force_login(author.user)

    response = client.post(FILM_ADD_URL, film_post_data(title="Her\x1b[31m"))

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert CONTROL_MESSAGE in html
    assert 'value="Her\x1b[31m"' in html
    assert not Film.objects.exists()


@pytest.mark.parametrize(
    ("model", "values"),
    [
        (Person, {"name": "Spike\x0bJonze", "slug": "spike-jonze"}),
        (Person, {"name": "Spike Jonze", "slug": "spike-jonze", "bio": "Bio\x01"}),
        (Genre, {"name": "Dra\x0cma", "slug": "drama"}),
        (Film, {"title": "Her", "slug": "her", "year": 2013, "synopsis": "A\x00B"}),
    ],
)
def test_film_people_and_genre_text_fields_refuse_control_characters(model, values):
    with pytest.raises(Exception, match="control character|Null characters"):
        model(**values).full_clean()
