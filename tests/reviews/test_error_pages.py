"""Friendly 404 and 500 pages."""

from http import HTTPStatus

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


def test_not_found_page_is_friendly_and_offers_a_way_on(client):
    response = client.get("/no/such/page/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    html = response.content.decode()
    assert "This reel is missing" in html
    assert 'href="/"' in html and 'action="/search/"' in html
    assert "/static/css/bundle.css" in html


def test_server_error_page_renders_without_any_context_and_loads_the_site_css():
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "/static/css/bundle.css" in html
    assert "<h1" in html and html.count("<h1") == 1
