"""import_wxr: which film a post reviews, which score it gives (if any), and whose it is."""

import json
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from films.models import Film
from reviews.models import Review

pytestmark = pytest.mark.django_db

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
    xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
    xmlns:content="http://purl.org/rss/1.0/modules/content/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Reel Notes</title>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>https://reelnotes.example.org</wp:base_site_url>
  {authors}
  {items}
</channel>
</rss>
"""


def author(login, wp_id=1, name="Wren Hollis"):
    return f"""<wp:author><wp:author_id>{wp_id}</wp:author_id>
    <wp:author_login><![CDATA[{login}]]></wp:author_login>
    <wp:author_display_name><![CDATA[{name}]]></wp:author_display_name></wp:author>"""


def post(post_id, title, *, body="<p>Some thoughts.</p>", date="2014-03-02 10:00:00",
         creator="wren", film=None, meta=None):  # fmt: skip
    category = ""
    if film:
        category = f'<category domain="film" nicename="x"><![CDATA[{film}]]></category>'
    fields = "".join(
        f"<wp:postmeta><wp:meta_key><![CDATA[{key}]]></wp:meta_key>"
        f"<wp:meta_value><![CDATA[{value}]]></wp:meta_value></wp:postmeta>"
        for key, value in (meta or {}).items()
    )
    return f"""<item>
    <title><![CDATA[{title}]]></title>
    <link>https://reelnotes.example.org/?p={post_id}</link>
    <dc:creator><![CDATA[{creator}]]></dc:creator>
    <content:encoded><![CDATA[{body}]]></content:encoded>
    <wp:post_id>{post_id}</wp:post_id>
    <wp:post_date><![CDATA[{date}]]></wp:post_date>
    <wp:post_date_gmt><![CDATA[{date}]]></wp:post_date_gmt>
    <wp:post_name><![CDATA[post-{post_id}]]></wp:post_name>
    <wp:status><![CDATA[publish]]></wp:status>
    <wp:post_type><![CDATA[post]]></wp:post_type>
    {category}{fields}
    </item>"""


def wxr(tmp_path, *items, authors=None):
    path = tmp_path / "blog.xml"
    path.write_text(
        HEAD.format(authors="".join(authors or [author("wren")]), items="".join(items)),
        encoding="utf-8",
    )
    return path


def run(*args):
    out = StringIO()
    call_command("import_wxr", *map(str, args), stdout=out, stderr=StringIO())
    return out.getvalue()


def review(post_id):
    return Review.objects.select_related("film", "author__user").get(slug=f"post-{post_id}")


# Film matching --------------------------------------------------------------------------------


def test_a_year_in_the_title_is_the_films_year_not_part_of_its_name(tmp_path):
    run(wxr(tmp_path, post(1, "Her (2013)", date="2014-01-20 09:00:00")))
    film = review(1).film
    assert (film.title, film.year) == ("Her", 2013)
    assert review(1).headline == "Her (2013)"  # the blogger's headline is kept as written


def test_a_film_category_names_the_film_and_may_carry_its_year(tmp_path):
    run(
        wxr(
            tmp_path,
            post(1, "Rain on neon (1982)", film="Blade Runner"),
            post(2, "A perfect organism", film="Alien (1979)"),
        )
    )
    assert (review(1).film.title, review(1).film.year) == ("Blade Runner", 1982)
    assert (review(2).film.title, review(2).film.year) == ("Alien", 1979)


def test_custom_fields_override_the_category_and_the_title(tmp_path):
    output = run(
        wxr(
            tmp_path,
            post(
                1,
                "Into the Zone (1980)",
                film="Something else",
                meta={"film_title": "Stalker", "film_year": "1979", "imdb_id": "tt0079944"},
            ),
        )
    )
    assert (review(1).film.title, review(1).film.year) == ("Stalker", 1979)
    assert "Films to confirm" not in output


def test_a_field_map_names_the_blogs_own_custom_fields(tmp_path):
    field_map = tmp_path / "fields.json"
    field_map.write_text(json.dumps({"film_title": "movie", "film_year": "released"}))
    path = wxr(tmp_path, post(1, "Cold and bright", meta={"movie": "Fargo", "released": "1996"}))
    run(path, "--field-map", field_map)
    assert (review(1).film.title, review(1).film.year) == ("Fargo", 1996)


def test_a_field_map_with_an_unknown_name_is_a_clear_error(tmp_path):
    field_map = tmp_path / "fields.json"
    field_map.write_text(json.dumps({"director": "dir"}))
    with pytest.raises(CommandError, match="may name film_title, film_year, imdb_id"):
        run(wxr(tmp_path, post(1, "Anything")), "--field-map", field_map)


def test_an_existing_film_with_the_same_title_and_year_is_reused(tmp_path):
    her = Film.objects.create(title="Her", slug="her", year=2013)
    output = run(wxr(tmp_path, post(1, "Her (2013)"), post(2, "HER (2013)")))
    assert review(1).film == review(2).film == her
    assert "films: 0 created" in output
    assert Film.objects.count() == 1


def test_a_film_with_no_year_anywhere_takes_the_post_year_and_is_reported(tmp_path):
    output = run(wxr(tmp_path, post(1, "Paterson", date="2017-02-11 08:00:00")), "--dry-run")
    assert "Films to confirm:" in output
    assert "Post 1 (Paterson): film Paterson (2017): no year given" in output
    assert not Film.objects.exists()  # a dry run saves nothing

    run(wxr(tmp_path, post(1, "Paterson", date="2017-02-11 08:00:00")))
    assert (review(1).film.title, review(1).film.year) == ("Paterson", 2017)


def test_several_films_with_the_title_and_no_year_given_are_reported(tmp_path):
    Film.objects.create(title="Solaris", slug="solaris-1972", year=1972)
    Film.objects.create(title="Solaris", slug="solaris-2002", year=2002)
    output = run(wxr(tmp_path, post(1, "Solaris", date="2015-06-01 08:00:00")), "--dry-run")
    assert "films called Solaris already here: 1972, 2002" in output


# Scores ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("meta", "body", "score"),
    [
        ({"rating": "7"}, "<p>Fine.</p>", Decimal("7.0")),
        ({"score": "6.3"}, "<p>Fine.</p>", Decimal("6.5")),  # half points
        ({}, "<p>Lovely.</p><p><strong>Rating:</strong> 8/10</p>", Decimal("8.0")),
        ({}, "<p>Lovely.</p><p>★★★★☆</p>", Decimal("8.0")),
        ({}, "<p>Nearly there. ★★★½</p>", Decimal("7.0")),
        ({}, "<p>My verdict, for what it is worth: 4/5.</p>", Decimal("8.0")),
        ({}, "<p>Seen at the festival on 12/10/2019, no score.</p>", None),
        ({}, "<p>Words only, as many real reviews are.</p>", None),
    ],
)
def test_the_score_comes_from_a_field_or_the_text_or_is_none(tmp_path, meta, body, score):
    run(wxr(tmp_path, post(1, "Some film (2001)", body=body, meta=meta)))
    assert review(1).rating == score


def test_score_field_names_the_custom_field(tmp_path):
    path = wxr(tmp_path, post(1, "Heat (1995)", meta={"rating": "PG", "my_mark": "9"}))
    run(path, "--score-field", "my_mark")
    assert review(1).rating == Decimal("9.0")


def test_the_dry_run_prints_post_film_score_and_where_the_score_came_from(tmp_path):
    path = wxr(
        tmp_path,
        post(1, "Her (2013)", meta={"rating": "9", "imdb_id": "tt1798709"}),
        post(2, "Alien (1979)", body="<p>Rating: 8/10</p>"),
        post(3, "Heat (1995)", body="<p>★★★½</p>"),
        post(4, "Mother (2009)", body="<p>No number here.</p>"),
    )
    output = run(path, "--dry-run", "--author-map", "ghost=nobody")
    lines = output.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("Post "))
    table = [re.sub(r"\s+", " ", line) for line in lines[header : header + 5]]
    assert table == [
        "Post → Film (year) → Score → Score from",
        'Her (2013) → Her (2013, from title) tt1798709 → 9 / 10 → custom field "rating" = 9',
        'Alien (1979) → Alien (1979, from title) → 8 / 10 → post text "Rating: 8/10"',
        'Heat (1995) → Heat (1995, from title) → 7 / 10 → post text "★★★½"',
        "Mother (2009) → Mother (2009, from title) → no score → none",
    ]
    assert "scores: 1 from a custom field, 2 from the post text, 1 none" in output
    assert "--author-map ghost=…: the file has no author 'ghost'." in output
    assert "Dry run: nothing was saved." in output
    assert not Review.objects.exists()


# Authors --------------------------------------------------------------------------------------


def test_an_author_with_a_local_login_gets_a_suffixed_new_user_and_is_reported(tmp_path):
    local = get_user_model().objects.create_user("admin", password="x")
    path = wxr(tmp_path, post(1, "Her (2013)", creator="admin"), authors=[author("admin")])
    output = run(path)
    user = review(1).author.user
    assert user != local
    assert user.username == "admin-wp"
    assert "authors: 1 created, 0 already present" in output
    assert "WordPress author 'admin' has the login of a local user" in output
    assert "'admin-wp'" in output


def test_an_author_map_imports_the_author_as_the_existing_local_user(tmp_path):
    local = get_user_model().objects.create_user("admin", password="x")
    path = wxr(tmp_path, post(1, "Her (2013)", creator="admin"), authors=[author("admin")])
    output = run(path, "--author-map", "admin=admin")
    assert review(1).author.user == local
    assert "authors: 0 created, 0 already present, 1 mapped to existing users" in output
    assert "WordPress author 'admin' mapped to the local user 'admin'." in output
    assert get_user_model().objects.count() == 1

    again = run(path, "--author-map", "admin=admin")
    assert "authors: 0 created, 1 already present" in again


def test_an_author_map_to_a_missing_local_user_is_a_clear_error(tmp_path):
    path = wxr(tmp_path, post(1, "Her (2013)", creator="admin"), authors=[author("admin")])
    with pytest.raises(CommandError, match="there is no local user 'nobody'"):
        run(path, "--author-map", "admin=nobody")
    assert not Review.objects.exists()


def test_two_new_authors_are_counted_as_two_created(tmp_path):
    get_user_model().objects.create_user("admin", password="x")
    path = wxr(
        tmp_path,
        post(1, "Her (2013)", creator="admin"),
        authors=[author("admin"), author("wren", wp_id=2)],
    )
    output = run(path, "--author-map", "admin=admin")
    assert "authors: 1 created, 0 already present, 1 mapped to existing users" in output
