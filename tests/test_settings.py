"""Settings come from the environment; production refuses to start without a secret key."""

import os
import subprocess
import sys

from django.conf import settings

PRINT = "import django; django.setup(); from django.conf import settings; print({})"


def run(args, **env):
    """Runs Python in a fresh process with reviewsite.settings and only the given variables."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="reviewsite.settings")
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def show(expression, **env):
    result = run(["-c", PRINT.format(expression)], **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_refuses_to_start_without_a_secret_key():
    result = run(["manage.py", "check"], DEBUG="0")
    assert result.returncode != 0
    assert result.stderr.startswith("Configuration error: SECRET_KEY is not set")
    assert "Traceback" not in result.stderr  # one clear line for the operator


def test_debug_is_off_unless_asked_so_a_missing_key_stops_a_bare_start():
    result = run(["-c", "import django; django.setup()"])
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_development_starts_without_a_secret_key():
    result = run(["manage.py", "check"], DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_starts_with_a_secret_key():
    result = run(["manage.py", "check"], DEBUG="0", SECRET_KEY="a-long-random-production-key")
    assert result.returncode == 0, result.stderr


def test_sqlite_is_the_default_database():
    engine = show("settings.DATABASES['default']['ENGINE']", DEBUG="1")
    assert engine == "django.db.backends.sqlite3"


def test_database_url_switches_to_postgresql():
    shown = show(
        "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME']",
        DEBUG="1",
        DATABASE_URL="postgres://reviews:secret@db.example.org:5432/reviewsite",
    )
    assert shown.split() == ["django.db.backends.postgresql", "reviewsite"]


def test_local_memory_cache_without_redis():
    backend = show("settings.CACHES['default']['BACKEND']", DEBUG="1")
    assert backend == "django.core.cache.backends.locmem.LocMemCache"


def test_redis_url_switches_the_cache_to_redis():
    shown = show(
        "settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION']",
        DEBUG="1",
        REDIS_URL="redis://cache.example.org:6379/1",
    )
    assert shown.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://cache.example.org:6379/1",
    ]
