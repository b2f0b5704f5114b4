"""A paginator whose far pages cost what the first one does."""

from django.core.paginator import Paginator
from django.db.models import QuerySet


class KeysFirstPaginator(Paginator):
    """Picks the page's primary keys first, then loads only those rows with their joins.

    A page far down a list (`LIMIT 10 OFFSET 20000`) makes the database build every skipped
    row: the joined film and author, each column and subquery of the SELECT. Selecting the keys
    alone walks just the index; the full query then runs for the page's rows, in the same
    order, in one statement (the keys are a subquery).
    """

    def page(self, number):
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = rows.values("pk")[bottom:top]
        return self._get_page(rows.filter(pk__in=keys), number, self)
