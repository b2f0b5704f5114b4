import pytest

from tests import factories


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
