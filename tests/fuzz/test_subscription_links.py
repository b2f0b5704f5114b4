"""The links mailed to readers and the address-verification form under arbitrary input:
real tokens, tokens cut short or altered, made-up ones. Never a 500, nothing executable."""

from urllib.parse import quote

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.support import (
    assert_no_server_error,
    assert_nothing_executable,
    example,
    nasty_text,
    printable_text,
)

pytestmark = pytest.mark.django_db

LINKS = ["subscriptions:confirm", "subscriptions:unsubscribe", "subscriptions:verify_email"]


def mutated(token, how, position, text):
    position %= len(token) + 1
    if how == "cut":
        return token[:position]
    if how == "insert":
        return token[:position] + text + token[position:]
    return token[:position] + text + token[position + 1 :]


tokens = st.tuples(
    st.integers(0, 2),
    st.sampled_from(["keep", "cut", "insert", "replace"]),
    st.integers(0, 200),
    st.one_of(printable_text, nasty_text),
)


@given(link=st.sampled_from(LINKS), token=tokens, method=st.sampled_from(["GET", "POST"]))
def test_mailed_links_never_fail(anonymous, site, link, token, method):
    with example("subscriptions: mailed links"):
        which, how, position, text = token
        value = site.tokens[which]
        if how != "keep":
            value = mutated(value, how, position, text) or "x"
        path = reverse(link, kwargs={"token": "TOKEN"}).replace(
            "TOKEN", quote(value.encode("utf-8", "surrogatepass"), safe="")
        )
        response = anonymous.generic(method, path)
        assert_no_server_error(response)
        assert_nothing_executable(response)


@given(
    email=st.one_of(st.emails(), printable_text, nasty_text),
    extra=st.dictionaries(st.sampled_from(["email", "next", "csrfmiddlewaretoken"]), nasty_text),
)
def test_verify_request_form_never_fails(anonymous, site, email, extra):
    with example("subscriptions: verify-address form"):
        response = anonymous.post(
            reverse("subscriptions:verify_email_request"), {"email": email, **extra}
        )
        assert_no_server_error(response)
        assert_nothing_executable(response)
