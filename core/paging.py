from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from .counting import total


class TailFriendlyPaginator(Paginator):
    """Pages past the middle are read backwards from the end: the last page of a million
    rows costs as little as the first, instead of skipping 999,950 index entries.

    The total comes from core.counting: exact when that is cheap, otherwise an estimate
    (`count_is_estimate`); with an estimate the last page is the last rows in list order,
    and page numbers near the end are approximate."""

    count_is_estimate = False

    @cached_property
    def count(self):
        if not isinstance(self.object_list, QuerySet):
            return super().count
        result = total(self.object_list)
        self.count_is_estimate = result.is_estimate
        return result.value

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        if bottom > self.count // 2 and getattr(rows, "ordered", False):
            tail = list(rows.reverse()[self.count - top : self.count - bottom])
            tail.reverse()
            return self._get_page(tail, number, self)
        return super().page(number)
