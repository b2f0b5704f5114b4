"""Why a reader's own comment is held, in plain words for its writer.

The moderation policy records its reason for moderators (`Comment.held_reason`, written by
comments.moderation.initial_status in their words: "First comment from this commenter",
"Contains 3 links (more than 2)", a blocklisted word named). The writer gets a sentence about
the rule instead, never the blocklist's words.
"""

import re

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, ngettext

from . import moderation


def _same(stored, reason) -> bool:
    # Stored in the language of the request that posted it: compared in this one and the site's.
    return stored in (str(reason), _default(reason))


def _matches(stored, reason) -> bool:
    """The stored text is `reason` (a "%(name)d" template) with any numbers filled in."""
    for text in {str(reason), _default(reason)}:
        pattern = re.sub(r"%\\\(\w+\\\)d", r"\\d+", re.escape(text))
        if re.fullmatch(pattern, stored):
            return True
    return False


def _default(reason) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(reason)


def reader_reason(*, held_reason, body) -> str:
    """The plain reason shown to a held comment's writer ("" when there is nothing to add)."""
    stored = (held_reason or "").strip()
    if _same(stored, moderation.REASON_FIRST_TIME):
        return gettext("Comments from new readers are checked before they appear.")
    if _same(stored, moderation.REASON_ALL):
        return gettext("Every comment is checked by a moderator before it appears.")
    if _matches(stored, moderation.REASON_RATING_CHANGE):
        return gettext("A new score that changes your rating of this film is checked first.")
    limit = settings.COMMENTS_MAX_LINKS
    if moderation.count_links(body) > limit:
        return ngettext(
            "Comments with more than %(limit)d link are checked before they appear.",
            "Comments with more than %(limit)d links are checked before they appear.",
            limit,
        ) % {"limit": limit}
    if stored:
        # A blocklisted word, readers' reports, a changed score…: the rule, not its details.
        return gettext("A moderator checks some comments before they appear.")
    return ""
