"""/readyz: can this app server serve readers (database, cache, media storage), and is the
background worker keeping up? (/healthz, liveness, is tested in tests/test_healthz.py.)"""

from datetime import timedelta
from http import HTTPStatus
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

pytestmark = pytest.mark.django_db

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def fail(*args, **kwargs):
    raise OSError("connection refused by 10.0.0.5")


def test_readyz_answers_ok_when_every_part_answers(client, settings):
    response = client.get("/readyz")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "storage": "ok",
        "worker": "not used",  # the tests' immediate backend runs tasks inside the request
    }
    assert "no-cache" in response["Cache-Control"]
    probes = Path(settings.MEDIA_ROOT) / "readyz"
    assert not probes.exists() or not any(probes.iterdir())  # the probe file is deleted


def test_readyz_is_503_naming_the_storage_when_media_cannot_be_written(client, settings, tmp_path):
    not_a_folder = tmp_path / "media"
    not_a_folder.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = not_a_folder

    response = client.get("/readyz")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {
        "status": "error",
        "database": "ok",
        "cache": "ok",
        "storage": "error",
        "worker": "not used",
    }


def test_readyz_is_503_when_the_storage_probe_fails(client, monkeypatch):
    monkeypatch.setattr("core.health.storage_answers", fail)

    response = client.get("/readyz")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["storage"] == "error"
    assert b"10.0.0.5" not in response.content  # the reason is logged, not shown


def test_readyz_is_503_naming_the_database_when_it_does_not_answer(client, monkeypatch):
    monkeypatch.setattr("core.health.database_answers", fail)

    response = client.get("/readyz")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {
        "status": "error",
        "database": "error",
        "cache": "ok",
        "storage": "ok",
        "worker": "unknown",  # the task queue is in the database
    }


def test_readyz_is_503_naming_the_cache_when_it_does_not_answer(client, monkeypatch):
    monkeypatch.setattr("core.health.cache_answers", fail)

    response = client.get("/readyz")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["cache"] == "error"


def waiting_task(minutes):
    row = DBTaskResult.objects.create(
        task_path="comments.tasks.send_notification",
        args_kwargs={"args": [1], "kwargs": {}},
        backend_name="default",
    )
    DBTaskResult.objects.filter(pk=row.pk).update(
        enqueued_at=timezone.now() - timedelta(minutes=minutes)
    )
    return row


def test_with_the_database_queue_an_empty_queue_is_ok(client, settings):
    settings.TASKS = DATABASE_BACKEND

    response = client.get("/readyz")

    assert response.status_code == HTTPStatus.OK
    assert response.json()["status"] == "ok"
    assert response.json()["worker"] == "ok"


def test_a_task_taken_within_minutes_is_ok(client, settings):
    settings.TASKS = DATABASE_BACKEND
    waiting_task(minutes=1)

    assert client.get("/readyz").json()["worker"] == "ok"


def test_a_task_left_waiting_means_no_worker_but_the_site_still_serves(client, settings):
    settings.TASKS = DATABASE_BACKEND
    settings.READYZ_TASK_WAIT_MINUTES = 5
    waiting_task(minutes=6)

    response = client.get("/readyz")

    # A stopped worker delays mail; it must not take every app server out of the load balancer.
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "ok",
        "storage": "ok",
        "worker": "late",
    }


def test_a_retry_due_later_is_not_a_late_worker(client, settings):
    settings.TASKS = DATABASE_BACKEND
    row = waiting_task(minutes=60)
    DBTaskResult.objects.filter(pk=row.pk).update(run_after=timezone.now() + timedelta(hours=1))

    assert client.get("/readyz").json()["worker"] == "ok"


def test_a_retry_overdue_for_long_is_late(client, settings):
    settings.TASKS = DATABASE_BACKEND
    row = waiting_task(minutes=60)
    DBTaskResult.objects.filter(pk=row.pk).update(run_after=timezone.now() - timedelta(minutes=30))

    assert client.get("/readyz").json()["worker"] == "late"
