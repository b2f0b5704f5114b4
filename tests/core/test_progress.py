"""Long commands show how far they got (core/progress.py): plain lines every PROGRESS_INTERVAL
seconds when their output is not a terminal (cron, systemd's journal, a pipe), a bar on a
terminal, nothing with --verbosity 0. Here the interval is 0, so every item makes a line."""

import io
import re

import pytest
from django.core.management import call_command

from core.progress import Progress, progress
from tests.factories import CommentFactory, ReviewFactory

pytestmark = pytest.mark.django_db

REVIEWS = 12


@pytest.fixture
def every_item(settings):
    settings.PROGRESS_INTERVAL = 0


@pytest.fixture
def site():
    for review in ReviewFactory.create_batch(REVIEWS):
        CommentFactory(review=review)


def run(command, *args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def progress_lines(text, desc):
    return [line for line in text.splitlines() if line.startswith(f"{desc}: ")]


def exported(tmp_path):
    path = tmp_path / "site.xml"
    run("export_wxr", "--output", str(path))
    return path


def test_import_wxr_reports_its_progress_in_plain_lines_off_a_terminal(site, every_item, tmp_path):
    path = exported(tmp_path)

    out, _ = run("import_wxr", str(path))

    lines = progress_lines(out, "Importing posts")
    assert len(lines) == REVIEWS + 1
    assert re.fullmatch(r"Importing posts: 1 of 12 \(8%\), \d+ s", lines[0])
    assert re.fullmatch(r"Importing posts: 12 of 12 \(100%\), done in \d+ s", lines[-1])
    assert "\r" not in out  # no bar drawing in a log
    assert "Import finished." in out  # the summary as before


def test_export_wxr_reports_on_stderr_so_stdout_stays_the_export(site, every_item):
    out, err = run("export_wxr")

    assert out.startswith("<?xml") and "Exporting" not in out
    assert len(progress_lines(err, "Exporting reviews")) == REVIEWS + 1


@pytest.mark.parametrize(
    ("command", "args", "desc"),
    [
        ("rerender_comment_bodies", (), "Rendering comments"),
        ("generate_site", ("--reviews", "5", "--films", "2", "--comments", "20", "--no-busy"), ""),
    ],
)
def test_other_long_commands_report_their_progress(site, every_item, command, args, desc):
    out, _ = run(command, *args)

    desc = desc or "Comments, by review"
    assert len(progress_lines(out, desc)) >= 5


def test_seed_demo_reports_its_progress(every_item):
    out, _ = run("seed_demo", "--allow-without-debug")

    assert progress_lines(out, "Films")
    assert progress_lines(out, "Reviews")
    assert "Demo content is in place:" in out


def test_verbosity_0_shows_no_progress(site, every_item, tmp_path):
    path = tmp_path / "site.xml"
    _, err = run("export_wxr", "--output", str(path), verbosity=0)
    out, _ = run("import_wxr", str(path), verbosity=0)

    assert progress_lines(err, "Exporting reviews") == []
    assert progress_lines(out, "Importing posts") == []


def test_a_run_shorter_than_the_interval_prints_no_progress(site, settings, tmp_path):
    settings.PROGRESS_INTERVAL = 60

    out, _ = run("import_wxr", str(exported(tmp_path)))

    assert progress_lines(out, "Importing posts") == []


def test_lines_come_every_interval_not_every_item(settings, monkeypatch):
    settings.PROGRESS_INTERVAL = 5
    clock = iter(range(0, 1000))  # one second per item
    monkeypatch.setattr("core.progress.monotonic", lambda: next(clock))
    stream = io.StringIO()

    list(progress(range(20), desc="Work", stream=stream))

    assert stream.getvalue().splitlines() == [
        "Work: 5 of 20 (25%), 5 s",
        "Work: 10 of 20 (50%), 10 s",
        "Work: 15 of 20 (75%), 15 s",
        "Work: 20 of 20 (100%), 20 s",
        "Work: 20 of 20 (100%), done in 21 s",
    ]


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_on_a_terminal_a_bar_is_drawn_in_place():
    stream = Terminal()

    with Progress(desc="Importing posts", stream=stream, total=300, unit="post") as bar:
        for _ in range(300):
            bar.update()

    drawn = stream.getvalue()
    assert "\r" in drawn and "Importing posts: 100%" in drawn and "300/300" in drawn
    assert drawn.count("\n") <= 1  # redrawn, not a line per post


def test_on_a_terminal_verbosity_0_draws_nothing():
    stream = Terminal()

    list(progress(range(50), desc="Work", stream=stream, verbosity=0))

    assert stream.getvalue() == ""
