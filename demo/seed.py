"""Loads the demo content into the database: idempotent, keyed on slugs and usernames.

Running it again refreshes the demo rows (texts, dates relative to today) without adding any:
films, people, reviews and authors are keyed on their slugs, users on their usernames, credits
and images on their natural keys, and comments on (review, parent, name, body). Image files are
drawn only for rows that have none (or whose file has gone missing), so reruns write no files.
"""

import hashlib
import random
import zlib
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from comments.counts import deferred_comment_counts, refresh_comment_counts
from comments.models import Comment, ModerationLog
from core import roles
from core.progress import silent
from films.models import Credit, Film, Genre, Person
from reviews.models import Author, Review, ReviewImage, Tag

from . import art, content

BODIES = Path(__file__).resolve().parent / "bodies"
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"
# Comments older than this keep no IP address, as COMMENTS_IP_RETENTION_DAYS would have cleared it.
IP_KEPT_DAYS = 30


def _file_missing(field):
    """True when an image field is empty or points at a file that is not in storage."""
    return not field or not field.storage.exists(field.name)


def _reader_email(name):
    local = slugify(name).replace("-", ".") or "reader"
    return f"{local}@{EMAIL_DOMAINS[zlib.crc32(name.encode()) % len(EMAIL_DOMAINS)]}"


def _at(day, hhmm):
    """An aware datetime at local time `hhmm` on `day`."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    # zoneinfo time zones can be passed as tzinfo directly (unlike pytz ones).
    return datetime(
        day.year, day.month, day.day, hour, minute, tzinfo=timezone.get_current_timezone()
    )


def _seed_accounts():
    User = get_user_model()
    passwords = {account.username: account.password for account in content.DEMO_ACCOUNTS}
    authors_group = Group.objects.get(name=roles.AUTHORS)
    moderators_group = Group.objects.get(name=roles.MODERATORS)
    users = {}
    for username, fields in content.STAFF.items():
        user, _ = User.objects.update_or_create(username=username, defaults=fields)
        users[username] = user
    admin = users["admin"]
    admin.is_staff = admin.is_superuser = True
    users["moderator"].is_staff = True
    users["moderator"].groups.add(moderators_group)

    authors = {}
    for data in content.AUTHORS:
        user, _ = User.objects.update_or_create(
            username=data["username"],
            defaults={
                "email": data["email"],
                "first_name": data["first_name"],
                "last_name": data["last_name"],
                "is_staff": True,
            },
        )
        user.groups.add(authors_group)
        users[user.username] = user
        author, _ = Author.objects.update_or_create(
            slug=data["slug"],
            defaults={
                "user": user,
                "display_name": data["display_name"],
                "bio": data["bio"],
                "website": data["website"],
            },
        )
        if _file_missing(author.avatar):
            avatar = art.draw_avatar(key=author.slug, name=author.display_name)
            author.avatar.save(f"{author.slug}.jpg", ContentFile(avatar), save=True)
        authors[user.username] = author

    for username, user in users.items():
        # Reset every run, so the passwords the command prints always work.
        user.set_password(passwords[username])
        user.is_active = True
        user.save()
    return users, authors


def _seed_films(progress=silent):
    genres = {
        slug: Genre.objects.update_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in content.GENRES.items()
    }
    people = {
        slug: Person.objects.update_or_create(slug=slug, defaults={"name": name, "bio": bio})[0]
        for slug, (name, bio) in content.PEOPLE.items()
    }
    films = {}
    for data in progress(content.FILMS, desc="Films", unit="film"):
        film, _ = Film.objects.update_or_create(
            slug=data["slug"],
            defaults={
                field: data[field]
                for field in (
                    "title",
                    "year",
                    "release_date",
                    "certification",
                    "runtime_minutes",
                    "synopsis",
                )
            },
        )
        film.genres.set([genres[slug] for slug in data["genres"]])
        credits = [(Credit.Role.DIRECTOR, slug, "") for slug in data["directors"]]
        credits += [(Credit.Role.WRITER, slug, "") for slug in data["writers"]]
        credits += [(Credit.Role.CAST, slug, character) for slug, character in data["cast"]]
        for order, (role, person_slug, character) in enumerate(credits):
            Credit.objects.update_or_create(
                film=film,
                person=people[person_slug],
                role=role,
                character=character,
                defaults={"billing_order": order},
            )
        if _file_missing(film.poster):
            poster = art.draw_poster(
                slug=film.slug,
                title=film.title,
                year=film.year,
                director=" & ".join(people[slug].name for slug in data["directors"]),
                cast=tuple(people[slug].name for slug, _ in data["cast"]),
                motif=data["motif"],
                tagline=data["tagline"],
                hue=data.get("hue"),
            )
            film.poster.save(f"{film.slug}.jpg", ContentFile(poster), save=True)
        films[film.slug] = film
    return films


def _seed_reviews(*, films, authors, today, progress=silent):
    reviews = {}
    for data in progress(content.REVIEWS, desc="Reviews", unit="review"):
        status = data.get("status", Review.Status.PUBLISHED)
        published_at = updated_at = None
        if "days_ago" in data:
            published_at = _at(today - timedelta(days=data["days_ago"]), data["time"])
            if "updated_after_days" in data:
                updated_at = published_at + timedelta(days=data["updated_after_days"], hours=3)
        review, _ = Review.objects.update_or_create(
            slug=data["slug"],
            defaults={
                "film": films[data["film"]],
                "author": authors[data["author"]],
                "headline": data["headline"],
                "standfirst": data["standfirst"],
                "body": (BODIES / f"{data['slug']}.md").read_text(encoding="utf-8").strip(),
                "rating": Decimal(data["rating"]),
                "verdict": data.get("verdict", ""),
                "status": status,
                "published_at": published_at,
                "updated_at": updated_at,
                "comments_open": data.get("comments_open", True),
            },
        )
        for order, image_data in enumerate(data.get("images", ()), start=1):
            image = ReviewImage.objects.filter(review=review, order=order).first()
            if image is None:
                image = ReviewImage(review=review, order=order)
            image.alt_text = image_data["alt"]
            image.caption = image_data["caption"]
            if _file_missing(image.image):
                still = art.draw_still(
                    key=f"{review.slug}-{order}", prop=image_data["prop"], night=image_data["night"]
                )
                image.image.save(f"{review.slug}-{order}.jpg", ContentFile(still), save=False)
            image.save()
        reviews[review.slug] = review
    for data in content.REVIEWS:
        reviews[data["slug"]].related_reviews.set(
            [reviews[slug] for slug in data.get("related", ())]
        )
    tags = {}
    for slug, names in content.REVIEW_TAGS.items():
        for name in names:
            if name not in tags:
                tags[name], _ = Tag.objects.get_or_create(
                    slug=slugify(name), defaults={"name": name}
                )
        if slug in reviews:
            reviews[slug].tags.set([tags[name] for name in names])
    return reviews


class _ThreadClock:
    """Deterministic, realistic comment times for one review.

    Approved, spam and removed comments fall between publication and a few days ago, replies
    after their parent and siblings in order; held (pending) comments are recent, as a live
    moderation queue would be.
    """

    def __init__(self, *, review, now):
        self.rng = random.Random(int(hashlib.sha256(review.slug.encode()).hexdigest()[:12], 16))
        self.start = review.published_at + timedelta(minutes=25)
        self.end = max(
            min(now - timedelta(days=4), review.published_at + timedelta(days=21)),
            self.start + timedelta(hours=6),
        )
        self.now = now
        self.pending_at = now - timedelta(days=3)

    def top_level(self, index, count):
        # Front-loaded: most comments arrive in the first days after publication.
        fraction = ((index + 1) / (count + 1)) ** 1.8
        return self.start + (self.end - self.start) * fraction

    def after(self, earliest):
        """A time after `earliest`: within the window, or before now if past the window."""
        limit = self.end if earliest < self.end else self.now
        return earliest + (limit - earliest) * self.rng.uniform(0.02, 0.12)

    def held(self):
        self.pending_at += (self.now - self.pending_at) * self.rng.uniform(0.2, 0.5)
        return self.pending_at


HELD_REASONS = {
    Comment.Status.PENDING: "First comment from this reader.",
    Comment.Status.SPAM: "Links and wording typical of spam.",
}
MODERATION_ACTIONS = {
    Comment.Status.APPROVED: ModerationLog.Action.APPROVE,
    Comment.Status.SPAM: ModerationLog.Action.SPAM,
    Comment.Status.REMOVED: ModerationLog.Action.REMOVE,
}


def _seed_comments(*, reviews, users, authors, now):
    moderator = users["moderator"]
    author_by_user = {author.user_id: author for author in authors.values()}

    def identity(name, review):
        """(user, name, email) of a commenter: an author account or a made-up reader."""
        if name == content.REVIEW_AUTHOR:
            name = "@" + review.author.user.username
        if name.startswith("@"):
            user = users[name[1:]]
            return user, author_by_user[user.pk].display_name, user.email
        return None, name, _reader_email(name)

    def save(node, *, review, parent, created_at, clock):
        user, name, email = identity(node["name"], review)
        status = node.get("status", Comment.Status.APPROVED)
        if status == Comment.Status.PENDING:
            created_at = max(clock.held(), created_at)
        recent = user is None and now - created_at < timedelta(days=IP_KEPT_DAYS)
        fields = {
            "email": node.get("email") or email,
            "url": node.get("url", ""),
            "rating": node.get("rating"),
            "status": status,
            "held_reason": HELD_REASONS.get(status, ""),
            "user": user,
            "ip_address": f"192.0.2.{zlib.crc32(name.encode()) % 250 + 1}" if recent else None,
            "user_agent": USER_AGENT if recent else "",
            "moderated_by": None,
            "moderated_at": None,
        }
        # Authors' own replies need no moderation; readers' comments were moderated by a human.
        if user is None and status != Comment.Status.PENDING:
            fields["moderated_by"] = moderator
            fields["moderated_at"] = min(
                created_at + timedelta(hours=clock.rng.uniform(0.3, 9)), now
            )
        comment = Comment.objects.filter(
            review=review, parent=parent, name=name, body=node["body"]
        ).first()
        if comment is None:
            # Parents are created before their children: save() derives path and depth.
            comment = Comment.objects.create(
                review=review, parent=parent, name=name, body=node["body"], **fields
            )
        # created_at is auto_now_add, so the realistic time is written with an update.
        Comment.objects.filter(pk=comment.pk).update(created_at=created_at, **fields)
        if fields["moderated_by"]:
            log, _ = ModerationLog.objects.get_or_create(
                comment=comment,
                action=MODERATION_ACTIONS[status],
                defaults={"moderator": moderator, "from_status": "pending", "to_status": status},
            )
            ModerationLog.objects.filter(pk=log.pk).update(created_at=fields["moderated_at"])
        previous = created_at
        for reply in node["replies"]:
            # Each reply comes after its parent and after the sibling before it.
            previous = save(
                reply, review=review, parent=comment, created_at=clock.after(previous), clock=clock
            )
        return created_at

    # Statuses are also written with update() below: each review is recounted once, at the end.
    with transaction.atomic(), deferred_comment_counts():
        for slug, threads in content.COMMENTS.items():
            review = reviews[slug]
            clock = _ThreadClock(review=review, now=now)
            for index, node in enumerate(threads):
                save(
                    node,
                    review=review,
                    parent=None,
                    created_at=clock.top_level(index, len(threads)),
                    clock=clock,
                )
            refresh_comment_counts([review.pk])


def seed(*, now=None, progress=silent):
    """Creates or refreshes all demo rows; returns the row counts for a summary.

    `progress` wraps the loops that draw images to show how far they got (core.progress)."""
    now = (now or timezone.now()).replace(microsecond=0)
    today = timezone.localdate(now)
    users, authors = _seed_accounts()
    films = _seed_films(progress)
    reviews = _seed_reviews(films=films, authors=authors, today=today, progress=progress)
    _seed_comments(reviews=reviews, users=users, authors=authors, now=now)
    return {
        "genres": Genre.objects.count(),
        "people": Person.objects.count(),
        "films": Film.objects.count(),
        "credits": Credit.objects.count(),
        "authors": Author.objects.count(),
        "reviews": Review.objects.count(),
        "review images": ReviewImage.objects.count(),
        "comments": Comment.objects.count(),
    }


def make_renditions(*, progress=silent):
    """Every poster's and review image's renditions, made now rather than on the first view of
    each page (a fresh `make run` showed /films/ after about 3 s)."""
    for film in progress(list(Film.objects.exclude(poster="")), desc="Poster sizes", unit="film"):
        Film.poster_renditions.generate_all(film)
    images = list(ReviewImage.objects.all())
    for image in progress(images, desc="Review image sizes", unit="image"):
        ReviewImage.image_renditions.generate_all(image)
