"""Production as README "Production" describes it: `check --deploy` is clean with its variables,
mail goes through the database worker by default, and the site warns when it would not."""

import os
import re
import secrets
import subprocess
import sys
import textwrap

import pytest
from django.conf import settings

PRINT = "import django; django.setup(); from django.conf import settings; print({})"
IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"
DATABASE = "django_tasks_db.DatabaseBackend"


def run(args, env_file=os.devnull, **env):
    """Runs Python as an operator would: reviewsite.settings, `env_file` as .env, plus `env`."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if key in {"PATH", "HOME", "LANG", "SYSTEMROOT", "TMPDIR", "VIRTUAL_ENV"}
    }
    clean.update(DJANGO_SETTINGS_MODULE="reviewsite.settings", REVIEWSITE_ENV_FILE=str(env_file))
    clean.update(env)
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


def readme_production_env() -> str:
    """The .env example of README "Production", with a real random key for its placeholder."""
    readme = (settings.BASE_DIR / "README.md").read_text()
    production = readme.split("\n## Production\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```dotenv\n(.*?)```", production, re.S)
    assert block, 'README "Production" shows the production .env'
    key = secrets.token_urlsafe(50)
    lines = textwrap.dedent(block.group(1))  # indented in the README's numbered list
    return re.sub(r"^SECRET_KEY=.*$", f"SECRET_KEY={key}", lines, flags=re.M)


@pytest.fixture
def production_env_file(tmp_path):
    path = tmp_path / ".env"
    path.write_text(readme_production_env())
    return path


def test_check_deploy_is_clean_with_the_readmes_production_variables(production_env_file):
    result = run(["manage.py", "check", "--deploy"], env_file=production_env_file)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert result.stderr == ""


def test_the_readmes_production_variables_turn_on_every_https_setting(production_env_file):
    shown = show(
        "settings.DEBUG, settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS, "
        "settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_HSTS_PRELOAD, "
        "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
        "settings.SECURE_REDIRECT_EXEMPT, settings.TASKS['default']['BACKEND']",
        env_file=production_env_file,
    )
    assert shown == f"False True 31536000 True True True True ['^healthz$', '^readyz$'] {DATABASE}"


def test_hsts_sub_domains_and_preload_are_off_unless_asked():
    shown = show("settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_HSTS_PRELOAD", DEBUG="1")
    assert shown == "False False"


def test_without_them_check_deploy_names_what_is_missing():
    key = secrets.token_urlsafe(50)
    result = run(["manage.py", "check", "--deploy"], SECRET_KEY=key)
    assert "(security.W004)" in result.stderr  # no HSTS
    assert "(security.W008)" in result.stderr  # no redirect to HTTPS

    result = run(["manage.py", "check", "--deploy"], SECRET_KEY=key, SECURE_HSTS_SECONDS="60")
    assert "(security.W005)" in result.stderr  # HSTS without sub-domains
    assert "(security.W021)" in result.stderr  # … nor preload


DEFAULTS = (
    "settings.TASKS['default']['BACKEND'], settings.COMMENTS_FETCH_RECENT_POSTS, "
    "settings.EMAIL_TIMEOUT, settings.TASKS_MAX_ATTEMPTS, settings.TASKS_RETRY_DELAY"
)


def test_production_defaults_send_mail_from_the_database_worker_with_a_timeout():
    shown = show(DEFAULTS, SECRET_KEY="k", TASKS_BACKEND="")  # empty is the default too
    assert shown.split() == [DATABASE, "True", "10", "5", "60"]


def test_development_sends_mail_at_once_and_fetches_no_recent_posts():
    assert show(DEFAULTS, DEBUG="1", EMAIL_TIMEOUT="3").split() == [
        IMMEDIATE,
        "False",
        "3",
        "5",
        "60",
    ]


def test_the_tests_send_mail_at_once():
    assert settings.TASKS["default"]["BACKEND"] == IMMEDIATE


def test_an_email_timeout_of_zero_is_refused():
    result = run(["manage.py", "check"], DEBUG="1", EMAIL_TIMEOUT="0")
    assert "(reviewsite.E002) EMAIL_TIMEOUT='0'" in result.stderr


def test_check_warns_when_production_would_send_mail_inside_requests():
    result = run(["manage.py", "check"], SECRET_KEY="k", TASKS_BACKEND=IMMEDIATE)

    assert result.returncode == 0  # a warning: the site still starts
    assert "(reviewsite.W001) Mail is sent over SMTP inside the request" in result.stderr
    assert "django_tasks_db.DatabaseBackend" in result.stderr  # the hint says what to do


@pytest.mark.parametrize(
    "env",
    [
        {"SECRET_KEY": "k"},  # the database worker (the default)
        {
            "SECRET_KEY": "k",
            "TASKS_BACKEND": IMMEDIATE,
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        },
    ],
    ids=["worker", "no-smtp"],
)
def test_no_warning_when_no_request_waits_for_a_mail_server(env):
    result = run(["manage.py", "check"], **env)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
