"""One stylesheet per page: the committed bundle is what scripts/build_css.py makes of its
sources today, keeps Bootstrap's licence, and is the only stylesheet a reading page blocks on."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "static/css/bundle.css"


def test_the_committed_bundle_is_built_from_the_current_sources():
    result = subprocess.run(
        [sys.executable, "scripts/build_css.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr + " (run: make css)"


def test_the_bundle_keeps_bootstraps_licence_and_every_site_rule():
    css = BUNDLE.read_text(encoding="utf-8")
    assert "Licensed under MIT (https://github.com/twbs/bootstrap/blob/main/LICENSE)" in css
    for source in ("static/css/site.css", "static/css/comments.css"):
        assert (ROOT / source).read_text(encoding="utf-8").strip() in css
    # The form and button rules the comment form needs made the cut; unused components did not.
    assert ".form-control{" in css and ".btn{" in css and ".is-invalid" in css
    assert ".carousel" not in css and ".offcanvas" not in css


@pytest.mark.django_db
def test_a_reading_page_loads_one_stylesheet(client):
    html = client.get("/").content.decode()
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', html) == ["/static/css/bundle.css"]
