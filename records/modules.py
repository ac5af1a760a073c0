"""A module of a customer's working record, described once: the pages, tabs and API are
generated from its description (SPEC §9, M8). Each app registers its modules in
records.registry."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Module:
    key: str  # URL segment and tab name: /api/customers/{id}/<key>/, /<key>/
    position: int  # where its tab stands among the customer's tabs, smallest first
    label: object  # lazy translated plural, for tabs and pages
    singular: object
    service: object
    form_class: type
    serializer_class: type
    filterset_class: type
    columns: tuple  # (label, attribute path) for tables
    related: tuple = ()  # select_related for tables
    search_hint: object = ""
    tab_filters: tuple = field(default=())  # (parameter, label, choices) on the customer tab
    decorate: object = None  # rows → rows with what the table needs (annotations)
    summary: object = None  # customer → [(label, value)] shown above the tab's table

    def rows(self, queryset):
        queryset = queryset.select_related(*self.related)
        if self.decorate:
            # Aggregating annotations drop the model's default ordering: restate it.
            queryset = self.decorate(queryset).order_by(*self.model._meta.ordering)
        return queryset

    @property
    def model(self):
        return self.service.model
