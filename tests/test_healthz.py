from http import HTTPStatus

import pytest

import reviewsite.urls

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.OK
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")


def test_healthz_reports_503_when_the_database_does_not_answer(client, monkeypatch):
    class DownConnection:
        def cursor(self):
            raise OSError("connection refused")

    monkeypatch.setattr(reviewsite.urls, "connection", DownConnection())

    response = client.get("/healthz")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert b"ok" not in response.content
