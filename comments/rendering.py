"""Comment markup built in Python: a reader's text as HTML, and a page of threads.

- render_body(text): a comment's text as safe HTML: WordPress's comment tags (ALLOWED_TAGS) kept,
  everything else escaped, bare links made clickable, paragraphs kept. Run when the text is
  saved (Comment.body_html) rather than on every page view.
- thread_html(roots, reply_prefix=...): the <li> items of a page of threads (comments.selectors
  ShownComment trees), for the `comment_list` template tag.
- form_html(form): the fresh comment form, with the markup `{% crispy form %}` gives it.

The thread is rendered here rather than by a recursive template include: a 300-comment page went
from about 0.6 ms to a few hundredths of a millisecond per comment. Every string shown is
translated once per page, every value escaped, and the markup is the one SPEC.md fixes (ids
`comment-<id>` / `div-comment-<id>`, the class names, the reply link's data attributes).
"""

import re
from html import escape, unescape
from urllib.parse import urlsplit

import nh3
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.dates import MONTHS
from django.utils.html import Urlizer, conditional_escape, linebreaks, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext, pgettext

from . import avatars

AVATAR_SIZE = 44


class _CommentUrlizer(Urlizer):
    """urlize for reader text: links get rel="nofollow ugc"; email addresses stay plain text."""

    url_template = '<a href="{href}" rel="nofollow ugc">{url}</a>'

    @staticmethod
    def is_email_simple(value):
        return False  # no mailto: links for address harvesters


_urlize = _CommentUrlizer()


# WordPress's default comment allow-list ($allowedtags in kses.php), tag → attributes kept.
# `acronym` and `strike` are obsolete in HTML5: they are written as <abbr> and <s>.
ALLOWED_TAGS = {
    "a": ("href", "title"),
    "abbr": ("title",),
    "acronym": ("title",),
    "b": (),
    "blockquote": ("cite",),
    "cite": (),
    "code": (),
    "del": ("datetime",),
    "em": (),
    "i": (),
    "q": ("cite",),
    "s": (),
    "strike": (),
    "strong": (),
}
_RENAMED = {"acronym": "abbr", "strike": "s"}
_URL_ATTRIBUTES = {"href", "cite"}
# Only absolute web links: no javascript:, data:, relative or mailto: addresses from readers.
_URL_SCHEMES = {"http", "https"}
_TAG_RE = re.compile(
    r"<(?P<close>/?)(?P<name>" + "|".join(sorted(ALLOWED_TAGS, key=len, reverse=True)) + r")"
    r"(?P<attrs>(?:\s[^<>]*?)?)\s*/?>",
    re.I,
)
_ATTR_RE = re.compile(
    r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))"""
)
# The final pass: whatever nesting a reader typed becomes well-formed, attributes checked again.
_NH3_OPTIONS = {
    "tags": {"p", "br"} | (set(ALLOWED_TAGS) - set(_RENAMED)),
    "attributes": {
        name: set(attrs) for name, attrs in ALLOWED_TAGS.items() if attrs and name not in _RENAMED
    },
    "url_schemes": _URL_SCHEMES,
    "link_rel": "nofollow ugc",
}


def allowed_tags_text():
    """The allow-list as WordPress words it under its comment form: `<a href="" title=""> …`."""
    return " ".join(
        f"<{name}" + "".join(f' {attr}=""' for attr in attrs) + ">"
        for name, attrs in ALLOWED_TAGS.items()
    )


def _safe_url(value):
    value = re.sub(r"[\x00-\x20]", "", unescape(value))
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    return value if parts.scheme.lower() in _URL_SCHEMES and parts.netloc else None


def _tag_html(match):
    """A reader's allowed tag rebuilt with only its allowed attributes, or None to drop it."""
    name = match.group("name").lower()
    shown = _RENAMED.get(name, name)
    if match.group("close"):
        return f"</{shown}>"
    attrs = []
    for attr, *values in _ATTR_RE.findall(match.group("attrs")):
        attr = attr.lower()
        if attr not in ALLOWED_TAGS[name]:
            continue
        value = next((v for v in values if v), "")
        if attr in _URL_ATTRIBUTES:
            value = _safe_url(value)
            if value is None:
                continue
        else:
            value = unescape(value)
        attrs.append(f' {attr}="{escape(value)}"')
    if name == "a" and not any(a.startswith(" href=") for a in attrs):
        return None  # a link to nowhere (or to javascript:): its text stays, unlinked
    return f"<{shown}{''.join(attrs)}>"


def render_body(text) -> SafeString:
    """A reader's text as HTML: allowed tags kept, the rest escaped, links made clickable,
    paragraphs kept."""
    text = str(text or "").replace("\r\n", "\n")
    parts = []
    open_links = []  # for each <a> typed: whether it was kept (its </a> then is too)
    position = 0
    for match in _TAG_RE.finditer(text):
        parts.append(_text_html(text[position : match.start()], linked=bool(open_links)))
        position = match.end()
        name = match.group("name").lower()
        tag = _tag_html(match)
        if name == "a":
            if not match.group("close"):
                open_links.append(tag is not None)
            elif not (open_links and open_links.pop()):
                tag = None
        if tag is None:
            continue
        if name == "blockquote":
            tag = f"\n\n{tag}\n\n"  # a block of its own, not inside a paragraph
        parts.append(tag)
    parts.append(_text_html(text[position:], linked=bool(open_links)))
    # The text is escaped and the tags rebuilt above, so linebreaks() must not escape again.
    html = linebreaks("".join(parts).strip(), autoescape=False)
    html = re.sub(r"\s*<p>(<blockquote[^>]*>|</blockquote>)</p>\s*", r"\n\1\n", html).strip()
    return mark_safe(nh3.clean(html, **_NH3_OPTIONS))


# Where a rendered body breaks a line: a space there, or words across it run together.
_BREAK_RE = re.compile(r"<(?:/p|br\s*/?)>", re.IGNORECASE)


def plain_text(body_html, body="") -> str:
    """A comment as one line of plain text (unescaped: a template escapes it again), from its
    stored HTML, or rendered from `body` for a row that has none yet."""
    html = body_html or render_body(body)
    return " ".join(unescape(strip_tags(_BREAK_RE.sub(" ", html))).split())


def _text_html(text, *, linked):
    """Plain text between tags: escaped, and bare URLs linked unless already inside a link."""
    if not text:
        return ""
    if linked:
        return escape(text, quote=False)
    return _urlize(text, trim_url_limit=60, nofollow=False, autoescape=True)


class DateText:
    """ "3 July 2024 at 21:15" (the old template's `j F Y` at `H:i`) for local datetimes.

    Month names and the "at" pattern are translated once, not per comment.
    """

    def __init__(self):
        self.months = {number: escape(str(name)) for number, name in MONTHS.items()}
        self.pattern = gettext("%(date)s at %(time)s")

    def __call__(self, local) -> str:
        date = f"{local.day} {self.months[local.month]} {local.year}"
        return self.pattern % {"date": date, "time": f"{local.hour:02d}:{local.minute:02d}"}


def _url_around(name, sentinel=987654321):
    """(before, after) the id in a URL pattern's path: reversed once per page, not per comment."""
    url = reverse(name, args=[sentinel])
    before, after = url.split(str(sentinel))
    return before, after


class _PageStrings:
    """What every comment on a page says, translated and resolved once for the page."""

    def __init__(self):
        self.author_badge = escape(pgettext("badge on a comment by the review's author", "Author"))
        self.edited = escape(gettext("(edited)"))
        self.rated = gettext("Rated %(rating)s / 10")
        self.awaiting = escape(gettext("Your comment is awaiting moderation."))
        self.show_spoilers = escape(gettext("Show spoilers"))
        self.recent_linked = gettext(
            '%(name)s recently posted: <a href="%(url)s" rel="nofollow ugc">%(title)s</a>'
        )
        self.recent_plain = gettext("%(name)s recently posted: %(title)s")
        self.reply_to = gettext("Reply to %(name)s")
        self.reply = escape(pgettext("verb: the link that opens the reply form", "Reply"))
        self.edit_label = escape(gettext("Edit your comment"))
        self.edit = escape(pgettext("verb", "Edit"))
        self.delete_label = escape(gettext("Delete your comment"))
        self.delete = escape(pgettext("verb", "Delete"))
        self.report_label = gettext("Report the comment by %(name)s to the moderators")
        self.report = escape(pgettext("verb", "Report"))
        self.number_label = escape(pgettext("before a comment's number in the thread", "Comment"))
        self.edit_window = escape(
            ngettext(
                "You can edit or delete it for %(minutes)d minute after posting.",
                "You can edit or delete it for %(minutes)d minutes after posting.",
                settings.COMMENTS_EDIT_WINDOW_MINUTES,
            )
            % {"minutes": settings.COMMENTS_EDIT_WINDOW_MINUTES}
        )
        self.edit_url = _url_around("comments:edit")
        self.delete_url = _url_around("comments:delete")
        self.avatar_url = avatars.avatar_url_around()


def thread_html(roots, *, reply_prefix="", first_number=1, newest_first=False) -> SafeString:
    """The <li> of each comment in `roots`, replies nested in <ol class="children">.

    Top-level comments show their number in their header (the <ol>'s own marker is hidden by
    comments.css: beside the avatar it floated apart from the comment it counts).
    """
    strings = _PageStrings()
    parts = []
    step = -1 if newest_first else 1
    for index, shown in enumerate(roots):
        _comment_html(shown, strings, reply_prefix, parts, number=first_number + step * index)
    return mark_safe("".join(parts))


# A small flag for the Report button (inline: no request, nothing for the CSP to refuse).
_FLAG_ICON = (
    '<svg class="comment-report-icon" aria-hidden="true" focusable="false" width="12" '
    'height="12" viewBox="0 0 16 16"><path fill="currentColor" d="M3 1h1.5v14H3zM5.5 2h8l-2 '
    '3.5 2 3.5h-8z"/></svg>'
)


def _comment_html(shown, s, reply_prefix, out, number=None):
    """Appends one comment's <li> (and its replies') to `out`; `number` for top-level ones."""
    pk = shown.pk
    name = escape(shown.name)
    classes = f"comment depth-{shown.depth + 1}"
    if shown.is_by_author:
        classes += " by-author"
    if shown.is_own_pending:
        classes += " comment-pending"
    if shown.url:
        shown_name = f'<a href="{escape(shown.url)}" rel="nofollow ugc" class="url">{name}</a>'
    else:
        shown_name = name
    badge = (
        f'<span class="badge comment-author-badge">{s.author_badge}</span>'
        if shown.is_by_author
        else ""
    )
    meta = ""
    if shown.edited_at:
        meta += f'<span class="comment-edited">{s.edited}</span>'
    if shown.rating and not shown.parent_id:
        meta += f'<span class="comment-rating">{s.rated % {"rating": shown.rating}}</span>'
    awaiting = ""
    if shown.is_own_pending:
        awaiting = f'<p class="comment-awaiting-moderation">{s.awaiting}</p>'
        # Why it waits, in plain words, and how long its writer may still change it.
        notes = [escape(shown.hold_note)] if shown.hold_note else []
        if shown.can_change_own:
            notes.append(s.edit_window)
        if notes:
            awaiting += f'<p class="comment-held-note">{" ".join(notes)}</p>'
    body = f'<div class="comment-content">{shown.body_html}</div>'
    if shown.has_spoilers:
        body = (
            f'<details class="spoiler comment-spoiler"><summary>{s.show_spoilers}</summary>'
            f"{body}</details>"
        )
    recent = ""
    if shown.recent_post:
        post = shown.recent_post
        if post["url"]:
            line = s.recent_linked % {
                "name": name,
                "url": escape(post["url"]),
                "title": escape(post["title"]),
            }
        else:
            line = s.recent_plain % {"name": name, "title": escape(post["title"])}
        recent = f'<p class="comment-recent-post">{line}</p>'
    actions = ""
    if shown.can_reply or shown.can_change_own or shown.can_report:
        actions = '<div class="comment-actions">'
        if shown.can_reply:
            actions += (
                '<div class="reply"><a rel="nofollow" class="comment-reply-link" '
                f'href="?{escape(reply_prefix)}replytocom={pk}#respond" data-comment-id="{pk}" '
                f'data-below="div-comment-{pk}" data-reply-to="{name}" '
                f'aria-label="{escape(s.reply_to % {"name": shown.name})}">{s.reply}</a></div>'
            )
        if shown.can_change_own:
            edit_url = f"{s.edit_url[0]}{pk}{s.edit_url[1]}"
            delete_url = f"{s.delete_url[0]}{pk}{s.delete_url[1]}"
            actions += (
                '<div class="comment-own-links">'
                f'<a rel="nofollow" class="comment-edit-link" href="{edit_url}" '
                f'aria-label="{s.edit_label}">{s.edit}</a> '
                f'<a rel="nofollow" class="comment-delete-link" href="{delete_url}" '
                f'aria-label="{s.delete_label}">{s.delete}</a></div>'
            )
        if shown.can_report:
            # One report form for the page (the section's #report-form), not one per comment
            # with its own CSRF token: the button names the comment.
            actions += (
                '<button type="submit" form="report-form" name="comment" '
                f'value="{pk}" class="comment-report-button" '
                f'aria-label="{escape(s.report_label % {"name": shown.name})}">{_FLAG_ICON}'
                f'<span class="comment-report-text">{s.report}</span></button>'
            )
        actions += "</div>"
    number_html = (
        f'<span class="comment-number"><span class="visually-hidden">{s.number_label} </span>'
        f"{number}</span>"
        if number is not None
        else ""
    )
    out.append(
        f'<li id="comment-{pk}" class="{classes}">'
        f'<article id="div-comment-{pk}" class="comment-body">'
        f'<footer class="comment-meta">{number_html}<div class="comment-author">'
        f'<img class="comment-avatar" src="{s.avatar_url[0]}{shown.avatar_key}{s.avatar_url[1]}" '
        f'width="{AVATAR_SIZE}" height="{AVATAR_SIZE}" alt="" loading="lazy" decoding="async">\n'
        f'<b class="comment-author-name">{shown_name}</b>{badge}</div>\n'
        '<div class="comment-metadata">'
        f'<a class="comment-permalink" href="#comment-{pk}"><time datetime="{shown.created_iso}">'
        f"{shown.created_text}</time></a>"
        f"{meta}</div>{awaiting}</footer>\n"
        f"{body}{recent}{actions}</article>"
    )
    if shown.children:
        out.append('\n<ol class="children">\n')
        for child in shown.children:
            _comment_html(child, s, reply_prefix, out)
        out.append("</ol>")
    out.append("</li>\n")


# --- The comment form ------------------------------------------------------------------------
# `{% crispy form %}` cost about 9 ms a page (a template per field); form_html() writes the same
# markup (crispy-bootstrap5's, for the layout comments.forms.CommentForm builds) directly. Only
# fresh forms: a form sent back with errors is rare and keeps crispy's error markup.
# tests/comments/test_form_markup.py holds the two renderings equal.


def _widget(bound, attrs):
    widget = bound.field.widget
    css = widget.attrs.get("class", "")
    name = type(widget).__name__.lower()
    if name not in css.split():
        css = f"{css} {name}".strip()
    kind = _kind(bound)
    extra = {"select": "form-select", "check": "form-check-input"}.get(kind, "form-control")
    if extra not in css.split():
        css = f"{css} {extra}"
    return _render_widget(bound, {"class": css, **attrs})


def _attrs_html(attrs):
    """Django's widgets/attrs.html: ` name="value"`, a bare name for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is True:
            out.append(f" {name}")
        elif value is not False:
            out.append(f' {name}="{conditional_escape(str(value))}"')
    return "".join(out)


def _render_widget(bound, attrs):
    """BoundField.as_widget() for the plain widgets this form uses, written here instead of
    through one template (and one per <option>) each; any other widget goes through Django."""
    widget = bound.field.widget
    if type(widget) not in _PLAIN_WIDGETS or bound.field.localize:
        return str(bound.as_widget(attrs=attrs or None))
    attrs = bound.build_widget_attrs(attrs, widget)
    if bound.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound.auto_id)
    context = widget.get_context(bound.html_name, bound.value(), attrs)["widget"]
    name = conditional_escape(context["name"])
    attrs_html = _attrs_html(context["attrs"])
    if isinstance(widget, forms.Textarea):
        value = conditional_escape(context["value"]) if context["value"] else ""
        return f'<textarea name="{name}"{attrs_html}>\n{value}</textarea>'
    if isinstance(widget, forms.Select):
        options = []
        for group_name, choices, _index in context["optgroups"]:
            if group_name:
                return str(bound.as_widget(attrs=attrs or None))  # no optgroups here
            for option in choices:
                options.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                    f"{_attrs_html(option['attrs'])}>{conditional_escape(option['label'])}</option>"
                )
        return f'<select name="{name}"{attrs_html}>{"".join(options)}\n</select>'
    value = context["value"]
    value_html = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return f'<input type="{context["type"]}" name="{name}"{value_html}{attrs_html}>'


# The widgets _render_widget() writes itself (exact types: a subclass may render otherwise).
_PLAIN_WIDGETS = (
    forms.TextInput,
    forms.EmailInput,
    forms.URLInput,
    forms.HiddenInput,
    forms.Textarea,
    forms.Select,
    forms.CheckboxInput,
)


def _kind(bound):
    widget = bound.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "check"
    if isinstance(widget, forms.Select):
        return "select"
    return "input"


def _field_html(bound, attrs):
    if bound.is_hidden:
        return _render_widget(bound, attrs)
    label = escape(str(bound.label))
    required = bound.field.required
    star = '<span class="asteriskField">*</span>' if required else ""
    required_class = " requiredField" if required else ""
    help_text = (
        f'<div id="{bound.auto_id}_helptext" class="form-text">{bound.help_text}</div>'
        if bound.help_text
        else ""
    )
    # Spaces where crispy's {% specialspaceless %} leaves one: between inline boxes (a checkbox
    # and its label) a space shows.
    if _kind(bound) == "check":
        return (
            f'<div class="mb-3"> <div id="div_{bound.auto_id}" class="form-check"> '
            f"{_widget(bound, attrs)} "
            f'<label for="{bound.id_for_label}" class="form-check-label{required_class}">'
            f"{label}{star}</label> {help_text} </div> </div>"
        )
    return (
        f'<div id="div_{bound.auto_id}" class="mb-3"> '
        f'<label for="{bound.id_for_label}" class="form-label{required_class}">{label}{star}'
        f"</label> {_widget(bound, attrs)} {help_text} </div>"
    )


def form_html(form):
    """The comment form's <form> as `{% crispy form %}` renders it, or None where this does
    not apply (a bound form, a layout object it does not know): then crispy renders it."""
    from crispy_forms.layout import HTML, BaseInput, Div, Field

    helper = getattr(form, "helper", None)
    if form.is_bound or helper is None or not helper.disable_csrf or not helper.form_tag:
        return None
    settings = helper.get_attributes()
    if (
        not settings["form_show_labels"]
        or settings["label_class"]
        or settings["field_class"]
        or settings["help_text_inline"]
        or "form-horizontal" in helper.form_class.split()
    ):
        return None
    parts = []

    def field(name, attrs=None):
        parts.append(_field_html(form[name], attrs or {}))

    for item in helper.layout.fields:
        if isinstance(item, str):
            field(item)
        elif isinstance(item, HTML):
            if "{" in str(item.html):
                return None  # template syntax: crispy renders it as a template
            parts.append(str(item.html))
        elif type(item) is Field:
            if item.wrapper_class:
                return None
            for name in item.fields:
                field(name, item.attrs)
        elif type(item) is Div and all(isinstance(name, str) for name in item.fields):
            css_id = f'id="{item.css_id}" ' if item.css_id else ""
            css_class = f'class="{item.css_class}"' if item.css_class else ""
            parts.append(f"<div {css_id}{css_class}{item.flat_attrs}>")
            for name in item.fields:
                field(name)
            parts.append("</div>")
        elif isinstance(item, BaseInput) and item.input_type == "submit" and " " not in item.name:
            parts.append(
                f'<input type="submit" name="{escape(item.name)}" value="{escape(str(item.value))}"'
                f' class="{item.field_classes}" id="{item.id}"{item.flat_attrs}/>'
            )
        else:
            return None
    method = settings["form_method"]
    return mark_safe(f'<form {settings["flat_attrs"]} method="{method}"> {" ".join(parts)} </form>')
