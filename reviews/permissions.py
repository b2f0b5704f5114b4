"""Who may change which review: model permissions, never group names."""


def own_reviews_only(user) -> bool:
    """True for a writer (reviews.add_review) without reviews.change_any_review: they change,
    and preview, only their own reviews. Editors who do not write, and superusers, are not."""
    return user.has_perm("reviews.add_review") and not user.has_perm("reviews.change_any_review")


def can_preview(user, review) -> bool:
    """Staff who may change this review may see it before it is public."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    if not (user.is_staff and user.has_perm("reviews.change_review")):
        return False
    return not own_reviews_only(user) or review.author.user_id == user.pk
