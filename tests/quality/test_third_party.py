"""No page type makes a request to another origin: CSS, scripts, fonts, images and avatars all
come from the site itself (no CDN, no analytics, no Gravatar)."""

import pytest

from tests.browser.harness import require_chromium

require_chromium()

pytestmark = pytest.mark.browser


def test_no_page_type_requests_anything_from_another_origin(page_type_visits):
    found = [f"{visit.name}: {url}" for visit in page_type_visits for url in visit.off_site]
    assert not found, "requests that left the site:\n" + "\n".join(found)


def test_no_page_type_points_a_resource_at_another_origin(page_type_visits):
    # Catches what a visit did not fetch (a srcset candidate for another screen, a preload).
    found = [
        f"{visit.name}: {html}"
        for visit in page_type_visits
        for html in visit.structure["externalResources"]
    ]
    assert not found, "\n".join(found)


def test_the_request_log_saw_the_stylesheets_scripts_and_posters(page_type_visits, site):
    # A log that recorded nothing would pass the checks above for the wrong reason.
    review = next(v for v in page_type_visits if v.label == "review" and v.width == 1280)
    paths = [url.removeprefix(site.url) for url in review.requests]
    assert any(path.endswith("/bundle.css") for path in paths), paths
    assert any(path.endswith("/comments.js") for path in paths), paths
    assert any(path.startswith("/media/") for path in paths), paths
