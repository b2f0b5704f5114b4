"""What the property-based tests share: input strategies, the checks every response must pass,
a form reader, and the count of examples run per surface (printed at the end of the run)."""

import re
import xml.etree.ElementTree as ET
from collections import Counter
from contextlib import contextmanager
from html.parser import HTMLParser
from urllib.parse import quote

from django.core.cache import cache
from django.db import transaction
from hypothesis import strategies as st

# surface -> examples run, and (surface, "2xx"…) -> responses seen: reported by
# tests/fuzz/conftest.py when the session ends, to show how deep the examples reached.
EXAMPLES = Counter()
STATUSES = Counter()
_surface = [""]

# --- Inputs -------------------------------------------------------------------------------

# What broke the site or could: digits int() refuses or takes, control characters, what XML
# cannot carry, markup and script, SQL, path tricks, huge numbers.
NASTY = [
    "\x00",
    "a\x00b",
    "\x01",
    "\x0b",
    "\x0c",
    "\x1b[31m",
    "\x1f",
    "\x7f",
    "\t",
    "\r\n",
    "²",
    "³",
    "١٢",
    "１２",
    "٣",
    "Ⅻ",
    "\ufffe",
    "\uffff",
    "\u202e",
    "\u200b",
    "\ufeff",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "' OR 1=1 --",
    '"; DROP TABLE comments_comment; --',
    "%00",
    "%ff",
    "../../etc/passwd",
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example",
    "foo",
    "moderation:queue",
    "9" * 30,
    "9" * 5000,
    "-1",
    "0",
    "00001",
    "1e3",
    "1.5",
    " 7 ",
    "last",
    "",
]

# No lone surrogates: a form or URL carries bytes, and those are tried as bytes below.
any_text = st.text(st.characters(codec="utf-8"), max_size=60)
control_text = st.text(st.characters(max_codepoint=0x20), min_size=1, max_size=8)
unicode_digits = st.text(st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=6)
overlong = st.builds(
    lambda part, times: part * times,
    st.sampled_from(["a", "é", "9", "<b>", "\x0b"]),
    st.integers(200, 12_000),
)
nasty_text = st.one_of(
    st.sampled_from(NASTY),
    any_text,
    control_text,
    unicode_digits,
    overlong,
    st.builds(lambda a, b, c: a + b + c, any_text, st.sampled_from(NASTY), any_text),
)


class Raw(str):
    """A query value already percent-encoded (bytes as a client may send them)."""


# Raw bytes, as a client may send them percent-encoded (invalid UTF-8 included).
raw_bytes = st.binary(max_size=24).map(lambda data: Raw(quote(data, safe="")))

# Query parameters the site reads, and some it does not.
QUERY_KEYS = [
    "page",
    "p",
    "q",
    "year",
    "genre",
    "letter",
    "cpage",
    "corder",
    "replytocom",
    "status",
    "next",
    "o",
    "e",
    "_changelist_filters",
    "term",
    "app_label",
    "model_name",
    "field_name",
    "_popup",
    "_to_field",
]
query_key = st.one_of(st.sampled_from(QUERY_KEYS), any_text.filter(bool))


def encode_query(pairs, raw_values=()):
    """A query string: text values percent-encoded as UTF-8, Raw ones as they are."""
    return "&".join(
        f"{quote(key, safe='')}={value if isinstance(value, Raw) else quote(value, safe='')}"
        for key, value in [*pairs, *raw_values]
    )


# Text that passes the input boundary, so that it reaches the views.
printable_text = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=40),
    unicode_digits,
    st.sampled_from([value for value in NASTY if value.isprintable()]),
    st.integers(-10, 10**20).map(str),
)
query_strings = st.one_of(
    st.just(""),
    st.builds(encode_query, st.lists(st.tuples(query_key, printable_text), max_size=3)),
    st.builds(
        encode_query,
        st.lists(st.tuples(query_key, nasty_text), max_size=3),
        st.lists(st.tuples(query_key, raw_bytes), max_size=1),
    ),
)


# --- Running one example ------------------------------------------------------------------


@contextmanager
def example(surface):
    """One example: counted, with a clean cache (rate limits), and rolled back afterwards so
    every example starts from the same rows (and a database error cannot leak into the next)."""
    _surface[0] = surface
    cache.clear()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
    EXAMPLES[surface] += 1  # examples that ran to the end (not those Hypothesis cut short)


def describe(response):
    request = response.wsgi_request
    return f"{request.method} {request.get_full_path()!r} -> {response.status_code}"


def assert_no_server_error(response):
    STATUSES[(_surface[0], f"{response.status_code // 100}xx")] += 1
    assert response.status_code < 500, describe(response)


# --- Nothing executable -------------------------------------------------------------------

_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}


class _ExecutableFinder(HTMLParser):
    """Collects what a browser could run: script elements other than the site's own (a src on
    this origin, or JSON-LD data), event-handler attributes, javascript: or data: URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            src = attrs.get("src") or ""
            own = src.startswith("/") and not src.startswith("//")
            if not (own or attrs.get("type") == "application/ld+json"):
                self.found.append(f"<script {attrs}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in _URL_ATTRS and value:
                scheme = re.sub(r"[\x00-\x20]", "", value).lower()
                if scheme.startswith(("javascript:", "vbscript:", "data:text/html")):
                    self.found.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag


def executable_markup(html):
    finder = _ExecutableFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def assert_nothing_executable(response):
    content_type = response.get("Content-Type", "")
    if getattr(response, "streaming", False) or "html" not in content_type:
        return
    found = executable_markup(response.content.decode(response.charset or "utf-8"))
    assert not found, f"{describe(response)}: {found}"


def _local(tag):
    return tag.rpartition("}")[2]


def assert_well_formed_xml(response):
    """Parses the body; returns the root element. The HTML a feed's items carry (an RSS item's
    description, an Atom entry's summary or content) must hold nothing executable either;
    titles, names and the channel's own description are plain text, escaped in the XML."""
    root = ET.fromstring(response.content)
    for item in root.iter():
        if _local(item.tag) not in ("item", "entry"):
            continue
        for element in item:
            text = element.text or ""
            if _local(element.tag) in ("description", "summary", "content") and "<" in text:
                found = executable_markup(text)
                assert not found, f"{describe(response)}: {element.tag}: {found}"
    return root


# --- Reading a form -----------------------------------------------------------------------


class _FormReader(HTMLParser):
    """The fields of the forms of a page, with the values a browser would send unchanged."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []  # [{"attrs": {...}, "fields": [(name, value)], "text": {...}}]
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"attrs": attrs, "fields": [], "kinds": {}})
            return
        if not self.forms:
            return
        form = self.forms[-1]
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            form["kinds"][name] = kind
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    form["fields"].append((name, attrs.get("value", "on")))
            elif kind not in ("submit", "button", "image", "file", "reset"):
                form["fields"].append((name, attrs.get("value", "")))
        elif tag == "textarea" and name:
            form["kinds"][name] = "textarea"
            self._textarea = [name, ""]
        elif tag == "select" and name:
            form["kinds"][name] = "select"
            self._select = {"name": name, "multiple": "multiple" in attrs, "first": None}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                form["fields"].append((self._select["name"], value))
                self._select["chosen"] = True

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            name, value = self._textarea
            self.forms[-1]["fields"].append((name, value.removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            select = self._select
            if not select.get("chosen") and not select["multiple"] and select["first"]:
                self.forms[-1]["fields"].append((select["name"], select["first"]))
            self._select = None


def read_form(html, *, form_id=None, action_contains=None):
    """(fields as a list of pairs, field kinds) of the page's form picked by id or action."""
    reader = _FormReader()
    reader.feed(html)
    for form in reader.forms:
        attrs = form["attrs"]
        if form_id and attrs.get("id") != form_id:
            continue
        if action_contains and action_contains not in (attrs.get("action") or ""):
            continue
        return form["fields"], form["kinds"]
    raise AssertionError(f"no form {form_id or action_contains!r} on the page")


def with_values(fields, values):
    """The form's fields with `values` (a dict) put in place of (or added to) theirs."""
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    for name, value in values.items():
        data[name] = value if isinstance(value, list) else [value]
    return data


# --- Every URL pattern --------------------------------------------------------------------

_PARAMETER_RE = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def walk_patterns(patterns=None, prefix=()):
    """Every URL pattern of the site, as the tuple of patterns from the root to it."""
    from django.urls import URLResolver, get_resolver

    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from walk_patterns(entry.url_patterns, (*prefix, entry.pattern))
        else:
            yield (*prefix, entry.pattern)


def route_text(chain):
    return "".join(str(pattern) for pattern in chain)


def _part(pattern, known):
    """A strategy for the text one pattern matches, with known values for its parameters."""
    from django.urls.resolvers import RoutePattern

    if not isinstance(pattern, RoutePattern):
        return st.from_regex(pattern.regex, fullmatch=True).map(lambda text: text.removeprefix("/"))
    route = str(pattern)
    pieces, position = [], 0
    for match in _PARAMETER_RE.finditer(route):
        pieces.append(st.just(route[position : match.start()]))
        converter = pattern.converters[match["name"]]
        values = [st.from_regex(converter.regex, fullmatch=True)]
        if known.get(match["name"]):
            values.insert(0, st.sampled_from(known[match["name"]]))
        pieces.append(st.one_of(*values))
        position = match.end()
    pieces.append(st.just(route[position:]))
    return st.tuples(*pieces).map("".join)


def path_for(chain, known):
    """A strategy for paths the chain of patterns matches, percent-encoded like a browser does
    (a generated lone surrogate arrives as the bytes of one: invalid UTF-8)."""
    return st.tuples(*(_part(pattern, known) for pattern in chain)).map(
        lambda parts: "/" + quote("".join(parts).encode("utf-8", "surrogatepass"), safe="/")
    )
