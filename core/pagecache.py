"""The page cache: anonymous readers get stored pages, rendered once per version of the content.

How it works (README "Performance" says the same for operators):

- Which pages. A view opts in with `public_page(view, params=(...))`, naming the query
  parameters that change what it shows (anything else, bar utm_* and click ids, makes the request
  bypass the cache: an unknown parameter might matter to the view). Only GET and HEAD from a
  browser that sends no cookie other than the CSRF cookie are served from the cache: a session
  (signed-in staff, a reader's own held comments), a remembered name or any other cookie means a
  page of that visitor's own, rendered as before and sent `Cache-Control: private`.
- What differs per visitor in a cached page: the CSRF token and the values derived from it (the
  comment form's signed timestamp, comments/spam.py). A page is rendered for the cache with
  placeholders in their place (`csrf_token()` below, the `{% csrf_token %}` context processor and
  `register_substitution()`), stored split at the placeholders, and each response joins the parts
  with this visitor's values. A placeholder is a keyed hash (SECRET_KEY): text in a comment
  cannot forge one. Chosen over leaving the token out of cached pages (a form that needs
  JavaScript to post) and over a cache per visitor (no cache at all for first visits).
- Invalidation. `core.models.ContentVersion` holds one row with a random token, replaced in the
  same transaction as every save or delete of a model of the content apps (signals) and by
  `content_changed()` after bulk updates. Cache keys start with the token, so the very next
  request after a change renders afresh on every app server, whatever the cache backend (the row
  is in the shared database), and old entries simply age out. Changes that happen without a
  write (a scheduled review's time comes, comments close after COMMENTS_CLOSE_AFTER_DAYS) are
  announced by `register_expiry()` providers: no entry outlives the next such moment.
- HTTP. Cached pages carry an ETag and Last-Modified (304 on a matching conditional GET) and are
  compressed once when stored: brotli and gzip for pages without per-visitor parts, gzip for the
  others, joined from parts compressed separately (each ends on a byte boundary, so they
  concatenate into one valid deflate stream) with the visitor's values compressed per request.
  The gzip header carries a random-length file name, as Django's GZip middleware does against
  BREACH (the CSRF token is also masked afresh per response). Pages without per-visitor parts
  are `public, s-maxage=PAGE_CACHE_SHARED_SECONDS` for a shared cache in front; the others
  `private, no-cache`.
"""

import gzip
import hashlib
import logging
import os
import re
import secrets
import struct
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.db import IntegrityError, router, transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.crypto import salted_hmac
from django.utils.http import http_date

try:
    import brotli
except ImportError:  # pragma: no cover - brotli is in requirements.txt
    brotli = None

logger = logging.getLogger(__name__)

CSRF = "csrf"
# Query parameters that never change a page: campaign tags and click ids added by other sites.
IGNORED_PARAMS = frozenset({"fbclid", "gclid", "msclkid", "mc_cid", "mc_eid"})
# Models of these apps are what public pages show: saving or deleting any of them is a change.
CONTENT_APPS = frozenset({"core", "films", "reviews", "comments", "wordpress", "auth", "sites"})
_RENDERING = "_pagecache_render"
_PUBLIC = "_pagecache_public"

_substitutions = {}  # name -> function(csrf_token) -> str
_expiry_providers = []  # functions() -> datetime | None


# --- Declaring pages and per-visitor values ------------------------------------------------


def public_page(view, *, params=()):
    """Marks `view` as a page anonymous readers may get from the cache; returns it."""
    view.page_cache_params = frozenset(params)
    return view


def register_substitution(name, function):
    """`function(csrf_token) -> str` gives the value of placeholder(name) for one visitor."""
    _substitutions[name] = function


def register_expiry(function):
    """`function() -> datetime | None`: the next moment pages change without a write."""
    _expiry_providers.append(function)


def placeholder(name) -> str:
    """The stand-in for a per-visitor value in a page rendered for the cache."""
    return "pc" + salted_hmac("core.pagecache.placeholder", name).hexdigest()[:30]


def is_placeholder(value) -> bool:
    return str(value) == placeholder(CSRF)


def csrf_token(request) -> str:
    """The CSRF token for a form in the page: the placeholder while rendering for the cache."""
    if getattr(request, _RENDERING, None):
        return placeholder(CSRF)
    return get_token(request)


def context_processor(request):
    """{% csrf_token %} renders the placeholder in pages rendered for the cache."""
    if getattr(request, _RENDERING, None):
        return {"csrf_token": placeholder(CSRF)}
    return {}


# --- The content version -------------------------------------------------------------------


def current_version(using=None):
    """(token, changed_at) of the content as this database has it now."""
    from .models import ContentVersion

    using = using or router.db_for_read(ContentVersion)
    row = ContentVersion.objects.using(using).filter(pk=1).values_list("token", "changed_at")
    version = row.first()
    if version is None:
        content_changed(using=using)
        version = row.first()
    return version


def content_changed(using=None):
    """Names a new version of the content: every cached page is out of date from now (or from
    the commit of the transaction this runs in). Saves and deletes call it through signals;
    call it after a QuerySet.update(), bulk_create() or raw SQL that changes public pages."""
    from .models import ContentVersion

    using = using or router.db_for_write(ContentVersion)
    values = {"token": secrets.token_hex(16), "changed_at": timezone.now()}
    versions = ContentVersion.objects.using(using)
    if versions.filter(pk=1).update(**values):
        return
    try:
        with transaction.atomic(using=using):
            versions.create(pk=1, **values)
    except IntegrityError:  # another process created it first
        versions.filter(pk=1).update(**values)


# Saves that change nothing a page shows: signing in stamps the user's last_login.
QUIET_FIELDS = {"auth.User": frozenset({"last_login"})}


def _on_model_change(sender, using=None, action=None, update_fields=None, **kwargs):
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed: once, after the change
    if update_fields and frozenset(update_fields) <= QUIET_FIELDS.get(sender._meta.label, set()):
        return
    content_changed(using=using)


def connect_signals():
    """Listens to the content apps' models only: a receiver for every sender would also stop
    Django's fast bulk deletes of sessions, task results and the like."""
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.app_label not in CONTENT_APPS or meta.label == "core.ContentVersion":
            continue
        uid = f"core.pagecache.{meta.label}"
        post_save.connect(_on_model_change, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(_on_model_change, sender=model, dispatch_uid=f"{uid}.delete")
        m2m_changed.connect(_on_model_change, sender=model, dispatch_uid=f"{uid}.m2m")


# --- Stored pages ---------------------------------------------------------------------------


def _deflate(data: bytes) -> bytes:
    """Raw deflate of `data` ending on a byte boundary, so pieces can be concatenated."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


_DEFLATE_END = b"\x03\x00"  # an empty final block


def _gzip_header() -> bytes:
    # FNAME set, with a random name of random length: the compressed size of equal pages then
    # varies, which is what Django's GZip middleware does against BREACH-style guessing.
    name = secrets.token_hex(secrets.randbelow(16) + 1).encode()
    return b"\x1f\x8b\x08\x08\x00\x00\x00\x00\x00\xff" + name + b"\x00"


@dataclass
class Page:
    """A stored page: static parts (bytes) alternate with placeholder names."""

    content_type: str
    parts: list
    headers: dict = field(default_factory=dict)
    deflated: list = field(default_factory=list)
    whole_gzip: bytes = b""
    whole_brotli: bytes = b""
    digest: str = ""
    expires_at: float = 0.0

    @property
    def is_personal(self) -> bool:
        return len(self.parts) > 1

    @classmethod
    def from_body(cls, body: bytes, *, content_type, headers=None):
        """The body split at its placeholders; not compressed yet (see compress())."""
        names = {placeholder(name).encode(): name for name in (CSRF, *_substitutions)}
        pattern = re.compile(b"(" + b"|".join(re.escape(p) for p in names) + b")")
        pieces = pattern.split(body)
        parts = [piece if n % 2 == 0 else names[piece] for n, piece in enumerate(pieces)]
        return cls(content_type=content_type, parts=parts, headers=headers or {})

    def compress(self, *, expires_at):
        """Readies the page for storing: digest, compressed forms, lifetime."""
        body = self.body({name: placeholder(name).encode() for name in self.parts[1::2]})
        self.digest = hashlib.blake2b(body, digest_size=12).hexdigest()
        self.expires_at = expires_at
        if self.is_personal:
            self.deflated = [_deflate(p) if n % 2 == 0 else None for n, p in enumerate(self.parts)]
        else:
            self.whole_gzip = gzip.compress(body, compresslevel=6, mtime=0)
            if brotli is not None:
                self.whole_brotli = brotli.compress(body, quality=5)

    def body(self, values) -> bytes:
        return b"".join(p if n % 2 == 0 else values[p] for n, p in enumerate(self.parts))

    def gzip_body(self, values) -> bytes:
        if not self.is_personal:
            return self.whole_gzip
        pieces, crc, size = [_gzip_header()], 0, 0
        for n, part in enumerate(self.parts):
            raw = part if n % 2 == 0 else values[part]
            pieces.append(self.deflated[n] if n % 2 == 0 else _deflate(raw))
            crc = zlib.crc32(raw, crc)
            size += len(raw)
        pieces.append(_DEFLATE_END)
        pieces.append(struct.pack("<II", crc, size & 0xFFFFFFFF))
        return b"".join(pieces)


def _pages_cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _accepts(request, coding) -> bool:
    accepted = request.META.get("HTTP_ACCEPT_ENCODING", "")
    return any(
        item.split(";")[0].strip() == coding and not item.replace(" ", "").endswith(";q=0")
        for item in accepted.split(",")
    )


def _is_personal_request(request) -> bool:
    if request.META.get("HTTP_AUTHORIZATION"):
        return True
    return any(name != settings.CSRF_COOKIE_NAME for name in request.COOKIES)


def _cache_query(request, params):
    """The query string as the cache key sees it, or None when a parameter is not the page's."""
    items = []
    for name, values in request.GET.lists():
        if name in IGNORED_PARAMS or name.startswith("utm_"):
            continue
        if name not in params:
            return None
        items.extend((name, value) for value in values)
    return urlencode(sorted(items))


_fingerprint = None
_SKIP = {"node_modules", "media", "staticfiles", "tests", "__pycache__", "venv"}


def _code_and_settings() -> str:
    """A digest of the templates, code, translations and settings pages are rendered with: a
    deployment (or a changed setting) must not be served pages the old version rendered, even
    from a cache it shares with the old servers."""
    global _fingerprint
    if _fingerprint is None:
        digest = hashlib.blake2b(digest_size=12)
        base = Path(settings.BASE_DIR)
        for folder, subfolders, files in os.walk(base):
            subfolders[:] = sorted(
                d for d in subfolders if not d.startswith(".") and d not in _SKIP
            )
            for name in sorted(files):
                if name.endswith((".py", ".html", ".txt", ".mo")):
                    path = Path(folder, name)
                    digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes())
        for name in sorted(dir(settings)):
            if name.isupper():
                # Without object addresses, which differ between the processes of one site.
                value = re.sub(r" at 0x[0-9a-fA-F]+", "", repr(getattr(settings, name)))
                digest.update(f"{name}={value}".encode())
        _fingerprint = digest.hexdigest()
    return _fingerprint


def _forget_fingerprint(**kwargs):
    global _fingerprint
    _fingerprint = None


_SKIP = {"node_modules", "media", "staticfiles", "tests", "__pycache__", "venv"}


setting_changed.connect(_forget_fingerprint, dispatch_uid="core.pagecache.settings")


def _key(request, token, query) -> str:
    where = "|".join(
        (
            _code_and_settings(),
            token,
            request.scheme,
            request.get_host(),
            translation.get_language() or "",
            request.path,
            query,
        )
    )
    return "page:" + hashlib.blake2b(where.encode(), digest_size=16).hexdigest()


def _expires_at(now: float) -> float:
    moment = now + settings.PAGE_CACHE_SECONDS
    for provider in _expiry_providers:
        when = provider()
        if when is not None:
            moment = min(moment, when.timestamp())
    return moment


def _visitor_tag(request) -> str:
    """Part of a personal page's ETag: its cached copy is only good with the same CSRF cookie,
    and no older than half the comment form's lifetime (the form token in it expires)."""
    secret = request.META.get("CSRF_COOKIE") or secrets.token_hex(8)
    span = max(getattr(settings, "COMMENTS_MAX_FORM_AGE", 86400) // 2, 60)
    bucket = int(time.time() // span)
    return salted_hmac("core.pagecache.etag", f"{secret}:{bucket}").hexdigest()[:12]


def _respond(request, page: Page, changed_at, state: str) -> HttpResponse:
    etag = f'"{page.digest}"'
    if page.is_personal:
        get_token(request)  # a first visit gets its CSRF cookie now, and the ETag names it
        etag = f'"{page.digest}-{_visitor_tag(request)}"'
    response = get_conditional_response(
        request, etag=etag, last_modified=int(changed_at.timestamp())
    )
    if response is None:
        values = _visitor_values(request, page)
        if page.whole_brotli and _accepts(request, "br"):
            body, coding = page.whole_brotli, "br"
        elif _accepts(request, "gzip"):
            body, coding = page.gzip_body(values), "gzip"
        else:
            body, coding = page.body(values), None
        response = HttpResponse(body, content_type=page.content_type)
        if coding:
            response["Content-Encoding"] = coding
        response["Content-Length"] = str(len(body))
        for name, value in page.headers.items():
            response[name] = value
    response["ETag"] = etag
    response["Last-Modified"] = http_date(changed_at.timestamp())
    response["X-Cache"] = state
    if page.is_personal:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(
            response, public=True, max_age=0, s_maxage=settings.PAGE_CACHE_SHARED_SECONDS
        )
    patch_vary_headers(response, ("Accept-Encoding", "Cookie"))
    return response


# Headers a view sets that belong to the page (the rest are added per response by middleware).
_KEPT_HEADERS = ("X-Robots-Tag", "Link", "Content-Language")


class PageCacheMiddleware:
    """Serves and stores public pages (see the module's docstring). Last in MIDDLEWARE: the
    response it returns still passes through every other middleware (security headers, CSP,
    the CSRF cookie), which are cheap and stay per response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.process_response(request, self.get_response(request))

    def process_view(self, request, view_func, view_args, view_kwargs):
        params = getattr(view_func, "page_cache_params", None)
        if params is None:
            return None
        setattr(request, _PUBLIC, True)
        if not settings.PAGE_CACHE or request.method not in ("GET", "HEAD"):
            return None
        if _is_personal_request(request):
            return None
        query = _cache_query(request, params)
        if query is None:
            return None
        token, changed_at = current_version()
        key = _key(request, token, query)
        try:
            page = _pages_cache().get(key)
        except Exception:  # an unreachable cache costs a render, never the page
            logger.warning("Page cache unreachable: rendering %s", request.path, exc_info=True)
            page = None
        if page is not None and page.expires_at > time.time():
            return _respond(request, page, changed_at, "HIT")
        setattr(request, _RENDERING, (key, changed_at))
        return None

    def process_response(self, request, response):
        rendering = getattr(request, _RENDERING, None)
        if rendering is None:
            if getattr(request, _PUBLIC, False) and "Cache-Control" not in response:
                # Rendered for this visitor only (their session, cookies or an odd parameter).
                patch_cache_control(response, private=True, no_cache=True)
            return response
        setattr(request, _RENDERING, None)
        if response.streaming:  # pragma: no cover - no public page streams
            return response
        key, changed_at = rendering
        page = Page.from_body(
            response.content,
            content_type=response.get("Content-Type", "text/html; charset=utf-8"),
            headers={name: response[name] for name in _KEPT_HEADERS if name in response},
        )
        storable = (
            response.status_code == 200
            and not response.cookies
            and "Cache-Control" not in response
            and "Vary" not in response  # a view's own Vary would need its own key
        )
        if not storable:
            response.content = page.body(_visitor_values(request, page))
            return response
        now = time.time()
        page.compress(expires_at=_expires_at(now))
        try:
            _pages_cache().set(key, page, timeout=max(1, int(page.expires_at - now)))
        except Exception:
            logger.warning("Page cache unreachable: %s not stored", request.path, exc_info=True)
        return _respond(request, page, changed_at, "MISS")


def _visitor_values(request, page):
    if not page.is_personal:
        return {}
    token = get_token(request)
    values = {CSRF: token.encode()}
    for name, function in _substitutions.items():
        values[name] = function(token).encode()
    return values
