"""A browser for the two-server test: urllib with a cookie jar, and the forms read from pages.

No Django test client here: the servers are real gunicorns in other processes, reached over
HTTP on loopback, as a load balancer would reach them.
"""

import http.cookiejar
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin

TIMEOUT = 60  # seconds: the first render of a page with a poster makes its renditions
# The servers' comment rate limit: posts per reader address per window, low so a test reaches
# it in a few posts; a long window, so that the posts of one test all fall in the same one.
RATE_LIMIT = 3
RATE_WINDOW = 3600


@dataclass
class Response:
    status: int
    headers: object  # http.client.HTTPMessage
    body: bytes
    url: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def header(self, name) -> str:
        return self.headers.get(name, "")

    @property
    def location(self) -> str:
        """Where a redirect points, as a path and query (no fragment: browsers keep that)."""
        return self.header("Location").split("#", 1)[0]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # The tests look at each redirect (where a post lands) and follow it themselves.
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One reader's browser, talking to whichever server it is sent to.

    Its cookies ignore the port, as a browser's do, so a cookie set by one server is sent to
    the other. The load balancer's part is played by two headers on requests to the servers:
    the one public Host (`host`) whichever server answers, and X-Forwarded-For naming the
    reader's own address (the servers trust one proxy hop), so each browser has its own rate
    limits, as readers behind a real proxy do. Other URLs (the media bucket) are left alone.
    """

    def __init__(self, address, *, host="", servers=()):
        self.address = address
        self.host = host
        self.servers = tuple(servers)
        self.jar = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def get(self, url) -> Response:
        return self._open(urllib.request.Request(url))

    def post(self, url, fields) -> Response:
        return self._open(urllib.request.Request(url, data=urlencode(fields, doseq=True).encode()))

    def _open(self, request) -> Response:
        if request.full_url.startswith(self.servers):
            request.add_header("X-Forwarded-For", self.address)
            if self.host:
                request.add_header("Host", self.host)
        try:
            with self._opener.open(request, timeout=TIMEOUT) as answer:
                return Response(answer.status, answer.headers, answer.read(), request.full_url)
        except urllib.error.HTTPError as answer:  # 3xx (not followed), 4xx and 5xx
            with answer:
                return Response(answer.code, answer.headers, answer.read(), request.full_url)

    def cookie_names(self) -> set:
        return {cookie.name for cookie in self.jar}


@dataclass
class Form:
    action: str
    fields: dict  # name -> value, as the browser would send them untouched

    def filled(self, **values) -> dict:
        return {**self.fields, **values}


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = None
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = Form(action=attrs.get("action") or "", fields={})
            self.forms.append(self._form)
        elif self._form is None or not attrs.get("name"):
            return
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self._form.fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self._form.fields[self._textarea] = ""
        elif tag == "select":
            self._select = attrs["name"]
            self._form.fields.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self._form.fields[self._select] = attrs.get("value") or ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._form.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def forms(html) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def form_posting_to(html, pattern) -> Form:
    """The page's form whose action matches the regular expression `pattern`."""
    found = [form for form in forms(html) if re.search(pattern, form.action)]
    assert found, f"no form posting to {pattern!r} on the page"
    return found[0]


def csrf_token(html) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def poster_urls(html, base) -> list[str]:
    """Every rendition URL of the review page's poster (the <img> src and all srcsets), absolute."""
    found = re.search(r'class="film-facts-poster".*?</picture>', html, re.S)
    assert found, "no poster on the review page"
    picture = found.group(0)
    urls = re.findall(r'\ssrc="([^"]+)"', picture)
    for srcset in re.findall(r'\ssrcset="([^"]+)"', picture):
        urls += [item.split()[0] for item in srcset.split(",") if item.strip()]
    return sorted({urljoin(base, url.replace("&amp;", "&")) for url in urls})
