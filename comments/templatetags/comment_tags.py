"""Formatting for comments: a reader's text as HTML, the heading's count.

Nothing here queries or reads the session: what a page shows comes from comments.selectors.
"""

from django import template
from django.utils.html import Urlizer, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

register = template.Library()


class _CommentUrlizer(Urlizer):
    """urlize for reader text: links get rel="nofollow ugc"; email addresses stay plain text."""

    url_template = '<a href="{href}" rel="nofollow ugc">{url}</a>'

    @staticmethod
    def is_email_simple(value):
        return False  # no mailto: links for address harvesters


_urlize = _CommentUrlizer()


@register.filter(is_safe=True)
def comment_body(text):
    """A reader's plain text as HTML: escaped, links made clickable, paragraphs kept."""
    text = str(text or "").replace("\r\n", "\n")
    linked = _urlize(text, trim_url_limit=60, nofollow=False, autoescape=True)
    # linebreaks() would escape again; the text is already escaped by the urlizer.
    return mark_safe(linebreaks(linked, autoescape=False))


@register.filter
def comment_count_label(count):
    """ "No comments yet" / "1 Comment" / "8 Comments"."""
    if not count:
        return gettext("No comments yet")
    return ngettext("%(count)s Comment", "%(count)s Comments", count) % {"count": count}
