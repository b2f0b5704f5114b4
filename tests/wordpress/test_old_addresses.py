"""Every old WordPress address of an imported blog answers 301 to its new home (issue 13)."""

from http import HTTPStatus
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews.models import Review
from wordpress.models import ImportSource, LegacyRedirect

pytestmark = pytest.mark.django_db

ALPHA = "/reviews/alpha-in-the-rain/"
BRAVO = "/reviews/bravo-at-dusk/"
CHARLIE = "/reviews/charlie-s-long-night/"
DELTA = "/reviews/film/"  # the ASCII part of the post name


def comment(cid, text, *, parent=0, day=1, approved="1"):
    return f"""<wp:comment>
      <wp:comment_id>{cid}</wp:comment_id>
      <wp:comment_author><![CDATA[Reader {cid}]]></wp:comment_author>
      <wp:comment_author_email>reader{cid}@example.net</wp:comment_author_email>
      <wp:comment_date_gmt>2015-04-{day:02d} 10:00:00</wp:comment_date_gmt>
      <wp:comment_content><![CDATA[{text}]]></wp:comment_content>
      <wp:comment_approved>{approved}</wp:comment_approved>
      <wp:comment_type>comment</wp:comment_type>
      <wp:comment_parent>{parent}</wp:comment_parent>
    </wp:comment>"""


def post(pid, title, name, link, date, *, status="publish", extra=""):
    return f"""<item>
    <title><![CDATA[{title}]]></title>
    <link>{link}</link>
    <dc:creator>margo</dc:creator>
    <content:encoded><![CDATA[<p>Written for the old-address tests.</p>]]></content:encoded>
    <wp:post_id>{pid}</wp:post_id>
    <wp:post_date>{date}</wp:post_date>
    <wp:post_date_gmt>{date}</wp:post_date_gmt>
    <wp:comment_status>open</wp:comment_status>
    <wp:post_name><![CDATA[{name}]]></wp:post_name>
    <wp:status>{status}</wp:status>
    <wp:post_type>post</wp:post_type>
    <wp:postmeta><wp:meta_key>year</wp:meta_key><wp:meta_value>2014</wp:meta_value></wp:postmeta>
    {extra}
  </item>"""


def wxr(site, *items):
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>An old blog</title>
  <link>{site}</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>{site}</wp:base_site_url>
  <wp:author><wp:author_id>1</wp:author_id><wp:author_login>margo</wp:author_login>
    <wp:author_display_name>Margo Lane</wp:author_display_name></wp:author>
  {"".join(items)}
</channel>
</rss>"""


# Five threads on WordPress (2 a page there), one with a reply, one never approved.
ALPHA_COMMENTS = "".join(
    [
        comment(1, "First thread.", day=1),
        comment(2, "Second thread.", day=2),
        comment(3, "A reply in the second thread.", parent=2, day=3),
        comment(4, "Held, never shown.", day=4, approved="0"),
        comment(5, "Third thread.", day=5),
        comment(6, "Fourth thread.", day=6),
        comment(7, "Fifth thread.", day=7),
    ]
)
TERMS = """
    <category domain="category" nicename="reviews"><![CDATA[Reviews]]></category>
    <category domain="post_tag" nicename="noir"><![CDATA[Noir]]></category>"""

# Each blog exports links in its own permalink structure.
BLOGS = {
    # Day and name, with a draft whose link is only "?p=".
    "a": wxr(
        "https://a.example",
        post(
            11,
            "Alpha in the rain",
            "alpha-in-the-rain",
            "https://a.example/2015/03/07/alpha-in-the-rain/",
            "2015-03-07 20:15:00",
            extra=TERMS + ALPHA_COMMENTS,
        ),
        post(
            12,
            "Echo, unfinished",
            "echo-unfinished",
            "https://a.example/?p=12",
            "2015-05-01 10:00:00",
            status="draft",
        ),
    ),
    # "Almost pretty" permalinks: month and name behind /index.php/.
    "b": wxr(
        "https://b.example",
        post(
            21,
            "Bravo at dusk",
            "bravo-at-dusk",
            "https://b.example/index.php/2016/08/bravo-at-dusk/",
            "2016-08-02 09:00:00",
        ),
    ),
    # Numeric: /archives/<id>.
    "c": wxr(
        "https://c.example",
        post(
            31,
            "Charlie's long night",
            "charlie-s-long-night",
            "https://c.example/archives/31",
            "2017-01-09 09:00:00",
        ),
    ),
    # Post name only, percent-encoded as WordPress stores non-ASCII names.
    "d": wxr(
        "https://d.example",
        post(
            41,
            "Delta film",
            "%e5%a5%bd-film",
            "https://d.example/%e5%a5%bd-film/",
            "2018-02-03 09:00:00",
        ),
    ),
}


def run(*args):
    out = StringIO()
    call_command("import_wxr", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def imported(tmp_path, settings):
    settings.COMMENTS_PER_PAGE = 3  # the site's own page size differs from WordPress's (2)
    for name, text in BLOGS.items():
        path = tmp_path / f"{name}.xml"
        path.write_text(text)
        run(str(path), *(["--comments-per-page", "2"] if name == "a" else []))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # Post permalinks, in each structure, every spelling.
        ("/2015/03/07/alpha-in-the-rain/", ALPHA),
        ("/2015/03/07/alpha-in-the-rain", ALPHA),
        ("/index.php/2015/03/07/alpha-in-the-rain/", ALPHA),
        ("/alpha-in-the-rain/", ALPHA),  # WordPress redirects a bare post name too
        ("/2016/08/bravo-at-dusk/", BRAVO),
        ("/index.php/2016/08/bravo-at-dusk/", BRAVO),
        ("/archives/31", CHARLIE),
        ("/archives/31/", CHARLIE),
        ("/%e5%a5%bd-film/", DELTA),
        ("/%E5%A5%BD-film", DELTA),
        ("/好-film/", DELTA),
        # ?p= and friends.
        ("/?p=11", ALPHA),
        ("/?p=11&replytocom=5", ALPHA),
        ("/index.php?p=21", BRAVO),
        ("/?p=31", CHARLIE),
        # What WordPress hangs under a post's address.
        ("/2015/03/07/alpha-in-the-rain/amp/", ALPHA),
        ("/2015/03/07/alpha-in-the-rain/attachment/rain-still/", ALPHA),
        ("/archives/31/trackback/", CHARLIE),
        ("/2015/03/07/alpha-in-the-rain/feed/", f"{ALPHA}comments/feed/"),
        ("/archives/31/feed/rss2/", f"{CHARLIE}comments/feed/"),
        ("/?p=11&feed=rss2", f"{ALPHA}comments/feed/"),
        # WordPress page N (2 threads a page) → the site's page (3 a page) with its first thread.
        ("/2015/03/07/alpha-in-the-rain/comment-page-1/", f"{ALPHA}#comments"),
        ("/2015/03/07/alpha-in-the-rain/comment-page-2/", f"{ALPHA}#comments"),
        ("/2015/03/07/alpha-in-the-rain/comment-page-3/", f"{ALPHA}?cpage=2#comments"),
        ("/2015/03/07/alpha-in-the-rain/comment-page-9/", f"{ALPHA}?cpage=2#comments"),
        ("/?p=11&cpage=3", f"{ALPHA}?cpage=2#comments"),
        # Site feeds.
        ("/feed/", "/feeds/reviews/"),
        ("/feed/rss2/", "/feeds/reviews/"),
        ("/feed/atom/", "/feeds/reviews/atom/"),
        ("/comments/feed/", "/feeds/reviews/"),
        ("/?feed=rss2", "/feeds/reviews/"),
        # Categories, tags, authors.
        ("/category/reviews/", "/tags/reviews/"),
        ("/category/films/reviews/", "/tags/reviews/"),
        ("/category/reviews/page/2/", "/tags/reviews/"),
        ("/tag/noir/", "/tags/noir/"),
        ("/tag/noir/feed/", "/tags/noir/feed/"),
        ("/?tag=noir", "/tags/noir/"),
        ("/category/never-heard-of-it/", "/"),
        ("/author/margo/", "/authors/margo/"),
        ("/author/margo/page/2/", "/authors/margo/"),
        ("/?author=1", "/authors/margo/"),
        # Archives and pages with no counterpart: the closest page.
        ("/2015/", "/"),
        ("/2015/03/", "/"),
        ("/2015/03/07/", "/"),
        ("/2015/03/page/2/", "/"),
        ("/page/2/", "/?page=2"),
        ("/?page_id=2", "/"),
        ("/?m=201503", "/"),
        ("/?s=noir", "/search/?q=noir"),
    ],
)
def test_every_old_address_answers_301_to_its_new_home(client, imported, old, new):
    response = client.get(old)
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == new


def test_the_redirect_lands_on_a_page_that_shows_the_wordpress_page_s_first_thread(
    client, imported
):
    response = client.get("/2015/03/07/alpha-in-the-rain/comment-page-3/", follow=True)
    html = response.content.decode()
    # WordPress's page 3 began with its fifth thread ("Fifth thread"): the site's page 2 has it.
    assert "Fifth thread." in html
    assert "First thread." not in html
    assert response.redirect_chain == [(f"{ALPHA}?cpage=2#comments", 301)]


def test_head_answers_like_get_and_posts_are_never_redirected(client, imported):
    head = client.head("/2016/08/bravo-at-dusk/")
    assert (head.status_code, head["Location"]) == (HTTPStatus.MOVED_PERMANENTLY, BRAVO)
    assert client.post("/2016/08/bravo-at-dusk/").status_code != HTTPStatus.MOVED_PERMANENTLY


@pytest.mark.parametrize(
    "old",
    [
        "/?p=12",  # the draft: the home page answers, as for an unknown id
        "/2015/05/01/echo-unfinished/",  # its would-be permalink under the blog's structure
        "/echo-unfinished/",
        "/2015/05/01/echo-unfinished/feed/",
        "/2015/05/01/echo-unfinished/comment-page-2/",
    ],
)
def test_a_draft_s_old_addresses_give_nothing_away(client, imported, old):
    assert LegacyRedirect.objects.filter(old_path="/2015/05/01/echo-unfinished").exists()
    response = client.get(old)
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.NOT_FOUND)
    assert "Echo, unfinished" not in response.content.decode()


def test_an_old_address_redirects_once_its_review_is_published(client, imported):
    Review.objects.filter(slug="echo-unfinished").update(
        status="published", published_at="2015-05-01T10:00Z"
    )
    response = client.get("/2015/05/01/echo-unfinished/")
    assert response["Location"] == "/reviews/echo-unfinished/"


def test_unknown_old_looking_paths_stay_404(client, imported):
    for path in ("/2015/03/07/no-such-post/", "/archives/999", "/no-such-post/feed/"):
        assert client.get(path).status_code == HTTPStatus.NOT_FOUND, path


def test_the_import_remembers_the_blog_s_structure_and_comments_per_page(imported):
    a = ImportSource.objects.get(url="https://a.example")
    assert (a.comments_per_page, a.permalink_structure) == (
        2,
        "/%year%/%monthnum%/%day%/%postname%",
    )
    assert ImportSource.objects.get(url="https://c.example").permalink_structure == (
        "/archives/%post_id%"
    )
    assert ImportSource.objects.get(url="https://b.example").comments_per_page == 50


def test_a_later_import_without_the_option_keeps_the_stored_comments_per_page(tmp_path, imported):
    path = tmp_path / "a-again.xml"
    path.write_text(BLOGS["a"])
    output = run(str(path))
    assert "redirects: 0 created" in output
    assert ImportSource.objects.get(url="https://a.example").comments_per_page == 2


def test_a_bad_comments_per_page_is_refused(tmp_path):
    path = tmp_path / "a.xml"
    path.write_text(BLOGS["a"])
    with pytest.raises(CommandError, match="1 to 1000"):
        call_command("import_wxr", str(path), "--comments-per-page", "0", stderr=StringIO())


HOSTILE = [
    "//evil.example/",
    "//evil.example",
    "/\\evil.example",
    "/%5Cevil.example/",
    "/%2F%2Fevil.example/",
    "/category/..%2F..%2Fetc/",
    "/tag/%F0%9F%98%80/",
    "/author/%27%22%3E%3Cscript%3E/",
    "/index.php/index.php/",
    "/" + "a/" * 2000,
    "/category/" + "x" * 5000 + "/",
    "/2015/03/07/alpha-in-the-rain/comment-page-99999999999999999999/",
    "/?p=" + "9" * 100,
    "/?p=11&cpage=99999999999999999999",
    "/?p=11&cpage=-1",
    "/?p=%EF%BC%91%EF%BC%91",  # full-width digits are no id
    "/?s=" + "x" * 10000,
    "/?tag=" + "y" * 5000,
    "/?author=1e9",
    "/?feed[]=rss2",
    "/page/99999999999999999999/",
]


@pytest.mark.parametrize("path", HOSTILE)
def test_hostile_paths_never_fail_nor_redirect_off_site(client, imported, path):
    response = client.get(path)
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
    location = response.get("Location", "")
    if location:
        assert location.startswith("/")
        assert not location.startswith(("//", "/\\"))


@pytest.mark.parametrize("path", ["/no-such-page/", "/2015/03/07/no-such-post/comment-page-2/"])
def test_a_404_costs_one_lookup_whatever_suffix_it_has(
    client, imported, no_page_cache, django_assert_num_queries, path
):
    # The not-found page itself costs none: the one query is the old-address lookup, which
    # tries the path and every suffix-stripped form of it at once.
    with django_assert_num_queries(1):
        assert client.get(path).status_code == HTTPStatus.NOT_FOUND


def test_pages_that_answer_never_look_old_addresses_up(client, imported, no_page_cache):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(ALPHA).status_code == HTTPStatus.OK
        assert client.get("/?page=1").status_code == HTTPStatus.OK
        assert client.get("/tags/noir/").status_code == HTTPStatus.OK
    assert not [q for q in queries if "legacyredirect" in q["sql"].lower()]


def test_an_old_post_never_takes_over_a_page_of_the_site(client, tmp_path):
    # A WordPress post called "films" had the address /films/, which is the film index here.
    path = tmp_path / "films.xml"
    path.write_text(
        wxr(
            "https://e.example",
            post(51, "Films", "films", "https://e.example/films/", "2019-01-01 10:00:00"),
        )
    )
    run(str(path))
    assert client.get("/films/").status_code == HTTPStatus.OK
    response = client.get("/films")
    assert (response.status_code, response["Location"]) == (HTTPStatus.MOVED_PERMANENTLY, "/films/")
