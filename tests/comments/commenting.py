"""Helpers for the commenting tests: post like a browser does, read the thread out of the HTML."""

import re
from html.parser import HTMLParser

from django.urls import reverse

from comments import spam

READER_IP = "198.51.100.23"
# The CSRF token the helpers' forms carry. The test client does not check CSRF tokens, but the
# form's timestamp must have been issued for the token posted with it (comments.spam).
FORM_CSRF_TOKEN = "test-form-csrf-token"


def form_data(*, csrf_token=FORM_CSRF_TOKEN, **overrides):
    """What the comment form sends: its CSRF token, a signed timestamp issued for that token
    (fresh on every call: a timestamp serves one post) and an empty honeypot."""
    data = {
        spam.CSRF_FIELD: csrf_token,
        "comment": "A thoughtful comment about the film.",
        "name": "Ada Reader",
        "email": "ada@example.net",
        "url": "",
        "parent": "",
        "rating": "",
        spam.HONEYPOT_FIELD: "",
        spam.TIMESTAMP_FIELD: spam.issue_timestamp(csrf_token),
    }
    data.update(overrides)
    return data


def post_url(review):
    return reverse("comments:post", kwargs={"slug": review.slug})


def post_comment(client, review, *, ip=READER_IP, **overrides):
    return client.post(
        post_url(review),
        form_data(**overrides),
        REMOTE_ADDR=ip,
        HTTP_USER_AGENT="Mozilla/5.0 (test browser)",
    )


class _ThreadParser(HTMLParser):
    """Collects the comment <li id="comment-N"> elements as a tree, in document order."""

    def __init__(self):
        super().__init__()
        self.roots = []
        self._open_li = []  # one entry per open <li>: the comment node or None

    def handle_starttag(self, tag, attrs):
        if tag != "li":
            return
        match = re.fullmatch(r"comment-(\d+)", dict(attrs).get("id") or "")
        node = None
        if match:
            node = (int(match.group(1)), [])
            enclosing = [n for n in self._open_li if n is not None]
            (enclosing[-1][1] if enclosing else self.roots).append(node)
        self._open_li.append(node)

    def handle_endtag(self, tag):
        if tag == "li" and self._open_li:
            self._open_li.pop()


def comment_tree(html):
    """[(id, [(child id, [...]), ...]), ...] as nested in the page."""
    parser = _ThreadParser()
    parser.feed(html)
    return parser.roots


def field_value(html, name):
    """The value an <input name=...> or <textarea name=...> carries in the page."""
    textarea = re.search(
        rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>\n?(.*?)</textarea>', html, re.S
    )
    if textarea:
        return textarea.group(1)
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    if not tag:
        return None
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else ""


def input_tag(html, name):
    match = re.search(rf'<(?:input|textarea|select)[^>]*name="{re.escape(name)}"[^>]*>', html)
    return match.group(0) if match else ""
