"""Formatting for comments: a reader's text as HTML, the heading's count, a page of threads.

Nothing here queries or reads the session: what a page shows comes from comments.selectors.
"""

from django import template
from django.utils.translation import gettext, ngettext

from .. import rendering

register = template.Library()


@register.filter(is_safe=True)
def comment_body(text):
    """A reader's plain text as HTML: escaped, links made clickable, paragraphs kept."""
    return rendering.render_body(text)


@register.simple_tag
def comment_list(thread):
    """The <li> items of the thread's page of comments (comments.rendering.thread_html)."""
    return rendering.thread_html(thread.comments, reply_prefix=thread.page.reply_prefix)


@register.simple_tag
def comment_form_html(form):
    """The fresh comment form's markup (comments.rendering.form_html), or "" where crispy must
    render it (a form sent back with its errors)."""
    return rendering.form_html(form) or ""


@register.simple_tag
def allowed_comment_tags():
    """The HTML tags a comment may use, as the form's help text lists them."""
    return rendering.allowed_tags_text()


@register.filter
def comment_count_label(count):
    """ "No comments yet" / "1 Comment" / "8 Comments"."""
    if not count:
        return gettext("No comments yet")
    return ngettext("%(count)s Comment", "%(count)s Comments", count) % {"count": count}
