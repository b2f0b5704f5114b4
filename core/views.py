"""View pieces every app's pages share."""

from django.core.paginator import InvalidPage
from django.http import Http404
from django.utils.translation import gettext

from .http import page_param


class PageParamMixin:
    """A ListView whose ?page= goes through core.http.page_param.

    Django's own pagination parses it with int(), which takes "１" or "٣" for a page number;
    here a page number is ASCII digits within a bound, "last", or a 404.
    """

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(
            queryset,
            page_size,
            orphans=self.get_paginate_orphans(),
            allow_empty_first_page=self.get_allow_empty(),
        )
        raw = self.kwargs.get(self.page_kwarg) or self.request.GET.get(self.page_kwarg)
        number = page_param(raw, last=paginator.num_pages)
        try:
            page = paginator.page(number)
        except InvalidPage:
            raise Http404(gettext("There is no such page.")) from None
        return (paginator, page, page.object_list, page.has_other_pages())
