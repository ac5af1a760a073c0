"""A dashboard figure is what a list page holds, read through that page's own view: its
visibility and its filters, with the figure's query string. So a figure never counts a
customer or a record its reader could not open, and its link opens the very list it
counts (issue 18, SPEC B5)."""

import copy
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum
from django.http import QueryDict
from django.urls import reverse
from django.utils.http import urlencode


@dataclass(frozen=True)
class ListPage:
    """A list page: its view class (a core.listing.FilteredListView), its URL name and
    the arguments both take (a module key for the records lists)."""

    view: type
    url_name: str
    args: tuple = ()
    view_kwargs: dict = field(default_factory=dict)

    def url(self, params):
        query = QueryDict(mutable=True)
        query.update({key: str(value) for key, value in params.items()})
        encoded = query.urlencode()
        return reverse(self.url_name, args=self.args) + (f"?{encoded}" if encoded else "")

    def urls(self, params, param, values):
        """{value: url(params with `param`=value)} for many values: the page's address and
        `params` made once (a team's 250 people had 750 addresses each made whole, 100 ms
        of the supervisor's home page, benchmark row "dashboard, supervisor")."""
        base = self.url(params)
        joiner = "&" if "?" in base else "?"
        return {value: f"{base}{joiner}{urlencode({param: value})}" for value in values}

    def rows(self, request, params, *, whole=False):
        """The rows the page lists for `request.user` under the query string `params`.
        `whole`: the caller reads most of them (a records list's view then writes its
        visibility for that, customers.querysets.readable_through)."""
        asked = copy.copy(request)
        asked.GET = QueryDict(mutable=True)
        asked.GET.update({key: str(value) for key, value in params.items()})
        view = self.view()
        view.setup(asked, **self.view_kwargs)
        view.whole = whole
        filterset = view.get_filterset()
        if not filterset.is_valid():  # our own query strings: a mistake of ours
            raise ValueError(f"{self.url_name} {params}: {filterset.errors.as_json()}")
        return filterset.qs.order_by()


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: int | Decimal
    url: str
    amount: Decimal | None = None  # the money the rows hold, where they hold some
    note: str | None = None  # when the figure was counted, where not at this moment


def count(request, key, label, page, params, amount=None):
    """The number of rows of `page` under `params`, and the sum of their field `amount`."""
    rows = page.rows(request, params)
    if amount is None:
        return Figure(key, label, rows.count(), page.url(params))
    totals = rows.aggregate(n=Count("pk"), money=Sum(amount))
    return Figure(key, label, totals["n"], page.url(params), totals["money"] or Decimal(0))


def by_group(request, page, params, group, param, amount=None, among=None):
    """{group value: (count, money, url)} for the rows of `page` under `params`, grouped by
    the field `group`; each group's link adds `param`=value, the page's filter for it.
    `among` keeps only these group values (a supervisor's own people)."""
    rows = page.rows(request, params)
    if among is not None:
        rows = rows.filter(**{f"{group}__in": among})
    aggregates = {"n": Count("pk")}
    if amount:
        aggregates["money"] = Sum(amount)
    found = {
        row[group]: (row["n"], row.get("money") or Decimal(0))
        for row in rows.values(group).annotate(**aggregates).order_by()
        if row[group] is not None
    }
    urls = page.urls(params, param, found)
    return {value: (n, money, urls[value]) for value, (n, money) in found.items()}
