"""Builds static/css/bundle.css, the one stylesheet every page loads:

1. the Bootstrap rules the site can use: a rule of static/vendor/bootstrap/bootstrap.min.css is
   kept when every class its selector needs appears as a word in the site's templates, scripts
   and Python code, or in the crispy-forms Bootstrap 5 templates and code that draw the forms
   (rules with no class at all, such as `body` or `:root`, are always kept);
2. static/css/site.css, as written;
3. static/css/comments.css, as written.

Same order as the three stylesheets it replaces, so the cascade is unchanged. Run it after
editing any of them (`make css`); tests/core/test_stylesheet.py fails while the committed bundle
is out of date.

    python scripts/build_css.py           # write static/css/bundle.css
    python scripts/build_css.py --check   # exit 1 if it is out of date
"""

import argparse
import re
import sys
from importlib.util import find_spec
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOOTSTRAP = ROOT / "static/vendor/bootstrap/bootstrap.min.css"
SITE_SOURCES = [ROOT / "static/css/site.css", ROOT / "static/css/comments.css"]
BUNDLE = ROOT / "static/css/bundle.css"
APPS = ["core", "films", "reviews", "comments", "wordpress", "demo", "reviewsite"]
CRISPY_TEMPLATES = [
    "whole_uni_form.html",
    "uni_form.html",
    "display_form.html",
    "errors.html",
    "field.html",
    "inputs.html",
    "layout/attrs.html",
    "layout/baseinput.html",
    "layout/div.html",
    "layout/field_errors.html",
    "layout/field_errors_block.html",
    "layout/field_file.html",
    "layout/help_text.html",
    "layout/help_text_and_errors.html",
    "layout/radio_checkbox_select.html",
]


def package_dir(name):
    return Path(find_spec(name).origin).parent


def used_words():
    """Every word that could be a class name somewhere in the site's HTML."""
    files = [*(ROOT / "templates").rglob("*.html"), *(ROOT / "static/js").glob("*.js")]
    for app in APPS:
        files += [path for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts]
    # crispy-forms draws the comment, edit and subscription forms: the code and templates of
    # the layout objects those forms use (not its accordions, tabs or modals).
    crispy = package_dir("crispy_forms")
    files += [crispy / "layout.py", crispy / "helper.py", crispy / "utils.py"]
    files += (crispy / "templatetags").glob("*.py")
    templates = package_dir("crispy_bootstrap5") / "templates/bootstrap5"
    files += [templates / name for name in CRISPY_TEMPLATES]
    words = set()
    for path in files:
        words.update(re.findall(r"[A-Za-z_][\w-]*", path.read_text(encoding="utf-8")))
    return words


def blocks(css):
    """Top-level (prelude, body) pairs of a stylesheet; body is None for `@charset ...;`."""
    found, depth, start, prelude = [], 0, 0, ""
    i = 0
    while i < len(css):
        char = css[i]
        if css.startswith("/*", i):
            i = css.index("*/", i) + 2
            continue
        if char in "\"'":
            i = css.index(char, i + 1) + 1
            continue
        if char == "{":
            if depth == 0:
                prelude = re.sub(r"/\*.*?\*/", "", css[start:i], flags=re.S).strip()
                start = i + 1
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                found.append((prelude, css[start:i]))
                start = i + 1
        elif char == ";" and depth == 0:
            found.append((css[start:i].strip(), None))
            start = i + 1
        i += 1
    return found


def selector_is_used(selector, words):
    # A class inside :not() is not needed for the rule to match.
    needed = re.sub(r":not\([^()]*\)", "", selector)
    return all(name in words for name in re.findall(r"\.(-?[A-Za-z_][\w-]*)", needed))


def purge(css, words):
    """The rules of `css` whose selectors can match the site's HTML, one rule a line."""
    out = []
    for prelude, body in blocks(css):
        if body is None:
            continue  # @charset: the bundle declares its own
        if prelude.startswith(("@media", "@supports", "@container", "@layer")):
            inner = purge(body, words)
            if inner:
                out.append(f"{prelude}{{\n{inner}\n}}")
        elif prelude.startswith("@"):
            out.append(f"{prelude}{{{body}}}")  # @keyframes, @font-face: filtered below
        else:
            selectors = [s for s in prelude.split(",") if selector_is_used(s, words)]
            if selectors:
                out.append(f"{','.join(selectors)}{{{body}}}")
    return "\n".join(out)


def drop_unused_keyframes(css):
    used = set(re.findall(r"animation(?:-name)?:\s*([\w-]+)", css))
    return re.sub(
        r"^@keyframes ([\w-]+)\{.*$",
        lambda m: m.group(0) if m.group(1) in used else "",
        css,
        flags=re.M,
    )


def build():
    source = BOOTSTRAP.read_text(encoding="utf-8")
    licence = re.search(r"/\*!.*?\*/", source, re.S).group(0)  # kept with the code it covers
    bootstrap = drop_unused_keyframes(purge(source, used_words()))
    bootstrap = re.sub(r"\n{2,}", "\n", bootstrap)
    parts = [
        '@charset "UTF-8";\n/* Generated by scripts/build_css.py from the files named below: '
        "edit those, then run it (make css). */",
        f"/* --- {BOOTSTRAP.relative_to(ROOT)}: the rules this site uses --- */\n{licence}",
        bootstrap,
    ]
    for path in SITE_SOURCES:
        parts.append(f"/* --- {path.relative_to(ROOT)} --- */\n{path.read_text(encoding='utf-8')}")
    return "\n".join(part.strip("\n") for part in parts) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the bundle is stale")
    args = parser.parse_args()
    css = build()
    if args.check:
        current = BUNDLE.read_text(encoding="utf-8") if BUNDLE.exists() else ""
        if current != css:
            print(f"{BUNDLE.relative_to(ROOT)} is out of date: run python scripts/build_css.py")
            return 1
        return 0
    BUNDLE.write_text(css, encoding="utf-8")
    print(f"wrote {BUNDLE.relative_to(ROOT)}: {len(css.encode()):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
