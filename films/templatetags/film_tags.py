"""Posters and photos: sized renditions with width, height and alt, never a broken page."""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from core.images import picture, rendition_url

register = template.Library()

POSTER_PLACEHOLDER = "img/poster-placeholder.svg"
PERSON_PLACEHOLDER = "img/person-placeholder.svg"

# (rendition attribute, width, height) of each poster size; widths match the imagekit specs.
POSTER_SIZES = {"thumb": ("poster_thumb", 200, 300), "large": ("poster_large", 500, 750)}
# How wide each size is shown (site.css), when the template does not say: the card column and
# the film page's hero.
POSTER_DISPLAY_SIZES = {"thumb": "(min-width: 576px) 130px, 96px", "large": "280px"}


@register.simple_tag
def poster_url(film, size="thumb"):
    """The poster rendition's URL, or the placeholder's."""
    rendition, _, _ = POSTER_SIZES[size]
    return rendition_url(film, "poster", rendition) or static(POSTER_PLACEHOLDER)


@register.simple_tag
def poster(film, size="thumb", css_class="", lazy=True, sizes=None):
    """The film's poster (2:3) as a <picture> in the widths and formats `sizes` calls for, with a
    local placeholder when it has none. `lazy=False` for the one poster above the fold."""
    classes = f"poster {css_class}".strip()
    alt = gettext("Poster for %(title)s") % {"title": film.title}
    html = picture(
        film,
        "poster_renditions",
        alt=alt,
        sizes=sizes or POSTER_DISPLAY_SIZES[size],
        eager=not lazy,
        css_class=classes,
    )
    if html:
        return html
    _, width, height = POSTER_SIZES[size]
    return format_html(
        '<img class="{}" src="{}" width="{}" height="{}" alt="{}"{}>',
        classes,
        static(POSTER_PLACEHOLDER),
        width,
        height,
        gettext("No poster available for %(title)s") % {"title": film.title},
        mark_safe(' loading="lazy" decoding="async"') if lazy else "",
    )


@register.simple_tag
def person_photo(person, css_class=""):
    """A square photo of a director or actor, or a neutral silhouette."""
    url = rendition_url(person, "photo", "photo_thumb")
    alt = gettext("Photo of %(name)s") % {"name": person.name} if url else ""
    return format_html(
        '<img class="person-photo {}" src="{}" width="160" height="160" alt="{}" loading="lazy">',
        css_class,
        url or static(PERSON_PLACEHOLDER),
        alt,
    )


@register.filter
def minutes(value):
    """126 -> "126 min"."""
    return gettext("%(minutes)s min") % {"minutes": value} if value else ""
