"""The admin sign-in stops password guessing: after AXES_FAILURE_LIMIT failures for a username
from one address (or from one address, whatever the usernames) signing in from there is paused,
with a page that says so and when to try again; an administrator can unlock it."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import UserFactory
from tests.test_settings import show

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login") + "?next=/admin/"
PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory
ATTACKER = "203.0.113.66"
PAUSED = "Signing in is paused"


def sign_in(username, password, *, ip=ATTACKER, client=None, **headers):
    client = client or Client()
    response = client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **headers
    )
    return response


def signed_in(response):
    return response.status_code == HTTPStatus.FOUND and response["Location"] == "/admin/"


def guess(username, times, **kwargs):
    return [sign_in(username, f"guess {n}", **kwargs).status_code for n in range(times)]


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", is_staff=True)


@override_settings(AXES_FAILURE_LIMIT=3, AXES_COOLOFF_TIME=timedelta(minutes=15))
def test_wrong_passwords_up_to_the_limit_pause_signing_in_even_with_the_right_one(editor):
    # Two failures show the login form again; the third is the limit.
    assert guess("editor", 3) == [HTTPStatus.OK, HTTPStatus.OK, HTTPStatus.TOO_MANY_REQUESTS]

    client = Client()
    response = sign_in("editor", PASSWORD, client=client)

    page = response.content.decode()
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert PAUSED in page
    assert "too many failed attempts to sign in from your network" in page
    assert "even the right password is refused" in page
    assert "Please try again in 15 minutes." in page
    assert "an administrator can unlock your sign-in" in page
    assert client.get("/admin/").status_code == HTTPStatus.FOUND  # not signed in


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_same_account_from_another_address_is_not_paused(editor):
    guess("editor", 3)

    assert signed_in(sign_in("editor", PASSWORD, ip="198.51.100.9"))


@override_settings(AXES_FAILURE_LIMIT=3)
def test_another_account_from_another_address_is_not_paused(editor):
    UserFactory(username="critic", is_staff=True)
    guess("editor", 3)

    assert signed_in(sign_in("critic", PASSWORD, ip="198.51.100.9"))


@override_settings(AXES_FAILURE_LIMIT=3)
def test_one_address_trying_many_usernames_is_paused_per_address(editor):
    # Password spraying: one guess for each of many names still adds up for the address.
    statuses = [sign_in(name, "Summer2024!").status_code for name in ("ann", "bob", "cat")]

    assert statuses[-1] == HTTPStatus.TOO_MANY_REQUESTS
    assert sign_in("editor", PASSWORD).status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert signed_in(sign_in("editor", PASSWORD, ip="198.51.100.9"))


@override_settings(AXES_FAILURE_LIMIT=3)
def test_an_administrator_unlocks_in_the_admin(editor):
    guess("editor", 3)
    admin = Client()
    admin.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    changelist = reverse("admin:axes_accessattempt_changelist")
    listing = admin.get(changelist)
    assert listing.status_code == HTTPStatus.OK
    assert ATTACKER in listing.content.decode()

    admin.post(
        changelist,
        {
            "action": "delete_selected",
            "_selected_action": list(AccessAttempt.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
    )

    assert not AccessAttempt.objects.exists()
    assert signed_in(sign_in("editor", PASSWORD))


@override_settings(AXES_FAILURE_LIMIT=3)
def test_manage_py_axes_reset_unlocks(editor):
    guess("editor", 3)
    assert sign_in("editor", PASSWORD).status_code == HTTPStatus.TOO_MANY_REQUESTS

    call_command("axes_reset", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert signed_in(sign_in("editor", PASSWORD))


@override_settings(AXES_FAILURE_LIMIT=3, TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_client_is_told_apart_by_the_same_rule_as_comments(editor):
    proxy = "10.0.0.2"
    # The client may write anything left of what the proxy appended: it does not help.
    for forged in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        sign_in("editor", "guess", ip=proxy, HTTP_X_FORWARDED_FOR=f"{forged}, {ATTACKER}")

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    paused = sign_in("editor", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert paused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    # Another reader behind the same proxy signs in.
    assert signed_in(sign_in("editor", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.9"))


def test_signing_in_normally_is_untouched(editor):
    assert signed_in(sign_in("editor", PASSWORD))
    assert not AccessAttempt.objects.exists()


def test_the_limit_and_the_pause_come_from_the_environment():
    assert (
        show(
            "(settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME.total_seconds())",
            DEBUG="1",
            AXES_FAILURE_LIMIT="7",
            AXES_COOLOFF_MINUTES="30",
        )
        == "(7, 1800.0)"
    )
    assert (
        show("(settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME.total_seconds())", DEBUG="1")
        == "(5, 900.0)"
    )
