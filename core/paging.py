from django.core.paginator import Paginator


class TailFriendlyPaginator(Paginator):
    """Pages past the middle are read backwards from the end: the last page of a million
    rows costs as little as the first, instead of skipping 999,950 index entries."""

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
