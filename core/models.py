from django.db import models
from django.utils.translation import gettext_lazy as _


class ContentVersion(models.Model):
    """One row naming the current state of everything public pages show (core/pagecache.py).

    A new random token is written in the same transaction as each change, so a page cached
    under a token always shows the content that token names: every app server reads the row,
    whatever its cache, and a restored backup brings back a token whose pages are right again.
    """

    token = models.CharField(_("token"), max_length=32)
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")

    def __str__(self):
        return self.token
