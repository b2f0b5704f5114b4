"""Where the site's log lines and error reports go (settings.LOGGING names these classes).

- Every log line carries its time, level, logger name and the id of the request it belongs to
  (`RequestIdFilter`; core.middleware.RequestIdMiddleware sets the id), as text
  (`TextFormatter`) or, with LOG_FORMAT=json, as one JSON object per line (`JsonFormatter`).
- `OneLineFilter` keeps the traceback out of records that are about the client, not the code
  (a request for a host name not in ALLOWED_HOSTS).
- `server_error` is the 500 page: it says the people who run the site have been told only when
  something does tell them (ADMINS, or Sentry with SENTRY_DSN).
"""

import contextvars
import json
import logging
import re
import uuid
from datetime import datetime

from django.conf import settings
from django.core.signals import request_finished

# The id of the request being answered in this thread (or asyncio task); "-" outside requests
# (commands, the worker, start-up).
NO_REQUEST = "-"
_request_id = contextvars.ContextVar("request_id", default=NO_REQUEST)

# What an id handed over by the proxy may look like: nginx's $request_id (32 hex digits), a
# UUID, a cloud load balancer's trace id. Anything longer or stranger is replaced, so a client
# can neither forge log lines nor blow them up.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:+/=-]{1,128}")


def new_request_id() -> str:
    return uuid.uuid4().hex


def sane_request_id(value: str | None) -> bool:
    return bool(value) and _SANE_REQUEST_ID.fullmatch(value) is not None


def current_request_id() -> str:
    return _request_id.get()


def set_request_id(value: str) -> None:
    _request_id.set(value)


def _forget_request_id(**kwargs):
    # After the response is sent (Django's own "Not Found" line is written after every
    # middleware has returned, so the id cannot be dropped any earlier).
    _request_id.set(NO_REQUEST)


request_finished.connect(_forget_request_id, dispatch_uid="core.logging.request_id")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record a handler writes."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


class OneLineFilter(logging.Filter):
    """Drops the traceback and lowers the level to WARNING.

    For django.security.DisallowedHost: a scanner or a misconfigured probe sending a Host the
    site does not serve is the client's mistake, so one line says which host was refused, with
    no 14-line traceback of Django's own code and no ERROR to page anybody for.
    """

    def filter(self, record):
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        if record.levelno > logging.WARNING:
            record.levelno = logging.WARNING
            record.levelname = logging.getLevelName(logging.WARNING)
        return True


class ExceptionsOnlyFilter(logging.Filter):
    """Passes only records of an exception: a page that failed, not a 5xx answered on purpose.

    Django logs every 5xx response at ERROR; /readyz answers 503 every few seconds while the
    database is down, and mailing ADMINS for each probe would bury the one mail that matters.
    """

    def filter(self, record):
        return bool(record.exc_info)


def _timestamp(record) -> str:
    # ISO 8601 with the offset: lines from servers in different zones still sort and compare.
    moment = datetime.fromtimestamp(record.created).astimezone()
    return moment.isoformat(timespec="milliseconds")


class TextFormatter(logging.Formatter):
    """`<time> <LEVEL> <logger> [<request id>] <message>`, then the traceback if any."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def formatTime(self, record, datefmt=None):  # noqa: N802 (logging's name)
        return _timestamp(record)

    def format(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, request_id, message, and when present
    status_code (Django's request lines) and exception (the traceback, as one string)."""

    def format(self, record):
        entry = {
            "time": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", None) or current_request_id(),
            "message": record.getMessage(),
        }
        status_code = getattr(record, "status_code", None)
        if isinstance(status_code, int):
            entry["status_code"] = status_code
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # default=str: a message argument of any type still gives a line, never an error.
        return json.dumps(entry, ensure_ascii=False, default=str)


def errors_are_reported() -> bool:
    """True when a server error reaches someone: mail to ADMINS, or Sentry."""
    return bool(settings.ADMINS) or bool(getattr(settings, "SENTRY_DSN", ""))


def server_error(request):
    """handler500: templates/500.html, told whether anyone hears of the error.

    Django's own 500 view renders the template with no context, so the page could not know. This
    view must never fail itself (the database or the templates may be what broke): anything
    going wrong here gives a plain page instead.
    """
    # Imported here: LOGGING loads this module before the apps are ready, so it stays light.
    from django.http import HttpResponseServerError
    from django.template import loader
    from django.views.defaults import ERROR_PAGE_TEMPLATE

    try:
        page = loader.render_to_string("500.html", {"errors_reported": errors_are_reported()})
    except Exception:
        logging.getLogger(__name__).exception("The 500 page could not be rendered")
        # What Django itself shows when there is no 500.html.
        page = ERROR_PAGE_TEMPLATE % {"title": "Server Error (500)", "details": ""}
    return HttpResponseServerError(page)
