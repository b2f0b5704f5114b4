"""Health endpoints for load balancers and uptime checks.

- /healthz (liveness): the database and the cache answer.
- /readyz (readiness): those two, the media storage (a file written, read back and deleted),
  and whether the background worker keeps up with the task queue.

Both answer JSON, are never cached, and are answered for any Host header and over plain HTTP
(core.middleware.HealthCheckMiddleware; SECURE_REDIRECT_EXEMPT): a load balancer probes an app
server by its IP address. A failing part is "error" in the answer; why goes to the log only.
"""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Min, Q
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

log = logging.getLogger(__name__)

OK, ERROR = "ok", "error"
# The worker's states: keeping up; a task due for longer than READYZ_TASK_WAIT_MINUTES (no
# worker is taking tasks); tasks run inside requests (the immediate backend, no worker); or the
# queue could not be read.
WORKER_LATE, WORKER_NOT_USED, WORKER_UNKNOWN = "late", "not used", "unknown"
PROBE = b"ok"


def database_answers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def cache_answers():
    # A key of its own: probes from several load balancers must not read each other's value.
    key, value = f"healthz:{uuid.uuid4().hex}", "ok"
    cache.set(key, value, timeout=30)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return what was stored")
    cache.delete(key)


def storage_answers():
    """A small file under readyz/ in the default (media) storage, written, read and deleted:
    uploads need all three, and with object storage it proves the credentials as well."""
    name = default_storage.save(f"readyz/{uuid.uuid4().hex}.txt", ContentFile(PROBE))
    try:
        with default_storage.open(name) as probe:
            if probe.read() != PROBE:
                raise RuntimeError("the storage did not return what was stored")
    finally:
        default_storage.delete(name)


def worker_state() -> str:
    """How long the oldest task that is due has been waiting for the database worker.

    No heartbeat of its own is needed: a worker that runs takes a due task within seconds (mail
    is bounded by EMAIL_TIMEOUT), so a task left due for minutes means no worker is taking them.
    An empty queue is "ok", whether or not a worker runs: nothing is waiting.
    """
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db.backend import DatabaseBackend

    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]  # the backend itself, not a proxy
    if not isinstance(backend, DatabaseBackend):
        return WORKER_NOT_USED
    from django_tasks_db.models import DBTaskResult, get_date_max

    # A task enqueued to run at once has run_after at the far future sentinel: it has been
    # due since it was enqueued; a retried or deferred one since its run_after.
    at_once = Q(run_after=get_date_max())
    oldest = (
        DBTaskResult.objects.ready()
        .filter(backend_name=backend.alias)
        .aggregate(
            enqueued=Min("enqueued_at", filter=at_once), due=Min("run_after", filter=~at_once)
        )
    )
    waiting_since = min((when for when in oldest.values() if when is not None), default=None)
    if waiting_since is None:
        return OK
    limit = timedelta(minutes=settings.READYZ_TASK_WAIT_MINUTES)
    return WORKER_LATE if timezone.now() - waiting_since > limit else OK


def _probe(name, probe):
    try:
        probe()
    except Exception:
        log.exception("Health check: the %s does not answer", name)
        return ERROR
    return OK


def _answer(report, *, required):
    healthy = all(report[name] == OK for name in required)
    status = OK if healthy else ERROR
    if healthy and any(report[name] not in (OK, WORKER_NOT_USED) for name in report):
        status = "degraded"  # serving works; something behind it (the worker) needs a look
    return JsonResponse({"status": status, **report}, status=200 if healthy else 503)


@never_cache
def healthz(request):
    """Liveness. 200 {"status": "ok", "database": "ok", "cache": "ok"} when the database and the
    cache (Redis when REDIS_URL is set) both answer; 503 with "error" for each one that does not.
    """
    report = {
        "database": _probe("database", database_answers),
        "cache": _probe("cache", cache_answers),
    }
    return _answer(report, required=report.keys())


@never_cache
def readyz(request):
    """Readiness: {"status", "database", "cache", "storage", "worker"}.

    503 when the database, the cache or the storage fails: this server cannot serve pages or
    take uploads, so the load balancer should send readers elsewhere. The worker is reported but
    not required: a stopped worker delays mail, and taking every app server out of service for
    it would stop the whole site; then the status is "degraded" with a 200, for monitoring.
    """
    report = {
        "database": _probe("database", database_answers),
        "cache": _probe("cache", cache_answers),
        "storage": _probe("storage", storage_answers),
    }
    if report["database"] != OK:
        report["worker"] = WORKER_UNKNOWN  # the queue lives in the database
    else:
        try:
            report["worker"] = worker_state()
        except Exception:
            log.exception("Health check: the task queue could not be read")
            report["worker"] = WORKER_UNKNOWN
    if report["worker"] == WORKER_LATE:
        log.warning(
            "Health check: a background task has waited more than %d minutes: is `manage.py "
            "db_worker` running?",
            settings.READYZ_TASK_WAIT_MINUTES,
        )
    return _answer(report, required=("database", "cache", "storage"))
