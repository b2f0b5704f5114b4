"""`manage.py check --deploy` warns about settings that work on one machine and fail in production:
a proxy whose X-Forwarded-For is ignored, uploads inside the code checkout, nobody told of errors.
"""

import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

BEHIND_PROXY = ("HTTP_X_FORWARDED_PROTO", "https")
ADMINS = [("Operations", "ops@example.org")]
# The production the README describes, as far as these checks look: one nginx in front, media
# outside the checkout, an address for errors.
PRODUCTION = {
    "DEBUG": False,
    "SECURE_PROXY_SSL_HEADER": BEHIND_PROXY,
    "TRUSTED_PROXY_COUNT": 1,
    "MEDIA_ROOT": "/srv/reviewsite-media",
    "ADMINS": ADMINS,
}


@pytest.fixture(autouse=True)
def _no_async_unsafe(monkeypatch):
    """The browser tests allow async-unsafe calls for Playwright (tests/browser/harness.py);
    Django's own check then reports an error these tests are not about."""
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)


def check(*args):
    """What `manage.py check` prints to the operator, and the reviewsite ids it names."""
    output = StringIO()
    call_command("check", *args, stdout=output, stderr=output)
    text = output.getvalue()
    return text, set(re.findall(r"\(reviewsite\.(W00[2-4])\)", text))


def deploy_warnings(**changes):
    with override_settings(**{**PRODUCTION, **changes}):
        return check("--deploy")[1]


def test_the_readmes_kind_of_production_gets_none_of_these_warnings():
    assert deploy_warnings() == set()


def test_a_proxy_whose_forwarded_addresses_are_ignored_is_named():
    with override_settings(**{**PRODUCTION, "TRUSTED_PROXY_COUNT": 0}):
        text, ids = check("--deploy")

    assert ids == {"W002"}
    assert "all of them share one comment rate limit" in text
    assert "Set TRUSTED_PROXY_COUNT" in text  # the hint says what to do


def test_no_proxy_warning_without_a_proxy():
    assert deploy_warnings(SECURE_PROXY_SSL_HEADER=None, TRUSTED_PROXY_COUNT=0) == set()


def test_media_inside_the_code_checkout_is_named():
    with override_settings(**{**PRODUCTION, "MEDIA_ROOT": settings.BASE_DIR / "media"}):
        text, ids = check("--deploy")

    assert ids == {"W003"}
    assert f"({settings.BASE_DIR / 'media'}) is inside the code checkout" in text
    assert "/srv/reviewsite-media" in text and "MEDIA_STORAGE=s3" in text


def test_a_relative_media_root_is_judged_where_it_resolves(monkeypatch):
    monkeypatch.chdir(settings.BASE_DIR)
    assert deploy_warnings(MEDIA_ROOT="media") == {"W003"}


def test_media_in_object_storage_needs_no_local_folder():
    assert deploy_warnings(MEDIA_STORAGE="s3", MEDIA_ROOT=settings.BASE_DIR / "media") == set()


def test_no_admins_is_named():
    with override_settings(**{**PRODUCTION, "ADMINS": []}):
        text, ids = check("--deploy")

    assert ids == {"W004"}
    assert "nobody is mailed when a page fails" in text


def test_a_deploy_gated_on_warnings_stops_on_them():
    """README runs `check --deploy --fail-level WARNING`: any of them stops the deploy."""
    with override_settings(**{**PRODUCTION, "ADMINS": []}), pytest.raises(SystemCheckError) as stop:
        call_command("check", "--deploy", "--fail-level", "WARNING")

    assert "(reviewsite.W004)" in str(stop.value)


def test_development_gets_none_of_them():
    changes = {"TRUSTED_PROXY_COUNT": 0, "MEDIA_ROOT": settings.BASE_DIR / "media", "ADMINS": []}
    assert deploy_warnings(DEBUG=True, **changes) == set()


def test_a_plain_check_stays_quiet_about_them():
    """runserver and migrate run the plain check: these are for the deploy's `--deploy`."""
    changes = {"TRUSTED_PROXY_COUNT": 0, "MEDIA_ROOT": settings.BASE_DIR / "media", "ADMINS": []}
    with override_settings(**{**PRODUCTION, **changes}):
        assert check()[1] == set()
