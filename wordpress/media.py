"""WordPress media as review images and posters, from a copy of ``wp-content/uploads``.

The blogger copies the uploads folder and names it with ``--uploads DIR``; nothing is ever
fetched over the network. An image a post shows (``[caption]``, ``[gallery]``, a block editor
``<figure>`` or a bare ``<img>``) whose file is under ``…/wp-content/uploads/`` of the exported
site, and every attachment uploaded to the post (``wp:post_parent``), becomes a
reviews.ReviewImage of that review: alt text from the ``<img>`` or the attachment's
``_wp_attachment_image_alt``, caption from the shortcode or the attachment's excerpt, ``order``
N as the body's ``[image N]``. A resized copy's name (``x-300x200.jpg``) is read as the original
(``x.jpg``) when the folder has it. The featured image (``_thumbnail_id``) becomes the film's
poster when the film has none.

Each file is checked as an upload is (core.images.validate_image_upload); a missing or broken
file is reported and the image kept as a link, never fatal. Without ``--uploads`` every image is
kept as a link and listed as skipped. Imported images are remembered as
ImportedItem(kind="attachment", source_id="<post id>:<attachment id>", or ":f<hash of the
path>" for an image with no attachment item). A dry run checks the files but writes nothing to
the storage.
"""

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.files import File

from core.images import validate_image_upload
from reviews.models import ReviewImage

from .models import ImportedItem

UPLOADS_MARKER = "/wp-content/uploads/"
# Attachments that are images (a PDF or a video uploaded to a post is not a review image).
IMAGE_SUFFIXES = {
    ".jpg",
    ".jpeg",
    ".jpe",
    ".png",
    ".gif",
    ".webp",
    ".avif",
    ".bmp",
    ".tif",
    ".tiff",
}
IMAGE_LINE_RE = re.compile(r"^[ \t]*\[image[ \t]+(\d{1,4})\][ \t]*$", re.M | re.I)
RESIZED_RE = re.compile(r"-\d{1,5}x\d{1,5}(?=\.[A-Za-z0-9]{2,5}$)")  # x-300x200.jpg


@dataclass
class MediaIndex:
    """What the first pass over the file learnt about attachments (a few fields each)."""

    attachments: dict  # attachment id -> WXRAttachment
    by_path: dict  # path relative to uploads -> attachment id
    by_parent: dict  # post id -> [attachment ids], in file order

    @classmethod
    def empty(cls):
        return cls({}, {}, {})

    def add(self, attachment, hosts):
        self.attachments[attachment.id] = attachment
        path = attachment.file or uploads_path(attachment.url, hosts)
        if path:
            self.by_path.setdefault(path, attachment.id)
        if attachment.parent_id not in ("", "0"):
            self.by_parent.setdefault(attachment.parent_id, []).append(attachment.id)


def site_hosts(site):
    host = (urlsplit(site or "").hostname or "").lower()
    if not host:
        return set()
    bare = host.removeprefix("www.")
    return {bare, f"www.{bare}"}


def uploads_path(url, hosts):
    """ "2014/01/x.jpg" for an address of the exported site's uploads folder, else ""."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return ""
    host = (parts.hostname or "").lower()
    if host and host not in hosts:
        return ""  # another site's image: not in this uploads folder
    path = unquote(parts.path)
    if UPLOADS_MARKER not in path:
        return ""
    return path.split(UPLOADS_MARKER, 1)[1].lstrip("/")


@dataclass
class _Planned:
    path: Path
    name: str
    alt: str
    caption: str
    key: str  # attachment id, or f<hash> of the path


class MediaImporter:
    """Review images and posters for one import run."""

    def __init__(self, *, uploads, index, site, counts, dry_run):
        self.root = Path(uploads).resolve() if uploads else None
        self.site = site
        self.index = index
        self.hosts = site_hosts(site)
        self.counts = counts
        self.dry_run = dry_run
        self._checked = {}  # path -> error message or "" (checked once per run)

    # --- finding and checking files --------------------------------------------------------

    def _file(self, relative):
        """The file under the uploads folder, or None (missing, or outside the folder)."""
        if self.root is None or not relative:
            return None
        try:
            candidate = (self.root / relative).resolve()
            if not candidate.is_relative_to(self.root) or not candidate.is_file():
                return None  # "../" or a link out of the folder counts as missing
        except (OSError, ValueError):  # a name too long, a NUL byte…: no such file either
            return None
        return candidate

    def locate(self, src="", attachment_id=""):
        """(file or None, path relative to uploads, attachment or None) for an image."""
        attachment = self.index.attachments.get(attachment_id) if attachment_id else None
        relative = uploads_path(src, self.hosts) if src else ""
        if attachment is None and relative:
            found = self.index.by_path.get(RESIZED_RE.sub("", relative))
            attachment = self.index.attachments.get(found or self.index.by_path.get(relative))
        candidates = [RESIZED_RE.sub("", relative), relative] if relative else []
        if attachment is not None:
            candidates += [attachment.file, uploads_path(attachment.url, self.hosts)]
        candidates = [path for path in dict.fromkeys(candidates) if path]
        for candidate in candidates:  # the original of a resized copy first
            found = self._file(candidate)
            if found is not None:
                return found, candidate, attachment
        return None, (candidates[0] if candidates else ""), attachment

    def check(self, path):
        """ "" when the file is an acceptable image, else why not."""
        if path not in self._checked:
            if len(self._checked) >= 1000:
                self._checked.clear()  # a bound, not a history: memory stays flat
            try:
                with path.open("rb") as handle:
                    validate_image_upload(File(handle, name=path.name))
                self._checked[path] = ""
            except ValidationError as exc:
                self._checked[path] = " ".join(exc.messages)
            except OSError as exc:
                self._checked[path] = f"cannot be read ({exc.strerror or exc})"
        return self._checked[path]

    # --- per post --------------------------------------------------------------------------

    def for_post(self, post):
        return PostMedia(self, post)

    def poster(self, post, film):
        """The featured image as the film's poster, when the film has none."""
        thumbnail = post.meta.get("_thumbnail_id", "").strip()
        if not thumbnail:
            return
        label = f"Post {post.id} ({post.title})"
        if film.poster:
            self.counts.media_skipped.append(
                f"{label}: featured image not used, the film {film} has a poster already."
            )
            return
        if self.root is None:
            self.counts.media_skipped.append(
                f"{label}: featured image (attachment {thumbnail}) not imported as the poster "
                f"of {film}: pass --uploads."
            )
            return
        path, relative, attachment = self.locate(attachment_id=thumbnail)
        if attachment is None:
            self.counts.media_missing.append(
                f"{label}: featured image: attachment {thumbnail} is not in the export."
            )
            return
        if path is None:
            self.counts.media_missing.append(f"{label}: featured image {relative}: no such file.")
            return
        error = self.check(path)
        if error:
            self.counts.media_broken.append(f"{label}: featured image {relative}: {error}")
            return
        if not self.dry_run:
            with path.open("rb") as handle:
                film.poster.save(path.name, File(handle), save=True)
        self.counts.add("posters", True)


class PostMedia:
    """The images of one post: `image_for` (shortcodes.ImageImporter) numbers them while its
    body is converted; `save(review)` stores them once the review exists."""

    def __init__(self, media, post):
        self.media = media
        self.post = post
        self.planned = {}  # path -> (order, _Planned)
        self.attached_planned = False
        # "[image N]" lines already in the text (an export of this site): attachment N (its
        # menu_order) takes that number; images found in the text take others.
        self.reserved = {int(n) for n in IMAGE_LINE_RE.findall(post.content or "")}
        self.label = f"Post {post.id} ({post.title})"

    def image_for(self, image):
        media, counts = self.media, self.media.counts
        shown = image.src or f"attachment {image.attachment_id}"
        if media.root is None:
            counts.media_skipped.append(f"{self.label}: image {shown[:120]} kept as a link.")
            return None
        path, relative, attachment = media.locate(image.src, image.attachment_id)
        if path is None:
            if relative:
                counts.media_missing.append(f"{self.label}: {relative}: no such file.")
            else:
                counts.media_skipped.append(
                    f"{self.label}: image {shown[:120]} is not in the uploads folder: "
                    f"kept as a link."
                )
            return None
        return self._plan(path, relative, attachment, image.alt, image.caption)

    def _next_order(self):
        used = self.reserved | {order for order, _ in self.planned.values()}
        order = 1
        while order in used:
            order += 1
        return order

    def _plan(self, path, relative, attachment, alt="", caption="", order=None):
        if path in self.planned:
            return self.planned[path][0]
        error = self.media.check(path)
        if error:
            self.media.counts.media_broken.append(f"{self.label}: {relative}: {error}")
            return None
        alt = (alt or (attachment.alt if attachment else "") or "").strip()
        if attachment is not None:
            caption = caption or attachment.caption
            alt = alt or attachment.title
        if not alt:
            self.media.counts.problems.append(
                f"{self.label}: image {relative} has no alt text: add one in the admin."
            )
        key = attachment.id if attachment is not None else f"f{_digest(relative)}"
        order = order or self._next_order()
        self.planned[path] = (order, _Planned(path, path.name, alt, (caption or "").strip(), key))
        return order

    def plan_attached(self):
        """Adds the post's own attachments not shown in its text (once)."""
        media = self.media
        if self.attached_planned:
            return
        self.attached_planned = True
        featured = self.post.meta.get("_thumbnail_id", "").strip()
        if media.root is not None:
            for attachment_id in media.index.by_parent.get(self.post.id, []):
                if attachment_id == featured:
                    continue  # the poster, or a duplicate of it
                path, relative, attachment = media.locate(attachment_id=attachment_id)
                if Path(relative).suffix.lower() not in IMAGE_SUFFIXES:
                    media.counts.media_skipped.append(
                        f"{self.label}: {relative or 'attachment ' + attachment_id} is not an "
                        f"image: not imported."
                    )
                elif path is None:
                    media.counts.media_missing.append(
                        f"{self.label}: {relative or 'attachment ' + attachment_id}: no such file."
                    )
                elif path in self.planned:
                    continue
                elif self._reserved_for(attachment) and self._plan(
                    path, relative, attachment, order=attachment.menu_order
                ):
                    continue  # placed by the text's own [image N]
                elif self._plan(path, relative, attachment):
                    media.counts.media_unplaced.append(
                        f"{self.label}: {relative} was uploaded to the post but not shown in "
                        f"its text: imported as image {self.planned[path][0]}, not placed."
                    )

    def _reserved_for(self, attachment):
        order = attachment.menu_order if attachment is not None else 0
        return order in self.reserved and order not in {o for o, _ in self.planned.values()}

    def save(self, review):
        """Stores every image of the post as the review's (nothing written in a dry run)."""
        media = self.media
        self.plan_attached()
        for order, planned in self.planned.values():
            media.counts.add("images", True)
            if media.dry_run:
                continue  # nothing written to the storage
            image = ReviewImage(
                review=review,
                alt_text=planned.alt[:200],
                caption=planned.caption[:300],
                order=order,
            )
            with planned.path.open("rb") as handle:
                image.image.save(planned.name, File(handle), save=False)
            image.save()
            # update: a review deleted here since an earlier run leaves its item behind.
            ImportedItem.objects.update_or_create(
                source=media.site,
                kind=ImportedItem.Kind.ATTACHMENT,
                source_id=f"{self.post.id}:{planned.key}"[:40],
                defaults={"object_id": image.pk},
            )


def _digest(text):
    return hashlib.sha256(text.encode()).hexdigest()[:16]
