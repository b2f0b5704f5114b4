"""Who is this browser: what it has shown about itself, read once from the request.

A reader has no account, so the site knows them only by what their browser carries:

- `own_ids` (session): comments it posted. It sees them while they are held, and may edit or
  delete them for a few minutes.
- `proof_ids` (signed cookie `commenter_proof`): comments it wrote before. Once a moderator
  approved one of them with the same email, later comments skip the first-time hold. The cookie
  holds ids only, never a name or an address.
- `remembered` (signed cookie `comment_author`): name, email and website (and whether they
  asked to show their latest post), kept only when the reader ticked "Save my name, email, and
  website in this browser…".
- `reported_ids` (session): comments it reported, one report each.
- `reporter_id` (session): a random id naming this browser in readers' reports, made on its
  first report; the report table holds only a keyed hash of it.
- `verified_keys` (signed cookie `commenter_verified`): addresses this browser proved by
  opening a link mailed to them (keyed hashes, never the address). A verified address skips
  the first-time hold only in a browser that carries its proof, never because it was typed.

Views build a `Viewer` with `Viewer.from_request(request)` and hand it to services and
selectors, which never see the request. Services record what changed on the viewer
(`posted()`, `remember_author()`, `reported()`, `verified()`); the view writes it back with
`viewer.save(request, response)`, the one place that sets these cookies and session keys.
"""

import re
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.utils.functional import SimpleLazyObject

from core import pagecache
from core.http import int_param
from core.text import strip_control_characters

from . import limits
from .spam import client_ip

OWN_COMMENTS_SESSION_KEY = "comments_own"
OWN_COMMENTS_KEPT = 50
REPORTED_SESSION_KEY = "comments_reported"
REPORTED_KEPT = 200
REPORTER_SESSION_KEY = "comments_reporter"

PROOF_COOKIE = "commenter_proof"
PROOF_SALT = "comments.commenter-proof"
PROOF_MAX_AGE = 365 * 24 * 3600
PROOF_KEEP = 20  # the most recent comment ids the cookie remembers

REMEMBER_COOKIE = "comment_author"
REMEMBER_SALT = "comments.remember-author"
REMEMBER_MAX_AGE = 365 * 24 * 3600

VERIFIED_COOKIE = "commenter_verified"
VERIFIED_SALT = "comments.verified-email"
VERIFIED_MAX_AGE = 365 * 24 * 3600
VERIFIED_KEEP = 5  # the most recent addresses the cookie vouches for
_KEY_RE = re.compile(r"[0-9a-f]{64}")
_REPORTER_ID_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")

USER_AGENT_MAX = 300


def _ids(values) -> tuple[int, ...]:
    """Integer ids from a session list, ignoring anything else a tampered session may hold."""
    if not isinstance(values, list | tuple):
        return ()
    return tuple(value for value in values if isinstance(value, int) and value > 0)


def _kept(ids, new_id, keep) -> tuple[int, ...]:
    """`ids` with `new_id` moved to the end, the oldest dropped beyond `keep`."""
    return (*[i for i in ids if i != new_id], new_id)[-keep:]


def _read_proof(request) -> tuple[int, ...]:
    value = request.get_signed_cookie(
        PROOF_COOKIE, default="", salt=PROOF_SALT, max_age=PROOF_MAX_AGE
    )
    ids = (int_param(part, minimum=1) for part in value.split(","))
    return tuple(pk for pk in ids if pk is not None)[-PROOF_KEEP:]


def _read_verified(request) -> tuple[str, ...]:
    value = request.get_signed_cookie(
        VERIFIED_COOKIE, default="", salt=VERIFIED_SALT, max_age=VERIFIED_MAX_AGE
    )
    return tuple(part for part in value.split(",") if _KEY_RE.fullmatch(part))[-VERIFIED_KEEP:]


def _email_key(email) -> str:
    return limits.keyed_hash(str(email).strip().casefold(), purpose="verified-email")


def _reporter_id(value) -> str:
    """The session's reporter id, or "" when it holds none (or something a tampered one put)."""
    return value if isinstance(value, str) and _REPORTER_ID_RE.fullmatch(value) else ""


def _read_remembered(request) -> dict:
    token = request.COOKIES.get(REMEMBER_COOKIE)
    if not token:
        return {}
    try:
        value = signing.loads(token, salt=REMEMBER_SALT, max_age=REMEMBER_MAX_AGE)
    except (signing.BadSignature, ValueError):
        return {}
    if not isinstance(value, dict):
        return {}
    remembered = {key: str(value.get(key) or "") for key in ("name", "email", "url")}
    # A box ticked or not; a cookie from before the box existed says nothing, so unticked.
    remembered["show_recent_post"] = value.get("show_recent_post") is True
    return remembered


@dataclass
class Viewer:
    """One browser (and its signed-in user, if any) as the comment code sees it."""

    user: object = None  # the signed-in user, or None for a reader without an account
    ip: str | None = None
    user_agent: str = ""
    own_ids: tuple[int, ...] = ()
    proof_ids: tuple[int, ...] = ()
    remembered: dict = field(default_factory=dict)
    reported_ids: tuple[int, ...] = ()
    reporter_id: str = ""
    verified_keys: tuple[str, ...] = ()
    has_remember_cookie: bool = False
    # The browser's CSRF token (masked), made when first used: the comment form renders it and
    # binds its timestamp to it (comments.spam). A page without the form makes none.
    csrf_token: object = ""
    # What services changed, written back by save(): names of the fields above.
    changed: set = field(default_factory=set, repr=False)

    @classmethod
    def from_request(cls, request):
        """Reads everything once. An anonymous reader with no session costs no query."""
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        return cls(
            user=user if user is not None and user.is_authenticated else None,
            ip=client_ip(request),
            # A header is the client's to fill: PostgreSQL refuses a NUL in it (a 500).
            user_agent=strip_control_characters(request.META.get("HTTP_USER_AGENT", ""))[
                :USER_AGENT_MAX
            ],
            own_ids=_ids(session.get(OWN_COMMENTS_SESSION_KEY)) if session is not None else (),
            proof_ids=_read_proof(request),
            remembered=_read_remembered(request),
            reported_ids=_ids(session.get(REPORTED_SESSION_KEY)) if session is not None else (),
            reporter_id=_reporter_id(session.get(REPORTER_SESSION_KEY))
            if session is not None
            else "",
            verified_keys=_read_verified(request),
            has_remember_cookie=REMEMBER_COOKIE in request.COOKIES,
            csrf_token=SimpleLazyObject(lambda: pagecache.csrf_token(request)),
        )

    @property
    def is_signed_in(self) -> bool:
        return self.user is not None

    # --- what services record -------------------------------------------------------------

    def posted(self, comment) -> None:
        """This browser wrote `comment`: it may see it while held and prove it later."""
        self.own_ids = _kept(self.own_ids, comment.pk, OWN_COMMENTS_KEPT)
        self.proof_ids = _kept(self.proof_ids, comment.pk, PROOF_KEEP)
        self.changed |= {"own_ids", "proof_ids"}

    def remember_author(self, *, name, email, url, show_recent_post=False) -> None:
        self.remembered = {
            "name": name,
            "email": email,
            "url": url or "",
            "show_recent_post": bool(show_recent_post),
        }
        self.changed.add("remembered")

    def forget_author(self) -> None:
        """The box was left unticked: nothing stays in the browser (an old cookie goes)."""
        if self.has_remember_cookie or self.remembered:
            self.remembered = {}
            self.changed.add("remembered")

    def reported(self, comment_id) -> None:
        self.reported_ids = _kept(self.reported_ids, comment_id, REPORTED_KEPT)
        self.changed.add("reported_ids")

    def has_reported(self, comment_id) -> bool:
        return comment_id in self.reported_ids

    def reporter_hash(self) -> str:
        """This browser's name in readers' reports: a keyed hash of a random id kept in its
        session (made on first use), so the report table never holds anything a browser sends."""
        if not self.reporter_id:
            self.reporter_id = secrets.token_urlsafe(24)
            self.changed.add("reporter_id")
        return limits.keyed_hash(self.reporter_id, purpose="reporter")

    def verified(self, email) -> None:
        """This browser opened a link mailed to `email`: it has proved it owns the address."""
        self.verified_keys = _kept(self.verified_keys, _email_key(email), VERIFIED_KEEP)
        self.changed.add("verified_keys")

    def has_verified(self, email) -> bool:
        return bool(email) and _email_key(email) in self.verified_keys

    # --- writing back ----------------------------------------------------------------------

    def save(self, request, response) -> None:
        """Writes what changed to the session and the response's cookies."""
        if "own_ids" in self.changed:
            request.session[OWN_COMMENTS_SESSION_KEY] = list(self.own_ids)
        if "reported_ids" in self.changed:
            request.session[REPORTED_SESSION_KEY] = list(self.reported_ids)
        if "reporter_id" in self.changed:
            request.session[REPORTER_SESSION_KEY] = self.reporter_id
        cookie = {
            "httponly": True,
            "samesite": "Lax",
            "secure": settings.SESSION_COOKIE_SECURE,
        }
        if "proof_ids" in self.changed:
            response.set_signed_cookie(
                PROOF_COOKIE,
                ",".join(str(i) for i in self.proof_ids),
                salt=PROOF_SALT,
                max_age=PROOF_MAX_AGE,
                **cookie,
            )
        if "verified_keys" in self.changed:
            response.set_signed_cookie(
                VERIFIED_COOKIE,
                ",".join(self.verified_keys),
                salt=VERIFIED_SALT,
                max_age=VERIFIED_MAX_AGE,
                **cookie,
            )
        if "remembered" in self.changed:
            if self.remembered:
                value = signing.dumps(self.remembered, salt=REMEMBER_SALT, compress=True)
                response.set_cookie(REMEMBER_COOKIE, value, max_age=REMEMBER_MAX_AGE, **cookie)
            else:
                response.delete_cookie(REMEMBER_COOKIE, samesite="Lax")
        self.changed = set()
