from django.conf import settings
from django.db import models, router, transaction
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.validators import TEXT_VALIDATORS
from reviews.models import Review

from .rendering import render_body

PATH_STEP = 10  # digits per level of the materialized path; ids up to 9,999,999,999


class CommentQuerySet(models.QuerySet):
    def approved(self):
        """Comments every reader may see."""
        return self.filter(status=Comment.Status.APPROVED)

    def visible_in(self, review, *, include_ids=()):
        """A review's comments a reader sees: approved, plus their own held ones (`include_ids`)."""
        visible = Q(status=Comment.Status.APPROVED)
        if include_ids:
            visible |= Q(pk__in=list(include_ids), status=Comment.Status.PENDING)
        return self.filter(visible, review=review)

    def for_thread(self, review, *, include_ids=()):
        """A review's whole visible tree in display order, in one query.

        `include_ids` adds the caller's own held comments (their session), which nobody else sees.
        """
        return (
            self.visible_in(review, include_ids=include_ids).select_related("user").order_by("path")
        )

    # Threads are paginated by the top-level id that starts every path of a thread
    # ("root"), not by parent=None: a thread whose first comment was removed still has
    # its approved replies shown (at the top level), so it must still be on a page.

    def thread_totals(self, review, *, include_ids=()):
        """{"approved": comments for the heading, "threads": visible threads}, in one query."""
        return self.visible_in(review, include_ids=include_ids).aggregate(
            approved=Count("pk", filter=Q(status=Comment.Status.APPROVED)),
            threads=Count(_root(), distinct=True),
        )

    def for_thread_page(self, review, *, start, stop, newest_first=False, include_ids=()):
        """The visible comments of threads start..stop (in that order), by path, in one query."""
        visible = self.visible_in(review, include_ids=include_ids)
        roots = (
            visible.annotate(root=_root())
            .values("root")
            .distinct()
            .order_by("-root" if newest_first else "root")[start:stop]
        )
        return (
            visible.annotate(root=_root())
            .filter(root__in=roots)
            .only(*THREAD_FIELDS)  # what the thread shows: fewer columns, cheaper rows
            .order_by("path")
        )

    def threads_before(self, comment, *, newest_first=False, include_ids=()):
        """How many visible threads of the comment's review come before the comment's thread."""
        root = comment.path[:PATH_STEP]
        if not root.isdigit():
            return 0
        visible = self.visible_in(comment.review_id, include_ids=include_ids)
        if newest_first:
            # Every path of a later thread sorts at or after the next possible root.
            visible = visible.filter(path__gte=str(int(root) + 1).zfill(PATH_STEP))
        else:
            visible = visible.filter(path__lt=root)
        return visible.annotate(root=_root()).values("root").distinct().count()


# The columns comments.selectors.thread_page reads (ShownComment); no join of the user row.
THREAD_FIELDS = (
    "id",
    "parent_id",
    "path",
    "depth",
    "name",
    "email",  # for the avatar's keyed hash only
    "url",
    "body",  # shown only while body_html is empty
    "body_html",
    "rating",
    "status",
    "user_id",
    "created_at",
    "edited_at",
    "has_spoilers",
    "show_recent_post",
)


def _root():
    """The thread a comment belongs to: its path's first (top-level) step."""
    return Substr("path", 1, PATH_STEP)


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        SPAM = "spam", _("Spam")
        REMOVED = "removed", _("Removed")

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="comments", verbose_name=_("review")
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name=_("parent"),
    )
    # Materialized path of zero-padded ids ("0000000012/0000000045"): ordering by it yields
    # the thread depth-first in the order written, so a review's tree is one query.
    path = models.CharField(_("path"), max_length=255, blank=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    name = models.CharField(_("name"), max_length=80, validators=TEXT_VALIDATORS)
    email = models.EmailField(_("email"), max_length=254, validators=TEXT_VALIDATORS)
    url = models.URLField(_("website"), max_length=200, blank=True, validators=TEXT_VALIDATORS)
    body = models.TextField(_("body"), validators=TEXT_VALIDATORS)
    # The body as HTML (comments.rendering.render_body), rendered when the text is saved rather
    # than on every page view. Empty on rows written around save() (bulk_create, update()):
    # pages then render the text on the fly; `manage.py rerender_comment_bodies` fills them.
    body_html = models.TextField(_("body as HTML"), blank=True, editable=False)
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        help_text=_("A reader's score out of 10 (top-level comments only)."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    held_reason = models.CharField(_("held reason"), max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
        verbose_name=_("user"),
    )
    ip_address = models.GenericIPAddressField(_("ip address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    has_spoilers = models.BooleanField(
        _("has spoilers"),
        default=False,
        help_text=_("Its writer said it gives away the plot: the body starts hidden."),
    )
    is_erased = models.BooleanField(
        _("is erased"), default=False, help_text=_("Erased on a privacy request.")
    )
    # Opt-in: new comments only when their writer ticks the box; comments from before the box
    # existed were set to True by migration 0013, as they showed the line then.
    show_recent_post = models.BooleanField(
        _("show recent post"),
        default=False,
        help_text=_("Its writer asked to show their website's latest post under it."),
    )
    # The duplicate guard (comments.spam.duplicate_keys): keyed hashes of the text as posted with
    # the writer's address, and with their IP. Unique per review, so of two identical posts
    # sent at once only one is saved. Set when a reader posts (an edit keeps the posted text's
    # key); NULL on comments that came another way (imports, older rows), and cleared when the
    # address or IP goes (erasure, IP retention).
    duplicate_key_email = models.CharField(
        _("duplicate key (email)"), max_length=64, null=True, blank=True, editable=False
    )
    duplicate_key_ip = models.CharField(
        _("duplicate key (IP)"), max_length=64, null=True, blank=True, editable=False
    )
    # One reader, one rating per film (comments/ratings.py): who wrote it (a keyed hash, set
    # when it is posted; empty once erased), and whether it is the rating of theirs that counts
    # toward the film's audience score (their latest approved one), kept in step on every change.
    rater_key = models.CharField(
        _("rater key"), max_length=64, blank=True, default="", editable=False
    )
    counted = models.BooleanField(
        _("counted"),
        default=False,
        editable=False,
        help_text=_("This reader's rating of the film that counts in its audience score."),
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        # Every moderation check asks for these (never a group name); groups bundle them.
        permissions = [
            ("can_moderate", "Can moderate comments"),
            ("skip_moderation", "Can comment without moderation"),
        ]
        indexes = [
            models.Index(fields=["review", "status", "path"], name="comment_thread_idx"),
            # The thread page's totals and its page of threads group by the thread (root).
            models.Index(
                "review", "status", Substr("path", 1, PATH_STEP), name="comment_thread_root_idx"
            ),
            models.Index(fields=["status", "created_at"], name="comment_queue_idx"),
            models.Index(fields=["email"], name="comment_email_idx"),
            # The audience score and reader reviews read counted ratings only.
            models.Index(
                fields=["review", "created_at"],
                condition=Q(counted=True),
                name="comment_counted_idx",
            ),
            models.Index(fields=["rater_key"], name="comment_rater_idx"),
            # Deciding which ratings count reads a film's rated top-level comments only
            # (comments/ratings.py), by review: without it SQLite scanned every approved comment.
            models.Index(
                fields=["review", "created_at"],
                condition=Q(parent__isnull=True, rating__isnull=False),
                name="comment_rated_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "spam", "removed"]),
                name="comment_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True)
                | (Q(parent__isnull=True) & Q(rating__gte=1) & Q(rating__lte=10)),
                name="comment_rating_top_level_1_10",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="comment_not_own_parent"
            ),
            # NULLs are distinct (PostgreSQL and SQLite alike): rows without a key never clash.
            models.UniqueConstraint(
                fields=["review", "duplicate_key_email"], name="comment_no_duplicate_by_email"
            ),
            models.UniqueConstraint(
                fields=["review", "duplicate_key_ip"], name="comment_no_duplicate_by_ip"
            ),
        ]
        # A reply's review must equal its parent's review: enforced by a database trigger
        # (see migration comments/0002), since a check constraint cannot look at another row.

    def __str__(self):
        return f"{self.name} on {self.review}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            self.body_html = render_body(self.body)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "body_html"}
        adding = self._state.adding
        if adding and not self.rater_key and not self.is_erased:
            # Posting sets who rated from the browser's proof (comments/ratings.py); rows made
            # another way (imports, the admin, tests) are their address's person.
            from .ratings import email_key

            self.rater_key = email_key(self.email)
        if self.parent_id and adding:
            self.depth = self.parent.depth + 1
        if self.path and not adding:  # one write: nothing to keep together
            super().save(*args, **kwargs)
            return
        # The path needs the new pk, so it is a second write: both land or neither does, else a
        # failed UPDATE leaves a row with an empty path that sorts as a thread of its own. No
        # savepoint (as Model.save_base does for multi-table saves): inside a caller's
        # transaction a failure rolls that back, and posting costs no extra queries.
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using, savepoint=False):
            super().save(*args, **kwargs)
            own = str(self.pk).zfill(PATH_STEP)
            self.path = f"{self.parent.path}/{own}" if self.parent_id else own
            type(self).objects.using(using).filter(pk=self.pk).update(
                path=self.path, depth=self.depth
            )

    def get_absolute_url(self):
        return reverse("comments:permalink", kwargs={"pk": self.pk})

    @property
    def is_public(self):
        return self.status == self.Status.APPROVED

    @property
    def body_as_html(self):
        """The body as safe HTML: the stored rendering, else (rows written around save(),
        before `rerender_comment_bodies` ran) rendered now."""
        if self.body_html:
            return mark_safe(self.body_html)  # noqa: S308 - rendered from escaped text on save
        return render_body(self.body)


class ModerationLog(models.Model):
    """Who did what to a comment, and when: the audit trail."""

    class Action(models.TextChoices):
        # A log entry says what was done ("Approved" here is an action, not a comment's state).
        APPROVE = "approve", pgettext_lazy("moderation action", "Approved")
        UNAPPROVE = "unapprove", pgettext_lazy("moderation action", "Unapproved")
        SPAM = "spam", pgettext_lazy("moderation action", "Marked as spam")
        REMOVE = "remove", pgettext_lazy("moderation action", "Removed")
        EDIT = "edit", pgettext_lazy("moderation action", "Edited")
        ERASE = "erase", pgettext_lazy("moderation action", "Erased (privacy request)")

    comment = models.ForeignKey(
        Comment,
        on_delete=models.CASCADE,
        related_name="moderation_log",
        verbose_name=_("comment"),
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("moderator"),
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    from_status = models.CharField(_("from status"), max_length=10, blank=True)
    to_status = models.CharField(_("to status"), max_length=10, blank=True)
    note = models.TextField(
        _("note"), blank=True, help_text=_("For edits: the text before the change.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("moderation log")
        verbose_name_plural = _("moderation logs")
        indexes = [models.Index(fields=["comment", "-created_at"])]

    def __str__(self):
        return (
            f"{self.get_action_display()} by {self.moderator} at {self.created_at:%Y-%m-%d %H:%M}"
        )


class CommentReport(models.Model):
    """A reader's report that a comment breaks the rules; enough of them send it to the queue."""

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reports", verbose_name=_("comment")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    ip_address = models.GenericIPAddressField(_("ip address"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True, validators=TEXT_VALIDATORS)
    # Who reported, without keeping who: keyed hashes (comments/limits.py) of the reporter's
    # network and of a random id in their browser's session. Each is unique per comment, so a
    # reporter counts once however many sessions they open; the hold threshold counts distinct
    # networks. Empty on older reports whose address was gone: they neither collide nor count.
    ip_hash = models.CharField(_("network hash"), max_length=64, blank=True, editable=False)
    reporter_hash = models.CharField(_("reporter hash"), max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("comment report")
        verbose_name_plural = _("comment reports")
        indexes = [models.Index(fields=["comment", "created_at"], name="commentreport_comment_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "ip_hash"],
                condition=~Q(ip_hash=""),
                name="commentreport_one_per_network",
            ),
            models.UniqueConstraint(
                fields=["comment", "reporter_hash"],
                condition=~Q(reporter_hash=""),
                name="commentreport_one_per_reporter",
            ),
        ]

    def __str__(self):
        return f"Report on comment {self.comment_id}"


class BlocklistEntry(models.Model):
    class Kind(models.TextChoices):
        EMAIL = "email", _("Email address")
        IP = "ip", _("IP address")
        WORD = "word", _("Word or phrase")

    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    value = models.CharField(
        _("value"),
        max_length=254,
        validators=TEXT_VALIDATORS,
        help_text=_("Matched case-insensitively."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True, validators=TEXT_VALIDATORS)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "value"]
        verbose_name = _("blocklist entry")
        verbose_name_plural = _("blocklist entries")
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="blocklist_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=["email", "ip", "word"]), name="blocklist_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"


class VerifiedEmail(models.Model):
    """An address whose owner clicked a confirmation link: trusted under `first_time`."""

    email = models.EmailField(_("email"), max_length=254, unique=True)
    verified_at = models.DateTimeField(_("verified at"), auto_now_add=True)

    class Meta:
        verbose_name = _("verified email")
        verbose_name_plural = _("verified emails")

    def __str__(self):
        return self.email


class Subscription(models.Model):
    """A reader's request to be mailed approved replies to one comment (double opt-in)."""

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="subscriptions", verbose_name=_("comment")
    )
    email = models.EmailField(_("email"), max_length=254)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["comment", "email"], name="subscription_unique")
        ]

    def __str__(self):
        return f"Replies to comment {self.comment_id}"

    @property
    def is_active(self):
        return self.confirmed_at is not None and self.unsubscribed_at is None


class CommenterFeed(models.Model):
    """The latest post on a commenter's own blog, read from its feed (one row per site)."""

    # The commenter's website as comments.recent_posts.site_url_of() keys it: scheme, host,
    # port and path ("https://letterboxd.com/alice"), so two blogs on one host are two rows,
    # and one fetch serves every comment that names the same site.
    site_url = models.URLField(_("site url"), max_length=200, unique=True)
    feed_url = models.URLField(_("feed url"), max_length=500, blank=True)
    latest_title = models.CharField(_("latest title"), max_length=200, blank=True)
    latest_url = models.URLField(_("latest url"), max_length=500, blank=True)
    fetched_at = models.DateTimeField(_("fetched at"), null=True, blank=True)
    failures = models.PositiveIntegerField(
        _("failures"), default=0, help_text=_("Failed reads in a row; a success resets it.")
    )
    # When the site may be read again: a day after a success, sooner after a failure (the
    # back-off in comments.recent_posts.retry_delay). Empty: at once.
    next_fetch_at = models.DateTimeField(_("next fetch at"), null=True, blank=True)

    class Meta:
        ordering = ["site_url"]
        verbose_name = _("commenter feed")
        verbose_name_plural = _("commenter feeds")

    def __str__(self):
        return self.site_url
