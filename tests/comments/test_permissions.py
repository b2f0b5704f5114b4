"""Who may moderate, skip moderation or preview a draft: model permissions decide, never a
group's name, so the queue and the admin always agree."""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse

from comments.models import Comment
from tests.comments.moderation_support import post_comment
from tests.factories import CommentFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("moderation:queue")
CHANGELIST = reverse("admin:comments_comment_changelist")


def perms(*codenames):
    return Permission.objects.filter(
        content_type__app_label__in=["comments", "reviews"], codename__in=codenames
    )


def pending(review):
    return CommentFactory(review=review, status=Comment.Status.PENDING)


def admin_approve(client, comment):
    return client.post(
        CHANGELIST,
        {"action": "approve_comments", "_selected_action": [comment.pk]},
        follow=True,
    )


def queue_approve(client, comment):
    return client.post(reverse("moderation:act"), {"action": "approve", "comment": [comment.pk]})


def moderation_offered_in_admin(client) -> bool:
    """The admin's action menu offers Approve (it is shown only when comments are listed)."""
    response = client.get(CHANGELIST)
    return response.status_code == HTTPStatus.OK and 'value="approve_comments"' in (
        response.content.decode()
    )


@pytest.fixture
def staff_moderator_without_group(client):
    """Staff given comments.can_moderate (and the admin's comment permissions) directly."""
    user = UserFactory(username="direct-mod", is_staff=True)
    user.user_permissions.add(*perms("can_moderate", "view_comment", "change_comment"))
    client.force_login(user)
    return user


@pytest.fixture
def member_of_stripped_group(client):
    """A Moderators member whose group lost can_moderate (it keeps the admin's permissions)."""
    group = Group.objects.get(name="Moderators")
    group.permissions.remove(*perms("can_moderate"))
    user = UserFactory(username="stripped-mod", is_staff=True, groups=["Moderators"])
    client.force_login(user)
    return user


def test_the_permission_without_the_group_moderates_in_the_queue_and_the_admin(
    client, staff_moderator_without_group, review
):
    by_queue, by_admin = pending(review), pending(review)
    assert client.get(QUEUE).status_code == HTTPStatus.OK
    assert moderation_offered_in_admin(client)

    queue_approve(client, by_queue)
    admin_approve(client, by_admin)

    by_queue.refresh_from_db()
    by_admin.refresh_from_db()
    assert by_queue.status == by_admin.status == Comment.Status.APPROVED


def test_the_group_without_the_permission_moderates_in_neither(
    client, member_of_stripped_group, review
):
    by_queue, by_admin = pending(review), pending(review)
    assert client.get(QUEUE).status_code == HTTPStatus.FORBIDDEN
    # The admin still lists comments (view and change stayed) but offers no moderation.
    assert client.get(CHANGELIST).status_code == HTTPStatus.OK
    assert not moderation_offered_in_admin(client)

    assert queue_approve(client, by_queue).status_code == HTTPStatus.FORBIDDEN
    admin_approve(client, by_admin)

    by_queue.refresh_from_db()
    by_admin.refresh_from_db()
    assert by_queue.status == by_admin.status == Comment.Status.PENDING


def test_a_group_that_lost_every_permission_keeps_its_members_out_of_both(client, review):
    Group.objects.get(name="Moderators").permissions.clear()
    client.force_login(UserFactory(username="ex-mod", is_staff=True, groups=["Moderators"]))

    assert client.get(QUEUE).status_code == HTTPStatus.FORBIDDEN
    assert client.get(CHANGELIST).status_code == HTTPStatus.FORBIDDEN


def test_change_comment_alone_is_not_moderation_anywhere(client, review):
    editor = UserFactory(username="editor", is_staff=True)
    editor.user_permissions.add(*perms("view_comment", "change_comment"))
    client.force_login(editor)
    comment = pending(review)

    assert client.get(QUEUE).status_code == HTTPStatus.FORBIDDEN
    assert client.get(CHANGELIST).status_code == HTTPStatus.OK
    assert not moderation_offered_in_admin(client)
    response = client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    # The status is shown, not editable: changing it is moderation.
    assert 'name="status"' not in response.content.decode()


def test_held_comment_permalink_follows_the_permission(client, review):
    comment = pending(review)
    url = reverse("comments:permalink", kwargs={"pk": comment.pk})
    user = UserFactory(username="direct-mod", is_staff=True)
    client.force_login(user)
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND

    user.user_permissions.add(*perms("can_moderate"))
    client.force_login(user)  # a fresh request: permissions are read again
    assert client.get(url).status_code == HTTPStatus.FOUND


def test_held_comment_mail_goes_to_whoever_has_the_permission(
    client, review, mailoutbox, django_capture_on_commit_callbacks
):
    direct = UserFactory(username="direct-mod", email="direct@site.example")
    direct.user_permissions.add(*perms("can_moderate"))
    UserFactory(username="stripped", email="stripped@site.example", groups=["Moderators"])
    Group.objects.get(name="Moderators").permissions.remove(*perms("can_moderate"))

    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, review)  # a first-time commenter: held

    recipients = {address for mail in mailoutbox for address in mail.to}
    assert "direct@site.example" in recipients
    assert "stripped@site.example" not in recipients


def test_skipping_moderation_follows_the_permission_not_the_group(client, review):
    trusted = UserFactory(username="trusted")
    trusted.user_permissions.add(*perms("skip_moderation"))
    client.force_login(trusted)
    post_comment(client, review, comment="Signed in with the permission.")
    assert Comment.objects.get(body="Signed in with the permission.").status == "approved"

    Group.objects.get(name="Authors").permissions.remove(*perms("skip_moderation"))
    client.force_login(UserFactory(username="writer", is_staff=True, groups=["Authors"]))
    post_comment(client, review, comment="An author whose group lost it.")
    assert Comment.objects.get(body="An author whose group lost it.").status == "pending"


def test_draft_preview_follows_the_review_permissions(client):
    draft = ReviewFactory(status="draft")
    url = draft.get_absolute_url()

    writer = UserFactory(username="other-writer", is_staff=True, groups=["Authors"])
    client.force_login(writer)
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND  # not their review

    writer.user_permissions.add(*perms("change_any_review"))
    client.force_login(writer)
    assert client.get(url).status_code == HTTPStatus.OK


def test_migrate_restores_a_missing_default_group_but_not_a_removed_permission():
    Group.objects.filter(name="Authors").delete()
    Group.objects.get(name="Moderators").permissions.remove(*perms("can_moderate"))

    call_command("migrate", verbosity=0)

    authors = Group.objects.get(name="Authors")
    assert authors.permissions.filter(codename="skip_moderation").exists()
    assert authors.permissions.filter(codename="add_review").exists()
    moderators = Group.objects.get(name="Moderators")
    assert not moderators.permissions.filter(codename="can_moderate").exists()
