"""The A–Z film index: films filed by title without a leading article, empty letters quiet."""

import html
import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from films.models import Film
from tests import factories
from tests.films import test_admin as admin_forms
from tests.reviews.reading_data import page_text

pytestmark = pytest.mark.django_db

FILMS_URL = reverse("films:list")
# Titles as a catalogue has them: articles, a word that only starts like one, a digit, an accent.
TITLES = [
    "The Quiet Frequency",
    "A Quiet Place",
    "An Education",
    "Anora",
    "A",
    "Theorem",
    "2046",
    "Élan",
    "'Round Midnight",
]


@pytest.fixture
def catalogue():
    return {
        title: factories.FilmFactory(title=title, slug=f"film-{n}")
        for n, title in enumerate(TITLES)
    }


def card_titles(response):
    """The film titles on an index page, in the order shown."""
    found = re.findall(r'<span class="film-card-title">([^<]*)</span>', response.content.decode())
    return [html.unescape(title) for title in found]


def letter_bar(response):
    """{label: "link" | "empty" | "current"} for each entry of the letter bar."""
    content = response.content.decode()
    nav = content.split('<ul class="letters-list">', 1)[1].split("</ul>", 1)[0]
    entries = {}
    for item in re.findall(r"<li>(.*?)</li>", nav, re.S):
        label = re.sub(r'<span class="visually-hidden">.*?</span>', "", item)
        label = re.sub(r"<[^>]+>", "", label).strip()
        if 'aria-current="page"' in item:
            entries[label] = "current"
        elif item.startswith("<a "):
            entries[label] = "link"
        else:
            assert 'aria-disabled="true"' in item and "href" not in item
            entries[label] = "empty"
    return entries


def test_a_film_is_filed_under_its_title_without_a_leading_article(client, catalogue):
    by_q = card_titles(client.get(FILMS_URL, {"letter": "q"}))
    by_a = card_titles(client.get(FILMS_URL, {"letter": "A"}))
    by_e = card_titles(client.get(FILMS_URL, {"letter": "E"}))
    by_t = card_titles(client.get(FILMS_URL, {"letter": "T"}))
    by_r = card_titles(client.get(FILMS_URL, {"letter": "R"}))

    assert by_q == ["The Quiet Frequency", "A Quiet Place"]
    # Only a whole word is an article: "Anora" and a film called just "A" stay under A.
    assert by_a == ["A", "Anora"]
    assert by_e == ["An Education", "Élan"]  # an accent files beside its letter
    assert by_t == ["Theorem"]
    assert by_r == ["'Round Midnight"]  # leading punctuation is skipped


def test_digits_and_other_scripts_are_filed_under_hash(client, catalogue):
    factories.FilmFactory(title="Солярис", slug="solaris")

    response = client.get(FILMS_URL, {"letter": "0-9"})

    assert card_titles(response) == ["2046", "Солярис"]
    assert card_titles(client.get(FILMS_URL, {"letter": "#"})) == ["2046", "Солярис"]
    assert letter_bar(response)["#"] == "current"


def test_the_index_orders_films_as_they_are_filed(client, catalogue):
    titles = card_titles(client.get(FILMS_URL))

    assert titles == [
        "2046",
        "A",
        "Anora",
        "An Education",
        "Élan",
        "The Quiet Frequency",
        "A Quiet Place",
        "'Round Midnight",
        "Theorem",
    ]


def test_letters_with_no_film_are_shown_but_are_not_links(client, catalogue):
    response = client.get(FILMS_URL)
    bar = letter_bar(response)

    assert list(bar) == ["All", *"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "#"]
    assert {label for label, state in bar.items() if state == "link"} == {
        "A",
        "E",
        "Q",
        "R",
        "T",
        "#",
    }
    assert bar["All"] == "current"
    assert bar["B"] == bar["Z"] == "empty"
    assert 'href="?letter=B"' not in response.content.decode()


def test_an_empty_letter_asked_for_by_address_is_marked_current_and_says_so(client, catalogue):
    response = client.get(FILMS_URL, {"letter": "z"})

    assert letter_bar(response)["Z"] == "current"
    assert "No films match these filters" in page_text(response)


def test_renaming_a_film_in_the_admin_refiles_it(client, catalogue):
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    film = catalogue["Theorem"]

    response = client.post(
        reverse("admin:films_film_change", args=[film.pk]),
        admin_forms.film_post_data(title="The Orem Tapes", slug=film.slug),
    )

    assert response.status_code == 302
    assert card_titles(client.get(FILMS_URL, {"letter": "O"})) == ["The Orem Tapes"]
    assert card_titles(client.get(FILMS_URL, {"letter": "T"})) == []


def test_films_written_in_bulk_are_filed_too(client):
    Film.objects.bulk_create(
        [Film(title="The Zone", slug="the-zone", year=2020), Film(title="Up", slug="up", year=2009)]
    )

    assert card_titles(client.get(FILMS_URL, {"letter": "Z"})) == ["The Zone"]
    assert card_titles(client.get(FILMS_URL)) == ["Up", "The Zone"]


@pytest.mark.usefixtures("no_page_cache")
@pytest.mark.parametrize("params", [{}, {"letter": "Q"}, {"genre": "drama", "letter": "Q"}])
def test_the_index_costs_the_same_few_queries_however_many_films(
    client, django_assert_num_queries, params
):
    drama = factories.GenreFactory(name="Drama", slug="drama")

    def add(n):
        film = factories.FilmFactory(title=f"The Quiet {n}", slug=f"quiet-{n}")
        film.genres.add(drama)
        factories.FilmFactory(title=f"{n} Ways", slug=f"ways-{n}")

    add(0)
    # The genre chosen, the films' keys for the page, the page's films (with their review
    # counts) and their genres, the genre and year menus, the letter bar's 27 probes in one.
    queries = 7 if "genre" in params else 6
    with django_assert_num_queries(queries):
        client.get(FILMS_URL, params)
    for n in range(1, 30):
        add(n)
    with django_assert_num_queries(queries):
        response = client.get(FILMS_URL, params)
    assert len(card_titles(response)) == 24  # a full page


@pytest.mark.django_db(transaction=True)
def test_the_migration_files_films_that_existed_before_it():
    executor = MigrationExecutor(connection)
    before, after = [("films", "0007_stored_search_vectors")], [("films", "0008_film_index_letter")]
    executor.migrate(before)
    old_film = executor.loader.project_state(before).apps.get_model("films", "Film")
    old_film.objects.create(title="The Quiet Frequency", slug="the-quiet-frequency", year=2023)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)

    film = Film.objects.get(slug="the-quiet-frequency")
    assert (film.index_letter, film.sort_title) == ("Q", "quiet frequency")
