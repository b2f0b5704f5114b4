"""The input boundary (core): the middleware that refuses unusable URLs, the one integer reader,
redirect targets, the text validators and the XML-safe writers."""

from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import RequestFactory

from core.http import MAX_ID, int_param, page_param, safe_next
from core.text import has_control_characters, strip_control_characters, xml_safe
from core.validators import TEXT_VALIDATORS, validate_no_control_characters
from core.xmlwriters import Rss201rev2Feed
from tests import factories

pytestmark = pytest.mark.django_db

# --- The middleware ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/%00",
        "/reviews/%00/",
        "/no/such/page%00",  # a 404, whose legacy-redirect lookup must not see it
        "/?q=%00",
        "/search/?q=a%00b",
        "/films/?year=20%0013",
        "/?p=%00",
        "/?%00=1",
        "/search/?q=%0b",
        "/search/?q=%1f",
        "/search/?q=%7f",
        "/search/?q=line%0Abreak",
        "/reviews/%C0%AF/",  # invalid UTF-8 in the path…
        "/search/?q=%FF",  # …and in the query
        "/search/?q=%ED%A0%80",  # an encoded lone surrogate is not UTF-8 either
    ],
)
def test_an_address_with_a_control_character_or_invalid_utf8_is_a_400_before_any_query(
    client, django_assert_num_queries, url
):
    with django_assert_num_queries(0):
        response = client.get(url)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "characters that no address of this site contains" in response.content.decode()


def test_the_400_carries_the_security_headers_of_every_other_response(client):
    response = client.get("/?q=%00")

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_a_post_to_such_an_address_is_refused_too(client):
    review = factories.ReviewFactory()
    response = client.post(f"/reviews/{review.slug}/comments/?corder=%00", {"comment": "Hi"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not review.comments.exists()


@pytest.mark.parametrize(
    "url", ["/search/?q=caf%C3%A9", "/search/?q=%E2%80%9Cquoted%E2%80%9D", "/films/?letter=0-9"]
)
def test_ordinary_addresses_pass(client, url):
    assert client.get(url).status_code == HTTPStatus.OK


def test_a_cookie_holding_a_control_character_is_ignored_not_looked_up(client):
    client.cookies["sessionid"] = "\x00" * 32
    client.cookies["comment_author"] = "\x01bad"

    assert client.get("/").status_code == HTTPStatus.OK


# --- int_param --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("7", 7),
        (" 7 ", 7),
        ("007", 7),
        ("0" * 5000 + "7", 7),
        (7, 7),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("9" * 5000, None),  # int() itself refuses more than 4300 digits
        ("²", None),  # '²'.isdigit() is True, int('²') raises
        ("١٢", None),  # int() reads Arabic-Indic digits…
        ("１２", None),  # …and full-width ones: neither is ASCII
        ("Ⅻ", None),
        ("-1", None),
        ("+1", None),
        ("1.5", None),
        ("1e3", None),
        ("1_000", None),
        ("", None),
        (None, None),
        (True, None),
        (["7"], None),
    ],
)
def test_int_param_accepts_ascii_digits_within_bounds_only(raw, expected):
    assert int_param(raw) == expected


def test_int_param_bounds_default_and_clamp():
    assert int_param("0", minimum=1) is None
    assert int_param("0", minimum=1, default=1) == 1
    assert int_param("50", maximum=10) is None
    assert int_param("50", maximum=10, clamp=True) == 10
    assert int_param("9" * 100, maximum=10, clamp=True) == 10
    assert int_param("0", minimum=1, clamp=True) == 1
    assert int_param("²", default=1, clamp=True) == 1


@pytest.mark.parametrize("raw", ["²", "١", "１", "abc", "0", "-2", "9" * 30])
def test_page_param_is_a_404_for_anything_but_a_page_number(raw):
    with pytest.raises(Http404):
        page_param(raw, last=3)


def test_page_param_reads_absent_numbers_and_last():
    assert page_param(None, last=3) == 1
    assert page_param("", last=3) == 1
    assert page_param("2", last=3) == 2
    assert page_param("last", last=3) == 3


# --- Redirect targets -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("/moderation/?status=spam", "/moderation/?status=spam"),
        ("http://testserver/films/", "http://testserver/films/"),
        ("foo", "foo"),  # a relative address; redirect() would have tried to reverse it
        ("https://evil.example/", "/fallback/"),
        ("//evil.example/", "/fallback/"),
        ("/\\evil.example", "/fallback/"),
        ("javascript:alert(1)", "/fallback/"),
        ("/ok\x00", "/fallback/"),
        ("/ok\nLocation: x", "/fallback/"),
        ("", "/fallback/"),
        (None, "/fallback/"),
    ],
)
def test_safe_next_keeps_only_addresses_on_this_site(raw, expected):
    request = RequestFactory().get("/")
    assert safe_next(request, raw, fallback="/fallback/") == expected


# --- Text ------------------------------------------------------------------------------------


def test_control_characters_other_than_tab_newline_and_return_are_found_and_stripped():
    text = "a\x00b\x01c\x08d\x0be\x0cf\x0eg\x1fh\ti\nj\rk\x7fl"

    assert has_control_characters(text)
    assert strip_control_characters(text) == "abcdefgh\ti\nj\rk\x7fl"
    assert not has_control_characters("tab\tnew\nline\r\n«quotes» 😀")


def test_xml_safe_also_drops_noncharacters_and_lone_surrogates():
    assert xml_safe("a\x00\x0b\ufffe\uffff\ud800b\t\n") == "ab\t\n"


@pytest.mark.parametrize("text", ["\x01", "a\x0bb", "\x0c", "\x1b[31m", "\x1f"])
def test_the_validator_refuses_control_characters_with_a_clear_message(text):
    with pytest.raises(ValidationError) as raised:
        validate_no_control_characters(text)
    assert raised.value.code == "control_characters"
    assert "invisible control character" in raised.value.messages[0]


@pytest.mark.parametrize("text", ["", "plain", "tab\tnew\nline\r\n", "« é 😀 »", "\x7f"])
def test_the_validator_accepts_what_people_type(text):
    validate_no_control_characters(text)


def test_model_text_validators_refuse_nul_and_the_rest():
    codes = set()
    for text in ("a\x00b", "a\x0bb"):
        for validator in TEXT_VALIDATORS:
            try:
                validator(text)
            except ValidationError as error:
                codes.add(error.code)
    assert codes == {"null_characters_not_allowed", "control_characters"}


# --- XML writers -----------------------------------------------------------------------------


def test_the_feed_generator_drops_what_xml_cannot_carry():
    feed = Rss201rev2Feed(title="Site\x0b", link="/", description="About\x00 it")
    feed.add_item(
        title="Item\x01", link="/item/", description="<p>Body\x0c</p>", categories=["a\x1f"]
    )

    xml = feed.writeString("utf-8")

    assert "<title>Site</title>" in xml
    assert "<title>Item</title>" in xml
    assert "&lt;p&gt;Body&lt;/p&gt;" in xml
    assert "<category>a</category>" in xml
