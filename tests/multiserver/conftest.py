"""Two app servers, one site: two gunicorns on loopback sharing PostgreSQL, Redis and media.

The `site` fixture (one per test module) makes a PostgreSQL database of its own on the server
in DATABASE_URL (`rs_two_<random>`), migrates and seeds it with the demo content, and starts
two gunicorns with the same production settings bar the port (DEBUG off, Redis cache and page
cache, one worker each) and media in one bucket of a moto S3 server (tests/s3.py). Everything
is undone at the end, failed tests or not: the servers are stopped, the database dropped, the
Redis database emptied, the S3 server stopped.

Skipped on SQLite (two servers cannot share a file database over a network) and when Redis
does not answer. `make two-servers` runs just this folder.
"""

import contextlib
import itertools
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.s3 import create_bucket, moto_server, object_names, s3_environment

from .harness import RATE_LIMIT, RATE_WINDOW, Browser, Response, form_posting_to

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# A Redis database the rest of the suite never uses: it is emptied before and after.
REDIS_URL = os.environ.get("MULTISERVER_REDIS_URL", "redis://127.0.0.1:6379/7")
ADMIN = ("two-servers-admin", "two-servers-" + secrets.token_urlsafe(12))
START_TIMEOUT = 60
# The site's one public name, which the load balancer passes on to whichever server it picks.
PUBLIC_HOST = "127.0.0.1"

# Runs once in a subprocess with the servers' settings: the schema, the demo site, a superuser,
# and the newest open review whose film has a poster (what the tests read and comment on).
SETUP_SCRIPT = """
import io, json, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from django.core.management import call_command
from reviews.models import Review

call_command("migrate", interactive=False, verbosity=0)
call_command("seed_demo", allow_without_debug=True, verbosity=0, stdout=io.StringIO())
username, password = sys.argv[1:3]
get_user_model().objects.create_superuser(username, f"{username}@example.com", password)
reviews = Review.objects.published().select_related("film").filter(film__poster__gt="")
review = next(r for r in reviews.order_by("-published_at") if r.comments_are_open)
print(json.dumps({"review": review.get_absolute_url()}))
"""


def _postgres_url():
    url = os.environ.get("DATABASE_URL", "")
    return url if urlsplit(url).scheme in {"postgres", "postgresql", "pgsql"} else None


def _redis_answers(url) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _with_database(url, name) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class BucketMedia:
    """The media store both servers share: one bucket on a moto S3 server (tests/s3.py)."""

    def __init__(self, endpoint, bucket):
        self.endpoint, self.bucket = endpoint, bucket
        create_bucket(endpoint, bucket)
        self.env = s3_environment(endpoint, bucket)

    def has(self, url) -> bool:
        """Whether the object at this media URL (endpoint/bucket/key) is in the bucket."""
        key = urlsplit(url).path.removeprefix(f"/{self.bucket}/")
        return key in object_names(self.endpoint, self.bucket, prefix=key)


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen
    log: Path

    def stop(self):
        if self.process.poll() is None:
            # Its own session (start_new_session): the master and its worker, nothing else.
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)


@dataclass
class Site:
    a: str
    b: str
    review_path: str
    media: BucketMedia
    servers: list
    _addresses: itertools.count = field(default_factory=lambda: itertools.count(1))

    def browser(self) -> Browser:
        """A new reader, with an address of its own (documentation range, RFC 5737)."""
        return Browser(
            f"198.51.100.{next(self._addresses)}", host=PUBLIC_HOST, servers=(self.a, self.b)
        )

    def sign_in(self, browser, server):
        """Signs in to the admin on `server` as the superuser."""
        page = browser.get(server + "/admin/login/?next=/admin/")
        assert page.status == 200, page.status
        form = form_posting_to(page.text, r"/admin/login/")
        answer = browser.post(
            server + "/admin/login/?next=/admin/",
            form.filled(username=ADMIN[0], password=ADMIN[1], next="/admin/"),
        )
        assert answer.status == 302 and answer.location == "/admin/", self.explain(answer)

    def post_comment(self, browser, server, text, *, email) -> Response:
        """Loads the review on `server` and posts a comment with its form, as a reader would."""
        page = browser.get(server + self.review_path)
        assert page.status == 200, self.explain(page)
        form = form_posting_to(page.text, r"/comments/$")
        fields = form.filled(comment=text, name="Two Servers Reader", email=email)
        return browser.post(server + form.action, fields)

    def explain(self, response) -> str:
        """For a failed assertion: the answer and the end of both servers' logs."""
        logs = "\n".join(
            f"--- {server.name} ({server.url}) log:\n{server.log.read_text()[-3000:]}"
            for server in self.servers
        )
        return f"{response.status} from {response.url}\n{response.text[:2000]}\n{logs}"


def _run(args, env, timeout=240):
    result = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, f"{args[:3]} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _start(name, env, folder) -> Server:
    port = _free_port()
    log = folder / f"gunicorn-{name}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "reviewsite.wsgi",
                f"--bind=127.0.0.1:{port}",
                "--workers=1",
                "--timeout=120",  # the first page with a poster renders its renditions
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Server(name, f"http://127.0.0.1:{port}", process, log)


def _wait_until_healthy(server):
    probe = Browser("127.0.0.1")
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        with contextlib.suppress(OSError):
            answer = probe.get(server.url + "/healthz")
            if answer.status == 200:
                return
        time.sleep(0.2)
    pytest.fail(f"gunicorn {server.name} did not answer /healthz:\n{server.log.read_text()}")


@pytest.fixture(scope="module")
def site():
    import psycopg
    import redis

    server_url = _postgres_url()
    if server_url is None:
        pytest.skip("two app servers need PostgreSQL: set DATABASE_URL=postgres://…")
    if not _redis_answers(REDIS_URL):
        pytest.skip(f"two app servers need Redis at {REDIS_URL}")

    with contextlib.ExitStack() as cleanup:
        folder = Path(tempfile.mkdtemp(prefix="reviewsite-two-servers-"))
        cleanup.callback(shutil.rmtree, folder, ignore_errors=True)

        name = f"rs_two_{secrets.token_hex(4)}"
        admin_url = _with_database(server_url, "postgres")

        def drop_database():
            with psycopg.connect(admin_url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        cleanup.callback(drop_database)
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
            # A throwaway database: commits need not wait for the disk (migrate is many).
            connection.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')

        cache = redis.Redis.from_url(REDIS_URL)
        cache.flushdb()
        cleanup.callback(cache.flushdb)

        media = BucketMedia(cleanup.enter_context(moto_server()), "two-servers-media")
        env = {
            key: value
            for key, value in os.environ.items()
            if key in {"PATH", "HOME", "LANG", "TMPDIR", "VIRTUAL_ENV"}
        }
        env.update(
            DJANGO_SETTINGS_MODULE="reviewsite.settings",
            REVIEWSITE_ENV_FILE=os.devnull,  # no developer's .env
            DATABASE_URL=_with_database(server_url, name),
            REDIS_URL=REDIS_URL,
            SECRET_KEY="two-servers-" + secrets.token_urlsafe(40),
            ALLOWED_HOSTS=PUBLIC_HOST,
            SECURE_COOKIES="0",  # plain HTTP on loopback
            SECURE_SSL_REDIRECT="0",
            STATIC_NO_MANIFEST="1",  # no collectstatic
            # One proxy hop, the load balancer the test plays: each reader has its own address.
            TRUSTED_PROXY_COUNT="1",
            COMMENTS_MIN_SECONDS="0",
            COMMENTS_RATE_LIMIT=str(RATE_LIMIT),
            COMMENTS_RATE_WINDOW=str(RATE_WINDOW),
            # Mail inside the request, kept in memory: no worker and no SMTP server needed.
            TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            LOG_LEVEL="WARNING",
        )
        # The servers boot (Django's start-up) while the database is made ready.
        servers = []
        for server in ("a", "b"):
            started = _start(server, {**env, **media.env}, folder)
            cleanup.callback(started.stop)
            servers.append(started)
        setup = _run(
            [sys.executable, "-c", SETUP_SCRIPT, *ADMIN], {**env, **media.env}, timeout=300
        )
        review_path = json.loads(setup.strip().splitlines()[-1])["review"]
        for server in servers:
            _wait_until_healthy(server)

        yield Site(
            a=servers[0].url,
            b=servers[1].url,
            review_path=review_path,
            media=media,
            servers=servers,
        )
