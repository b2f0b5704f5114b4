"""Test settings: production settings with test-only values where a test run needs them."""

import os
import tempfile

# Never read a developer's .env: a test run sees only what the tests set (os.devnull is empty).
os.environ["REVIEWSITE_ENV_FILE"] = os.devnull
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("STATIC_NO_MANIFEST", "1")  # no collectstatic before tests
os.environ.setdefault("SECURE_COOKIES", "0")  # the live server speaks plain HTTP
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="reviewsite-test-media-"))
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")

from .settings import *  # noqa: E402,F403

# Fast hashing: tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Most tests post comments straight after loading the form; the spam-defence tests set the
# real minimum themselves with override_settings.
COMMENTS_MIN_SECONDS = 0

# No test reaches the network: the recent-post tests turn this on and fake the fetch.
COMMENTS_FETCH_RECENT_POSTS = False

# Serve static files from the app folders, as in development: tests run without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Close connections after each request, so no test thread leaves a session open on the test
# database (PostgreSQL refuses to drop a database somebody is connected to).
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
