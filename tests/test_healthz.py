import socket
from http import HTTPStatus

import pytest

import core.health

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]  # a proxy must not answer for the app


def test_healthz_reports_503_when_the_database_does_not_answer(client, monkeypatch):
    class DownConnection:
        def cursor(self):
            raise OSError("connection refused")

    monkeypatch.setattr(core.health, "connection", DownConnection())

    response = client.get("/healthz")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {"status": "error", "database": "error", "cache": "ok"}
    assert b"connection refused" not in response.content  # the reason is logged, not shown


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens there once the socket is closed


def test_healthz_reports_503_naming_the_cache_when_redis_does_not_answer(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }

    response = client.get("/healthz")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {"status": "error", "database": "ok", "cache": "error"}


def test_healthz_answers_plain_http_when_https_redirects_are_on(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/").status_code == HTTPStatus.MOVED_PERMANENTLY  # the site redirects …
    response = client.get("/healthz")  # … a load balancer's plain-HTTP probe is answered
    assert response.status_code == HTTPStatus.OK
    assert response.json()["status"] == "ok"
