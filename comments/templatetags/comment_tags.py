"""Formatting for comments: a reader's text as HTML, the heading's count, a page of threads.

Nothing here queries or reads the session: what a page shows comes from comments.selectors.
"""

from django import template
from django.utils import timezone
from django.utils.text import Truncator
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
    page = thread.page
    return rendering.thread_html(
        thread.comments,
        reply_prefix=page.reply_prefix,
        first_number=page.first_number,
        newest_first=page.newest_first,
    )


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


@register.simple_tag
def comment_heading(count, own_pending=0):
    """The section's heading: the approved count, or for a writer with held comments on the
    page, those counted too and said to be theirs ("1 Comment (yours, awaiting moderation)")."""
    if not own_pending:
        return comment_count_label(count)
    total = count + own_pending
    if own_pending == total:
        return ngettext(
            "%(count)s Comment (yours, awaiting moderation)",
            "%(count)s Comments (yours, awaiting moderation)",
            total,
        ) % {"count": total}
    return ngettext(
        "%(count)s Comment (%(own)s of them yours, awaiting moderation)",
        "%(count)s Comments (%(own)s of them yours, awaiting moderation)",
        total,
    ) % {"count": total, "own": own_pending}


QUOTE_LENGTH = 300


@register.simple_tag
def reply_quote(comment):
    """What the reply form quotes of the comment it answers: {name, iso, date, excerpt,
    has_spoilers}, from a thread's ShownComment or a Comment (the error page's parent)."""
    created = timezone.localtime(comment.created_at)
    text = rendering.plain_text(comment.body_html, getattr(comment, "body", ""))
    return {
        "pk": comment.pk,
        "name": comment.name,
        "iso": created.replace(microsecond=0).isoformat(),
        "date": rendering.DateText()(created),
        "excerpt": Truncator(text).chars(QUOTE_LENGTH),
        "has_spoilers": comment.has_spoilers,
    }
