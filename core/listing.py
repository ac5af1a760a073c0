"""A list page: one FilterSet drives quick search and combined query; column sorting,
paging with a page size and a total, an HTMX partial for in-place updates, and a
print-friendly rendering of the current page (SPEC L1–L6, M7)."""

from django.views.generic import TemplateView

from .paging import TailFriendlyPaginator

PAGE_SIZES = (20, 50, 100, 200)
DEFAULT_PAGE_SIZE = 20


class FilteredListView(TemplateView):
    filterset_class = None
    template_name = "core/list_page.html"
    partial_template_name = "core/list_region.html"
    print_template_name = "core/list_print.html"
    default_ordering = ("name", "id")
    title = ""
    columns = ()  # (ordering name or None, label, template of the cell)

    def base_queryset(self):
        raise NotImplementedError

    def decorate(self, rows):
        """select_related/prefetch for what the row template shows."""
        return rows

    def page_size(self):
        raw = self.request.GET.get("page_size", "")
        return int(raw) if raw.isdigit() and int(raw) in PAGE_SIZES else DEFAULT_PAGE_SIZE

    def get_filterset(self):
        # Always bound, so an empty query string is valid and lists everything.
        return self.filterset_class(
            self.request.GET, queryset=self.base_queryset(), request=self.request
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.get_filterset()
        rows = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        if not self.request.GET.get("ordering"):
            rows = rows.order_by(*self.default_ordering)
        paginator = TailFriendlyPaginator(self.decorate(rows), self.page_size())
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            filterset=filterset,
            filter_errors=filterset.errors,
            page_obj=page,
            rows=page.object_list,
            page_sizes=PAGE_SIZES,
            current_page_size=self.page_size(),
            ordering=self.request.GET.get("ordering", ""),
            title=self.title,
            columns=self.columns,
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
