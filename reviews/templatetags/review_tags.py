"""Widgets shared by the reading pages: score badge, avatars, canonical URL, pagination, JSON-LD."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext

from core import seo
from core.formatting import format_score
from core.http import MAX_PAGE, int_param
from core.images import rendition_url
from reviews.models import verdict_for

register = template.Library()


@register.inclusion_tag("reviews/_score_badge.html")
def score_badge(rating, verdict=None, size=""):
    """The "8 / 10" badge with its verdict word ("Good"), derived from the rating if not given.

    Without a rating (a review with no score): nothing, or the author's own verdict alone.
    """
    return {
        "score": format_score(rating),
        "verdict": verdict if verdict is not None else verdict_for(rating),
        "size": size,
    }


@register.filter
def score(value):
    return format_score(value)


@register.simple_tag
def author_avatar(author, size=48):
    """The author's avatar, or their initials in a circle when they have none."""
    url = rendition_url(author, "avatar", "avatar_thumb")
    if url:
        return format_html(
            '<img class="avatar avatar-{}" src="{}" width="{}" height="{}" alt="{}">',
            size,
            url,
            size,
            size,
            gettext("Photo of %(name)s") % {"name": author.display_name},
        )
    initials = "".join(word[0] for word in author.display_name.split()[:2]).upper() or "?"
    return format_html(
        '<span class="avatar avatar-{} avatar-initials" aria-hidden="true">{}</span>',
        size,
        initials,
    )


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """Absolute URL of this page without its query string, except a real ?page=N (N > 1)."""
    request = context.get("request")
    if request is None:
        return ""
    url = request.build_absolute_uri(request.path)
    page = int_param(request.GET.get("page"), minimum=2, maximum=MAX_PAGE)
    if page is not None:
        url += f"?page={page}"
    return url


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """The current URL's query string with `page` set to `number` (filters are kept)."""
    request = context["request"]
    query = request.GET.copy()
    query.pop("page", None)
    if int_param(number, default=1) > 1:
        query["page"] = number
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else request.path


@register.simple_tag
def jsonld(data):
    """A <script type="application/ld+json"> block for schema.org data."""
    return seo.jsonld_script(data) if data else ""


@register.filter
def comment_count(count):
    """0 -> "No comments", 1 -> "1 comment", 12 -> "12 comments"."""
    count = count or 0
    if count == 0:
        return gettext("No comments")
    return ngettext("%(count)s comment", "%(count)s comments", count) % {"count": count}
