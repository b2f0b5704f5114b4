"""A small site for the property-based tests, and the count of examples run per surface."""

from dataclasses import dataclass, field

import pytest
from django.test import Client

from comments import tokens
from comments.models import Comment, Subscription
from tests import factories
from tests.fuzz.support import EXAMPLES, STATUSES


@dataclass
class Site:
    review: object
    draft: object
    comment: object
    reply: object
    held: object
    superuser: object
    moderator: object
    subscription: object
    slugs: list = field(default_factory=list)
    ids: list = field(default_factory=list)
    tokens: list = field(default_factory=list)


@pytest.fixture
def site(db):
    genre = factories.GenreFactory(name="Drama", slug="drama")
    film = factories.FilmFactory(title="Her", slug="her", year=2013)
    film.genres.add(genre)
    person = factories.PersonFactory(name="Spike Jonze", slug="spike-jonze")
    factories.CreditFactory(film=film, person=person)
    review = factories.ReviewFactory(film=film, slug="her-a-quiet-triumph")
    draft = factories.ReviewFactory(film=film, slug="draft-review", status="draft")
    comment = factories.CommentFactory(review=review, name="Grace", body="Lovely review.")
    reply = factories.CommentFactory(review=review, parent=comment, name="Ann", body="Agreed.")
    held = factories.CommentFactory(review=review, status=Comment.Status.PENDING)
    subscription = Subscription.objects.create(comment=comment, email=comment.email)
    superuser = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    moderator = factories.UserFactory(username="mod", is_staff=True, groups=["Moderators"])
    return Site(
        review=review,
        draft=draft,
        comment=comment,
        reply=reply,
        held=held,
        superuser=superuser,
        moderator=moderator,
        subscription=subscription,
        slugs=[review.slug, draft.slug, film.slug, person.slug, genre.slug, review.author.slug],
        ids=[comment.pk, reply.pk, held.pk, review.pk, film.pk, person.pk, genre.pk, superuser.pk],
        tokens=[
            tokens.make_confirm_token(subscription),
            tokens.make_unsubscribe_token(subscription),
            tokens.make_verify_token(comment.email),
        ],
    )


@pytest.fixture
def anonymous():
    client = Client(REMOTE_ADDR="198.51.100.77")
    client.raise_request_exception = False  # a 500 is a response to assert on, with the example
    return client


@pytest.fixture
def admin_client_(site):
    client = Client(REMOTE_ADDR="198.51.100.78")
    client.raise_request_exception = False
    client.force_login(site.superuser)
    return client


@pytest.fixture
def moderator_client(site):
    client = Client(REMOTE_ADDR="198.51.100.79")
    client.raise_request_exception = False
    client.force_login(site.moderator)
    return client


def pytest_terminal_summary(terminalreporter):
    if not EXAMPLES:
        return
    terminalreporter.section("Hypothesis examples per surface")
    for surface, count in sorted(EXAMPLES.items()):
        statuses = ", ".join(
            f"{status}: {n}" for (name, status), n in sorted(STATUSES.items()) if name == surface
        )
        terminalreporter.write_line(f"{surface:<48} {count:>5}   responses {statuses}")
    terminalreporter.write_line(f"{'total':<48} {sum(EXAMPLES.values()):>5}")
