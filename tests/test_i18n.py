"""Templates are ready for translation (issue 9, "i18n readiness").

Two checks:

- `manage.py makemessages -l de` runs clean on a copy of the project's sources and extracts the
  templates' strings. It needs GNU gettext (xgettext, msguniq, msgmerge, msgattrib): without it
  the test skips with the command that installs it, except in CI (CI=true), where that is an
  error, as for Chromium in tests/browser (tests/browser/harness.py): .ci/run installs gettext,
  and a silently skipped check there would hide every regression it exists to catch.
- A guard reads every template and fails on English a reader would see (text, user-facing
  attribute values, string literals) that is not inside {% translate %} / {% blocktranslate %}.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType

REPO = Path(settings.BASE_DIR)

# --- makemessages ----------------------------------------------------------------------------

GETTEXT_TOOLS = ("xgettext", "msguniq", "msgmerge", "msgattrib")
# The extensions makemessages reads for the "django" domain; nothing else needs copying.
SOURCE_SUFFIXES = {".py", ".html", ".txt"}
# Not sources: makemessages skips hidden folders (.venv, .git) itself; an existing locale/ is
# left out so the catalogue is built from the sources alone.
SKIP_FOLDERS = {"__pycache__", "node_modules", "locale", "media", "staticfiles"}


def require_gettext():
    missing = [tool for tool in GETTEXT_TOOLS if not shutil.which(tool)]
    if not missing:
        return
    message = (
        f"GNU gettext ({', '.join(missing)}) is not installed, so makemessages cannot run: "
        "apt-get install -y gettext"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (required in CI)")
    pytest.skip(message)


def copy_sources(destination):
    """Copies the files makemessages reads, so it writes its .po (and the temporary
    `<template>.py` files it makes next to each template) there, never into the repository."""
    for folder, subfolders, files in os.walk(REPO):
        subfolders[:] = [
            name for name in subfolders if not name.startswith(".") and name not in SKIP_FOLDERS
        ]
        target = destination / Path(folder).relative_to(REPO)
        for name in files:
            if Path(name).suffix in SOURCE_SUFFIXES:
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy2(Path(folder) / name, target / name)


def po_string(text):
    return text.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def read_po(path):
    """{(msgctxt or None, msgid)} of a .po file."""
    entries = set()
    fields = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$', line)
        if match:
            current = match.group(1)
            fields[current] = match.group(2)
        elif line.startswith('"') and current:
            fields[current] += line[1:-1]  # a continued string
        elif not line.strip():  # entries are separated by blank lines
            if fields.get("msgid"):
                context = po_string(fields["msgctxt"]) if "msgctxt" in fields else None
                entries.add((context, po_string(fields["msgid"])))
            fields, current = {}, None
    return entries


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    require_gettext()
    work = tmp_path_factory.mktemp("makemessages")
    project = work / "project"
    copy_sources(project)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "reviewsite.settings_test",
        "MEDIA_ROOT": str(work / "media"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "de"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    po = project / "locale" / "de" / "LC_MESSAGES" / "django.po"
    return result, po


def test_makemessages_runs_clean(catalogue):
    result, po = catalogue
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", f"makemessages warned:\n{result.stderr}"
    assert po.exists(), result.stdout


@pytest.mark.parametrize(
    "context, msgid",
    [
        (None, "Leave a Reply"),
        (None, "Comments are closed."),
        (None, "Reply to %(name)s"),
        ("button", "Search"),
        (None, "%(counter)s review"),
        # From comments/forms.py (the comment form's submit label and email help text).
        (None, "Post Comment"),
        (None, "Your email address will not be published."),
    ],
)
def test_makemessages_extracts_the_key_strings(catalogue, context, msgid):
    result, po = catalogue
    assert po.exists(), result.stderr
    assert (context, msgid) in read_po(po)


# --- untranslated text in templates ----------------------------------------------------------

TEMPLATE_DIRS = sorted(
    {Path(folder) for engine in settings.TEMPLATES for folder in engine.get("DIRS", [])}
    | {folder for folder in REPO.glob("*/templates") if not folder.parent.name.startswith(".")}
)
TEMPLATES = sorted(
    path
    for folder in TEMPLATE_DIRS
    for path in folder.rglob("*")
    if path.suffix in {".html", ".txt", ".xml"}
)

# Tags whose text is translated, or not output at all: what lies between is not checked.
SKIPPED_BLOCKS = {
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
    "comment": "endcomment",
}
TRANSLATE_TAGS = {"translate", "trans"}
# Blocks whose content is an attribute value of machine words: the admin's `bodyclass`
# (the <body> element's class list, which erase_confirm.html extends).
MACHINE_BLOCKS = {"bodyclass"}
# Every other tag and variable is replaced by this: it holds no letters, so `{{ name }}` and
# `{% url … %}` pass, and a tag built around them (`<a href="{% url … %}">`) still parses.
HOLE = "\x00"

WORD = re.compile(r"[^\W\d_]+")  # a run of letters, in any script
ENTITY = re.compile(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")  # &middot;, &rsaquo;, &#8212;
TAG = re.compile(r"<[^>]*>")  # also <!doctype html> and <{{ heading_tag }} …>
CODE = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
ATTRIBUTE = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# Attribute values a reader sees or hears. Other attributes (class, href, data-status,
# name, value of a hidden input…) are machine values. data-default is the reply-form heading
# that comments.js puts back when a reply is cancelled.
READ_ATTRIBUTES = {
    "alt",
    "title",
    "placeholder",
    "label",
    "aria-label",
    "aria-description",
    "aria-placeholder",
    "aria-roledescription",
    "aria-valuetext",
    "data-default",
}
PHRASE = re.compile(r"[^\W\d_]+\s+[^\W\d_]+")  # two words: not a path, name or format
LITERAL = re.compile(r"""(?:\|\s*(\w+)\s*:\s*)?(["'])((?:\\.|(?!\2).)*)\2""")


def attribute_text(tag):
    attributes = {name.lower(): first or second for name, first, second in ATTRIBUTE.findall(tag)}
    name = re.match(r"<\s*([\w-]*)", tag).group(1).lower()
    read = [value for key, value in attributes.items() if key in READ_ATTRIBUTES]
    if name == "input" and attributes.get("type", "").lower() in {"submit", "button", "reset"}:
        read.append(attributes.get("value", ""))
    if name == "meta" and re.search(
        r"title|description", attributes.get("name", "") + attributes.get("property", "")
    ):
        read.append(attributes.get("content", ""))
    return read


def literal_problems(contents, *, formats_only=False):
    """English in a tag's or variable's string literals: `default:"the system"` (a literal
    with words separated by spaces), and letters escaped in a date format
    (`date:"j F Y \\a\\t H:i"` prints "at"). Literals without a space are machine values
    ('website', "h3", 'css/site.css', url names); a date format's letters are format
    characters, except when escaped, and ISO 8601's `\\T` in datetime attributes is the one
    escaped letter readers do not see."""
    problems = []
    for filter_name, _quote, text in LITERAL.findall(contents):
        if filter_name in {"date", "time"}:
            escaped = set(re.findall(r"\\([^\W\d_])", text)) - {"T"}
            if escaped:
                problems.append(f"letters escaped in a date format: {text!r}")
        elif not formats_only and PHRASE.search(text):
            problems.append(f"string literal: {text!r}")
    return problems


def untranslated(source, *, html=True):
    """What a reader would see of the template that is not marked for translation."""
    problems = []
    visible = []
    waiting_for = None  # the end tag of the block being skipped
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.TEXT and not waiting_for:
            visible.append(token.contents)
            continue
        visible.append(HOLE)
        if token.token_type == TokenType.COMMENT or token.token_type == TokenType.TEXT:
            continue
        name, _, rest = token.contents.strip().partition(" ")
        if waiting_for:
            if token.token_type == TokenType.BLOCK and name == waiting_for:
                waiting_for = None
            continue
        if token.token_type == TokenType.BLOCK and name == "block" and rest in MACHINE_BLOCKS:
            waiting_for = "endblock"
        elif token.token_type == TokenType.BLOCK and name in SKIPPED_BLOCKS:
            waiting_for = SKIPPED_BLOCKS[name]
            # Its `with x=…|date:"…"` arguments are still output as they are.
            problems += literal_problems(rest, formats_only=True)
        elif not (token.token_type == TokenType.BLOCK and name in TRANSLATE_TAGS):
            problems += literal_problems(token.contents)
    text = "".join(visible)
    if html:
        read = []
        text = CODE.sub(" ", text)
        text = TAG.sub(lambda match: read.extend(attribute_text(match.group(0))) or " ", text)
        text = " ".join([text, *read])
    text = ENTITY.sub(" ", text)
    for match in WORD.finditer(text):
        start, end = max(match.start() - 30, 0), match.end() + 30
        excerpt = " ".join(text[start:end].replace(HOLE, "{…}").split())
        problems.append(f"text {match.group(0)!r} in “{excerpt}”")
    return problems


def test_the_guard_finds_untranslated_text():
    assert untranslated('{% load i18n %}<p>{% translate "Hello" %} {{ name }} &middot; 3</p>') == []
    assert untranslated("<p>{% blocktranslate %}Hi {{ name }}{% endblocktranslate %}</p>") == []
    assert untranslated("{# A note #}{% comment %}Draft{% endcomment %}<b>{{ x }}</b>") == []
    assert untranslated('<a href="{% url "x" %}"{% if y %} aria-current="page"{% endif %}>') == []
    assert untranslated("<p>Hello</p>")
    assert untranslated("<p>{{ count }} review{{ count|pluralize }}</p>")
    assert untranslated('<img alt="A poster" src="{{ url }}">')
    assert untranslated('<input type="submit" value="Send">')
    assert untranslated('<a aria-label="Reply to {{ name }}">')
    assert untranslated('{{ user|default:"a deleted user" }}')
    assert untranslated('{{ when|date:"j F Y \\a\\t H:i" }}')
    assert not untranslated("{{ when|date:'Y-m-d\\TH:i:sO' }}")
    assert untranslated("Hello {{ name }},", html=False)
    assert not untranslated("{% block bodyclass %}{{ block.super }} app-list{% endblock %}")


@pytest.mark.parametrize("path", TEMPLATES, ids=[str(path.relative_to(REPO)) for path in TEMPLATES])
def test_templates_have_no_untranslated_text(path):
    problems = untranslated(path.read_text(encoding="utf-8"), html=path.suffix != ".txt")
    assert not problems, "Not marked for translation:\n" + "\n".join(problems)
