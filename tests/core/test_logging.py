"""Logs an operator can use (issue 12): every line with its time, level, logger and request id,
as text or JSON; X-Request-ID; a refused Host in one line; server errors mailed to ADMINS and
the 500 page saying so only when it is true."""

import io
import json
import logging
import os
import re
import subprocess
import sys
from http import HTTPStatus

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import path

import reviewsite.urls
from core.logging import JsonFormatter

pytestmark = pytest.mark.django_db

TIMESTAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d"
GENERATED_ID = re.compile(r"[0-9a-f]{32}")
MISSING_PAGE = "/no-such-page-anywhere/"


def explode(request):
    raise RuntimeError("the projector jammed on reel 3")


# This module is also the URLconf of the 500 tests: the site's URLs, its 500 handler, and a
# page that fails.
urlpatterns = [path("explode/", explode), *reviewsite.urls.urlpatterns]
handler500 = reviewsite.urls.handler500


@pytest.fixture
def console():
    """What the site's own log handler (the root's "console") writes, as a list of lines."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield lambda: stream.getvalue().splitlines()
    finally:
        handler.setStream(previous)


@pytest.fixture
def json_console(console):
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    previous = handler.formatter
    handler.setFormatter(JsonFormatter())
    try:
        yield lambda: [json.loads(line) for line in console()]
    finally:
        handler.setFormatter(previous)


def run_python(code, **env):
    """Python with reviewsite.settings in a clean environment plus `env`, as an operator runs it."""
    clean = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    clean.update(
        DJANGO_SETTINGS_MODULE="reviewsite.settings",
        REVIEWSITE_ENV_FILE=os.devnull,
        STATIC_NO_MANIFEST="1",
        DEBUG="1",  # no SECRET_KEY needed
    )
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- the lines ---------------------------------------------------------------------------------


def test_a_log_line_carries_time_level_logger_and_the_request_id(client, console):
    response = client.get(MISSING_PAGE)

    assert response.status_code == HTTPStatus.NOT_FOUND
    request_id = response["X-Request-ID"]
    assert GENERATED_ID.fullmatch(request_id)
    line = rf"{TIMESTAMP} WARNING django\.request \[{request_id}\] Not Found: {MISSING_PAGE}"
    assert [text for text in console() if re.fullmatch(line, text)], console()


def test_lines_outside_a_request_say_so(console):
    logging.getLogger("reviews").warning("a command said something")
    assert re.fullmatch(
        rf"{TIMESTAMP} WARNING reviews \[-\] a command said something", console()[-1]
    )


def test_json_lines_parse_and_carry_the_same_fields(client, json_console):
    response = client.get(MISSING_PAGE)

    entries = [e for e in json_console() if e["logger"] == "django.request"]
    assert len(entries) == 1
    entry = entries[0]
    assert re.fullmatch(TIMESTAMP, entry["time"])
    assert entry["level"] == "WARNING"
    assert entry["request_id"] == response["X-Request-ID"]
    assert entry["message"] == f"Not Found: {MISSING_PAGE}"
    assert entry["status_code"] == HTTPStatus.NOT_FOUND


def test_a_traceback_stays_inside_its_json_line(json_console):
    try:
        raise ValueError("bad reel")
    except ValueError:
        logging.getLogger("films").exception("could not read the reel")

    (entry,) = json_console()
    assert entry["message"] == "could not read the reel"
    assert "ValueError: bad reel" in entry["exception"]


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_in_development_each_line_is_printed_once(log_format):
    # `make run` (DEBUG=1): Django's own console handler and the root's used to print each
    # line of Django's loggers twice, runserver's request lines included.
    code = (
        "import logging; "
        "logging.getLogger('django.request').warning('Not Found: /x'); "
        "logging.getLogger('django.server').info('\"GET /x HTTP/1.1\" 404 1234')"
    )
    result = run_python(code, DEBUG="1", LOG_FORMAT=log_format)

    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 2, result.stderr
    if log_format == "json":
        entries = [json.loads(line) for line in lines]
        assert [(e["level"], e["logger"], e["request_id"]) for e in entries] == [
            ("WARNING", "django.request", "-"),
            ("INFO", "django.server", "-"),
        ]
    else:
        assert re.fullmatch(rf"{TIMESTAMP} WARNING django\.request \[-\] Not Found: /x", lines[0])
        assert re.fullmatch(rf"{TIMESTAMP} INFO django\.server \[-\] .*404 1234", lines[1])


def test_log_level_from_the_environment():
    code = (
        "import logging; logging.getLogger('reviews').info('hidden'); "
        "logging.getLogger('reviews').warning('shown')"
    )
    result = run_python(code, DEBUG="1", LOG_LEVEL="warning")
    assert "shown" in result.stderr
    assert "hidden" not in result.stderr


# --- X-Request-ID --------------------------------------------------------------------------------


def test_the_trusted_proxys_request_id_is_used_and_echoed(client, settings, console):
    settings.TRUSTED_PROXY_COUNT = 1

    response = client.get(MISSING_PAGE, HTTP_X_REQUEST_ID="9f1c2e3d4b5a69788796a5b4c3d2e1f0")

    assert response["X-Request-ID"] == "9f1c2e3d4b5a69788796a5b4c3d2e1f0"
    assert any("[9f1c2e3d4b5a69788796a5b4c3d2e1f0] Not Found" in line for line in console())


def test_without_a_trusted_proxy_a_clients_request_id_is_ignored(client, settings, console):
    settings.TRUSTED_PROXY_COUNT = 0

    response = client.get(MISSING_PAGE, HTTP_X_REQUEST_ID="forged-by-the-client")

    assert GENERATED_ID.fullmatch(response["X-Request-ID"])
    assert not any("forged-by-the-client" in line for line in console())


@pytest.mark.parametrize("offered", ["x" * 129, "two words", "id\r\nINFO fake line", "<script>"])
def test_a_request_id_that_is_no_id_is_replaced_even_from_the_proxy(client, settings, offered):
    settings.TRUSTED_PROXY_COUNT = 1

    response = client.get("/healthz", HTTP_X_REQUEST_ID=offered)

    assert GENERATED_ID.fullmatch(response["X-Request-ID"])


def test_every_request_gets_its_own_id(client):
    ids = {client.get("/healthz")["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3


# --- Host headers --------------------------------------------------------------------------------


def test_a_host_not_allowed_is_one_warning_line_and_a_400(client, console):
    response = client.get("/", HTTP_HOST="203.0.113.9")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    lines = console()
    assert len(lines) == 1, lines
    assert re.fullmatch(
        rf"{TIMESTAMP} WARNING django\.security\.DisallowedHost \[[0-9a-f]{{32}}\] "
        r"Invalid HTTP_HOST header: '203\.0\.113\.9'\..*",
        lines[0],
    )
    assert "Traceback" not in "\n".join(lines)


@pytest.mark.parametrize("probe", ["/healthz", "/readyz"])
def test_a_load_balancer_probing_by_ip_address_gets_its_answer(client, settings, console, probe):
    settings.SECURE_SSL_REDIRECT = True  # plain HTTP too, as load balancers probe

    response = client.get(probe, HTTP_HOST="10.0.0.7")

    assert response.status_code == HTTPStatus.OK
    assert response.json()["status"] == "ok"
    assert response["X-Request-ID"]
    assert not any("DisallowedHost" in line for line in console())


# --- server errors ------------------------------------------------------------------------------


@pytest.fixture
def failing_page():
    return Client(raise_request_exception=False)


ADMINS_TOLD = b"the people who run this site have been told"


@pytest.mark.urls(__name__)
def test_a_server_error_is_mailed_to_the_admins(failing_page, settings):
    settings.ADMINS = [("Ops", "ops@example.org")]

    response = failing_page.get("/explode/")

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ops@example.org"]
    assert "Internal Server Error: /explode/" in message.subject
    assert "RuntimeError" in message.body
    assert "the projector jammed on reel 3" in message.body
    assert f"[{response['X-Request-ID']}]" in message.body  # leads to the server's log lines
    assert ADMINS_TOLD in response.content


@pytest.mark.urls(__name__)
def test_without_admins_no_mail_is_sent_and_the_page_promises_nothing(failing_page, settings):
    settings.ADMINS = []
    settings.SENTRY_DSN = ""

    response = failing_page.get("/explode/")

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert mail.outbox == []
    assert b"Something went wrong on our side" in response.content
    assert b"told" not in response.content


@pytest.mark.urls(__name__)
def test_with_sentry_alone_the_page_says_the_people_have_been_told(failing_page, settings):
    settings.ADMINS = []
    settings.SENTRY_DSN = "https://public@sentry.example.invalid/1"

    response = failing_page.get("/explode/")

    assert ADMINS_TOLD in response.content
    assert mail.outbox == []


@pytest.mark.urls(__name__)
def test_the_500_page_itself_never_fails(failing_page, settings, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("template folder gone")

    monkeypatch.setattr("django.template.loader.render_to_string", broken)

    response = failing_page.get("/explode/")

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert b"Server Error (500)" in response.content


def test_a_deliberate_503_mails_nobody(client, settings, monkeypatch):
    # /readyz answers 503 every few seconds while the database is down: not a mail each time.
    settings.ADMINS = [("Ops", "ops@example.org")]

    def down():
        raise OSError("connection refused")

    monkeypatch.setattr("core.health.database_answers", down)

    assert client.get("/readyz").status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert mail.outbox == []


# --- ADMINS and SENTRY_DSN from the environment --------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "Ann Example <ann@example.org>, ops@example.org",
            [("Ann Example", "ann@example.org"), ("ops@example.org", "ops@example.org")],
        ),
        ('"Doe, Jane" <jane@example.org>', [("Doe, Jane", "jane@example.org")]),
        ("", []),
    ],
)
def test_admins_are_read_from_the_environment(value, expected):
    result = run_python("from django.conf import settings; print(settings.ADMINS)", ADMINS=value)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(expected)


def test_an_admin_entry_that_is_no_address_fails_the_check():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "reviewsite.settings",
            "REVIEWSITE_ENV_FILE": os.devnull,
            "DEBUG": "1",
            "ADMINS": "ops@example.org, nobody",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "(reviewsite.E010) ADMINS='ops@example.org, nobody'" in result.stderr
    assert "Traceback" not in result.stderr


def test_sentry_is_set_up_only_with_a_dsn_and_sends_no_personal_data():
    code = (
        "import sentry_sdk; client = sentry_sdk.get_client(); "
        "print(client.is_active(), client.options['send_default_pii'] if client.is_active() "
        "else None)"
    )
    without = run_python(code, DEBUG="1")
    with_dsn = run_python(code, DEBUG="1", SENTRY_DSN="https://public@127.0.0.1:9/1")

    assert without.stdout.split() == ["False", "None"], without.stderr
    assert with_dsn.stdout.split() == ["True", "False"], with_dsn.stderr
