"""Who may change which review: model permissions, never group names."""


def own_reviews_only(user) -> bool:
    """True for a writer (reviews.add_review) without reviews.change_any_review: they change,
    and preview, only their own reviews. Editors who do not write, and superusers, are not."""
    return user.has_perm("reviews.add_review") and not user.has_perm("reviews.change_any_review")


def linkable_reviews(queryset, user):
    """The reviews of `queryset` that `user` may see offered in a picker (related reviews, a
    redirect's target): for a writer limited to their own work, the published ones and their
    own, so a colleague's draft headline never shows; for everyone else, what the review list
    already shows them (all of them)."""
    if not own_reviews_only(user):
        return queryset
    return queryset.published() | queryset.filter(author__user=user)


def can_preview(user, review) -> bool:
    """Staff who may change this review may see it before it is public."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    if not (user.is_staff and user.has_perm("reviews.change_review")):
        return False
    return not own_reviews_only(user) or review.author.user_id == user.pk
