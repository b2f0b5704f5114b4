"""The review body's HTML is kept in the cache under a hash of what it is made of: a change to
the text shows on the next view, even one written around save() (no signal)."""

import pytest

from reviews.models import Review
from tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def test_an_edited_body_shows_at_once(client, no_page_cache):
    review = ReviewFactory(body="First *draft* of the text.")
    assert "First <em>draft</em>" in client.get(review.get_absolute_url()).content.decode()
    Review.objects.filter(pk=review.pk).update(body="Second **version**.")
    html = client.get(review.get_absolute_url()).content.decode()
    assert "Second <strong>version</strong>" in html
    assert "First" not in html
