"""Read replicas: public pages read from a replica, everything else from the primary.

README "Production" (read replicas) says the same for operators. DATABASE_REPLICA_URLS becomes
the aliases in settings.DATABASE_REPLICAS (replica1, replica2, …; reviewsite/settings.py).

- Who may read from a replica is decided per request by core.middleware.ReplicaRoutingMiddleware
  and kept in a context variable: a GET or HEAD of a public page (a view marked
  `core.pagecache.public_page`) with no session cookie (nobody signed in, no reader's own held
  comments) and no pin cookie (set on every POST response for REPLICA_PIN_SECONDS, so a reader
  sees their own write). Every other request reads the primary, and so does anything outside a
  request (commands, the task worker), where the variable is unset.
- Always the primary: writes, and reads after a write in the same request, inside a
  transaction on the primary (an atomic block must read its own writes) and of
  `core.ContentVersion`, which the page cache must read at its newest.
- A replica is used only when it answers (a short connect timeout, a cheap health check) and
  has the newest content: its ContentVersion token is the primary's. The token is replaced in
  the same transaction as every content change, so a replica showing the primary's token has
  applied every change up to it; a lagging replica is skipped for that request. Without that,
  a page rendered from a lagging replica would be stored in the page cache under the new token.
- A replica that fails (refused, timed out, broken mid-query) is not tried again by this
  process for REPLICA_RETRY_SECONDS; the middleware retries a public page whose replica broke
  mid-request once on the primary.
"""

import contextvars
import logging
import random
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)

# Set on every POST response while replicas are configured: the reader's next requests read
# the primary, which has their write (README: replication lag).
PIN_COOKIE = "read_primary"

ALWAYS_PRIMARY = frozenset({"core.ContentVersion"})


@dataclass
class _Routing:
    may_use_replica: bool = False
    alias: str | None = None  # the database this request reads, chosen at its first read
    wrote: bool = False  # then it reads the primary from there on, and is never re-run


_routing = contextvars.ContextVar("core.routers.routing", default=None)

# alias -> time.monotonic() before which this process does not try that replica again.
_down_until = {}


def replicas():
    return list(getattr(settings, "DATABASE_REPLICAS", ()))


def begin_request():
    """Starts a request reading the primary; returns the token for end_request()."""
    return _routing.set(_Routing())


def end_request(token):
    _routing.reset(token)


def allow_replica():
    """This request may read from a replica (it reads only public content)."""
    state = _routing.get()
    if state is not None and replicas():
        state.may_use_replica = True


def replica_in_use():
    """The replica this request has read from, if any."""
    state = _routing.get()
    if state is not None and not state.wrote and state.alias not in (None, DEFAULT_DB_ALIAS):
        return state.alias
    return None


def use_primary(failed_alias=None):
    """The rest of this request reads the primary; `failed_alias` is skipped for a while."""
    if failed_alias is not None:
        mark_down(failed_alias)
    state = _routing.get()
    if state is not None:
        state.may_use_replica = False
        state.alias = DEFAULT_DB_ALIAS


def mark_down(alias):
    _down_until[alias] = time.monotonic() + settings.REPLICA_RETRY_SECONDS


def forget_failures(**kwargs):
    """Every replica may be tried again (the settings changed, or a test starts)."""
    _down_until.clear()


setting_changed.connect(forget_failures, dispatch_uid="core.routers.settings")


def _answers(alias) -> bool:
    if _down_until.get(alias, 0) > time.monotonic():
        return False
    connection = connections[alias]
    try:
        # With CONN_HEALTH_CHECKS a kept connection is tested once per request ("SELECT 1");
        # a new one is opened under the replica's short connect_timeout.
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except Exception:
        logger.warning(
            "Read replica %s does not answer: reading the primary for %s s",
            alias,
            settings.REPLICA_RETRY_SECONDS,
            exc_info=True,
        )
        mark_down(alias)
        return False
    return True


def _has_newest_content(alias) -> bool:
    from .models import ContentVersion

    tokens = ContentVersion.objects.filter(pk=1).values_list("token", flat=True)
    try:
        newest = tokens.using(DEFAULT_DB_ALIAS).first()
        current = newest is not None and tokens.using(alias).first() == newest
    except Exception:
        logger.warning("Read replica %s failed a query: reading the primary", alias, exc_info=True)
        mark_down(alias)
        return False
    if not current:
        logger.info("Read replica %s is behind the primary: this request reads the primary", alias)
    return current


def _choose_replica():
    candidates = replicas()
    random.shuffle(candidates)  # spreads requests over the replicas
    for alias in candidates:
        if _answers(alias) and _has_newest_content(alias):
            return alias
    return DEFAULT_DB_ALIAS


def _primary(hints):
    """Django's own choice (where an instance came from, else `default`), unless the instance
    came from a replica (say a copy kept in a cache): then the primary."""
    instance = hints.get("instance")
    if instance is not None and instance._state.db in replicas():
        return DEFAULT_DB_ALIAS
    return None


class ReplicaRouter:
    """DATABASE_ROUTERS entry: see the module's docstring."""

    def db_for_read(self, model, **hints):
        state = _routing.get()
        if state is None or not state.may_use_replica or state.wrote:
            return _primary(hints)
        if model._meta.label in ALWAYS_PRIMARY or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        if state.alias is None:
            state.alias = DEFAULT_DB_ALIAS  # while choosing: the checks' own reads
            state.alias = _choose_replica()
        return state.alias

    def db_for_write(self, model, **hints):
        state = _routing.get()
        if state is not None:
            state.wrote = True  # what this request reads next may be what it just wrote
        # Django would otherwise write an object back where it was read from: a replica.
        return _primary(hints)

    def allow_relation(self, obj1, obj2, **hints):
        # Replicas hold the primary's rows: objects read from either may be related.
        same_data = {DEFAULT_DB_ALIAS, *replicas()}
        if obj1._state.db in same_data and obj2._state.db in same_data:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A replica gets its schema by replication; `migrate --database=replica1` does nothing.
        if db in replicas():
            return False
        return None
