"""XML the site writes (feeds, the sitemap) that no stored text can break.

XML 1.0 cannot carry C0 control characters (but tab, newline and return), U+FFFE, U+FFFF or lone
surrogates. Validators keep them out of new text, but a row saved before them, or written by
an import or a script, may still hold one, and Django's feed generator raises on it (the whole
feed a 500 until someone finds the row). Here they are dropped on the way out.
"""

from functools import wraps

from django.contrib.syndication.views import Feed as DjangoFeed
from django.utils import feedgenerator
from django.utils.functional import Promise

from .text import xml_safe


def _safe(value):
    """`value` with its text made XML-safe: strings (lazy ones too) and lists of them."""
    if isinstance(value, str | Promise):
        return xml_safe(value)
    if isinstance(value, list | tuple):
        return type(value)(_safe(item) for item in value)
    return value


class XMLSafeFeedMixin:
    """A feedgenerator feed that drops what XML cannot carry from every text it is given."""

    def __init__(self, *args, **kwargs):
        super().__init__(*map(_safe, args), **{key: _safe(v) for key, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*map(_safe, args), **{key: _safe(v) for key, v in kwargs.items()})


class Rss201rev2Feed(XMLSafeFeedMixin, feedgenerator.Rss201rev2Feed):
    pass


class Atom1Feed(XMLSafeFeedMixin, feedgenerator.Atom1Feed):
    pass


class Feed(DjangoFeed):
    """Django's syndication Feed, writing RSS 2.0 through the XML-safe generator (set
    `feed_type = Atom1Feed` from this module for Atom)."""

    feed_type = Rss201rev2Feed


def _strip_rendered(response):
    charset = response.charset
    response.content = xml_safe(response.content.decode(charset)).encode(charset)
    return response


def xml_safe_view(view):
    """Wraps a view that renders XML from a template (the sitemap) so its output is XML-safe."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if not getattr(response, "is_rendered", True):  # a TemplateResponse, rendered later
            response.add_post_render_callback(_strip_rendered)
        elif not response.streaming:
            _strip_rendered(response)
        return response

    return wrapped
