"""A module of a customer's working record, described once: the pages, tabs and API are
generated from its description (SPEC §9, M8). Each app registers its modules in
records.registry. What one module shows or does differently from the others is a hook of
its description (a column's format or link, a link on each row, its form), so the generic
code never asks which module it is serving."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    """A column of the module's tables."""

    label: object
    path: str  # dotted attribute path of the row, also the column's sorting name
    format: Callable | None = None  # value → text, instead of the usual date/money format
    link: Callable | None = None  # row → URL the cell links to


@dataclass(frozen=True)
class RowLink:
    """A link beside each row of the customer's tab (next to Edit and Delete)."""

    label: object
    url: Callable  # row → URL
    new_tab: bool = False


@dataclass(frozen=True)
class Module:
    key: str  # URL segment and tab name: /api/customers/{id}/<key>/, /<key>/
    position: int  # where its tab stands among the customer's tabs, smallest first
    label: object  # lazy translated plural, for tabs and pages
    singular: object
    service: object
    form_class: type  # a records.forms.RecordForm
    serializer_class: type
    filterset_class: type
    columns: tuple  # of Column, for tables
    related: tuple = ()  # select_related for tables
    # (parameter, label, choices) shown on the customer's tab: filters of filterset_class
    tab_filters: tuple = field(default=())
    decorate: object = None  # rows → rows with what the table needs (annotations)
    summary: object = None  # customer → [(label, value)] shown above the tab's table
    headline: object = None  # customer → [(label, amount)] shown in the customer's header
    row_links: tuple = ()  # of RowLink

    def rows(self, queryset):
        queryset = queryset.select_related(*self.related)
        if self.decorate:
            # Aggregating annotations drop the model's default ordering (not one chosen
            # with order_by): restate whichever the rows had.
            ordering = queryset.query.order_by or self.model._meta.ordering
            queryset = self.decorate(queryset).order_by(*ordering)
        return queryset

    @property
    def column_sorts(self):
        """{column path: its ordering parameter} of the columns its FilterSet sorts by."""
        ordering = self.filterset_class.base_filters.get("ordering")
        if ordering is None:
            return {}
        paths = {field.replace("__", "."): param for param, field in ordering.param_map.items()}
        return {column.path: paths[column.path] for column in self.columns if column.path in paths}

    @property
    def model(self):
        return self.service.model

    @property
    def editable(self):
        """Whether its rows are changed after they are made (attachments are replaced)."""
        return self.service.editable
