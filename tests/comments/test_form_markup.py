"""The review page writes the fresh comment form itself (comments.rendering.form_html) rather
than through `{% crispy form %}`, which cost about 9 ms a page: the markup must stay crispy's."""

import re

import pytest
from django.template import Context, Template
from django.test import SimpleTestCase

from comments import threads
from comments.forms import CommentForm
from comments.rendering import form_html
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CRISPY = Template("{% load crispy_forms_tags %}{% crispy form %}")
TIMESTAMP = re.compile(r'(name="timestamp" value=)"[^"]*"')


def same_markup(form):
    fast = form_html(form)
    assert fast is not None
    slow = CRISPY.render(Context({"form": form}))
    # Each rendering signs a fresh timestamp; everything else must match.
    SimpleTestCase().assertHTMLEqual(TIMESTAMP.sub(r"\1x", fast), TIMESTAMP.sub(r"\1x", slow))
    return fast


@pytest.mark.parametrize(
    "initial",
    [
        {},
        {"name": "Ada <Reader>", "email": "ada@example.net", "url": "https://ada.example/"},
        {"parent": 12},
    ],
    ids=["fresh", "remembered", "reply"],
)
def test_the_form_is_crispys_markup_for_a_reader(review, initial):
    html = same_markup(CommentForm(review=review, initial=initial, csrf_token="t" * 64))
    assert 'name="csrfmiddlewaretoken" value="' + "t" * 64 in html
    assert "Ada &lt;Reader&gt;" in html or "name" not in initial


def test_the_form_is_crispys_markup_for_a_signed_in_user(review):
    user = UserFactory(is_staff=True)
    html = same_markup(CommentForm(review=review, user=user, csrf_token="t" * 64))
    assert 'name="email"' not in html


def test_the_form_keeps_the_readers_order_in_its_action(review):
    form = CommentForm(review=review, csrf_token="t" * 64)
    threads.keep_order_in_form(form, threads.NEWEST)
    assert "?corder=newest" in same_markup(form)


def test_a_form_sent_back_with_errors_is_left_to_crispy(review):
    form = CommentForm({"comment": ""}, review=review, csrf_token="t" * 64)
    assert not form.is_valid()
    assert form_html(form) is None
