"""Settings read from the environment (and .env): bad values are refused by `manage.py check`."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

PRINT = "import django; django.setup(); from django.conf import settings; print({})"
PROXY_HEADER = "getattr(settings, 'SECURE_PROXY_SSL_HEADER', None)"


def run(args, **env):
    """Runs Python as an operator would: reviewsite.settings, a clean environment plus `env`."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if key in {"PATH", "HOME", "LANG", "SYSTEMROOT", "TMPDIR", "VIRTUAL_ENV"}
    }
    clean.update(
        DJANGO_SETTINGS_MODULE="reviewsite.settings",
        REVIEWSITE_ENV_FILE=os.devnull,  # no developer's .env unless a test writes one
        STATIC_NO_MANIFEST="1",
    )
    clean.update(env)
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def check(**env):
    return run(["manage.py", "check"], **env)


def show(expression, **env):
    result = run(["-c", PRINT.format(expression)], **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_misspelt_moderation_policy_fails_the_check():
    result = check(DEBUG="1", COMMENTS_MODERATION="first-time")
    assert result.returncode != 0
    assert "(reviewsite.E003) COMMENTS_MODERATION='first-time'" in result.stderr
    assert "all, first_time or none" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("COMMENTS_MAX_DEPTH", "abc"),
        ("SECURE_HSTS_SECONDS", "1 year"),
        ("EMAIL_PORT", "-25"),
        ("DB_CONN_MAX_AGE", "-1"),
    ],
)
def test_a_number_setting_that_is_not_a_whole_number_fails_the_check(variable, value):
    result = check(DEBUG="1", **{variable: value})
    assert result.returncode != 0
    assert f"(reviewsite.E002) {variable}={value!r}" in result.stderr
    assert "a whole number" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unrecognised_boolean_fails_the_check():
    result = check(DEBUG="1", SECURE_PROXY_SSL_HEADER="maybe")
    assert result.returncode != 0
    assert "(reviewsite.E001) SECURE_PROXY_SSL_HEADER='maybe'" in result.stderr
    assert "1, true, yes or on" in result.stderr
    assert "0, false, no or off" in result.stderr


def test_valid_values_pass_the_check():
    result = check(
        DEBUG="1",
        COMMENTS_MODERATION="None",
        COMMENTS_MAX_DEPTH=" 3 ",
        SECURE_PROXY_SSL_HEADER="yes",
        EMAIL_USE_TLS="OFF",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_bad_values_do_not_stop_importing_the_settings_and_fall_back_to_safe_ones():
    shown = show(
        "settings.COMMENTS_MODERATION, settings.COMMENTS_MAX_DEPTH, settings.SERVE_MEDIA",
        DEBUG="1",
        COMMENTS_MODERATION="nobody",
        COMMENTS_MAX_DEPTH="abc",
        SERVE_MEDIA="perhaps",
    )
    # An unknown policy holds every comment; the others keep their documented defaults.
    assert shown.split() == ["all", "5", "True"]


@pytest.mark.parametrize("value", ["0", "false", "no", "off", "FALSE", "No", ""])
def test_secure_proxy_ssl_header_stays_off_for_a_false_value(value):
    assert show(PROXY_HEADER, DEBUG="1", SECURE_PROXY_SSL_HEADER=value) == "None"


@pytest.mark.parametrize("value", ["1", "true", "yes", "on", "True"])
def test_secure_proxy_ssl_header_is_trusted_for_a_true_value(value):
    shown = show(PROXY_HEADER, DEBUG="1", SECURE_PROXY_SSL_HEADER=value)
    assert shown == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_the_proxy_ssl_header_is_off_by_default():
    assert show(PROXY_HEADER, DEBUG="1") == "None"


@pytest.fixture
def env_file(tmp_path):
    path = tmp_path / ".env"
    path.write_text(
        "# written by the test\n"
        "SECRET_KEY=a-long-random-key-from-the-env-file\n"
        "COMMENTS_MODERATION=none\n"
        "export COMMENTS_PER_PAGE=7\n"
    )
    return path


def test_a_management_command_reads_the_env_file(env_file):
    # No SECRET_KEY in the environment and DEBUG off: only the file can make this start.
    assert check(REVIEWSITE_ENV_FILE=str(env_file)).returncode == 0
    result = run(
        [
            "manage.py",
            "shell",
            "--verbosity=0",
            "-c",
            "from django.conf import settings; "
            "print(settings.COMMENTS_MODERATION, settings.COMMENTS_PER_PAGE)",
        ],
        REVIEWSITE_ENV_FILE=str(env_file),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["none", "7"]


def test_a_real_environment_variable_beats_the_env_file(env_file):
    shown = show(
        "settings.COMMENTS_MODERATION, settings.COMMENTS_PER_PAGE",
        REVIEWSITE_ENV_FILE=str(env_file),
        COMMENTS_MODERATION="all",
    )
    assert shown.split() == ["all", "7"]


def test_a_bad_value_in_the_env_file_fails_the_check(tmp_path):
    path = tmp_path / ".env"
    path.write_text("DEBUG=1\nCOMMENTS_MAX_LINKS=two\n")
    result = check(REVIEWSITE_ENV_FILE=str(path))
    assert result.returncode != 0
    assert "(reviewsite.E002) COMMENTS_MAX_LINKS='two'" in result.stderr


def test_the_test_settings_never_read_an_env_file(env_file):
    shown = show(
        "settings.COMMENTS_MODERATION",
        DJANGO_SETTINGS_MODULE="reviewsite.settings_test",
        REVIEWSITE_ENV_FILE=str(env_file),
    )
    assert shown == "first_time"
