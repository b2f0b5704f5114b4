import pytest

from tests import factories


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
