"""Share links of a review: plain links to each network's own "share" page (their published
intent URLs), so the page loads nothing from them: no script, no button image, no request until
a reader follows one."""

from dataclasses import dataclass
from urllib.parse import quote, urlencode


@dataclass(frozen=True)
class ShareLink:
    network: str  # a CSS class and test handle, not shown
    label: str  # the network's own name, the same in every language
    href: str


def _query(**params):
    # quote (%20), not quote_plus (+): some of these pages show a "+" where a space was.
    return urlencode(params, quote_via=quote)


def share_links(*, url, title):
    """The review's absolute `url` and `title` as links to share it by mail and on the networks
    most readers use. Mastodon is left out: its share page lives on each reader's own server."""
    text = f"{title} {url}"
    return {
        "url": url,
        "email": "mailto:?" + _query(subject=title, body=url),
        "networks": [
            ShareLink("bluesky", "Bluesky", "https://bsky.app/intent/compose?" + _query(text=text)),
            ShareLink(
                "x",
                "X (Twitter)",
                "https://x.com/intent/tweet?" + _query(text=title, url=url),
            ),
            ShareLink(
                "facebook",
                "Facebook",
                "https://www.facebook.com/sharer/sharer.php?" + _query(u=url),
            ),
            ShareLink(
                "linkedin",
                "LinkedIn",
                "https://www.linkedin.com/sharing/share-offsite/?" + _query(url=url),
            ),
            ShareLink(
                "reddit",
                "Reddit",
                "https://www.reddit.com/submit?" + _query(url=url, title=title),
            ),
        ],
    }
