#!/usr/bin/env python
"""Full-page screenshots of the home, a review and a film page at 1280 and 390 px wide.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--dark]

Builds a throwaway SQLite database with the demo content (migrate + seed_demo), serves it with
`runserver` on a free local port, and photographs the pages in headless Chromium (Debian's
/usr/bin/chromium, or CHROMIUM=/path). Writes <out>/<page>-<width>.png (and <page>-<width>-dark.png
with --dark). Nothing touches your own db.sqlite3 or media/.
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WIDTHS = {1280: 900, 390: 844}  # width -> viewport height
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_database(env, *, more=False):
    """Migrate and seed a fresh database in `env`; return {name: path} to photograph."""
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "seed_demo"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    # The richest review (images, then comments) and its film, its director, genre and author.
    code = (
        "from django.db.models import Count, Q\n"
        "from films.models import Credit\n"
        "from reviews.models import Review\n"
        "r = (Review.objects.published()"
        ".annotate(i=Count('images', distinct=True),"
        " c=Count('comments', filter=Q(comments__status='approved'), distinct=True))"
        ".order_by('-i', '-c', '-published_at').first())\n"
        "d = Credit.objects.filter(film=r.film, role='director').first().person\n"
        "print(r.get_absolute_url(), r.film.get_absolute_url(), d.get_absolute_url(),"
        " r.film.genres.first().get_absolute_url(), r.author.get_absolute_url(),"
        " r.film.title.split()[-1])\n"
    )
    out = subprocess.run(
        [*manage, "shell", "-c", code],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.split()
    review, film, person, genre, author, word = out[-6:]
    pages = {"home": "/", "review": review, "film": film}
    if more:
        pages |= {
            "films": "/films/",
            "person": person,
            "genre": genre,
            "author": author,
            "search": f"/search/?q={word}",
        }
    return pages


def wait_for(url, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"The development server did not answer at {url}")


def shoot(base, pages, out, *, dark, chromium):
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        schemes = ["light", "dark"] if dark else ["light"]
        for scheme in schemes:
            for width, height in WIDTHS.items():
                context = browser.new_context(
                    viewport={"width": width, "height": height},
                    device_scale_factor=1,
                    color_scheme=scheme,
                    # Only so the script's own waiting helpers may run; pages are unchanged.
                    bypass_csp=True,
                )
                page = context.new_page()
                for name, path in pages.items():
                    page.goto(base + path, wait_until="networkidle")
                    # Lazy images below the fold would be blank in a full-page picture:
                    # scroll through the page as a reader would, then wait for every image.
                    page_height = page.evaluate("document.documentElement.scrollHeight")
                    for y in range(0, page_height + height, height // 2):
                        page.evaluate(f"window.scrollTo(0, {y})")
                        page.wait_for_timeout(60)
                    page.evaluate("window.scrollTo(0, 0)")
                    page.wait_for_load_state("networkidle")
                    page.wait_for_function(
                        "[...document.images].every(img => img.complete && img.naturalWidth > 0)",
                        timeout=15_000,
                    )
                    suffix = "" if scheme == "light" else "-dark"
                    target = out / f"{name}-{width}{suffix}.png"
                    page.screenshot(path=str(target), full_page=True)
                    written.append(target)
                context.close()
        browser.close()
    return written


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--dark", action="store_true", help="also take dark-scheme pictures")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    parser.add_argument(
        "--more",
        action="store_true",
        help="also the film index, person, genre, author and search pages",
    )
    args = parser.parse_args()

    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        raise SystemExit(f"Chromium not found at {chromium}: apt-get install chromium")

    workdir = Path(tempfile.mkdtemp(prefix="reviewsite-screenshots-"))
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "1",
        "SECRET_KEY": "screenshots-only-not-a-secret",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)
    server = None
    try:
        pages = prepare_database(env, more=args.more)
        server = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{port}",
             "--noreload", "--nothreading"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/healthz")
        written = shoot(base, pages, Path(args.out), dark=args.dark, chromium=chromium)
        for path in written:
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        if args.keep:
            print(f"Database and media kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
