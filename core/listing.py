"""A list page: one FilterSet drives quick search and combined query; column sorting,
paging with a page size and a total, an HTMX partial for in-place updates, and a
print-friendly rendering of the current page (SPEC L1–L6, M7)."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from .counting import Total
from .replica import ListReadsFromReplica

PAGE_SIZES = (20, 50, 100, 200)
DEFAULT_PAGE_SIZE = 20


@dataclass(frozen=True)
class Paging:
    """What the page's navigation links to: the values of the query parameter `param` for
    the first, previous, next and last page (None: no such page; the first page is the
    list without the parameter), the total, and the page's number when it has one."""

    param: str
    rows: list
    total: Total
    previous: str | None
    next: str | None
    last: str | None
    number: int | None = None
    pages: int | None = None

    @property
    def has_previous(self):
        return self.previous is not None

    @property
    def has_next(self):
        return self.next is not None


def numbered_paging(rows, size, number):
    """Page numbers: for lists short enough to count (a module's records)."""
    page = Paginator(rows, size).get_page(number)
    paginator = page.paginator
    return Paging(
        param="page",
        rows=list(page.object_list),
        total=Total(paginator.count),
        previous=str(page.previous_page_number()) if page.has_previous() else None,
        next=str(page.next_page_number()) if page.has_next() else None,
        last=str(paginator.num_pages) if page.has_next() else None,
        number=page.number,
        pages=paginator.num_pages,
    )


def requested_page_size(request):
    """The page size the query string asks for, when it is one the lists offer."""
    raw = request.GET.get("page_size", "")
    return int(raw) if raw.isdigit() and int(raw) in PAGE_SIZES else DEFAULT_PAGE_SIZE


def paging_context(paging, size):
    """What the paging partial (customers/_pagination.html) needs to show `paging`."""
    return {
        "paging": paging,
        "paging_links": (
            ("first", _("First"), paging.has_previous),
            ("previous", _("Previous"), paging.has_previous),
            ("next", _("Next"), paging.has_next),
            ("last", _("Last"), paging.has_next),
        ),
        "rows": paging.rows,
        "page_sizes": PAGE_SIZES,
        "current_page_size": size,
    }


def in_one_order(rows):
    """`rows` in their chosen order, ties broken by primary key: offset paging then
    shows every row on exactly one page."""
    ordering = list(rows.query.order_by or rows.model._meta.ordering)
    if not {"pk", "-pk", "id", "-id"} & set(ordering):
        ordering.append("pk")
    return rows.order_by(*ordering)


def filtered_page(request, filterset_class, queryset, finish=None):
    """One numbered page of `queryset` as the query string searches, filters and sorts
    it through `filterset_class`, for a list shown inside another page (a customer's
    tab): the context of the list partials. `finish` adds to the chosen rows what their
    table shows (joins, annotations). A parameter that is not valid is left out, and the
    errors say why: a link or address that went stale still shows the list."""
    filterset = filterset_class(request.GET, queryset=queryset, request=request)
    rows = in_one_order(filterset.qs)
    size = requested_page_size(request)
    paging = numbered_paging(finish(rows) if finish else rows, size, request.GET.get("page"))
    return {
        "filterset": filterset,
        "filter_errors": filterset.errors,
        **paging_context(paging, size),
    }


class FilteredListView(ListReadsFromReplica, TemplateView):
    filterset_class = None
    template_name = "core/list_page.html"
    partial_template_name = "core/list_region.html"
    print_template_name = "core/list_print.html"
    default_ordering = ("name", "id")
    title = ""

    def base_queryset(self):
        raise NotImplementedError

    def decorate(self, rows):
        """select_related/prefetch for what the row template shows."""
        return rows

    def page_size(self):
        return requested_page_size(self.request)

    def get_filterset(self):
        # Always bound, so an empty query string is valid and lists everything.
        return self.filterset_class(
            self.request.GET, queryset=self.base_queryset(), request=self.request
        )

    def paginate(self, rows, filterset):
        """The Paging of the current page of `rows`."""
        if not self.request.GET.get("ordering"):
            rows = rows.order_by(*self.default_ordering)
        return numbered_paging(self.decorate(rows), self.page_size(), self.request.GET.get("page"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.get_filterset()
        rows = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        paging = self.paginate(rows, filterset)
        context.update(
            filterset=filterset,
            filter_errors=filterset.errors,
            **paging_context(paging, self.page_size()),
            ordering=self.request.GET.get("ordering", ""),
            title=self.title,
            advanced_open=any(
                self.request.GET.get(name) for name in filterset.filters if name != "search"
            )
            and "ordering" not in self.request.GET,
        )
        return context

    def get_template_names(self):
        if self.request.GET.get("print"):
            return [self.print_template_name]
        htmx = getattr(self.request, "htmx", None)
        if htmx and not htmx.history_restore_request and htmx.target == "list-region":
            return [self.partial_template_name]
        return [self.template_name]

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["Vary"] = "HX-Request"
        return response
