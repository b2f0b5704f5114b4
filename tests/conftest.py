import pytest
import pytest_django.fixtures

from tests import factories

_databases_for_setup = pytest_django.fixtures._get_databases_for_setup


def _always_set_up_default(items):
    """pytest-django creates test databases only for tests marked django_db; the quality tests
    (tests/quality) share one seeded database through a session fixture and carry no marker,
    so run alone they would reach the developer's own database. Always create the test one."""
    aliases, serialized = _databases_for_setup(items)
    return aliases | {"default"}, serialized


pytest_django.fixtures._get_databases_for_setup = _always_set_up_default


def pytest_addoption(parser):
    # Here, not in tests/quality/conftest.py: pytest only reads options from initial conftests.
    parser.addoption(
        "--screenshots",
        action="store_true",
        help="browser journeys write docs/screenshots/<page>-<width>.png (make screenshots)",
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (rate limits, thumbnails state)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def author(db):
    return factories.AuthorFactory()


@pytest.fixture
def review(db):
    return factories.ReviewFactory()


@pytest.fixture
def moderator(db):
    return factories.UserFactory(username="mod", is_staff=True, groups=["Moderators"])
