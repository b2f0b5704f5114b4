"""Every kind of response carries a strict Content Security Policy and the usual security
headers (read through the test client; test_csp_console checks the browser enforces them)."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db

UNSAFE = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "http:", "https:")


def policy(response):
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.fixture
def responses(client):
    review = ReviewFactory()
    comment_url = reverse("comments:post", kwargs={"slug": review.slug})
    return {
        "home": client.get(reverse("reviews:home")),
        "review": client.get(review.get_absolute_url()),
        "film": client.get(review.film.get_absolute_url()),
        "comment form with errors": client.post(comment_url, {"comment": "Kept"}),
        "not found": client.get("/reviews/no-such-review/"),
        "moderation, signed out": client.get(reverse("moderation:queue")),
        "admin login": client.get(reverse("admin:login")),
    }


def test_every_response_has_a_strict_content_security_policy(responses):
    for label, response in responses.items():
        directives = policy(response)
        assert directives["default-src"] == ["'self'"], label
        assert directives["object-src"] == ["'none'"], label
        assert directives["frame-ancestors"] == ["'none'"], label
        assert directives["base-uri"] == ["'self'"], label
        assert directives["form-action"] == ["'self'"], label
        for name in ("script-src", "style-src"):
            sources = directives.get(name, directives["default-src"])
            assert not set(sources) & set(UNSAFE), (label, name, sources)
        everything = {source for sources in directives.values() for source in sources}
        assert not everything & {"'unsafe-inline'", "'unsafe-eval'", "*"}, (label, everything)


def test_every_response_has_the_usual_security_headers(responses):
    for label, response in responses.items():
        assert response["X-Content-Type-Options"] == "nosniff", label
        assert response["X-Frame-Options"] == "DENY", label
        assert response["Referrer-Policy"] in {"same-origin", "no-referrer", "strict-origin"}, label
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", label


def test_the_policy_is_enforced_not_only_reported(responses):
    response = responses["home"]
    assert response.status_code == HTTPStatus.OK
    assert "Content-Security-Policy" in response.headers
    assert "Content-Security-Policy-Report-Only" not in response.headers
