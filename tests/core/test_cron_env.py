"""The scheduled commands run as cron and systemd run them: an empty environment, another working
directory, everything from the `.env` file. And every command deploy/ runs exists."""

import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import get_commands

SCHEDULED = [
    ("purge_comment_ips", "Cleared the IP address and user agent of 0 comment(s)"),
    ("prune_db_task_results", ""),
    ("clearsessions", ""),
]


def run_as_cron(args, env_file, cwd):
    """manage.py under cron's environment: no variable of ours but the .env file's location
    (standing in for `.env` next to manage.py, which the tests must not write)."""
    return subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *args],
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "REVIEWSITE_ENV_FILE": str(env_file)},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def production_env_file(tmp_path_factory):
    """A migrated SQLite database and a .env naming it, with DEBUG off as in production."""
    folder = tmp_path_factory.mktemp("cron")
    env_file = folder / ".env"
    env_file.write_text(
        "SECRET_KEY=a-long-random-key-for-the-cron-test-0123456789\n"
        f"DATABASE_URL=sqlite:///{folder / 'db.sqlite3'}\n"
        f"MEDIA_ROOT={folder / 'media'}\n"
    )
    result = run_as_cron(["migrate", "--noinput"], env_file, cwd=folder)
    assert result.returncode == 0, result.stderr
    return env_file


@pytest.mark.parametrize(("command", "said"), SCHEDULED, ids=[c for c, _ in SCHEDULED])
def test_a_scheduled_command_runs_with_only_the_env_file(
    production_env_file, tmp_path, command, said
):
    result = run_as_cron([command], production_env_file, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert said in result.stdout


def test_without_the_env_file_the_same_line_fails_naming_the_secret_key(tmp_path):
    empty = tmp_path / "empty.env"
    empty.write_text("")

    result = run_as_cron(["purge_comment_ips"], empty, cwd=tmp_path)

    assert result.returncode == 1
    assert result.stderr.startswith("Configuration error: SECRET_KEY is not set")


def deploy_files():
    return sorted(path for path in (settings.BASE_DIR / "deploy").iterdir() if path.is_file())


def test_every_command_the_deploy_files_run_exists():
    """A renamed command must not leave a timer or a cron line failing every night unseen."""
    commands = get_commands()
    found = {
        command
        for path in deploy_files()
        for line in path.read_text().splitlines()
        if not line.lstrip().startswith("#")
        # `manage.py <command>` in units and cron lines; timers name reviewsite-manage@<command>.
        for command in re.findall(r"(?:manage\.py\s+|reviewsite-manage@)([a-z_]+)", line)
    }
    assert {"purge_comment_ips", "prune_db_task_results", "clearsessions", "db_worker"} <= found
    assert found <= set(commands), found - set(commands)


def test_every_deploy_file_reads_the_env_file_or_works_in_the_checkout():
    """systemd units name the .env; cron lines `cd` to the checkout, where manage.py finds it."""
    for path in deploy_files():
        text = path.read_text()
        if path.suffix == ".service":
            assert "EnvironmentFile=/srv/reviewsite/.env" in text, path.name
            assert "WorkingDirectory=/srv/reviewsite" in text, path.name
        elif path.name.endswith("cron"):
            for line in text.splitlines():
                if "manage.py" in line and not line.lstrip().startswith("#"):
                    assert "cd /srv/reviewsite && .venv/bin/python manage.py" in line, line
