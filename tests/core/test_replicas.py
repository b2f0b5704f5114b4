"""Read replicas (core/routers.py): anonymous readers' public pages read from a replica, the rest
from the primary, and a replica that is down, broken or behind never costs a reader the page.

The replica is a second alias on the same PostgreSQL test database (what DATABASE_REPLICA_URLS
gives, with TEST MIRROR). Which database ran a request's queries is read per alias.
"""

import contextlib
import copy

import pytest
from django.conf import settings
from django.db import connections, router, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import routers
from core.models import ContentVersion
from reviews.models import Review
from tests import factories
from tests.comments.commenting import post_comment
from tests.core.test_environment_settings import show

REPLICA = "replica1"  # tests/conftest.py, replica_database
pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="read replicas are tested on PostgreSQL",
    ),
    pytest.mark.usefixtures("replica_database"),
    pytest.mark.django_db(transaction=True, databases=["default", REPLICA]),
]


@pytest.fixture
def replica(settings):
    settings.DATABASE_REPLICAS = [REPLICA]
    return REPLICA


@pytest.fixture
def change_replica(replica):
    """`change(**settings)` changes the replica's connection settings for this test."""
    connection = connections[replica]
    saved = copy.deepcopy(connection.settings_dict)

    def change(**changes):
        connection.close()
        options = {**connection.settings_dict["OPTIONS"], **changes.pop("OPTIONS", {})}
        connection.settings_dict.update(changes, OPTIONS=options)

    yield change
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(saved)


@pytest.fixture
def review():
    return factories.ReviewFactory(headline="Replicated headline")


@contextlib.contextmanager
def queries_by_database():
    """{"primary": [sql, ...], "replica": [sql, ...]} of what ran inside the block."""
    ran = {}
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        yield ran
    ran["primary"] = [query["sql"] for query in primary.captured_queries]
    ran["replica"] = [query["sql"] for query in replica.captured_queries]


def only_content_version(queries):
    return all("core_contentversion" in sql for sql in queries)


def test_an_anonymous_review_page_is_read_from_the_replica(replica, review):
    with queries_by_database() as ran:
        response = Client().get(review.get_absolute_url())
    assert response.status_code == 200
    assert "Replicated headline" in response.text
    assert any("reviews_review" in sql for sql in ran["replica"])
    # The primary answers only the content version: the page cache's, and the check that the
    # replica has caught up with it.
    assert ran["primary"] and only_content_version(ran["primary"])


def test_a_post_and_the_posters_next_pages_read_the_primary(replica, review):
    reader = Client()
    with queries_by_database() as ran:
        response = post_comment(reader, review, comment="Read your own writes.")
    assert response.status_code == 302
    assert ran["replica"] == []
    pin = response.cookies[routers.PIN_COOKIE]
    assert pin["max-age"] == settings.REPLICA_PIN_SECONDS
    assert pin["httponly"]

    with queries_by_database() as ran:
        page = reader.get(review.get_absolute_url())
    assert "Read your own writes." in page.text
    assert ran["replica"] == []

    # The pin alone (a reader whose comment went straight up has no session) does the same.
    pinned = Client()
    pinned.cookies[routers.PIN_COOKIE] = "1"
    with queries_by_database() as ran:
        assert pinned.get(review.get_absolute_url()).status_code == 200
    assert ran["replica"] == []


def test_no_pin_cookie_without_replicas(settings, review):
    settings.DATABASE_REPLICAS = []
    response = post_comment(Client(), review)
    assert routers.PIN_COOKIE not in response.cookies


def test_signed_in_staff_read_the_primary_everywhere(replica, review):
    staff = factories.UserFactory(username="editor", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff)
    pages = [
        review.get_absolute_url(),
        reverse("admin:reviews_review_changelist"),
        reverse("admin:reviews_review_change", args=[review.pk]),
        reverse("moderation:queue"),
    ]
    for url in pages:
        with queries_by_database() as ran:
            assert client.get(url).status_code == 200, url
        assert ran["primary"], url
        assert ran["replica"] == [], url


def test_a_replica_that_is_down_costs_the_reader_nothing(change_replica, review, caplog):
    # A closed port: the connection is refused at once, as with a stopped server.
    change_replica(HOST="127.0.0.1", PORT=1, OPTIONS={"connect_timeout": 1})
    response = Client().get(review.get_absolute_url())
    assert response.status_code == 200
    assert "Replicated headline" in response.text
    home = Client().get(reverse("reviews:home"))
    assert home.status_code == 200
    assert "Replicated headline" in home.text
    # One line for the operator: the second page did not try the replica again.
    warnings = [r for r in caplog.records if r.name == "core.routers"]
    assert [r.getMessage() for r in warnings] == [
        "Read replica replica1 does not answer: reading the primary for 30 s"
    ]


def test_a_replica_broken_mid_request_is_retried_on_the_primary_and_rested(
    replica, review, no_page_cache
):
    def break_the_connection(execute, sql, params, many, context):
        if "core_contentversion" not in sql:  # after the checks: while the page reads
            context["connection"].connection.close()
        return execute(sql, params, many, context)

    with connections[REPLICA].execute_wrapper(break_the_connection):
        response = Client().get(review.get_absolute_url())
    assert response.status_code == 200
    assert "Replicated headline" in response.text

    # The replica is left alone for REPLICA_RETRY_SECONDS.
    with queries_by_database() as ran:
        assert Client().get(review.get_absolute_url()).status_code == 200
    assert ran["replica"] == []


@pytest.fixture
def replica_behind(change_replica):
    """A replica whose content version is an older one: its ContentVersion table is a copy,
    found first on its search_path, holding another token."""
    with connections["default"].cursor() as cursor:
        cursor.execute("DROP SCHEMA IF EXISTS lagging CASCADE")
        cursor.execute("CREATE SCHEMA lagging")
        cursor.execute(
            "CREATE TABLE lagging.core_contentversion"
            " (LIKE public.core_contentversion INCLUDING ALL)"
        )
        cursor.execute(
            "INSERT INTO lagging.core_contentversion (id, token, changed_at)"
            " VALUES (1, 'an-older-version', now())"
        )
    change_replica(OPTIONS={"options": "-c search_path=lagging,public"})
    yield REPLICA
    connections[REPLICA].close()
    with connections["default"].cursor() as cursor:
        cursor.execute("DROP SCHEMA lagging CASCADE")


def test_a_replica_behind_the_primary_is_not_read(replica_behind, review):
    # Else the page would show the old content, and be cached under the new version.
    with queries_by_database() as ran:
        response = Client().get(review.get_absolute_url())
    assert "Replicated headline" in response.text
    assert only_content_version(ran["replica"])
    assert any("reviews_review" in sql for sql in ran["primary"])


def test_router_content_version_and_transactions_use_the_primary(replica):
    token = routers.begin_request()
    try:
        routers.allow_replica()
        assert router.db_for_read(Review) == REPLICA
        # The page cache must see the newest version.
        assert router.db_for_read(ContentVersion) == "default"
        # An atomic block reads its own writes.
        with transaction.atomic():
            assert router.db_for_read(Review) == "default"
        assert router.db_for_write(Review) == "default"
    finally:
        routers.end_request(token)


def test_router_outside_requests_uses_the_primary(replica, review):
    # Management commands and the task worker.
    assert router.db_for_read(Review) == "default"
    assert Review.objects.get(pk=review.pk)._state.db == "default"


def test_replica_urls_become_mirrored_aliases_with_a_short_connect_timeout():
    urls = "postgres://app@replica-a:5432/site,postgres://app@replica-b:5432/site?connect_timeout=5"
    databases = show(
        "({a: (d['HOST'], d['OPTIONS'].get('connect_timeout'), d['TEST']['MIRROR']) "
        "for a, d in settings.DATABASES.items() if a != 'default'}, settings.DATABASE_REPLICAS)",
        DEBUG="1",
        DATABASE_URL="postgres://app@primary:5432/site",
        DATABASE_REPLICA_URLS=urls,
    )
    assert databases == repr(
        (
            {
                "replica1": ("replica-a", 2, "default"),
                "replica2": ("replica-b", 5, "default"),
            },
            ["replica1", "replica2"],
        )
    )
