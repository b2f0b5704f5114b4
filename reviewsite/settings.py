"""
Settings for reviewsite, read from the environment.

Defaults are the safe production ones; `make run` exports development values
(DEBUG=1 and a throwaway SECRET_KEY). See README.md, "Configuration".
https://docs.djangoproject.com/en/5.2/ref/settings/
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import environ
from django.core.exceptions import ImproperlyConfigured

from core.storage_config import RENDITION_DIR, media_settings

BASE_DIR = Path(__file__).resolve().parent.parent


class StrictEnv(environ.Env):
    """django-environ's reader, strict about what it accepts.

    A value it cannot read is neither guessed nor raised here (gunicorn or cron would show a
    traceback): the default is used and the problem is kept in `problems`, which core/checks.py
    reports, so `manage.py check`, runserver and migrate refuse to go on. Values are taken
    literally: django-environ's "$OTHER_VARIABLE" proxying would rewrite a password or key that
    happens to start with "$".
    """

    BOOLEAN_TRUE_STRINGS = ("1", "true", "yes", "on")
    BOOLEAN_FALSE_STRINGS = ("0", "false", "no", "off")

    def __init__(self):
        super().__init__()
        self.problems = []  # (check id, variable, raw value, accepted values, value used instead)

    def str(self, var, default=""):
        return self.ENVIRON.get(var, default)

    def bool(self, var, default=False):
        value = self.ENVIRON.get(var)
        # Empty is "not set" (a deploy template's blank line must not turn SECURE_COOKIES off).
        if value is None or not value.strip():
            return default
        word = value.strip().lower()
        if word in self.BOOLEAN_TRUE_STRINGS + self.BOOLEAN_FALSE_STRINGS:
            return self.parse_value(word, bool)
        accepted = "1, true, yes or on for on; 0, false, no or off for off"
        self.problems.append(("reviewsite.E001", var, value, accepted, default))
        return default

    def int(self, var, default, minimum=0):
        value = self.ENVIRON.get(var, "").strip()
        if not value:
            return default
        try:
            number = self.parse_value(value, int)
        except ValueError:
            number = None
        if number is None or number < minimum:
            accepted = f"a whole number of at least {minimum}"
            self.problems.append(("reviewsite.E002", var, value, accepted, default))
            return default
        return number

    def list(self, var, default=""):
        """Comma-separated; blanks around items and empty items are dropped."""
        items = self.parse_value(self.str(var, default), list)
        return [item.strip() for item in items if item.strip()]

    def choice(self, var, default, choices, fallback):
        """One of `choices` (any case); anything else is reported and `fallback` used."""
        value = self.str(var, default)
        if value.strip().lower() in choices:
            return value.strip().lower()
        accepted = ", ".join(choices[:-1]) + " or " + choices[-1]
        self.problems.append(("reviewsite.E003", var, value, accepted, fallback))
        return fallback

    def addresses(self, var):
        """Comma-separated mail addresses, each "Name <a@b.example>" or a plain "a@b.example",
        as Django's ADMINS: (name, address) pairs. An entry that is no address is reported
        (reviewsite.E010) and left out; the others are used."""
        import re
        from email.utils import getaddresses

        value = self.str(var, "")
        pairs, refused = [], []
        for name, address in getaddresses([value]):
            if re.fullmatch(r"[^@\s<>,]+@[^@\s<>,]+\.[^@\s<>,]+", address):
                pairs.append((name or address, address))
            elif name or address:
                refused.append(name or address)
        if refused or (value.strip() and not pairs):
            accepted = "comma-separated addresses, each Name <a@b.example> or a@b.example"
            self.problems.append(("reviewsite.E010", var, value, accepted, pairs))
        return pairs


# KEY=value lines in .env next to manage.py, read when present (manage.py, cron, wsgi and asgi
# alike); real environment variables win. The test settings point REVIEWSITE_ENV_FILE at an
# empty file so that a developer's .env never changes a test run.
StrictEnv.read_env(os.environ.get("REVIEWSITE_ENV_FILE") or BASE_DIR / ".env")
env = StrictEnv()
# Values refused above, reported by the system checks in core/checks.py.
ENV_PROBLEMS = env.problems

DEBUG = env.bool("DEBUG", False)

SECRET_KEY = env.str("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"
    else:
        # No production fallback: a guessable key would let anyone forge sessions.
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "string (python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=1 for local development."
        )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS")

# Absolute base URL used in emails, feeds and canonical links when no request is at hand.
SITE_URL = env.str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env.str("SITE_NAME", "Reel Notes")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # whitenoise serves static files in development too, exactly as in production.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "imagekit",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "core",
    "films",
    "reviews",
    "comments",
    "wordpress",
    "demo",
]

MIDDLEWARE = [
    # Outermost: the X-Request-ID of every response, and the request id of every log line
    # (core/logging.py), 400s and 500s included.
    "core.middleware.RequestIdMiddleware",
    # Compresses every other response; its random gzip file name defeats BREACH-style
    # guessing. Pages from the page cache arrive compressed already.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # /healthz and /readyz for any Host (a load balancer probes by IP address), above the
    # middleware that checks ALLOWED_HOSTS (CommonMiddleware); see SECURE_REDIRECT_EXEMPT.
    "core.middleware.HealthCheckMiddleware",
    # 400 for a path or query with a control character or invalid UTF-8, before anything
    # below can look it up (core/middleware.py).
    "core.middleware.InputBoundaryMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Which database each request reads: a read replica for anonymous readers' public pages,
    # else the primary; pins a reader to the primary for a moment after a POST (core/routers.py).
    "core.middleware.ReplicaRoutingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Picks the reader's language from Accept-Language among LANGUAGES (English only today).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # 301s old WordPress permalinks of imported reviews; acts on 404s (and "/?p=<id>") only.
    "wordpress.middleware.LegacyRedirectMiddleware",
    # Last: turns a sign-in refused by django-axes into its lock-out page (AXES_* below).
    "axes.middleware.AxesMiddleware",
    # Innermost: serves public pages to anonymous readers from the cache, in process_view, so
    # every middleware above still sets its headers and cookies (core/pagecache.py).
    "core.pagecache.PageCacheMiddleware",
]

ROOT_URLCONF = "reviewsite.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "reviewsite.context_processors.site",
                # {% csrf_token %} as a placeholder in pages rendered for the page cache.
                "core.pagecache.context_processor",
            ],
        },
    },
]

WSGI_APPLICATION = "reviewsite.wsgi.application"

# https://github.com/jazzband/dj-database-url — postgres://user:pass@host:5432/name switches engine.
DATABASES = {
    "default": dj_database_url.parse(
        env.str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env.int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# Read replicas (core/routers.py; README "Production"): DATABASE_REPLICA_URLS, comma-separated
# URLs like DATABASE_URL, become replica1, replica2, …, from which anonymous readers' public
# pages are read; everything else reads the primary (`default`).
DATABASE_REPLICAS = []
for _number, _url in enumerate(env.list("DATABASE_REPLICA_URLS"), start=1):
    _replica = dj_database_url.parse(
        _url, conn_max_age=env.int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    if _replica["ENGINE"] == "django.db.backends.postgresql":
        # A replica that is down must cost a request a moment, not the OS's minutes-long wait.
        _replica.setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", env.int("DATABASE_REPLICA_CONNECT_TIMEOUT", 2, minimum=1)
        )
    # A test run reads the primary's test database through it and creates nothing for it.
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{_number}"] = _replica
    DATABASE_REPLICAS.append(f"replica{_number}")
DATABASE_ROUTERS = ["core.routers.ReplicaRouter"]
# After a POST, the reader's requests read the primary for this long (a cookie): their own
# write shows even while replicas lag.
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", 10)
# A replica that failed is not tried again by the same process for this long.
REPLICA_RETRY_SECONDS = env.int("REPLICA_RETRY_SECONDS", 30, minimum=1)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "reviewsite",
            # Every comment POST touches the cache (rate limits): an unreachable Redis must
            # fail fast, not hold the request (redis-py waits forever by default).
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    # Rendered pages for anonymous readers (core/pagecache.py), shared by every app server.
    CACHES["pages"] = {**CACHES["default"], "KEY_PREFIX": "reviewsite-pages"}
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # Per process: a bounded number of pages (a busy review's is a few hundred KB).
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
            "OPTIONS": {"MAX_ENTRIES": env.int("PAGE_CACHE_ENTRIES", 200, minimum=1)},
        },
    }
# The page cache for anonymous readers (core/pagecache.py; README "Performance"): on unless
# PAGE_CACHE=0; an entry lives at most PAGE_CACHE_SECONDS (changes replace it at once anyway);
# a shared cache in front (nginx, a CDN) may keep a cookieless page PAGE_CACHE_SHARED_SECONDS.
PAGE_CACHE = env.bool("PAGE_CACHE", True)
PAGE_CACHE_ALIAS = "pages"
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", 3600, minimum=1)
PAGE_CACHE_SHARED_SECONDS = env.int("PAGE_CACHE_SHARED_SECONDS", 30, minimum=0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# Sign-in throttling (django-axes). AXES_FAILURE_LIMIT failed sign-ins for one username from one
# address, or from one address whatever the usernames, pause signing in there (429, the page
# templates/axes/lockout.html) until AXES_COOLOFF_MINUTES have passed since the last attempt.
# Per address, never per username alone: a stranger could otherwise lock the staff out. Unlock
# in the admin (Axes › Access attempts: delete the row) or with `manage.py axes_reset`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a paused sign-in before any check
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
# The client's address by the comments' rule: TRUSTED_PROXY_COUNT hops of X-Forwarded-For.
AXES_CLIENT_IP_CALLABLE = "comments.spam.client_ip"
# Failed attempts are kept until their cool-off ends; successful sign-ins are not logged, so
# the site keeps no lasting record of staff addresses.
AXES_DISABLE_ACCESS_LOG = True

LANGUAGE_CODE = "en-gb"
# Every user-facing string is marked for translation; the site ships in British English only.
LANGUAGES = [("en-gb", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads and their renditions: on this server's disk under MEDIA_ROOT (MEDIA_STORAGE=local, one
# server), or in an S3-compatible bucket every app server shares (MEDIA_STORAGE=s3; README
# "Media in object storage"). MEDIA_URL and the CSP's img-src follow the bucket's public host.
MEDIA_STORAGE = env.choice("MEDIA_STORAGE", "local", ("local", "s3"), "local")
if MEDIA_STORAGE == "s3" and not env.str("AWS_STORAGE_BUCKET_NAME"):
    raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME (the bucket).")
MEDIA_STORAGE_DEFAULT, MEDIA_URL, MEDIA_IMG_SRC = media_settings(
    MEDIA_STORAGE,
    bucket=env.str("AWS_STORAGE_BUCKET_NAME"),
    endpoint_url=env.str("AWS_S3_ENDPOINT_URL"),
    region=env.str("AWS_S3_REGION_NAME"),
    access_key_id=env.str("AWS_ACCESS_KEY_ID"),
    secret_access_key=env.str("AWS_SECRET_ACCESS_KEY"),
    custom_domain=env.str("AWS_S3_CUSTOM_DOMAIN"),
    # Off: media is public, and signed URLs would change on every render (no browser caching)
    # and expire inside cached pages.
    querystring_auth=env.bool("AWS_QUERYSTRING_AUTH", False),
)
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", BASE_DIR / "media"))
# Serve uploads from Django itself (fine for a single server; put a web server or object
# storage in front for scale, see README "Production"). Never from a bucket.
SERVE_MEDIA = env.bool("SERVE_MEDIA", MEDIA_STORAGE == "local")

STORAGES = {
    "default": MEDIA_STORAGE_DEFAULT,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env.bool("STATIC_NO_MANIFEST", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploads: largest accepted poster/image file and pixel count (decompression-bomb guard).
IMAGE_UPLOAD_MAX_BYTES = env.int("IMAGE_UPLOAD_MAX_BYTES", 8 * 1024 * 1024, minimum=1)
IMAGE_UPLOAD_MAX_PIXELS = env.int("IMAGE_UPLOAD_MAX_PIXELS", 40_000_000, minimum=1)
IMAGE_UPLOAD_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Renditions are generated into the media storage (under CACHE/images/) when first asked for.
# Their "exists" state is shared in the cache once the file is stored, and trusted for a day:
# a rendition deleted from the bucket is regenerated after that (core/storage.py).
IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY = "imagekit.cachefiles.strategies.JustInTime"
IMAGEKIT_DEFAULT_CACHEFILE_BACKEND = "core.storage.RenditionCacheFileBackend"
IMAGEKIT_CACHEFILE_DIR = RENDITION_DIR
IMAGEKIT_CACHE_TIMEOUT = 24 * 60 * 60

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: console in development; SMTP from EMAIL_URL-like variables in production.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", False)
# Seconds for each SMTP operation: a server that accepts and never answers must not hold a
# worker (or, with the immediate backend, a reader's request) for ever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "Reel Notes <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work (notification mail, recent posts). With DEBUG off, rows in the database that
# `manage.py db_worker` runs, so no request waits for a mail server; immediate (inside the
# request) in development and tests. core/checks.py warns about immediate + SMTP in production.
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND")
        or (
            "django_tasks.backends.immediate.ImmediateBackend"
            if DEBUG
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}
# A task that fails on the network (mail server down or silent) runs again later, at most this
# many times in all, waiting TASKS_RETRY_DELAY seconds, then five times longer each time
# (1, 5, 25, 125 minutes by default); see core/tasks.py.
TASKS_MAX_ATTEMPTS = env.int("TASKS_MAX_ATTEMPTS", 5, minimum=1)
TASKS_RETRY_DELAY = env.int("TASKS_RETRY_DELAY", 60, minimum=1)

# Search: searches per client IP (SEARCH_RATE_LIMIT) per SEARCH_RATE_WINDOW seconds, answered 429
# beyond; on PostgreSQL each search's queries are cancelled after SEARCH_TIMEOUT_MS.
SEARCH_RATE_LIMIT = env.int("SEARCH_RATE_LIMIT", 30, minimum=1)
SEARCH_RATE_WINDOW = env.int("SEARCH_RATE_WINDOW", 60, minimum=1)
SEARCH_TIMEOUT_MS = env.int("SEARCH_TIMEOUT_MS", 2000, minimum=1)

# Comments (see SPEC.md, "Moderation").
COMMENTS_MAX_DEPTH = env.int("COMMENTS_MAX_DEPTH", 5, minimum=1)
COMMENTS_PER_PAGE = env.int("COMMENTS_PER_PAGE", 50)  # top-level threads per page (?cpage=N)
# An unknown policy is reported by `manage.py check` and holds every comment meanwhile.
COMMENTS_MODERATION = env.choice(
    "COMMENTS_MODERATION", "first_time", ("all", "first_time", "none"), fallback="all"
)
COMMENTS_MAX_LINKS = env.int("COMMENTS_MAX_LINKS", 2)
COMMENTS_CLOSE_AFTER_DAYS = env.int("COMMENTS_CLOSE_AFTER_DAYS", 0)  # 0 = never
COMMENTS_IP_RETENTION_DAYS = env.int("COMMENTS_IP_RETENTION_DAYS", 30)
COMMENTS_MIN_SECONDS = env.int("COMMENTS_MIN_SECONDS", 3)
COMMENTS_MAX_FORM_AGE = env.int("COMMENTS_MAX_FORM_AGE", 24 * 3600)
COMMENTS_RATE_LIMIT = env.int("COMMENTS_RATE_LIMIT", 5)  # posts per IP …
COMMENTS_RATE_WINDOW = env.int("COMMENTS_RATE_WINDOW", 60)  # … per this many seconds
COMMENTS_MAX_LENGTH = env.int("COMMENTS_MAX_LENGTH", 5000, minimum=1)
# Minutes during which a reader may edit or delete their own comment from the same browser.
COMMENTS_EDIT_WINDOW_MINUTES = env.int("COMMENTS_EDIT_WINDOW_MINUTES", 10)
# Reports (from different networks: an IPv4 address or IPv6 /64 counts once) that send an
# approved comment back to the queue.
COMMENTS_REPORTS_TO_HOLD = env.int("COMMENTS_REPORTS_TO_HOLD", 3)
# Reports one network may send (COMMENTS_REPORT_RATE_LIMIT) per COMMENTS_REPORT_RATE_WINDOW s.
COMMENTS_REPORT_RATE_LIMIT = env.int("COMMENTS_REPORT_RATE_LIMIT", 10, minimum=1)
COMMENTS_REPORT_RATE_WINDOW = env.int("COMMENTS_REPORT_RATE_WINDOW", 3600, minimum=1)
# The audience score (readers' ratings, one per reader) is shown on film and review pages once
# this many readers rated the film: one or two ratings make no average worth showing.
AUDIENCE_SCORE_MIN_COUNT = env.int("AUDIENCE_SCORE_MIN_COUNT", 3, minimum=1)
# "<name> recently posted: <title>" under approved comments with a website: the server reads
# the commenter's blog feed in a background task (comments/recent_posts.py), once a day per site.
# On by default only with a background worker: with the immediate backend the fetch (up to a few
# seconds per site) would run inside the request that approves the comment.
COMMENTS_FETCH_RECENT_POSTS = env.bool(
    "COMMENTS_FETCH_RECENT_POSTS",
    not TASKS["default"]["BACKEND"].endswith("ImmediateBackend"),
)
# Number of proxies in front of the app whose X-Forwarded-For we trust (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", 0)

# Security headers. HTTPS-only settings are on unless DEBUG; turn SECURE_SSL_REDIRECT off
# behind a proxy that already redirects.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", False)
# A load balancer probes over plain HTTP: a 301 would read as "down". (With these exempt,
# SecurityMiddleware never reads the Host of a probe, which HealthCheckMiddleware relies on.)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 0)
# Off by default: both bind every sub-domain (and, once preloaded, browsers) to HTTPS for good.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", False)
# Behind a proxy that sets X-Forwarded-Proto; never without one (clients could claim HTTPS).
if env.bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Readers whose session or CSRF token expired keep their comment (see comments.views.posting).
CSRF_FAILURE_VIEW = "comments.views.posting.csrf_failure"

# Content Security Policy (django-csp 4): everything from our own origin, nothing inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Media from the bucket's (or its CDN's) address when in object storage, only that.
        "img-src": ["'self'", "data:", *([MEDIA_IMG_SRC] if MEDIA_IMG_SRC else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Logs and errors (core/logging.py). Every line to standard error carries its time, level,
# logger and request id (X-Request-ID, core.middleware.RequestIdMiddleware): text, or one JSON
# object per line with LOG_FORMAT=json.
LOG_LEVEL = env.choice(
    "LOG_LEVEL", "info", ("debug", "info", "warning", "error", "critical"), fallback="info"
).upper()
LOG_FORMAT = env.choice("LOG_FORMAT", "text", ("text", "json"), fallback="text")
# Mailed (from SERVER_EMAIL) the traceback of every server error, unless DEBUG:
# ADMINS="Ann Example <ann@example.org>, ops@example.org".
ADMINS = env.addresses("ADMINS")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "core.logging.RequestIdFilter"},
        "one_line": {"()": "core.logging.OneLineFilter"},
        "exceptions_only": {"()": "core.logging.ExceptionsOnlyFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "text": {"()": "core.logging.TextFormatter"},
        "json": {"()": "core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        },
        # Sends nothing while ADMINS is empty (Django's mail_admins).
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "exceptions_only", "request_id"],
            "formatter": "text",
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's default configuration, applied before this one, gives "django" (under DEBUG)
        # and "django.server" handlers of their own, so each line printed twice in development
        # (theirs, then the root's): emptied here, every line goes once through the root.
        "django": {"handlers": [], "level": "NOTSET", "propagate": True},
        "django.server": {"handlers": [], "level": "NOTSET", "propagate": True},
        # A page that failed with an exception: its traceback to ADMINS.
        "django.request": {"handlers": ["mail_admins"], "level": "NOTSET", "propagate": True},
        # A Host not in ALLOWED_HOSTS: one warning line naming it, no traceback.
        "django.security.DisallowedHost": {"filters": ["one_line"]},
        "django.security.csrf": {"level": "ERROR"},
        # Failed sign-ins and lock-outs (warnings), not django-axes' banner on every command.
        "axes": {"level": "WARNING"},
    },
}

# Optional error reporting to Sentry (or a Sentry-compatible service): on only when SENTRY_DSN
# is set. send_default_pii=False: no reader's address, cookies or signed-in user leave the site.
# sentry-sdk itself reads SENTRY_ENVIRONMENT and SENTRY_RELEASE when set.
SENTRY_DSN = env.str("SENTRY_DSN", "").strip()
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    try:
        sentry_sdk.init(dsn=SENTRY_DSN, integrations=[DjangoIntegration()], send_default_pii=False)
    except Exception:  # a malformed DSN: reported by `manage.py check`, not a traceback here
        accepted = "the DSN Sentry shows for the project, https://<key>@<host>/<project id>"
        env.problems.append(("reviewsite.E011", "SENTRY_DSN", SENTRY_DSN, accepted, "no Sentry"))
        SENTRY_DSN = ""

# /readyz reports the worker "late" when a background task has been due for longer than this.
READYZ_TASK_WAIT_MINUTES = env.int("READYZ_TASK_WAIT_MINUTES", 5, minimum=1)
