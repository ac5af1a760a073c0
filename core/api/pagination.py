from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from core.counting import capped_total
from core.ids import as_id
from core.keyset import LAST, InvalidCursor, KeysetPaginator

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50
COUNT_SCHEMA = {
    "count": {"type": "integer", "example": 123},
    "count_is_capped": {
        "type": "boolean",
        "description": "True when there are more rows than `count` (a long list is "
        "counted only up to a limit).",
    },
}


def page_size(request):
    """`page_size` from 1 to 200; a bad one is an error the caller sees, not a silent cap."""
    raw = request.query_params.get("page_size")
    if raw is None:
        return DEFAULT_PAGE_SIZE
    size = as_id(raw) or 0
    if not 1 <= size <= MAX_PAGE_SIZE:
        message = _("Page size must be a whole number from 1 to %d.") % MAX_PAGE_SIZE
        raise ValidationError({"page_size": [message]})
    return size


class BoundedPageNumberPagination(PageNumberPagination):
    """Page numbers, for the short lists (people, departments, a customer's records)."""

    page_size = DEFAULT_PAGE_SIZE
    django_paginator_class = Paginator

    def get_page_size(self, request):
        return page_size(request)

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw != "last" and as_id(raw) is None:
            raise ValidationError({"page": [_("Page must be a positive whole number or 'last'.")]})
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "count_is_capped": False,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"].update(COUNT_SCHEMA)
        return schema


class KeysetPagination(BasePagination):
    """Customer lists, any length (core.keyset): `cursor` from a `next` or `previous` link,
    or `cursor=last` for the last page; the total exact up to COUNT_CAP, otherwise that
    many and `count_is_capped`. The view says how the list is sorted (`get_sort()`) and
    may say how a page's rows are read by id (`load_page(ids)`) and how the list is
    counted (`total(queryset)`, a core.counting.Total)."""

    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        if "page" in request.query_params:
            # A client counting pages would get the first page again and again.
            message = _("This list has no page numbers: follow its next and previous links.")
            raise ValidationError({"page": [message]})
        load = getattr(view, "load_page", None)
        paginator = KeysetPaginator(queryset, view.get_sort(), page_size(request), load=load)
        try:
            self.page = paginator.page(request.query_params.get(self.cursor_query_param))
        except InvalidCursor as error:
            raise ValidationError({self.cursor_query_param: [str(error.message)]}) from error
        count = getattr(view, "total", None)
        self.total = count(queryset) if count else capped_total(queryset)
        return self.page.rows

    def _link(self, cursor):
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_paginated_response(self, data):
        page = self.page
        return Response(
            {
                "count": self.total.value,
                "count_is_capped": self.total.is_capped,
                "next": self._link(page.next_cursor) if page.has_next else None,
                "previous": self._link(page.previous_cursor) if page.has_previous else None,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["count", "count_is_capped", "results"],
            "properties": {
                **COUNT_SCHEMA,
                "next": link,
                "previous": link,
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "A page's position, from a `next` or `previous` link; "
                f"`{LAST}` for the last page.",
                "schema": {"type": "string"},
            },
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1 to {MAX_PAGE_SIZE}.",
                "schema": {"type": "integer"},
            },
        ]
