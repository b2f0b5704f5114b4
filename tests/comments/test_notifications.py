"""Every comment mail: who gets it, what it says, and that no reader's address leaks to
another. Mails are sent by django-tasks (immediate backend in tests) after the commit."""

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import signing
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from comments import tasks, tokens
from comments.models import Comment, Subscription, VerifiedEmail
from tests.comments.moderation_support import post_comment
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE_URL = "https://reviews.example"
READER = "ada@example.net"
QUEUE = reverse("moderation:queue")


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """Posts a comment and runs what the commit queues (the mails)."""

    def _post(client, review, **data):
        with django_capture_on_commit_callbacks(execute=True):
            return post_comment(client, review, **data)

    return _post


@pytest.fixture
def moderate(client, moderator, django_capture_on_commit_callbacks):
    client.force_login(moderator)

    def _moderate(action, *comments):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("moderation:act"), {"action": action, "comment": [c.pk for c in comments]}
            )

    return _moderate


def text_of(mail):
    return "\n".join([mail.subject, mail.body, *map(str, mail.extra_headers.values())])


def reader_addresses_in(mail):
    return set(re.findall(r"[\w.+-]+@[\w-]+\.[\w.-]+", text_of(mail))) - {"noreply@localhost"}


def assert_private(outbox):
    """Exactly one recipient per mail, no copies, and no other reader's address anywhere."""
    for mail in outbox:
        assert len(mail.to) == 1 and not mail.cc and not mail.bcc
        assert reader_addresses_in(mail) <= {mail.to[0]}


def link_in(mail, name):
    match = re.search(rf"{re.escape(SITE_URL)}(/email/{name}/[^/\s]+/)", mail.body)
    assert match, f"a {name} link in the mail"
    return match.group(1)


def latest():
    return Comment.objects.latest("pk")


def verified_browser(email):
    """A browser that opened the verification link for `email`: its comments with that address
    are published at once (in that browser only)."""
    browser = Client()
    browser.post(reverse("subscriptions:verify_email", args=[tokens.make_verify_token(email)]))
    return browser


# --- moderators are told of held comments


def test_held_comment_is_mailed_to_each_moderator_with_a_link_to_the_queue(
    post, review, mailoutbox
):
    UserFactory(username="mod-a", email="mod-a@site.example", groups=["Moderators"])
    UserFactory(username="mod-b", email="mod-b@site.example", groups=["Moderators"])
    UserFactory(username="root", email="root@site.example", is_superuser=True)
    UserFactory(username="quiet-root", email="", is_superuser=True)
    UserFactory(username="gone", email="gone@site.example", groups=["Moderators"], is_active=False)

    post(Client(), review, comment="Please approve my thoughts.", email=READER)

    assert sorted(m.to[0] for m in mailoutbox) == [
        "mod-a@site.example",
        "mod-b@site.example",
        "root@site.example",
    ]
    mail = mailoutbox[0]
    assert review.headline in mail.subject
    assert "Please approve my thoughts." in mail.body
    assert f"{SITE_URL}{QUEUE}" in mail.body
    assert "First comment from this commenter" in mail.body
    assert READER not in text_of(mail)
    assert_private(mailoutbox)


def test_moderators_are_not_told_of_comments_published_at_once(post, review, mailoutbox):
    UserFactory(username="mod-a", email="mod-a@site.example", groups=["Moderators"])

    post(verified_browser(READER), review, email=READER)

    assert [m.to for m in mailoutbox] == [[review.author.user.email]]


def test_held_comment_mail_is_skipped_when_it_was_decided_before_the_worker_ran(review, mailoutbox):
    comment = CommentFactory(review=review, status="approved")

    tasks.send_held_comment_mail.call(comment.pk, "mod-a@site.example")

    assert mailoutbox == []


# --- the review's author is told of approved comments


def test_author_is_mailed_when_a_moderator_approves_a_comment(post, moderate, review, mailoutbox):
    post(Client(), review, comment="An insightful remark.", email=READER)
    comment = latest()
    mailoutbox.clear()

    moderate("approve", comment)

    assert [m.to for m in mailoutbox] == [[review.author.user.email]]
    mail = mailoutbox[0]
    assert "An insightful remark." in mail.body
    assert (
        f"{SITE_URL}/comments/{comment.pk}/" in mail.body or f"#comment-{comment.pk}" in mail.body
    )
    assert READER not in text_of(mail)


def test_author_is_told_once_even_if_a_comment_is_approved_again(
    post, moderate, review, mailoutbox
):
    post(Client(), review, email=READER)
    comment = latest()
    moderate("approve", comment)
    moderate("unapprove", comment)
    mailoutbox.clear()

    moderate("approve", comment)

    assert mailoutbox == []


@override_settings(COMMENTS_MODERATION="none")
def test_author_is_mailed_when_a_comment_is_published_at_once(post, review, mailoutbox):
    post(Client(), review, comment="Straight through.")

    assert [m.to for m in mailoutbox] == [[review.author.user.email]]


def test_author_is_not_mailed_about_their_own_reply(post, review, mailoutbox):
    client = Client()
    client.force_login(review.author.user)

    post(client, review, comment="Thanks for reading.")

    assert latest().status == Comment.Status.APPROVED
    assert mailoutbox == []


def test_nothing_is_mailed_about_spam(post, review, mailoutbox):
    UserFactory(username="mod-a", email="mod-a@site.example", groups=["Moderators"])
    from comments.models import BlocklistEntry

    BlocklistEntry.objects.create(kind="email", value=READER)

    post(Client(), review, email=READER, notify="on")

    assert latest().status == Comment.Status.SPAM
    assert mailoutbox == []


# --- double opt-in for replies


def to_reader(outbox, address=READER):
    return [m for m in outbox if m.to == [address]]


def test_a_held_comment_mails_the_typed_address_nothing_until_it_is_approved(
    post, moderate, moderator, review, mailoutbox
):
    # Used to mail the confirmation at once, greeting the typed name: the site as a mail relay
    # to any address typed (issue 10). Now: nothing until a moderator approves the comment.
    post(
        Client(),
        review,
        comment="Tell me about replies.",
        name="Buy Pills Now",
        email=READER,
        notify="on",
    )
    comment = latest()
    assert comment.status == Comment.Status.PENDING
    subscription = Subscription.objects.get()
    assert subscription.email == READER and subscription.confirmed_at is None
    assert to_reader(mailoutbox) == []
    assert [m.to for m in mailoutbox] == [[moderator.email]]  # the queue, not the reader
    mailoutbox.clear()

    moderate("approve", comment)

    confirmations = to_reader(mailoutbox)
    assert len(confirmations) == 1
    mail = confirmations[0]
    assert "confirm" in mail.subject.lower()
    link_in(mail, "confirm")
    assert "Buy Pills Now" not in text_of(mail)
    assert "Tell me about replies." not in text_of(mail)
    assert mail.body.startswith("Hello,\n")
    assert_private(mailoutbox)


def test_the_confirmation_is_sent_once_however_often_the_comment_is_approved(
    post, moderate, review, mailoutbox
):
    post(Client(), review, email=READER, notify="on")
    comment = latest()
    moderate("approve", comment)
    moderate("unapprove", comment)
    moderate("approve", comment)

    assert len(to_reader(mailoutbox)) == 1


@pytest.mark.parametrize("decision", ["spam", "remove"])
def test_a_comment_held_then_rejected_never_mails_its_address(
    post, moderate, review, mailoutbox, decision
):
    post(Client(), review, email=READER, notify="on")

    moderate(decision, latest())

    assert to_reader(mailoutbox) == []


def test_a_comment_published_at_once_sends_the_confirmation_at_once_without_the_name(
    post, review, mailoutbox
):
    post(verified_browser(READER), review, name="Ada <Lovelace>", email=READER, notify="on")

    assert latest().status == Comment.Status.APPROVED
    confirmations = to_reader(mailoutbox)
    assert len(confirmations) == 1
    assert "Ada" not in text_of(confirmations[0])
    assert_private(mailoutbox)


def test_a_confirmation_queued_for_a_comment_held_since_is_not_sent(review, mailoutbox):
    comment = CommentFactory(review=review, email=READER, status="pending")
    subscription = Subscription.objects.create(comment=comment, email=READER)

    tasks.send_confirmation_mail.call(subscription.pk)

    assert mailoutbox == []


def test_no_mail_template_to_an_unconfirmed_address_renders_what_a_reader_typed(
    post, moderate, review, mailoutbox, django_capture_on_commit_callbacks
):
    typed = "Zq9-typed-marker"
    post(
        Client(),
        review,
        comment=f"Body {typed}",
        name=f"Name {typed}",
        email=READER,
        url=f"https://{typed.lower()}.example/",
        notify="on",
    )
    moderate("approve", latest())
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("subscriptions:verify_email_request"), {"email": READER})

    unconfirmed = to_reader(mailoutbox)  # the subscription's confirmation, the verification
    assert len(unconfirmed) == 2
    link_in(unconfirmed[0], "confirm")
    link_in(unconfirmed[1], "verify")
    for mail in unconfirmed:
        assert typed.casefold() not in text_of(mail).casefold()


def test_confirmation_link_asks_first_then_confirms_and_verifies_the_address(
    post, moderate, review, mailoutbox
):
    post(Client(), review, email=READER, notify="on")
    moderate("approve", latest())
    link = link_in(to_reader(mailoutbox)[-1], "confirm")
    reader = Client()  # no login, no cookies: just the link

    page = reader.get(link)
    assert page.status_code == HTTPStatus.OK
    assert "Yes, email me replies" in page.content.decode()
    assert Subscription.objects.get().confirmed_at is None  # a link scanner's GET does nothing

    done = reader.post(link)

    assert "Subscription confirmed" in done.content.decode()
    assert Subscription.objects.get().is_active
    assert VerifiedEmail.objects.filter(email__iexact=READER).exists()
    assert READER not in done.content.decode()
    # Proven owner of the address in this browser: their next comment from it skips the queue;
    # typed in any other browser, the address proves nothing (issue 10).
    post(Client(), review, comment="Posing as Ada.", email=READER)
    assert latest().status == Comment.Status.PENDING
    post(reader, review, comment="Now a regular.", email=READER)
    assert latest().status == Comment.Status.APPROVED


def test_confirmation_link_works_once_and_then_says_so(post, moderate, review, mailoutbox):
    post(Client(), review, email=READER, notify="on")
    moderate("approve", latest())
    link = link_in(to_reader(mailoutbox)[-1], "confirm")
    Client().post(link)

    again = Client().post(link)

    assert again.status_code == HTTPStatus.OK
    assert "Already confirmed" in again.content.decode()


def test_expired_confirmation_link_is_refused_kindly(review, monkeypatch):
    subscription = Subscription.objects.create(
        comment=CommentFactory(review=review, email=READER), email=READER
    )
    token = tokens.make_confirm_token(subscription)
    later = timezone.now().timestamp() + tokens.CONFIRM_MAX_AGE + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)

    response = Client().post(reverse("subscriptions:confirm", args=[token]))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "This link has expired" in response.content.decode()
    assert Subscription.objects.get().confirmed_at is None


# --- subscribers get approved replies


@pytest.fixture
def thread(review):
    """A parent comment with an active, an unconfirmed and an unsubscribed subscriber."""
    parent = CommentFactory(review=review, name="Parent Ada", email=READER)
    now = timezone.now()
    Subscription.objects.create(comment=parent, email=READER, confirmed_at=now)
    Subscription.objects.create(comment=parent, email="unconfirmed@example.net")
    Subscription.objects.create(
        comment=parent, email="left@example.net", confirmed_at=now, unsubscribed_at=now
    )
    return parent


def test_approved_reply_is_mailed_to_confirmed_subscribers_with_one_click_unsubscribe(
    post, moderate, review, thread, mailoutbox
):
    post(Client(), review, comment="A reply to Ada.", email="bob@example.net", parent=thread.pk)
    reply = latest()
    assert reply.status == Comment.Status.PENDING
    assert not [m for m in mailoutbox if m.to == [READER]]  # held replies are not sent
    mailoutbox.clear()

    moderate("approve", reply)

    to_reader = [m for m in mailoutbox if m.to == [READER]]
    assert len(to_reader) == 1
    mail = to_reader[0]
    assert "A reply to Ada." in mail.body
    unsubscribe = link_in(mail, "unsubscribe")
    assert mail.extra_headers["List-Unsubscribe"] == f"<{SITE_URL}{unsubscribe}>"
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "bob@example.net" not in text_of(mail)
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == sorted([READER, review.author.user.email])
    assert_private(mailoutbox)


def test_replier_is_not_mailed_about_their_own_reply(post, review, thread, mailoutbox):
    browser = verified_browser(READER)  # published at once

    post(browser, review, comment="Replying to myself.", email=READER, parent=thread.pk)

    assert latest().status == Comment.Status.APPROVED
    assert [m.to for m in mailoutbox] == [[review.author.user.email]]


def test_each_subscriber_gets_their_own_mail(post, review, thread, mailoutbox):
    Subscription.objects.create(
        comment=thread, email="carol@example.net", confirmed_at=timezone.now()
    )
    bob = verified_browser("bob@example.net")

    post(bob, review, comment="Hello both.", email="bob@example.net", parent=thread.pk)

    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [READER, "carol@example.net", review.author.user.email]
    )
    assert_private(mailoutbox)


# --- unsubscribing


@pytest.fixture
def unsubscribe_link(thread):
    return reverse(
        "subscriptions:unsubscribe",
        args=[tokens.make_unsubscribe_token(thread.subscriptions.get(email=READER))],
    )


def test_unsubscribe_link_asks_then_unsubscribes_without_login(unsubscribe_link):
    reader = Client()

    page = reader.get(unsubscribe_link)
    assert page.status_code == HTTPStatus.OK
    assert Subscription.objects.get(email=READER).is_active

    done = reader.post(unsubscribe_link)

    assert done.status_code == HTTPStatus.OK
    assert "You are unsubscribed" in done.content.decode()
    assert Subscription.objects.get(email=READER).unsubscribed_at is not None


def test_unsubscribing_twice_is_harmless(unsubscribe_link):
    Client().post(unsubscribe_link)
    first = Subscription.objects.get(email=READER).unsubscribed_at

    again = Client().post(unsubscribe_link)

    assert again.status_code == HTTPStatus.OK
    assert "already unsubscribed" in again.content.decode()
    assert Subscription.objects.get(email=READER).unsubscribed_at == first


def test_mail_clients_one_click_unsubscribe_needs_no_csrf_token(unsubscribe_link):
    response = Client(enforce_csrf_checks=True).post(
        unsubscribe_link, {"List-Unsubscribe": "One-Click"}
    )

    assert response.status_code == HTTPStatus.OK
    assert not Subscription.objects.get(email=READER).is_active


def test_unsubscribed_reader_gets_no_more_replies(
    post, review, thread, unsubscribe_link, mailoutbox
):
    Client().post(unsubscribe_link)
    bob = verified_browser("bob@example.net")

    post(bob, review, comment="Anyone there?", email="bob@example.net", parent=thread.pk)

    assert latest().status == Comment.Status.APPROVED
    assert READER not in [m.to[0] for m in mailoutbox]


@pytest.mark.parametrize("kind", ["garbage", "tampered", "other-purpose", "unknown-id"])
def test_forged_links_are_refused_with_a_friendly_page(thread, kind):
    subscription = thread.subscriptions.get(email=READER)
    token = {
        "garbage": "not-a-token",
        "tampered": tokens.make_unsubscribe_token(subscription)[:-3] + "abc",
        "other-purpose": tokens.make_confirm_token(subscription),
        "unknown-id": signing.dumps([987654, READER], salt=tokens.UNSUBSCRIBE_SALT),
    }[kind]

    for method in ("get", "post"):
        response = getattr(Client(), method)(reverse("subscriptions:unsubscribe", args=[token]))
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert "This link does not work" in response.content.decode()
    assert Subscription.objects.get(email=READER).is_active


# --- verifying an address from a new browser


def test_returning_commenter_can_verify_their_address_by_a_mailed_link(
    review, mailoutbox, django_capture_on_commit_callbacks
):
    CommentFactory(review=review, email=READER)
    reader = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = reader.post(reverse("subscriptions:verify_email_request"), {"email": READER})
    assert "Check your email" in response.content.decode()
    assert [m.to for m in mailoutbox] == [[READER]]
    link = link_in(mailoutbox[0], "verify")

    assert not VerifiedEmail.objects.exists()
    reader.get(link)
    assert not VerifiedEmail.objects.exists()
    reader.post(link)

    assert VerifiedEmail.objects.filter(email__iexact=READER).exists()


def test_verification_is_only_mailed_to_addresses_with_an_approved_comment(
    review, mailoutbox, django_capture_on_commit_callbacks
):
    CommentFactory(review=review, email="held@example.net", status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        stranger = Client().post(
            reverse("subscriptions:verify_email_request"), {"email": "victim@example.net"}
        )
        held = Client().post(
            reverse("subscriptions:verify_email_request"), {"email": "held@example.net"}
        )

    assert mailoutbox == []
    # The same answer either way: the form does not reveal who has commented.
    assert "Check your email" in stranger.content.decode()
    assert "Check your email" in held.content.decode()


def test_verification_requests_are_rate_limited(
    review, mailoutbox, django_capture_on_commit_callbacks
):
    CommentFactory(review=review, email=READER)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(8):
            Client().post(reverse("subscriptions:verify_email_request"), {"email": READER})

    assert len(mailoutbox) == 5


def test_a_regular_on_a_new_browser_gets_a_new_link_and_trust_there(
    post, review, mailoutbox, django_capture_on_commit_callbacks
):
    CommentFactory(review=review, email=READER)
    verified_browser(READER)  # the laptop, long ago
    phone = Client()
    with django_capture_on_commit_callbacks(execute=True):
        phone.post(reverse("subscriptions:verify_email_request"), {"email": READER})
    link = link_in(to_reader(mailoutbox)[0], "verify")
    assert "Confirm my address" in phone.get(link).content.decode()  # not "already confirmed"

    phone.post(link)

    assert "Already confirmed" in phone.get(link).content.decode()
    post(phone, review, comment="From my phone.", email=READER)
    assert latest().status == Comment.Status.APPROVED


def test_verification_mails_are_limited_per_address_whatever_the_network(
    review, mailoutbox, django_capture_on_commit_callbacks
):
    CommentFactory(review=review, email=READER)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(8):
            Client().post(
                reverse("subscriptions:verify_email_request"),
                {"email": READER},
                REMOTE_ADDR=f"198.51.100.{n + 1}",
            )

    assert len(mailoutbox) == 5


def test_verification_requests_from_one_ipv6_network_count_together(
    review, mailoutbox, django_capture_on_commit_callbacks
):
    # One subscriber line holds a whole /64: new addresses in it are not new clients.
    for n in range(8):
        CommentFactory(review=review, email=f"reader{n}@example.net")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(8):
            Client().post(
                reverse("subscriptions:verify_email_request"),
                {"email": f"reader{n}@example.net"},
                REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}",
            )

    assert len(mailoutbox) == 5


def test_expired_verification_link_is_refused(monkeypatch):
    token = tokens.make_verify_token(READER)
    later = (timezone.now() + timedelta(days=4)).timestamp()
    monkeypatch.setattr(signing.time, "time", lambda: later)

    response = Client().post(reverse("subscriptions:verify_email", args=[token]))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not VerifiedEmail.objects.exists()
