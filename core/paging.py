from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from .counting import is_short, total


class TailFriendlyPaginator(Paginator):
    """Pages past the middle are read backwards from the end: the last page of a million
    rows costs as little as the first, instead of skipping 999,950 index entries.

    The total comes from core.counting: exact when that is cheap, otherwise an estimate
    (`count_is_estimate`); with an estimate the last page is the last rows in list order,
    and page numbers near the end are approximate.

    A list known to be short (a search that named its few candidates: counting.at_most)
    is read as its keys in list order, in one query: that gives the exact total and the
    rows of any page, which are then read by key. Counting such a list and then reading a
    page would look at every candidate twice (at a million customers, 2,000 candidates
    are 7 ms each time on PostgreSQL)."""

    count_is_estimate = False

    @cached_property
    def _keys(self):
        rows = self.object_list
        if isinstance(rows, QuerySet) and rows.ordered and is_short(rows):
            return list(rows.values_list("pk", flat=True))
        return None

    @cached_property
    def count(self):
        if self._keys is not None:
            return len(self._keys)
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
        if self._keys is not None:
            return self._get_page(self._read_by_key(self._keys[bottom:top]), number, self)
        if bottom > self.count // 2 and getattr(rows, "ordered", False):
            tail = list(rows.reverse()[self.count - top : self.count - bottom])
            tail.reverse()
            return self._get_page(tail, number, self)
        return super().page(number)

    def _read_by_key(self, keys):
        """The rows of these keys, in this order. The list's own conditions stay: a row
        that stopped matching (or being visible) since the keys were read is left out."""
        found = {row.pk: row for row in self.object_list.filter(pk__in=keys)}
        return [found[key] for key in keys if key in found]
