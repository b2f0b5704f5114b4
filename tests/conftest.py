import os

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests import factories

# Property-based tests (tests/fuzz): a bounded number of examples in `make test` ("ci"), many
# more in `make fuzz` (HYPOTHESIS_PROFILE=fuzz). No example database: nothing is written to
# the repository, and every run starts afresh. Function-scoped fixtures (the database, the
# client) are shared by the examples of a test on purpose: each example rolls back its rows.
hypothesis_settings.register_profile(
    "ci",
    max_examples=30,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hypothesis_settings.register_profile(
    "fuzz", parent=hypothesis_settings.get_profile("ci"), max_examples=1000
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    """pytest-django's hook run just before it creates the test databases (its own version,
    requested here, still adds the xdist/tox suffixes). Returns the name `default` has now:
    the developer's own database, which django_db_setup below must not leave in use."""
    from django.db import connections

    return connections["default"].settings_dict["NAME"]


@pytest.fixture(scope="session")
def django_db_setup(
    django_db_modify_db_settings,
    django_db_setup,
    django_db_blocker,
    django_db_keepdb,
    django_db_createdb,
    request,
):
    """pytest-django's set-up, plus the `default` test database when no collected test asked.

    pytest-django creates a test database only for tests that use its django_db marker or its
    db fixtures. The quality tests (tests/quality) carry neither: they share one seeded database
    through a session fixture that depends on this one (see tests/quality/conftest.py). Run
    alone, `default` would still be the developer's db.sqlite3, which that fixture seeds and
    flushes. So when it still is, the test database is created here, as pytest-django would.
    """
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases

    if connections["default"].settings_dict["NAME"] != django_db_modify_db_settings:
        yield  # pytest-django put a test database in its place
        return
    keepdb = django_db_keepdb and not django_db_createdb  # --reuse-db, --create-db
    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        old_config = setup_databases(
            verbosity=verbosity,
            interactive=False,
            aliases={"default"},
            serialized_aliases=set(),  # serialized rollback is only for tests with the marker
            keepdb=keepdb,
        )
    yield
    if not keepdb:
        with django_db_blocker.unblock():
            teardown_databases(old_config, verbosity=verbosity)


def pytest_addoption(parser):
    # Here, not in tests/quality/conftest.py: pytest only reads options from initial conftests.
    parser.addoption(
        "--screenshots",
        action="store_true",
        help="browser journeys write docs/screenshots/<page>-<width>.png (make screenshots)",
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with empty caches (rate limits, thumbnails state, stored pages)."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def no_page_cache(settings):
    """For tests of what a render costs: every request renders (core/pagecache.py)."""
    settings.PAGE_CACHE = False


@pytest.fixture(scope="module")
def replica_database(django_db_setup):
    """The alias `replica1`: a second connection to the test database, as a read replica would
    be (TEST MIRROR), for the tests of one module (tests/core/test_replicas.py); they list it in
    `django_db(transaction=True, databases=["default", "replica1"])` (its own connection sees
    committed rows only) and set DATABASE_REPLICAS. Module-scoped, so the alias exists before
    pytest-django sets up each test, which refuses aliases it does not know."""
    from django.db import connections

    alias = "replica1"
    primary = connections["default"].settings_dict
    connections.settings[alias] = {  # the very dict settings.DATABASES is
        **primary,
        "OPTIONS": dict(primary.get("OPTIONS", {})),
        "TEST": {**primary.get("TEST", {}), "MIRROR": "default"},
    }
    yield alias
    connections[alias].close()
    del connections[alias]
    del connections.settings[alias]


@pytest.fixture
def author(db):
    return factories.AuthorFactory()


@pytest.fixture
def review(db):
    return factories.ReviewFactory()


@pytest.fixture
def moderator(db):
    return factories.UserFactory(username="mod", is_staff=True, groups=["Moderators"])
