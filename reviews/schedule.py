"""Moments when public pages change with no write: the page cache must not outlive them."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from .models import Review


def next_change():
    """The next scheduled publication, or the next review whose comments close by age."""
    now = timezone.now()
    listed = Review.objects.filter(status__in=[Review.Status.PUBLISHED, Review.Status.SCHEDULED])
    moments = [listed.filter(published_at__gt=now).aggregate(at=Min("published_at"))["at"]]
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    if days > 0:
        still_open = listed.filter(published_at__gt=now - timedelta(days=days))
        oldest = still_open.aggregate(at=Min("published_at"))["at"]
        moments.append(oldest + timedelta(days=days) if oldest else None)
    moments = [moment for moment in moments if moment is not None]
    return min(moments) if moments else None
